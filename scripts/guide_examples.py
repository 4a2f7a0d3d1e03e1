"""The working folder of the user guide (docs/huong-dan-su-dung.md) and its example files.

`make_workspace(folder)` lays out what a clerk's folder looks like: `tinh.yaml` of the bundled
sample province, its files under "Tệp nhận được/Năm 2025/" (one folder per district-level
committee, a folder per unit inside), one changes file in TCVN3 under "Tệp nhận được/Quý
I-2026/", and "Tệp lỗi/": small rosters of "Chi bộ thôn Cẩm Phô" with one fault each, as units
really send them. `tests/end_to_end/test_guide.py` and `scripts/screenshots.py` use it; by hand:

    .venv/bin/python scripts/guide_examples.py /tmp/tap-dung
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import xlsxwriter
import xlwt

from tcxd.core.encodings import encode

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
RECEIVED = "Tệp nhận được"
YEAR_FOLDER = f"{RECEIVED}/Năm 2025"
TCVN3_FOLDER = f"{RECEIVED}/Quý I-2026/1. Chi bộ thôn Cẩm Phô"
BAD_FOLDER = "Tệp lỗi"

TITLE = ["ĐẢNG BỘ PHƯỜNG VĨNH XUÂN", "CHI BỘ THÔN CẨM PHÔ"]
HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Nghề nghiệp",
]
# Fictional people, in the style of the sample province.
PEOPLE = [
    ["Nguyễn Văn Hùng", "12/05/1975", "Nam", "03561277", "19/05/2001", "19/05/2002", "Nông dân"],
    ["Trần Thị Lan", "31/02/1980", "Nữ", "03561278", "03/02/2005", "03/02/2006", "Giáo viên"],
    ["Lê Quang Minh", "07/11/1968", "Nam", "03561279", "02/09/1995", "02/09/1996", "Hưu trí"],
    ["Phạm Thị Hoa", "21/08/1990", "Nữ", "03561280", "19/05/2015", "19/05/2016", "Kinh doanh"],
]


def _roster(path: Path, title: list[str], header: list[str], rows: list[list[str]]) -> Path:
    """A roster laid out like the ones units send: title rows, a header, text cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("Danh sách")
    bold = book.add_format({"bold": True})
    for number, line in enumerate(title):
        sheet.write_string(number, 0, line, bold)
    sheet.write_string(len(title) + 1, 2, "DANH SÁCH ĐẢNG VIÊN", bold)
    sheet.write_string(len(title) + 2, 2, "Tính đến ngày 31/3/2026")
    top = len(title) + 4
    for column, text in enumerate(header):
        sheet.write_string(top, column, text, bold)
    for number, row in enumerate(rows, start=1):
        sheet.write_string(top + number, 0, str(number))
        for column, text in enumerate(row, start=1):
            sheet.write_string(top + number, column, text)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 7, 14)
    book.close()
    return path


def _tcvn3_changes(path: Path) -> Path:
    """A changes file typed with the .VnTime font (TCVN3/ABC), saved as .xls."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlwt.Workbook()
    sheet = book.add_sheet("BD")
    style = xlwt.easyxf("font: name .VnTime, height 260")

    def put(row: int, column: int, text: str) -> None:
        sheet.write(row, column, encode(text, "tcvn3"), style)

    put(0, 0, "ĐẢNG BỘ PHƯỜNG VĨNH XUÂN")
    put(1, 0, "CHI BỘ THÔN CẨM PHÔ")
    put(3, 2, "BIẾN ĐỘNG ĐẢNG VIÊN QUÝ I NĂM 2026")
    for column, text in enumerate(
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Loại biến động", "Ngày", "Số quyết định"]
    ):
        put(5, column, text)
    row = ["1", "Đỗ Thị Thùy Dương", "14/06/1998", "Nữ", "Kết nạp", "15/03/2026", "125-QĐ/ĐU"]
    for column, text in enumerate(row):
        put(6, column, text)
    book.save(str(path))
    return path


def make_example_files(root: Path) -> dict[str, Path]:
    """Write the guide's example files under `root`; returns them by short name."""
    bad = root / BAD_FOLDER
    people = [list(p) for p in PEOPLE]
    good_date = [list(p) for p in PEOPLE]
    good_date[1][1] = "13/02/1980"
    duplicate = [list(p) for p in good_date]
    duplicate[3][3] = duplicate[2][3]  # Phạm Thị Hoa typed with Lê Quang Minh's card number
    files = {
        "date": _roster(bad / "Cẩm Phô - ngày sinh sai.xlsx", TITLE, HEADER, people),
        "duplicate": _roster(bad / "Cẩm Phô - trùng số thẻ.xlsx", TITLE, HEADER, duplicate),
        # A unit tcxd does not know (a new chi bộ, or a name misspelt in the title).
        "unknown_unit": _roster(
            bad / "DSDV thôn Hòa Bình.xlsx", ["CHI BỘ THÔN HÒA BÌNH"], HEADER, good_date
        ),
        # The district is known, the chi bộ under it is not.
        "unknown_branch": _roster(
            bad / "DSDV quý 1-2026.xlsx",
            ["ĐẢNG BỘ PHƯỜNG VĨNH XUÂN", "CHI BỘ THÔN HÒA BÌNH"],
            HEADER,
            good_date,
        ),
        # Nothing that tells who each member is: no birth date, card number or CCCD.
        "missing_column": _roster(
            bad / "Cẩm Phô - thiếu cột.xlsx",
            TITLE,
            [h for h in HEADER if h not in ("Ngày sinh", "Số thẻ đảng viên")],
            [[c for i, c in enumerate(p) if i not in (1, 3)] for p in good_date],
        ),
    }
    # A web page saved with an .xls name, as some software "exports to Excel".
    fake = bad / "Danh sách Cẩm Phô.xls"
    fake.write_text(
        "<html><body><table><tr><td>Họ và tên</td><td>Ngày sinh</td></tr>"
        "<tr><td>Nguyễn Văn Hùng</td><td>12/05/1975</td></tr></table></body></html>",
        encoding="utf-8",
    )
    files["wrong_type"] = fake
    files["tcvn3"] = _tcvn3_changes(root / TCVN3_FOLDER / "BĐ quý 1-2026.xls")
    return files


def make_workspace(folder: Path) -> Path:
    """Copy the sample province into `folder` the way a clerk keeps it; add the example files."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SAMPLE / "tinh.yaml", folder / "tinh.yaml")
    year = folder / YEAR_FOLDER
    year.mkdir(parents=True, exist_ok=True)
    for district in sorted(SAMPLE.iterdir()):
        if district.is_dir():
            shutil.copytree(district, year / district.name)
    make_example_files(folder)
    return folder


if __name__ == "__main__":
    target = make_workspace(Path(sys.argv[1] if len(sys.argv) > 1 else "tap-dung"))
    print(f"Đã chuẩn bị thư mục {target}")
