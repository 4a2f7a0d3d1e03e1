"""The clerk's commands end to end: `status`, `template` (filled in and imported back), `diff`,
`explain`: exit codes, exact messages, files written (read back with python-calamine)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, text
from tests.sheets import write_xlsx

import tcxd.cli.clerk  # noqa: F401

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng",
          "Ngày chính thức", "Dân tộc"]  # fmt: skip
AN = ["Nguyễn Văn An", "05/03/1980", "Nam", "01234567", "01/02/2005", "01/02/2006", "Kinh"]
BINH = ["Trần Thị Bình", "12/07/1975", "Nữ", "00234568", "03/04/2010", "03/04/2011", "Tày"]


def roster(path: Path, members: list[list], as_of: str) -> Path:
    rows = [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], [f"Tính đến ngày {as_of}"], [], HEADER]
    return write_xlsx(path, rows + [[n, *m] for n, m in enumerate(members, start=1)])


def query(db: str, sql: str, **params):
    """Rows as tuples; dates as ISO text (SQLite gives text, PostgreSQL dates)."""
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).fetchall()
    engine.dispose()
    return [tuple(v.isoformat()[:10] if isinstance(v, date) else v for v in row) for row in rows]


@pytest.fixture
def province(tcxd, db_url, tmp_path):
    assert (
        tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url).exit_code == 0
    )
    folder = tmp_path / "files"
    orgs = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, "Chi bộ thôn 2", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
    )
    first = roster(folder / "ds-2024.xlsx", [AN, BINH], "31/12/2024")
    for path in (orgs, first):
        result = tcxd("import", path, "--db", db_url)
        assert result.exit_code == 0, result.output
    return folder


def _today() -> str:
    today = date.today()
    return f"{today.day}/{today.month}/{today.year}"


def fill(template: Path, out: Path, rows: list[dict]) -> Path:
    """What a unit sends back: the template's data sheet with rows typed in (Excel keeps dates
    as dates and text cells as text). Only the data sheet is copied; see the guide-sheet test."""
    book = CalamineWorkbook.from_path(str(template))
    sheet = book.sheet_names[0]
    grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    book.close()
    header_row = next(i for i, row in enumerate(grid) if row and row[0] == "STT")
    headers = grid[header_row]
    first = header_row + 2  # under the row of column numbers
    cells = [list(row) for row in grid]
    for offset, values in enumerate(rows):
        assert set(values) <= set(headers), set(values) - set(headers)
        row = cells[first + offset]
        for column, header in enumerate(headers):
            if header in values:
                row[column] = values[header]
    return write_xlsx(out, cells, sheet=sheet)


def import_without_warnings(tcxd, db_url, path: Path) -> None:
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Tổng cộng 1 tệp: 1 nhập được, 0 đã có từ trước, 0 không nhập được." in result.stdout
    assert "Cảnh báo" not in result.stdout.replace("┃ Cảnh báo", "")
    assert "các cột không dùng đến" not in result.stdout
    [(warnings,)] = query(db_url, "SELECT warnings FROM import_batch WHERE file_name = :n",
                          n=path.name)  # fmt: skip
    assert warnings in ([], "[]"), warnings


# --------------------------------------------------------------------------- status


def test_status_shows_who_sent_what_and_writes_the_reminder_list(tcxd, db_url, province, tmp_path):
    out = tmp_path / "nhac-nop.xlsx"
    result = tcxd("status", "--period", "q4", "--year", "2024", "--out", out, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Đảng bộ xã Phú An: 1/2 TCCSĐ đã gửi tệp cho quý IV năm 2024" in result.stdout
    assert "31/12/2024 (2 dòng)" in result.stdout
    assert "chưa từng gửi" in result.stdout
    assert (
        "Quý IV năm 2024: 1/2 tổ chức cơ sở đảng đã gửi tệp; 1 chưa gửi tệp nào." in result.stdout
    )
    assert f"Đã ghi danh sách nhắc nộp vào tệp {out}." in result.stdout
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Nhắc nộp", "Tình hình gửi"]
    rows = book.get_sheet_by_name("Nhắc nộp").to_python()
    cells = [[c for c in row if c != ""] for row in rows]
    start = cells.index(["Đảng bộ xã Phú An"])
    assert cells[start + 1 : start + 3] == [
        [1.0, "Chi bộ thôn 1", "Biến động đảng viên", f"ds-2024.xlsx (nhận {_today()})"],
        [2.0, "Chi bộ thôn 2", "Chưa gửi tệp nào", "Chưa từng gửi"],
    ]


def test_status_of_an_unknown_district(tcxd, db_url, province):
    result = tcxd("status", "--unit", "Đảng bộ phường Không Có", "--db", db_url)
    assert result.exit_code == 2
    assert 'Lỗi: Không tìm thấy đơn vị "Đảng bộ phường Không Có".' in result.stderr


# --------------------------------------------------------------------------- template


def make_template(tcxd, db_url, tmp_path, *args) -> Path:
    out = tmp_path / "mau.xlsx"
    result = tcxd("template", *args, "--out", out, "--db", db_url)
    assert result.exit_code == 0, result.output
    return out


def test_members_template_filled_in_imports_with_no_warning(tcxd, db_url, province, tmp_path):
    template = make_template(tcxd, db_url, tmp_path, "members", "--unit", "Chi bộ thôn 1",
                             "--period", "q3", "--year", "2026")  # fmt: skip
    mai = {
        "Họ và tên": "Lê Thị Mai", "Ngày sinh": date(1992, 4, 1), "Giới tính": "Nữ",
        "Dân tộc": "Kinh", "Tôn giáo": "Không", "Số thẻ đảng viên": "00999001",
        "Số lý lịch": "12345A", "Số CCCD": "001192000123", "Ngày vào Đảng": date(2020, 5, 19),
        "Ngày chính thức": date(2021, 5, 19), "Nghề nghiệp": "Giáo viên",
        "Giáo dục phổ thông": "12/12", "Trình độ chuyên môn": "Đại học",
        "Lý luận chính trị": "Trung cấp", "Đoàn viên": "x", "Ghi chú": "Mới chuyển về",
    }  # fmt: skip
    an = {"Họ và tên": AN[0], "Ngày sinh": date(1980, 3, 5), "Giới tính": "Nam",
          "Số thẻ đảng viên": AN[3], "Ngày vào Đảng": date(2005, 2, 1),
          "Ngày chính thức": date(2006, 2, 1), "Dân tộc": "Kinh",
          "Miễn sinh hoạt": "x"}  # fmt: skip
    filled = fill(template, tmp_path / "Chi bo thon 1 - DSDV.xlsx", [an, mai])
    import_without_warnings(tcxd, db_url, filled)
    assert query(
        db_url,
        "SELECT m.full_name, m.card_number, m.citizen_id, m.profile_number, m.gender, "
        "m.religion, m.school_level, m.degree, m.theory_level, "
        "CASE WHEN m.youth_union THEN 1 ELSE 0 END, CASE WHEN m.exempt THEN 1 ELSE 0 END, "
        "m.note, o.name FROM roster_entry r JOIN member m ON m.id = r.member_id "
        "JOIN organization o ON o.id = r.org_id WHERE r.as_of = :d ORDER BY m.card_number",
        d=date(2026, 9, 30),
    ) == [
        ("Lê Thị Mai", "00999001", "001192000123", "12345A", "nu", "Không", "12/12", "Đại học",
         "Trung cấp", 1, 0, "Mới chuyển về", "Chi bộ thôn 1"),
        (AN[0], AN[3], None, None, "nam", None, None, None, None, 0, 1, None,
         "Chi bộ thôn 1"),
    ]  # fmt: skip


def test_changes_template_filled_in_imports_with_no_warning(tcxd, db_url, province, tmp_path):
    template = make_template(tcxd, db_url, tmp_path, "changes", "--unit", "Chi bộ thôn 1",
                             "--period", "q3", "--year", "2026")  # fmt: skip
    rows = [
        {"Họ và tên": BINH[0], "Ngày sinh": date(1975, 7, 12), "Số thẻ đảng viên": BINH[3],
         "Loại biến động": "Chuyển đi", "Ngày biến động": date(2026, 8, 15),
         "Số quyết định": "12-QĐ/ĐU", "Phạm vi": "Ngoài tỉnh", "Nơi đến / nơi đi": "Tỉnh Hà Giang"},
        {"Họ và tên": "Lê Thị Mai", "Ngày sinh": date(1992, 4, 1), "Loại biến động": "Kết nạp",
         "Ngày biến động": date(2026, 8, 19)},
    ]  # fmt: skip
    import_without_warnings(tcxd, db_url, fill(template, tmp_path / "bien-dong.xlsx", rows))
    assert query(
        db_url,
        "SELECT m.full_name, e.kind, e.event_on, e.scope, e.place, e.decision FROM "
        "membership_event e JOIN member m ON m.id = e.member_id ORDER BY e.event_on",
    ) == [
        (BINH[0], "transferred_out", "2026-08-15", "out_province", "Tỉnh Hà Giang", "12-QĐ/ĐU"),
        ("Lê Thị Mai", "admitted", "2026-08-19", None, None, None),
    ]
    assert query(
        db_url, "SELECT period_year, period_quarter FROM import_batch WHERE kind = 'changes'"
    ) == [(2026, 3)]


def test_evaluations_template_filled_in_imports_with_no_warning(tcxd, db_url, province, tmp_path):
    template = make_template(tcxd, db_url, tmp_path, "evaluations", "--unit", "Chi bộ thôn 1",
                             "--period", "year", "--year", "2025", "--prefill")  # fmt: skip
    rows = [
        {"Họ và tên": AN[0], "Điểm tiêu chí chung": 25, "Điểm kết quả thực hiện nhiệm vụ": 67,
         "Tổng điểm": 92, "Tỷ lệ hoàn thành nhiệm vụ (%)": 100,
         "Hoàn thành đúng hạn, bảo đảm chất lượng": "Có", "Tỷ lệ vượt yêu cầu (%)": 35,
         "Tỷ lệ chậm tiến độ (%)": 0, "Khắc phục hạn chế đã chỉ ra": "Có",
         "Giữ chức vụ lãnh đạo, quản lý": "Không",
         "Tự xếp loại": "Hoàn thành xuất sắc nhiệm vụ"},
        {"Họ và tên": BINH[0], "Tổng điểm": 75, "Hình thức kỷ luật": "Khiển trách",
         "Ngày kỷ luật": date(2025, 3, 10), "Cấp ủy quyết định": "Hoàn thành nhiệm vụ"},
    ]  # fmt: skip
    import_without_warnings(tcxd, db_url, fill(template, tmp_path / "xep-loai.xlsx", rows))
    assert query(
        db_url,
        "SELECT m.full_name, e.year, e.quarter, e.score, e.general_score, "
        "CASE WHEN e.tasks_on_time THEN 1 WHEN NOT e.tasks_on_time THEN 0 END, "
        "e.tasks_exceeding_pct, CASE WHEN e.leader THEN 1 WHEN NOT e.leader THEN 0 END, "
        "e.discipline, e.proposed_level, e.decided_level "
        "FROM member_evaluation e JOIN member m ON m.id = e.member_id ORDER BY e.score DESC",
    ) == [
        (AN[0], 2025, 0, 92.0, 25.0, 1, 35.0, 0, None, "HTXSNV", None),
        (BINH[0], 2025, 0, 75.0, None, None, None, None, "khien_trach", None, "HTNV"),
    ]


def test_organizations_template_filled_in_imports_with_no_warning(tcxd, db_url, province, tmp_path):
    template = make_template(tcxd, db_url, tmp_path, "organizations", "--unit", DISTRICT,
                             "--as-of", "30/09/2026", "--prefill")  # fmt: skip
    new = {"Tên tổ chức đảng": "Chi bộ thôn 3", "Loại tổ chức": "Chi bộ cơ sở",
           "Trực thuộc": DISTRICT, "Loại hình": "Xã",
           "Ngày thành lập": date(2026, 7, 1)}  # fmt: skip
    # the prefilled rows stay as written; the new one goes in the first blank row
    book = CalamineWorkbook.from_path(str(template))
    grid = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    prefilled = sum(1 for row in grid if row and row[1] in ("Chi bộ thôn 1", "Chi bộ thôn 2"))
    assert prefilled == 2
    rows = [{}] * prefilled + [new]
    import_without_warnings(tcxd, db_url, fill(template, tmp_path / "to-chuc-2026.xlsx", rows))
    assert query(
        db_url,
        "SELECT o.name, o.org_type, o.kind_of_place, o.founded_on, p.name FROM organization o "
        "JOIN organization_parent l ON l.org_id = o.id JOIN organization p ON p.id = l.parent_id "
        "WHERE o.name = 'Chi bộ thôn 3'",
    ) == [("Chi bộ thôn 3", "chi_bo_co_so", "xa", "2026-07-01", DISTRICT)]
    assert query(db_url, "SELECT COUNT(*) FROM organization") == [(5,)]  # no duplicate


def test_a_prefilled_roster_sent_back_unchanged_changes_no_member(tcxd, db_url, province, tmp_path):
    template = make_template(tcxd, db_url, tmp_path, "members", "--unit", "Chi bộ thôn 1",
                             "--as-of", "30/06/2025", "--prefill")  # fmt: skip
    before = query(db_url, "SELECT * FROM member ORDER BY id")
    import_without_warnings(tcxd, db_url, fill(template, tmp_path / "ds-2025.xlsx", []))
    assert query(db_url, "SELECT * FROM member ORDER BY id") == before
    assert query(db_url, "SELECT COUNT(*) FROM roster_entry WHERE as_of = :d",
                 d=date(2025, 6, 30)) == [(2,)]  # fmt: skip
    assert query(db_url, "SELECT COUNT(*) FROM history_note") == [(0,)]


def test_the_template_file_itself_imports_with_no_warning(tcxd, db_url, province, tmp_path):
    """The MUST of the issue on the file exactly as tcxd wrote it, guide sheet included."""
    template = make_template(tcxd, db_url, tmp_path, "members", "--unit", "Chi bộ thôn 1",
                             "--as-of", "30/06/2025", "--prefill")  # fmt: skip
    import_without_warnings(tcxd, db_url, template)


def test_template_messages(tcxd, db_url, province, tmp_path):
    out = tmp_path / "mau.xlsx"
    result = tcxd("template", "members", "--unit", "chi bo thon 1", "--as-of", "30/06/2025",
                  "--prefill", "--out", out, "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Đã ghi mẫu danh sách đảng viên của Chi bộ thôn 1 (tính đến ngày 30/6/2025, điền sẵn "
        f"2 đảng viên) vào tệp {out}."
    )
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Danh sách", "Hướng dẫn"]
    result = tcxd("template", "changes", "--unit", "Chi bộ thôn 1", "--year", "2026", "--out",
                  out, "--db", db_url)  # fmt: skip
    assert f"Đã ghi mẫu biến động đảng viên của Chi bộ thôn 1 (năm 2026) vào tệp {out}." in (
        result.stdout
    )
    result = tcxd("template", "lists", "--unit", "Chi bộ thôn 1", "--db", db_url)
    assert result.exit_code == 2
    assert (
        'Lỗi: Loại mẫu "lists" không hợp lệ; chọn một trong: members, changes, evaluations, '
        "organizations." in result.stderr
    )
    result = tcxd("template", "members", "--unit", "Chi bộ Không Có", "--db", db_url)
    assert result.exit_code == 2
    assert 'Lỗi: Không tìm thấy đơn vị "Chi bộ Không Có".' in result.stderr


# --------------------------------------------------------------------------- diff, explain


def test_diff_of_two_rosters(tcxd, db_url, province):
    newer = roster(province / "ds-2025.xlsx", [[*AN[:-1], "Mường"]], "30/6/2025")
    assert tcxd("import", newer, "--db", db_url).exit_code == 0
    result = tcxd("diff", "Chi bộ thôn 1", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert (
        "Danh sách đảng viên của Chi bộ thôn 1: tính đến ngày 30/6/2025 (1 người, tệp "
        "ds-2025.xlsx) so với ngày 31/12/2024 (2 người, tệp ds-2024.xlsx)." in result.stdout
    )
    assert "Có tên trong danh sách trước, không có trong danh sách mới (1)" in result.stdout
    assert "không có biến động; vẫn tính là đảng viên của đơn vị" in result.stdout
    assert "Thay đổi thông tin (1)" in result.stdout
    assert "Dân tộc" in result.stdout and "Mường" in result.stdout
    assert (
        "Tổng cộng: 0 người mới, 1 người không còn trong danh sách, 1 thay đổi thông tin."
        in result.stdout
    )
    result = tcxd("diff", "Chi bộ thôn 2", "--db", db_url)
    assert result.exit_code == 2
    assert (
        'Lỗi: "Chi bộ thôn 2" cần ít nhất hai danh sách đảng viên để so sánh (danh sách đã nhập '
        "tính đến ngày: chưa có)." in result.stderr
    )


def test_explain_a_member_and_a_figure(tcxd, db_url, province):
    result = tcxd("explain", "--card", "01234567", "--period", "q4", "--year", "2024",
                  "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Nguyễn Văn An – sinh 05/03/1980 – số thẻ 01234567 – Nam – vào Đảng 01/02/2005, "
        "chính thức 01/02/2006"
    )
    assert lines[1] == (
        "Ngày 31/12/2024 (cuối quý IV năm 2024): sinh hoạt tại Chi bộ thôn 1 (Đảng bộ xã Phú An);"
        " đảng viên chính thức."
    )
    assert "ds-2024.xlsx, trang “DS”, dòng 6" in result.stdout
    assert "001" not in result.stdout.replace("01/02/2005", "")  # no CCCD anywhere
    result = tcxd("explain", "--row", "D", "--period", "q4", "--year", "2024", "--unit",
                  DISTRICT, "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Biểu 1, dòng D (Tổng số đảng viên cuối kỳ (D = A + B − C)) – Đảng bộ xã Phú An – "
        "Quý IV năm 2024: 2 đảng viên."
    )
    assert "Trần Thị Bình" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), 'Lỗi: Cần --card SỐ_THẺ, hoặc --name "Họ và tên" --birth dd/mm/yyyy; hoặc --row '
             "cùng --period để xem một số liệu."),
        (("--row", "B1"), "Lỗi: Cần --period và --year để biết số liệu của kỳ nào."),
        (("--name", "Nguyễn Văn An", "--birth", "31/02/1980"),
         'Lỗi: --birth "31/02/1980" không phải ngày hợp lệ (cần dd/mm/yyyy).'),
        (("--card", "11111111"), "Lỗi: Không tìm thấy đảng viên số thẻ 11111111."),
    ],
)  # fmt: skip
def test_explain_refusals(tcxd, db_url, province, args, message):
    result = tcxd("explain", *args, "--db", db_url)
    assert result.exit_code == 2
    assert message in result.stderr
