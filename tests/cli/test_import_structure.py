"""`tcxd import` of files tcxd never made: the real files of ../shared/corpus/real (README there
says what tcxd should do with each), the columns understood in the summary, --sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.sheets import write_xlsx

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"
if not REAL.is_dir():
    REAL = Path("/work/shared/corpus/real")


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real corpus file {name} is absent")
    return path


def query(db: str, sql: str):
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).fetchall()
    engine.dispose()
    return rows


@pytest.fixture
def province(tcxd, db_url):
    result = tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url)
    assert result.exit_code == 0, result.output


def members(db_url: str) -> int:
    return query(db_url, "SELECT count(*) FROM member")[0][0]


def test_template_with_no_data_rows_is_reported_as_such(tcxd, db_url, province):
    result = tcxd("import", real("roster-template-noi-bai.xlsx"), "--db", db_url)
    assert result.exit_code != 0
    assert "chỉ có dòng tiêu đề, không có dòng dữ liệu nào (danh sách đảng viên; " in result.stderr
    assert "các cột nhận ra: “Họ và tên”, “Ngày tháng năm sinh”, “Chi bộ”" in result.stderr
    assert "bỏ trống" not in result.output  # neither the sub-labels nor (1)…(37) are members
    assert members(db_url) == 0


def test_blank_forms_have_their_headers_understood(tcxd, db_url, province):
    result = tcxd("import", real("forms-phuong-10-quan-5.xls"), "--db", db_url)
    assert result.exit_code != 0
    stderr = " ".join(result.stderr.split())
    for sheet in ("Phieu Dang Vien (BM1)", "Tke Ds Dang Vien (BM2)", "Tke Ds Dang Vien (BM3)"):
        assert f'trang "{sheet}": chỉ có dòng tiêu đề, không có dòng dữ liệu nào' in stderr
    assert "“HỌ TÊN KHAI SINH”" in stderr and "“HỌ TÊN ĐANG DÙNG”" in stderr
    assert "Chi bộ: /" not in stderr  # the filter line is not part of the header
    assert "bỏ trống" not in stderr
    assert members(db_url) == 0


@pytest.mark.parametrize("name", ["blank-bieu-1-btctw.xlsx", "blank-bieu-3-btctw.xlsx"])
def test_statistical_forms_are_refused_as_such(tcxd, db_url, province, name):
    result = tcxd("import", real(name), "--db", db_url)
    assert result.exit_code != 0
    assert "trông như một biểu thống kê" in result.stderr
    assert "không tìm thấy dòng tiêu đề cột" not in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "chi-bo-list-snake-case.xlsx",
            [
                ("CBCNTS", "Chi bộ công nghệ thủy sản"),
                ("CBCNTTTT", "Chi bộ công nghệ thông tin truyền thông"),
            ],
        ),
        (
            "chi-bo-list-camel-case.xlsx",
            [
                ("001", "Bo Y Te"),
                ("002", "Bo Giao Thong Van Tai"),
                ("003", "Bo Tai Chinh"),
                ("004", "Bo Cong An"),
                ("005", "Bo Quoc Phong"),
            ],
        ),
    ],
)
def test_app_lists_of_chi_bo_are_organisations_lists(tcxd, db_url, province, name, expected):
    result = tcxd("import", real(name), "--unit", DISTRICT, "--db", db_url)
    assert result.exit_code == 0, result.output
    rows = query(
        db_url,
        "SELECT o.code, o.name, o.org_type, p.name FROM organization o "
        "JOIN organization_parent l ON l.org_id = o.id JOIN organization p ON p.id = l.parent_id "
        "WHERE o.code IS NOT NULL ORDER BY o.code",
    )
    assert [(code, org) for code, org, _type, _parent in rows] == expected
    assert {(org_type, parent) for _c, _o, org_type, parent in rows} == {
        ("chi_bo_co_so", DISTRICT)  # a unit under the district level is a cơ sở unit
    }


def test_nhap_lieu_file_is_refused_for_its_repeated_cards(tcxd, db_url, province):
    result = tcxd("import", real("roster-file-nhap-lieu-4.0.xlsx"), "--db", db_url)
    assert result.exit_code != 0
    assert 'dòng 14, cột "Số thẻ Đảng *": giá trị "370123450003" trùng với dòng 11' in " ".join(
        result.stderr.split()
    )
    assert "bỏ trống" not in result.stderr  # the Quốc gia / Tỉnh/Thành row is header
    assert members(db_url) == 0


def test_desktop_app_export_is_refused_for_its_copied_rows(tcxd, db_url, province):
    result = tcxd("import", real("export-desktop-app-1.csv"), "--db", db_url)
    assert result.exit_code != 0
    stderr = " ".join(result.stderr.split())
    assert 'dòng 3, cột "Số Thẻ": giá trị "11111" trùng với dòng 2' in stderr
    assert 'dòng 3, cột "Số CCCD": giá trị "1111" trùng với dòng 2' in stderr


def test_upper_system_export_columns_are_read():
    from tcxd.reading import read_file

    reading = read_file(real("roster-upper-system-export.xlsx"))
    (sheet,) = reading.sheets
    assert sheet.kind == "members" and len(sheet.rows) == 6
    assert {"full_name", "card_number", "citizen_id", "birth_date", "admitted_on", "branch"} <= set(
        sheet.column_headers
    )
    assert sheet.column_headers["branch"] == "Chi bộ đang sinh hoạt"


# ---------------------------------------------------------------- our own files

HEADER = [
    "TT",
    "HỌ TÊN KHAI SINH",
    "NGÀY SINH",
    "SỐ THẺ ĐV",
    "NGÀY VÀO ĐẢNG",
    "ĐƠN VỊ ĐANG SINH HOẠT",
]
PEOPLE = [
    [1, "Nguyễn Văn An", "05/03/1980", "01234567", "01/02/2005", "Chi bộ thôn 1"],
    [2, "Trần Thị Bình", "12/07/1975", "00234568", "03/04/2010", "Chi bộ thôn 1"],
    [3, "Lê Văn Cảnh", "01/01/1990", "00234569", "03/04/2015", "Chi bộ thôn 1"],
]


def _organisations(tcxd, db_url, folder: Path) -> None:
    path = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            ["Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc"],
            ["Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT],
        ],
    )
    assert tcxd("import", path, "--db", db_url).exit_code == 0


def test_summary_says_how_columns_were_understood(tcxd, db_url, province, tmp_path):
    _organisations(tcxd, db_url, tmp_path)
    rows = [["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 30/9/2026"], HEADER, *PEOPLE]
    path = write_xlsx(tmp_path / "ds.xlsx", rows, sheet="DS")
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    stdout = " ".join(result.stdout.split())
    assert "ds.xlsx, trang “DS”: cột được hiểu là: “HỌ TÊN KHAI SINH” → Họ và tên (" in stdout
    assert "“ĐƠN VỊ ĐANG SINH HOẠT” → Chi bộ" in stdout
    assert members(db_url) == 3


def test_sheet_option_picks_the_list_when_sheets_overlap(tcxd, db_url, province, tmp_path):
    _organisations(tcxd, db_url, tmp_path)
    sheets = {"Đợt 1": [HEADER, PEOPLE[0], PEOPLE[1]], "Đợt 2": [HEADER, PEOPLE[1], PEOPLE[2]]}
    path = tmp_path / "ds.xlsx"
    _write_sheets(path, sheets)
    result = tcxd("import", path, "--as-of", "30/09/2026", "--db", db_url)
    assert result.exit_code != 0
    assert "các trang “Đợt 1”, “Đợt 2” có chung một số đảng viên" in " ".join(result.stderr.split())
    assert members(db_url) == 0
    result = tcxd("import", path, "--sheet", "Đợt 2", "--as-of", "30/09/2026", "--db", db_url)
    assert result.exit_code == 0, result.output
    names = [row[0] for row in query(db_url, "SELECT full_name FROM member ORDER BY full_name")]
    assert names == ["Lê Văn Cảnh", "Trần Thị Bình"]


def test_sheet_option_naming_no_sheet(tcxd, db_url, province, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADER, PEOPLE[0]], sheet="DS")
    result = tcxd("import", path, "--sheet", "Trang 9", "--db", db_url)
    assert result.exit_code != 0
    assert "không có trang “Trang 9” (các trang của tệp: “DS”)" in result.stderr


def _write_sheets(path: Path, sheets: dict[str, list[list]]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return path


def test_province_config_aliases_are_used_on_import(tcxd, db_url, tmp_path):
    config = tmp_path / "tinh.yaml"
    config.write_text(
        f"province: {PROVINCE}\ndistricts: [{DISTRICT}]\n"
        "aliases:\n  kinds_of_place:\n    Xã: [Địa bàn dân cư nông thôn]\n",
        encoding="utf-8",
    )
    assert tcxd("init", "--config", config, "--db", db_url).exit_code == 0
    path = write_xlsx(
        tmp_path / "to-chuc.xlsx",
        [
            ["Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            ["Chi bộ thôn 5", "Chi bộ cơ sở", DISTRICT, "Địa bàn dân cư nông thôn"],
        ],
    )
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    rows = query(db_url, "SELECT kind_of_place FROM organization WHERE name = 'Chi bộ thôn 5'")
    assert rows == [("xa",)]


def test_bad_config_aliases_are_named(tcxd, tmp_path):
    config = tmp_path / "tinh.yaml"
    config.write_text(
        f"province: {PROVINCE}\naliases:\n  change_kinds:\n    Nghỉ hưu: [NH]\n", encoding="utf-8"
    )
    result = tcxd("init", "--config", config, "--db", tmp_path / "x.db")
    assert result.exit_code != 0
    assert f'Tệp cấu hình "{config}": "aliases" giá trị "Nghỉ hưu" không có trong danh mục' in (
        result.stderr
    )
