"""Every file of ../shared/corpus/real/ handled as its README says (issue #13).

Each case imports one real file (with the options the README names) into a copy of the corpus's
"units" database, plus the chi bộ those files name, and checks the exit code, what the message
names (and must not name), and what the database gained. Cases the current code gets wrong are
listed in known_gaps.yaml under `real/<case id>` and expected to fail strictly.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.foreign.generate import COUNTED, VAN_LOC
from tests.foreign.harness import checkpoint, counts, fold, known_gaps, run_cli, url
from tests.foreign.writers import Sheet, write

ROOT = Path(__file__).resolve().parents[2]
# ../shared/corpus/real beside the repository (one level further up from a git worktree in wt/).
REAL = next(
    (p for p in (ROOT.parent / "shared/corpus/real", ROOT.parents[1] / "shared/corpus/real")
     if p.is_dir()),
    ROOT.parent / "shared/corpus/real",
)  # fmt: skip
if not REAL.is_dir():
    pytest.skip("../shared/corpus/real is absent", allow_module_level=True)

GAPS = known_gaps()
# The chi bộ the real files name, under Đảng bộ xã Vạn Lộc of the corpus's province.
REAL_UNITS = ["Chi bộ 01", "Chi bộ 02", "Chi bộ Khoa học cơ bản"]
NO_DATA = "không có dòng dữ liệu"  # the wording chosen for a list with a header and no rows


@dataclass
class Case:
    id: str
    file: str
    args: list[str]
    code: int
    must: list[str] = field(default_factory=list)  # fragments the output holds
    must_not: list[str] = field(default_factory=list)  # fragments it must not hold
    added: dict[str, int] = field(default_factory=dict)  # rows added per table (others: none)
    problems_at_most: int | None = None  # listed problems ("- …" lines) at most
    members: list[tuple[str, str]] = field(default_factory=list)  # card, name
    orgs: list[tuple[str, str, str]] = field(default_factory=list)  # name, code, parent


UNIT = ["--unit", VAN_LOC]
CASES = [
    Case(
        "noi-bai-template",
        "roster-template-noi-bai.xlsx",
        ["--unit", "Chi bộ thôn Đông"],
        3,
        must=[NO_DATA, "Họ và tên", "Ngày tháng năm sinh"],
        must_not=["bỏ trống", '"(4)"', '"(11)"', '"Ngày kết nạp"'],
    ),
    Case(
        "phuong-10-forms",
        "forms-phuong-10-quan-5.xls",
        ["--unit", "Chi bộ thôn Đông"],
        3,
        must=[NO_DATA, "Tke Ds Dang Vien (BM2)", "Tke Ds Dang Vien (BM3)", "HỌ TÊN ĐANG DÙNG"],
        must_not=["Chi bộ: / CHI BỘ", "Tuổi Đảng: /", "bỏ trống"],
    ),
    Case(
        "desktop-app-1",
        "export-desktop-app-1.csv",
        UNIT,
        3,
        must=["dòng 2", "dòng 3", "dòng 4", '"11111"', '"1111"', "5 chữ số", "4 chữ số"],
    ),
    Case(
        "desktop-app-2",
        "export-desktop-app-2.csv",
        UNIT,
        3,
        must=["dòng 3", "dòng 4", "dòng 5", '"11111"', "07/02/1999", "05/05/1999"],
    ),
    Case(
        "desktop-app-2 --skip-bad-rows",
        "export-desktop-app-2.csv",
        [*UNIT, "--skip-bad-rows"],
        0,
        must=["dòng 3", "dòng 4", "dòng 5", "11 chữ số", "07/02/1999"],
        added={"member": 1, "roster_entry": 1},
        members=[("07022002112", "Đào Ngọc Diễm")],
    ),
    Case(
        "snake-case-chi-bo",
        "chi-bo-list-snake-case.xlsx",
        UNIT,
        0,
        added={"organization": 2},
        orgs=[
            ("Chi bộ công nghệ thủy sản", "CBCNTS", VAN_LOC),
            ("Chi bộ công nghệ thông tin truyền thông", "CBCNTTTT", VAN_LOC),
        ],
    ),
    Case(
        "snake-case-chi-bo without --unit",
        "chi-bo-list-snake-case.xlsx",
        [],
        3,
        must=["--unit", "Chi bộ công nghệ thủy sản"],
        must_not=["không tìm thấy dòng tiêu đề"],
    ),
    Case(
        "nhap-lieu-4.0",
        "roster-file-nhap-lieu-4.0.xlsx",
        [],
        3,
        must=["370123450003", "dòng 11", "dòng 14", "370123450005", "dòng 16", "dòng 17"],
        must_not=["bỏ trống"],
    ),
    Case(
        "nhap-lieu-4.0 --skip-bad-rows",
        "roster-file-nhap-lieu-4.0.xlsx",
        ["--skip-bad-rows"],
        0,
        must=["dòng 11", "dòng 14"],
        must_not=["bỏ trống"],
        added={"member": 4, "roster_entry": 4},
        members=[
            ("370123000000", "BÍ THƯ CHI BỘ (QUẢN TRỊ HỆ THỐNG)"),
            ("370123450001", "NGUYỄN THỊ THU TRÂM"),
        ],
    ),
    Case(
        "upper-system-export",
        "roster-upper-system-export.xlsx",
        [],
        3,
        must=["Chi bộ Văn phòng", "Chi bộ Phòng quản lý khoa học", "--create-units"],
        problems_at_most=1,
    ),
    Case(
        "camel-case-chi-bo",
        "chi-bo-list-camel-case.xlsx",
        UNIT,
        0,
        added={"organization": 5},
        orgs=[("Bo Y Te", "001", VAN_LOC), ("Bo Quoc Phong", "005", VAN_LOC)],
    ),
    Case(
        "bieu-1",
        "blank-bieu-1-btctw.xlsx",
        [],
        3,
        must=["thống kê"],
        must_not=["không tìm thấy dòng tiêu đề"],
    ),
    Case(
        "bieu-3",
        "blank-bieu-3-btctw.xlsx",
        [],
        3,
        must=["thống kê"],
        must_not=["không tìm thấy dòng tiêu đề"],
    ),
]


def test_every_real_file_has_a_case():
    files = {p.name for p in REAL.iterdir() if p.suffix != ".md"}
    assert files == {c.file for c in CASES}


def test_known_gaps_name_real_cases():
    real = {k for k in GAPS if k.startswith("real/")}
    assert real <= {f"real/{c.id}" for c in CASES}


@pytest.fixture(scope="module")
def real_template(templates, tmp_path_factory) -> Path:
    """The corpus's "units" database plus the chi bộ the real files name."""
    folder = tmp_path_factory.mktemp("real")
    db = folder / "real.db"
    shutil.copyfile(templates["units"], db)
    rows = [["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc"]]
    rows += [[i, name, "Chi bộ trực thuộc", VAN_LOC] for i, name in enumerate(REAL_UNITS, 1)]
    orgs = write(folder / "chi-bo-them.xlsx", [Sheet("TC", rows)])
    code, output = run_cli("import", orgs, "--db", url(db))
    assert code == 0, output
    checkpoint(db)
    return db


