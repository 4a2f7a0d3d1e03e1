"""`tcxd lock` / `tcxd unlock`: a period closed after its report was sent, a late file that
changes it (import summary, `tcxd check`), and the report of the locked period (figures as sent,
with the current figure and the difference beside each changed one)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, text
from tests.sheets import write_xlsx

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng",
          "Ngày chính thức", "Dân tộc"]  # fmt: skip
AN = ["Nguyễn Văn An", "05/03/1980", "Nam", "01234567", "01/02/2005", "01/02/2006", "Kinh"]
BINH = ["Trần Thị Bình", "12/07/1975", "Nữ", "00234568", "03/04/2010", "03/04/2011", "Tày"]
D_LABEL = "Tổng số đảng viên cuối kỳ (D = A + B − C) (D)"
B1_LABEL = "Kết nạp (kể cả kết nạp lại) (B1)"


def table_rows(output: str) -> list[list[str]]:
    """The body rows of the Rich tables printed, as lists of stripped cells."""
    return [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in output.splitlines()
        if line.startswith("│")
    ]


def query(db: str, sql: str, **params):
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).fetchall()
    engine.dispose()
    return rows


@pytest.fixture
def province(tcxd, db_url, tmp_path) -> Path:
    """Đảng bộ xã Phú An with Chi bộ thôn 1 (An, Bình on its roster at 15/1/2026: data of Q1)."""
    init = tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url)
    assert init.exit_code == 0, init.output
    folder = tmp_path / "files"
    orgs = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
    )
    roster = write_xlsx(
        folder / "ds-2026.xlsx",
        [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 15/01/2026"], [], HEADER]
        + [[n, *m] for n, m in enumerate([AN, BINH], start=1)],
    )
    for path in (orgs, roster):
        result = tcxd("import", path, "--db", db_url)
        assert result.exit_code == 0, result.output
    return folder


def late_admission(folder: Path, day: str = "15/02/2026", name: str = "Phạm Thị Dung") -> Path:
    """What Chi bộ thôn 1 sends after Q1's report went up: an admission (on 15/2/2026)."""
    return write_xlsx(
        folder / f"bien-dong-{day.replace('/', '-')}.xlsx",
        [
            ["CHI BỘ THÔN 1"],
            ["BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2026"],
            [],
            ["STT", "Họ và tên", "Ngày sinh", "Loại biến động", "Ngày"],
            [1, name, "02/02/1995", "Kết nạp", day],
        ],
        sheet="BD",
    )


def lock(tcxd, db_url, *extra):
    return tcxd("lock", "--period", "q1", "--year", "2026", "--by", "Lê Thị Mai", *extra,
                "--db", db_url)  # fmt: skip


def test_lock_keeps_the_figures_of_each_unit_and_lists_them(tcxd, db_url, province):
    result = lock(tcxd, db_url)
    assert result.exit_code == 0, result.output
    assert "Đã khóa Quý I năm 2026: số liệu đã gửi của 2 đơn vị" in result.stdout
    assert "Người khóa: Lê Thị Mai." in result.stdout
    rows = query(db_url, "SELECT level, unit_name, figures, locked_by FROM period_lock "
                 "WHERE year = 2026 AND period_code = 'q1' ORDER BY level")  # fmt: skip
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("district", DISTRICT, "Lê Thị Mai"),
        ("province", PROVINCE, "Lê Thị Mai"),
    ]
    for row in rows:
        figures = row[2] if isinstance(row[2], dict) else json.loads(row[2])
        assert figures["forms"]["bieu1"]["D"] == 2
        assert figures["period"]["code"] == "q1"

    listed = tcxd("lock", "--list", "--db", db_url)
    assert listed.exit_code == 0, listed.output
    assert "Các kỳ đã khóa" in listed.stdout
    assert table_rows(listed.stdout)[0][:3] == ["Quý I năm 2026", PROVINCE, "2"]
    assert "Lê Thị Mai" in listed.stdout

    again = lock(tcxd, db_url)
    assert again.exit_code == 2
    assert "Lỗi: Quý I năm 2026 đã khóa từ lúc " in again.stderr
    assert "hãy mở khóa trước: tcxd unlock --period q1 --year 2026." in again.stderr


