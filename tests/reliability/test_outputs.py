"""Outputs (spec quality.md: formula injection, privacy): every workbook tcxd writes is opened as a
zip and scanned. Imported text that starts with = + - @, a tab or a CR is written as text: no
`<f>` formula element and no hyperlink relationship anywhere, and the text is there as it was
given. No CCCD number of the database appears in a roll-up workbook or its JSON twin. The database
file, and its -wal and -shm files, are readable by their owner only."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

import pytest

from tests.reliability.helpers import rows, run_tcxd, sqlite_url
from tests.sheets import write_xlsx

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
# Unit and member names that a spreadsheet would take for formulas or links.
HOSTILE = ['=HYPERLINK("http://x.invalid","bam")', "+1", "@SUM(A1)", "-2+3", "\tTab", "\rCR"]
CHI_BO = ['=HYPERLINK("x") Chi bộ', "+1 Chi bộ", "@SUM(A1) Chi bộ", "-2+3 Chi bộ"]
NOTES = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", "-1", "\t=2", "\r=3"]


def _organizations(folder: Path) -> Path:
    rows_ = [
        ["DANH SÁCH TỔ CHỨC ĐẢNG"],
        ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
    ]
    for number, name in enumerate(CHI_BO, start=1):
        rows_.append([number, name, "Chi bộ cơ sở", DISTRICT, "Xã"])
    return write_xlsx(folder / "to-chuc.xlsx", rows_, sheet="TC")


def _roster(folder: Path, unit: str, members: list[list]) -> Path:
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Số CCCD",
              "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"]  # fmt: skip
    grid = [[unit], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 31/12/2024"], [], header]
    grid += [[n, *m] for n, m in enumerate(members, start=1)]
    return write_xlsx(folder / "DSDV.xlsx", grid)


def _evaluations(folder: Path, unit: str, members: list[list]) -> Path:
    header = ["STT", "Họ và tên", "Số thẻ đảng viên", "Điểm", "Xếp loại"]
    grid = [[unit], ["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"], [], header]
    grid += [[n, m[0], m[3], 92, "Hoàn thành tốt nhiệm vụ"] for n, m in enumerate(members, 1)]
    return write_xlsx(folder / "XL 2025.xlsx", grid)


@pytest.fixture(scope="module")
def hostile_province(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs")
    db = root / "tcxd.db"
    run = run_tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db)
    assert run.code == 0, run.output
    files = root / "files"
    _organizations(files)
    card = 1000
    for index, unit in enumerate(CHI_BO):
        members = []
        for offset, name in enumerate(HOSTILE):
            card += 1
            members.append(
                [f"{name} Văn {chr(65 + index)}{offset}", "05/03/1980", "Nam", f"{card:08d}",
                 f"0010800{card:05d}", "01/02/2005", "01/02/2006", NOTES[offset]]
            )  # fmt: skip
        folder = files / unit  # the folder names the unit (title rows name it too)
        _roster(folder, unit, members)
        _evaluations(folder, unit, members)
    run = run_tcxd("import", files, "--db", db)
    assert run.code == 0, run.output
    out = root / "out"
    run = run_tcxd("classify", "--year", "2025", "--out", out / "xep-loai", "--db", db)
    assert run.code == 0, run.output
    run = run_tcxd("report", "--period", "year", "--year", "2025", "--format", "all",
                   "--out", out / "bao-cao", "--db", db)  # fmt: skip
    assert run.code == 0, run.output
    run = run_tcxd("report", "--period", "q4", "--year", "2024", "--format", "all",
                   "--out", out / "bao-cao", "--db", db)  # fmt: skip
    assert run.code == 0, run.output
    return {"db": db, "out": out}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_HYPERLINK_REL = re.compile(rb"relationships/hyperlink")


def _scan_workbook(path: Path) -> str:
    """Assert no formula and no hyperlink in the workbook; its text (shared and inline strings)."""
    parts = _parts(path)
    texts = []
    for name, data in parts.items():
        if name.startswith("xl/charts/"):
            continue  # chart series refer to cell ranges (<c:f>): tcxd's own layout, not text
        assert not _FORMULA.search(data), f"{path.name}: formula in {name}"
        assert not _HYPERLINK_REL.search(data), f"{path.name}: hyperlink in {name}"
        assert b"<hyperlink" not in data, f"{path.name}: hyperlink in {name}"
        if name.endswith(".xml"):
            texts.append(data.decode("utf-8"))
    return "\n".join(texts)


def _unescape(xml: str) -> str:
    import html

    text = re.sub(r"_x000([0-9A-Fa-f])_", lambda m: chr(int(m[1], 16)), xml)
    return html.unescape(text)


def test_every_workbook_has_no_formula_and_no_link(hostile_province):
    workbooks = sorted(hostile_province["out"].rglob("*.xlsx"))
    assert len(workbooks) >= 5  # classify + 2 periods × (district + province)
    for path in workbooks:
        _scan_workbook(path)
    # The chart parts exist and their formulas only point at tcxd's own sheets.
    for path in workbooks:
        for name, data in _parts(path).items():
            if name.startswith("xl/charts/"):
                for reference in re.findall(rb"<c:f>([^<]*)</c:f>", data):
                    assert not reference.lstrip().startswith((b"=", b"+", b"-", b"@")), reference


def test_hostile_names_are_written_as_text(hostile_province):
    db = sqlite_url(hostile_province["db"])
    names = [r[0] for r in rows(db, "SELECT full_name FROM member")]
    units = [
        r[0] for r in rows(db, "SELECT name FROM organization WHERE org_type = 'chi_bo_co_so'")
    ]
    assert sorted(units) == sorted(CHI_BO)
    # Stored as given (only the tab / CR of the last two are cleaned away by reading).
    for prefix in ("=HYPERLINK", "+1", "@SUM(A1)", "-2+3"):
        assert any(n.startswith(prefix) for n in names), prefix
    classify = "".join(
        _unescape(_scan_workbook(path))
        for path in (hostile_province["out"] / "xep-loai").rglob("*.xlsx")
    )
    for name in names:
        assert name in classify, name
    for unit in CHI_BO:
        assert unit in classify, unit
    district = [
        p for p in (hostile_province["out"] / "bao-cao").rglob("*.xlsx") if "phu-an" in p.name
    ]
    assert district
    for path in district:
        text = _unescape(_scan_workbook(path))
        for unit in CHI_BO:
            assert unit in text, (path.name, unit)


def test_no_cccd_in_any_roll_up_workbook_or_twin(hostile_province):
    ids = [r[0] for r in rows(sqlite_url(hostile_province["db"]), "SELECT citizen_id FROM member")]
    ids = [i for i in ids if i]
    assert len(ids) == len(HOSTILE) * len(CHI_BO)
    outputs = list((hostile_province["out"] / "bao-cao").rglob("*"))
    scanned = 0
    for path in outputs:
        if path.suffix == ".xlsx":
            blob = b"".join(_parts(path).values())
        elif path.suffix == ".json":
            blob = path.read_bytes()
        else:
            continue
        scanned += 1
        for citizen in ids:
            assert citizen.encode() not in blob, f"CCCD {citizen} in {path.name}"
            spaced = " ".join(citizen[i : i + 3] for i in range(0, 12, 3)).encode()
            assert spaced not in blob
    assert scanned >= 4


def test_cccd_not_in_the_classify_list_either(hostile_province):
    ids = [r[0] for r in rows(sqlite_url(hostile_province["db"]), "SELECT citizen_id FROM member")]
    lists = list((hostile_province["out"] / "xep-loai").rglob("*.xlsx"))
    assert lists
    blob = b"".join(b"".join(_parts(path).values()) for path in lists)
    for citizen in ids:
        assert citizen.encode() not in blob


def test_the_sample_province_reports_have_no_formula_link_or_cccd(tmp_path):
    """The bundled sample province, imported, classified and reported as a clerk would."""
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    db = tmp_path / "tcxd.db"
    assert run_tcxd("init", "--config", sample / "tinh.yaml", "--db", db).code == 0
    run = run_tcxd("import", sample, "--db", db, timeout=600)
    assert run.code in (0, 3), run.output  # the sample is messy on purpose
    assert run_tcxd("classify", "--year", "2025", "--out", tmp_path / "xl", "--db", db).code == 0
    out = tmp_path / "bao-cao"
    run = run_tcxd("report", "--period", "year", "--year", "2025", "--format", "all",
                   "--out", out, "--db", db)  # fmt: skip
    assert run.code == 0, run.output
    ids = [r[0] for r in rows(sqlite_url(db), "SELECT citizen_id FROM member") if r[0]]
    assert ids
    for path in [*(tmp_path / "xl").rglob("*.xlsx"), *out.rglob("*.xlsx")]:
        _scan_workbook(path)
    for path in [*out.rglob("*.xlsx"), *out.rglob("*.json")]:
        blob = b"".join(_parts(path).values()) if path.suffix == ".xlsx" else path.read_bytes()
        for citizen in ids:
            assert citizen.encode() not in blob, f"CCCD in {path.name}"


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_wal_and_shm_are_private(tmp_path):
    """0600 for the file `tcxd init` creates, and for the -wal and -shm SQLite adds beside it,
    whatever the umask."""
    old = os.umask(0o022)
    try:
        db = tmp_path / "tcxd.db"
        assert run_tcxd("init", "--province", PROVINCE, "--db", db).code == 0
        assert _mode(db) == 0o600
        import sqlite3

        holder = sqlite3.connect(db)  # keeps -wal and -shm in place while we look
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("CREATE TABLE IF NOT EXISTS t_probe (x)")
        holder.commit()
        try:
            run = run_tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db)
            assert run.code == 0, run.output
            for suffix in ("-wal", "-shm"):
                side = Path(f"{db}{suffix}")
                assert side.exists(), suffix
                assert _mode(side) == 0o600, f"{suffix}: {oct(_mode(side))}"
        finally:
            holder.execute("DROP TABLE t_probe")
            holder.commit()
            holder.close()
    finally:
        os.umask(old)