def _param(case):
    gap = GAPS.get(f"real/{case.id}")
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_real_file(case, real_template, tmp_path):
    problems = check(case, real_template, tmp_path)
    assert not problems, "\n".join(problems)


def check(case: Case, template: Path, work: Path) -> list[str]:
    db = work / "tcxd.db"
    shutil.copyfile(template, db)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        before = counts(conn)
    code, output = run_cli("import", REAL / case.file, *case.args, "--db", url(db))
    text = fold(output)
    problems = []
    if code != case.code:
        problems.append(f"exit code {code}, expected {case.code}")
    problems += [f"output lacks {m!r}" for m in case.must if fold(m) not in text]
    problems += [f"output holds {m!r}" for m in case.must_not if fold(m) in text]
    listed = [line for line in output.splitlines() if line.strip().startswith("- ")]
    if case.problems_at_most is not None and len(listed) > case.problems_at_most:
        problems.append(f"{len(listed)} problems listed, expected at most {case.problems_at_most}")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        after = counts(conn)
        added = {t: after[t] - before[t] for t in COUNTED if after[t] != before[t]}
        if added != case.added:
            problems.append(f"added {added}, expected {case.added}")
        for card, name in case.members:
            row = conn.execute("SELECT full_name FROM member WHERE card_number = ?", (card,))
            found = row.fetchone()
            if found is None or fold(found[0]) != fold(name):
                problems.append(f"member with card {card}: {found}, expected {name!r}")
        for name, org_code, parent in case.orgs:
            rows = conn.execute(
                "SELECT o.code, p.name FROM organization o"
                " JOIN organization_parent op ON op.org_id = o.id AND op.valid_to IS NULL"
                " JOIN organization p ON p.id = op.parent_id WHERE o.name = ?",
                (name,),
            ).fetchall()
            if rows != [(org_code, parent)]:
                problems.append(f"organisation {name!r}: {rows}, expected {[(org_code, parent)]}")
    if problems:
        problems.append(output)
    return problems
