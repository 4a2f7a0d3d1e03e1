"""`tcxd classify --out DIR`: printable lists per TCCSĐ and chi bộ, a decision sheet per
committee, the province's roll-up (spec reports.md, "Reports a clerk can sign")."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, text

from tcxd.cli import main
from tcxd.core.text import slug
from tcxd.sample import generate

MEMBER_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Nghề nghiệp, chức vụ", "Điểm", "Mức xếp loại"]
MEMBER_HEADER += ["Lý do", "Ghi chú"]
YEAR = "WHERE year = 2025 AND quarter = 0"
SHOWN_LEVELS = {"HTXSNV", "HTTNV", "HTNV", "KHTNV", "Chờ quyết định", "Không xếp loại"}


def _run(*args) -> int:
    try:
        main([str(a) for a in args])
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    """A small clean province, imported, rated, and its lists written."""
    folder = tmp_path_factory.mktemp("lists")
    generate(folder / "files", members=300, seed=3, mess=False)
    db = folder / "tcxd.db"
    assert _run("init", "--config", folder / "files" / "tinh.yaml", "--db", db) == 0
    assert _run("import", folder / "files", "--db", db) == 0
    assert _run("classify", "--year", "2025", "--db", db, "--out", folder / "out") == 0
    return db, folder / "out" / "xep-loai-2025"


def _query(db, sql, **params):
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).fetchall()
    engine.dispose()
    return rows


def _districts(db) -> dict[int, str]:
    return dict(_query(db, "SELECT id, name FROM organization WHERE org_type = 'district'"))


def _parents(db) -> dict[int, int]:
    return dict(
        _query(db, "SELECT org_id, parent_id FROM organization_parent WHERE valid_to IS NULL")
    )


def _in_district(parents, org_id, district_id) -> bool:
    """A chi bộ cơ sở / đảng bộ cơ sở of the district, or a chi bộ of one of those."""
    parent = parents.get(org_id)
    return district_id in (parent, parents.get(parent))


def _grid(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _table(grid, first_header="STT"):
    """(header row, body rows with a number in STT) of a list sheet."""
    top = next(i for i, row in enumerate(grid) if str(row[0]).strip() == first_header)
    body = []
    for row in grid[top + 2 :]:  # header, column numbers
        if not any(str(c).strip() for c in row):
            break
        body.append(row)
    return [str(c) for c in grid[top]], body


def _numbered(body):
    return [row for row in body if re.fullmatch(r"\d+", str(row[0]).strip())]


def test_one_workbook_per_committee_and_one_for_the_province(tcxd, lists, tmp_path):
    db, folder = lists
    expected = {f"{slug(name)}.xlsx" for name in _districts(db).values()} | {"tinh.xlsx"}
    assert {p.name for p in folder.iterdir()} == expected
    result = tcxd("classify", "--year", "2025", "--db", db, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    message = f"Đã ghi 4 tệp danh sách kết quả vào thư mục {tmp_path / 'xep-loai-2025'}."
    assert message in result.stdout


def test_an_xlsx_name_given_to_out_is_refused(tcxd, lists, tmp_path):
    db, _ = lists
    result = tcxd("classify", "--year", "2025", "--db", db, "--out", tmp_path / "kq.xlsx")
    assert result.exit_code == 2
    assert f'--out cần một thư mục, không phải tệp ("{tmp_path / "kq.xlsx"}").' in result.stderr
    assert not (tmp_path / "kq.xlsx").exists()


def test_a_sheet_per_tccsd_and_per_chi_bo_with_every_rated_member(lists):
    db, folder = lists
    parents = _parents(db)
    names = dict(_query(db, "SELECT id, name FROM organization"))
    types = dict(_query(db, "SELECT id, org_type FROM organization"))
    per_org = dict(_query(db, f"SELECT org_id, COUNT(*) FROM member_rating {YEAR} GROUP BY org_id"))
    for district_id, district in _districts(db).items():
        path = folder / f"{slug(district)}.xlsx"
        sheets = CalamineWorkbook.from_path(str(path)).sheet_names
        assert sheets[:2] == ["Tổ chức đảng", "Quyết định"]
        assert len(sheets) == len(set(s.casefold() for s in sheets))
        assert all(len(s) <= 31 and not re.search(r"[\[\]:*?/\\]", s) for s in sheets)
        tccsd = {o for o in per_org if parents.get(o) == district_id}
        tccsd |= {parents[o] for o in per_org if parents.get(parents.get(o)) == district_id}
        chi_bo = {o for o in per_org if parents.get(parents.get(o)) == district_id}
        assert len(sheets) == 2 + len(tccsd) + len(chi_bo)
        seen = 0
        for sheet in sheets[2:]:
            grid = _grid(path, sheet)
            # the unit from the party header: its superior's name, then its own
            unit = next(
                o
                for o in tccsd | chi_bo
                if str(grid[1][0]) == names[o].upper().replace("ĐẢNG BỘ", "ĐẢNG ỦY", 1)
                and str(grid[0][0]) == names[parents[o]].upper()
            )
            header, body = _table(grid)
            assert header == MEMBER_HEADER
            members = _numbered(body)
            expected = per_org.get(unit, 0) + sum(
                n for o, n in per_org.items() if parents.get(o) == unit
            )
            assert len(members) == expected, sheet
            assert {row[5] for row in members} <= SHOWN_LEVELS
            assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}|\d{4}", row[2]) for row in members)
            assert all(row[6].strip() for row in members)  # a reason on every row
            cells = {str(c) for row in grid for c in row}
            assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "*" in cells
            if unit in chi_bo or types[unit] == "chi_bo_co_so":
                assert {"T/M CHI ỦY", "BÍ THƯ"} <= cells
            else:
                assert {"T/M ĐẢNG ỦY", "BÍ THƯ"} <= cells
                assert [row[1] for row in body if row[0] == "I"]  # grouped by chi bộ
            if unit in chi_bo or types[unit] == "chi_bo_co_so":
                seen += len(members)
        rated = sum(n for o, n in per_org.items() if _in_district(parents, o, district_id))
        assert seen == rated  # every member once on a chi bộ list


def test_the_decision_sheet_lists_the_capped_and_the_pending(lists):
    db, folder = lists
    parents = _parents(db)
    capped_total = 0
    for district_id, district in _districts(db).items():
        path = folder / f"{slug(district)}.xlsx"
        grid = _grid(path, "Quyết định")
        header, body = _table(grid)
        assert header[-1] == "Quyết định của cấp ủy"
        sections = [i for i, row in enumerate(body) if row[0] in ("I", "II")]
        assert len(sections) == 2
        lowered = _numbered(body[sections[0] : sections[1]])
        pending = _numbered(body[sections[1] :])
        ratings = _query(
            db,
            f"SELECT org_id, capped, status FROM member_rating {YEAR} "
            f"UNION ALL SELECT org_id, capped, status FROM organization_rating {YEAR}",
        )
        ours = [(c, s) for o, c, s in ratings if _in_district(parents, o, district_id)]
        capped = sum(1 for c, _ in ours if c)
        waiting = sum(1 for _, s in ours if s == "needs_decision")
        assert len(lowered) == capped
        assert len(pending) == waiting
        assert all(row[5] == "HTXSNV" and row[6] == "HTTNV" for row in lowered)
        assert all(row[6] == "Chờ quyết định" and not row[8] for row in pending)
        assert "T/M BAN THƯỜNG VỤ" in {str(c) for row in grid for c in row}
        capped_total += capped
    assert capped_total > 0  # the sample has members lowered by the cap


def test_the_province_workbook_is_the_ban_to_chuc_roll_up(lists):
    db, folder = lists
    path = folder / "tinh.xlsx"
    assert CalamineWorkbook.from_path(str(path)).sheet_names == [
        "Tổng hợp",
        "Đảng bộ trực thuộc",
        "Quyết định",
    ]
    grid = _grid(path, "Tổng hợp")
    _, body = _table(grid)
    total = next(row for row in body if row[1] == "Tổng cộng")
    assert total[2] == _query(db, f"SELECT COUNT(*) FROM member_rating {YEAR}")[0][0]
    cells = {str(c) for row in grid for c in row}
    assert {"BAN TỔ CHỨC", "TRƯỞNG BAN"} <= cells


def test_every_sheet_is_set_up_to_print(lists):
    _, folder = lists
    for path in folder.iterdir():
        workbook = load_workbook(path)
        for ws in workbook.worksheets:
            setup = ws.page_setup
            assert setup.paperSize == 9, (path.name, ws.title)
            assert setup.orientation in ("portrait", "landscape")
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            # one page wide (fitToWidth left out means 1 in OOXML), as many pages long as needed
            assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
            assert ws.print_title_rows  # header rows repeated on every page
            assert "Trang &P" in ws.oddFooter.center.text
            # numbered from 1 on each sheet (firstPageNumber left out means 1)
            assert setup.useFirstPageNumber and setup.firstPageNumber in (None, 1)
            header_row = int(ws.print_title_rows.split(":")[0].lstrip("$"))
            titles = [c.value for c in ws[header_row]]
            if "Lý do" in titles:
                column = titles.index("Lý do") + 1
                reasons = [
                    ws.cell(r, column)
                    for r in range(header_row + 2, ws.max_row + 1)
                    if ws.cell(r, column).value
                ]
                assert reasons and all(c.alignment.wrap_text for c in reasons)
                assert ws.column_dimensions[get_column_letter(column)].width >= 40


def test_no_cccd_in_any_list(lists):
    db, folder = lists
    ids = {r[0] for r in _query(db, "SELECT citizen_id FROM member") if r[0]}
    assert ids
    for path in folder.iterdir():
        workbook = CalamineWorkbook.from_path(str(path))
        cells = " ".join(
            str(c)
            for sheet in workbook.sheet_names
            for row in workbook.get_sheet_by_name(sheet).to_python()
            for c in row
        )
        assert not any(i in cells for i in ids), path.name


def test_a_unit_run_writes_only_that_committees_workbook(tcxd, lists, tmp_path):
    db, _ = lists
    district = sorted(_districts(db).values())[0]
    result = tcxd("classify", "--year", "2025", "--unit", district, "--db", db, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "xep-loai-2025"
    assert [p.name for p in folder.iterdir()] == [f"{slug(district)}.xlsx"]
    assert f"Đã ghi 1 tệp danh sách kết quả vào thư mục {folder}." in result.stdout


def test_a_quarter_goes_to_its_own_folder(tcxd, lists, tmp_path):
    db, _ = lists
    # classify refuses a quarter without evaluations (docs/report-trust.md): the units' year
    # results stand in for quarterly ones here
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(member_evaluation)"))]
        copied = ", ".join("2" if c == "quarter" else c for c in columns if c != "id")
        names = ", ".join(c for c in columns if c != "id")
        conn.execute(
            text(
                f"INSERT INTO member_evaluation ({names}) SELECT {copied} "
                "FROM member_evaluation WHERE year = 2025 AND quarter = 0"
            )
        )
    engine.dispose()
    result = tcxd("classify", "--year", "2025", "--quarter", "2", "--db", db, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xep-loai-2025-q2" / "tinh.xlsx").exists()
