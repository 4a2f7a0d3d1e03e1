"""File → raw grid: row numbers from A1, cell types, CSV encodings and delimiters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest
from builders import Merge, cp1258_bytes, write

from tcxd.reading import workbook

ROWS = [
    [],
    [None, Merge("ĐẢNG BỘ XÃ PHÚ AN", 3), None, None],
    ["Họ và tên", "Ngày sinh", "Số thẻ", "Điểm"],
    ["Nguyễn Văn An", dt.date(1980, 3, 5), "01234567", 92.5],
]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_grid_starts_at_a1_so_row_numbers_match_excel(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"a{suffix}", ROWS)
    (grid,) = workbook.read_grids(path, suffix[1:].replace("xlsx", "xlsx"))
    assert grid.sheet == "DS"
    assert grid.rows[1][1] == "ĐẢNG BỘ XÃ PHÚ AN"  # Excel row 2, column B
    assert grid.rows[1][2] == ""  # a merged cell holds its value in the top-left cell only
    assert grid.rows[3][:4] == ["Nguyễn Văn An", dt.date(1980, 3, 5), "01234567", 92.5]


def test_merged_ranges_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "a.xlsx", ROWS)
    (grid,) = workbook.read_grids(path, "xlsx")
    assert grid.merged == [((1, 1), (1, 3))]


def test_every_sheet_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "a.xlsx", {"DS": ROWS, "Ghi chú": [["x"]]})
    assert [grid.sheet for grid in workbook.read_grids(path, "xlsx")] == ["DS", "Ghi chú"]


TEXT_ROWS = [
    ["Họ và tên", "Số thẻ", "Điểm"],
    ["Nguyễn Văn An", "01234567", "92,5"],
    ["Đỗ Thị Bé", "00000012", "70"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("utf-16", "\t"),  # with BOM, little-endian
        ("utf-16-be", ";"),
        ("cp1258", ";"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "a.csv"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(TEXT_ROWS)
    data = (
        cp1258_bytes(buffer.getvalue())
        if encoding == "cp1258"
        else buffer.getvalue().encode(encoding)
    )
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    grid = workbook.read_text_grid(path, "csv")
    assert grid.rows == TEXT_ROWS  # text only, leading zeros kept, NFC
    assert grid.delimiter == delimiter


def test_cp1258_combining_tones_become_nfc(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    data = cp1258_bytes("Họ và tên;Ngày sinh\r\nNguyễn Văn An;05/03/1980\r\n")
    assert b"\xde" in data  # the tilde of "ễ" is a combining mark in Windows-1258
    path.write_bytes(data)
    grid = workbook.read_text_grid(path, "csv")
    assert grid.encoding == "cp1258"
    assert grid.rows[1][0] == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", grid.rows[1][0])


def test_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("DANH SÁCH\nHọ và tên;Điểm;Ghi chú\nAn;92,5;a, b\nBình;70,25;\n", "utf-8")
    grid = workbook.read_text_grid(path, "csv")
    assert grid.delimiter == ";"
    assert grid.rows[2] == ["An", "92,5", "a, b"]


def test_quoted_cells_keep_delimiters_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('"Họ và\ntên","Chức vụ, đơn vị"\n"An","Bí thư, chi bộ 1"\n', "utf-8")
    grid = workbook.read_text_grid(path, "csv")
    assert grid.rows == [["Họ và\ntên", "Chức vụ, đơn vị"], ["An", "Bí thư, chi bộ 1"]]


def test_tsv_is_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("Họ và tên\tĐiểm\nAn\t92,5\n", "utf-8")
    assert workbook.read_text_grid(path, "tsv").rows == [["Họ và tên", "Điểm"], ["An", "92,5"]]


def test_decode_prefers_utf8_then_cp1258() -> None:
    assert workbook.decode("Nguyễn".encode())[1] == "utf-8"
    assert workbook.decode(cp1258_bytes("Nguyễn")) == ("Nguyễn", "cp1258")