def test_a_late_file_into_a_locked_period_is_imported_and_made_visible(
    tcxd, db_url, province, tmp_path
):
    assert lock(tcxd, db_url).exit_code == 0
    trial = tcxd("import", late_admission(province), "--dry-run", "--db", db_url)
    assert trial.exit_code == 0, trial.output
    assert "Kỳ đã khóa" not in trial.output  # a dry run writes nothing, so changes nothing
    late = tcxd("import", late_admission(province), "--db", db_url)
    assert late.exit_code == 0, late.output  # never refused: units send late files
    assert "Tổng cộng 1 tệp: 1 nhập được" in late.stdout
    assert f"Kỳ đã khóa Quý I/2026 thay đổi: {PROVINCE}: " in late.stdout
    assert f"Kỳ đã khóa Quý I/2026 thay đổi: {DISTRICT}: " in late.stdout
    assert ["Quý I/2026", PROVINCE, "Biểu 1", D_LABEL, "2", "3", "+1"] in table_rows(late.stdout)

    check = tcxd("check", "--period", "q1", "--year", "2026", "--db", db_url)
    assert check.exit_code == 5, check.output
    rows = table_rows(check.stdout)
    assert ["Quý I/2026", DISTRICT, "Biểu 1", B1_LABEL, "0", "1", "+1"] in rows
    assert ["Quý I/2026", DISTRICT, "Biểu 1", D_LABEL, "2", "3", "+1"] in rows

    one = tcxd("check", "--period", "q1", "--year", "2026", "--unit", DISTRICT, "--db", db_url)
    assert one.exit_code == 5, one.output
    assert {row[1] for row in table_rows(one.stdout) if row[0] == "Quý I/2026"} == {DISTRICT}
    # Another period is not locked: its check says nothing about locks.
    other = tcxd("check", "--period", "q2", "--year", "2026", "--db", db_url)
    assert "Kỳ đã khóa" not in other.output

    out = tmp_path / "bao-cao"
    report = tcxd("report", "--period", "q1", "--year", "2026", "--format", "all",
                  "--out", out, "--db", db_url)  # fmt: skip
    assert report.exit_code == 0, report.output
    twins = [json.loads(p.read_text("utf-8")) for p in (out / "2026-q1").glob("*.json")]
    changed = sum(len(t["locked"]["differences"]) for t in twins)
    assert len(twins) == 2 and changed > 0
    assert (
        f"Quý I năm 2026 đã khóa: biểu ghi số liệu đã gửi; {changed} số liệu hiện có khác số đã "
        "gửi, xem trang “Chênh lệch so với số đã gửi”" in report.stdout
    )
    twin = json.loads((out / "2026-q1" / "tinh.json").read_text("utf-8"))
    assert twin["forms"]["bieu1"]["D"] == 2  # as sent
    assert twin["forms"]["bieu1"]["B1"] == 0
    changed = {d["path"]: d for d in twin["locked"]["differences"] if d["form"] == "bieu1"}
    assert (changed["D"]["sent"], changed["D"]["current"], changed["D"]["difference"]) == (2, 3, 1)
    assert (changed["B1"]["sent"], changed["B1"]["current"]) == (0, 1)
    assert twin["locked"]["locked_by"] == "Lê Thị Mai"

    book = CalamineWorkbook.from_path(str(out / "2026-q1" / "tinh.xlsx"))
    assert book.sheet_names[-1] == "Chênh lệch so với số đã gửi"
    bieu1 = book.get_sheet_by_name("Biểu 1").to_python()
    banner = [c for row in bieu1 for c in row if str(c).startswith("SỐ LIỆU ĐÃ GỬI")]
    assert banner and "Lê Thị Mai" in banner[0] and "Chênh lệch so với số đã gửi" in banner[0]
    d_row = next(row for row in bieu1 if row[0] == "D")
    assert d_row[2] == 2  # the figure as sent
    sheet = book.get_sheet_by_name("Chênh lệch so với số đã gửi").to_python()
    rows = {row[2]: row[3:6] for row in sheet if len(row) > 5 and row[1] == "Biểu 1"}
    assert rows[D_LABEL] == [2, 3, 1]
    assert rows[B1_LABEL] == [0, 1, 1]


def test_a_report_of_a_locked_period_with_no_change_says_so(tcxd, db_url, province, tmp_path):
    assert lock(tcxd, db_url).exit_code == 0
    out = tmp_path / "bao-cao"
    report = tcxd("report", "--period", "q1", "--year", "2026", "--out", out, "--db", db_url)
    assert report.exit_code == 0, report.output
    assert "Quý I năm 2026 đã khóa: biểu ghi số liệu đã gửi; số liệu hiện có trùng" in report.stdout
    book = CalamineWorkbook.from_path(str(out / "2026-q1" / "tinh.xlsx"))
    cells = [c for row in book.get_sheet_by_name("Chênh lệch so với số đã gửi").to_python()
             for c in row]  # fmt: skip
    assert "Không có số liệu nào khác với số đã gửi." in cells
    check = tcxd("check", "--period", "q1", "--year", "2026", "--db", db_url)
    assert "Kỳ đã khóa" not in check.output
    # A period that is not locked has no such sheet (the year: Q2 has no data, and a period
    # without data is refused, docs/report-trust.md).
    other = tcxd("report", "--period", "year", "--year", "2026", "--out", out, "--db", db_url)
    assert other.exit_code == 0, other.output
    sheets = CalamineWorkbook.from_path(str(out / "2026-year" / "tinh.xlsx")).sheet_names
    assert "Chênh lệch so với số đã gửi" not in sheets


def test_locking_a_period_with_no_data_is_refused(tcxd, db_url, province):
    result = tcxd("lock", "--period", "q1", "--year", "2024", "--db", db_url)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Lỗi: Quý I năm 2024 chưa có số liệu: chưa đơn vị nào gửi tệp cho kỳ này"
    )
    assert query(db_url, "SELECT COUNT(*) FROM period_lock")[0][0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lock", "--period", "q5", "--year", "2026"],
         "Lệnh không đúng: Giá trị không hợp lệ cho '--period': \"q5\" không phải một kỳ báo cáo"),
        (["lock", "--period", "q1"],
         "Lỗi: Cần cả --period và --year, ví dụ: tcxd lock --period q1 --year 2026."),
        (["unlock", "--year", "2026"],
         "Lỗi: Cần cả --period và --year, ví dụ: tcxd unlock --period q1 --year 2026."),
        (["lock", "--period", "q1", "--year", "hai"],
         "Lệnh không đúng: Giá trị không hợp lệ cho '--year'"),
        (["unlock", "--period", "q1", "--year", "2026", "--yes"],
         "Lỗi: Quý I năm 2026 chưa khóa, không có gì để mở khóa."),
    ],
)  # fmt: skip
def test_bad_options_get_vietnamese_messages(tcxd, db_url, province, args, message):
    result = tcxd(*args, "--db", db_url)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output


def test_unlock_asks_first(tcxd, db_url, province, monkeypatch):
    assert lock(tcxd, db_url).exit_code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("không\n"))
    kept = tcxd("unlock", "--period", "q1", "--year", "2026", "--db", db_url)
    assert kept.exit_code == 2
    assert "Gõ “có” để mở khóa" in kept.stdout
    assert "Lỗi: Chưa mở khóa Quý I năm 2026: cần gõ “có” để xác nhận (hoặc thêm --yes)." in (
        kept.stderr
    )
    assert query(db_url, "SELECT COUNT(*) FROM period_lock")[0][0] == 2

    monkeypatch.setattr("sys.stdin", io.StringIO("Có\n"))
    opened = tcxd("unlock", "--period", "q1", "--year", "2026", "--db", db_url)
    assert opened.exit_code == 0, opened.output
    assert "Đã mở khóa Quý I năm 2026 (2 đơn vị)." in opened.stdout
    assert query(db_url, "SELECT COUNT(*) FROM period_lock")[0][0] == 0
    assert "Chưa khóa kỳ nào." in tcxd("lock", "--list", "--db", db_url).stdout
    # Unlocked, the period can be locked again with today's figures.
    assert lock(tcxd, db_url).exit_code == 0


def test_a_database_of_schema_version_1_is_upgraded_in_place(tcxd, db_url, province):
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE period_lock"))
        conn.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()
    members = query(db_url, "SELECT id, full_name FROM member ORDER BY id")

    result = lock(tcxd, db_url)
    assert result.exit_code == 0, result.output
    assert query(db_url, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0] == "3"
    assert query(db_url, "SELECT id, full_name FROM member ORDER BY id") == members
    assert query(db_url, "SELECT COUNT(*) FROM period_lock")[0][0] == 2


def test_an_import_that_leaves_the_locked_period_alone_prints_nothing_about_it(
    tcxd, db_url, province
):
    assert lock(tcxd, db_url).exit_code == 0
    later = late_admission(province, day="15/05/2026", name="Đỗ Văn Giang")  # Q2, not locked
    result = tcxd("import", later, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Tổng cộng 1 tệp: 1 nhập được" in result.stdout
    assert "Kỳ đã khóa" not in result.output
    check = tcxd("check", "--period", "q1", "--year", "2026", "--db", db_url)
    assert "Kỳ đã khóa" not in check.output
