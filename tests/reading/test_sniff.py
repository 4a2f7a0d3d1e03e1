"""`reading.sniff`: may a file hold an organisation list? Never "no" to a file whose full
reading has one (the importer would write it after the files that need it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tcxd.reading import ReadingError, read_file
from tcxd.reading.layout import HEADER_SCAN, MAX_HEADER_ROWS
from tcxd.reading.sniff import SNIFF_ROWS, may_hold_organisations
from tests.sheets import write_xlsx

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")
SMALL_PROVINCE = Path(
    os.environ.get("TCXD_SMALL_PROVINCE", "/work/main/bench/cache/small-20000-s1")
)
REAL_CORPUS = Path("/work/shared/corpus/real")

LIST_HEADER = ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc"]
ROSTER_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên"]


def holds_list(path: Path, **options) -> bool:
    try:
        reading = read_file(path, **options)
    except ReadingError:
        return False
    return any(table.kind == "organizations" for table in reading.sheets)


def check_no_false_negative(paths: list[Path]) -> tuple[int, int]:
    """(lists, false positives) over `paths`; fails on any list the sniff says "no" to."""
    lists = false_positives = 0
    missed = []
    for path in paths:
        sniffed, found = may_hold_organisations(path), holds_list(path)
        lists += found
        false_positives += sniffed and not found
        if found and not sniffed:
            missed.append(path)
    assert missed == []
    return lists, false_positives


def spreadsheets(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SPREADSHEETS)


def test_the_sniff_reads_every_row_the_header_search_reads():
    assert SNIFF_ROWS > HEADER_SCAN + MAX_HEADER_ROWS


def test_a_list_below_title_rows_on_a_long_sheet_is_sniffed(tmp_path):
    rows = [["ĐẢNG BỘ XÃ PHÚ AN"], ["DANH SÁCH TỔ CHỨC ĐẢNG"], [], LIST_HEADER]
    rows += [[n, f"Chi bộ thôn {n}", "Chi bộ cơ sở", "Đảng bộ xã Phú An"] for n in range(1, 300)]
    path = write_xlsx(tmp_path / "to chuc.xlsx", rows)
    assert holds_list(path) and may_hold_organisations(path)


def test_a_long_roster_is_not_a_list(tmp_path):
    rows = [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], [], ROSTER_HEADER]
    rows += [[n, f"Nguyễn Văn {n}", "05/03/1980", "Nam", f"0{n:07d}"] for n in range(1, 300)]
    path = write_xlsx(tmp_path / "DSDV.xlsx", rows)
    assert not holds_list(path) and not may_hold_organisations(path)


def test_a_header_too_deep_to_be_found_is_no_list_either_way(tmp_path):
    rows = [[]] * (SNIFF_ROWS + 5) + [LIST_HEADER, [1, "Chi bộ 1", "Chi bộ cơ sở", "Xã"]]
    path = write_xlsx(tmp_path / "to chuc.xlsx", rows)
    assert not holds_list(path) and not may_hold_organisations(path)


def test_forced_kinds_and_files_it_cannot_read(tmp_path):
    rows = [["CHI BỘ THÔN 1"], ROSTER_HEADER, [1, "Nguyễn Văn An", "05/03/1980", "Nam", "0123"]]
    path = write_xlsx(tmp_path / "DSDV.xlsx", rows)
    assert may_hold_organisations(path, kind="organizations")
    assert not may_hold_organisations(path, kind="members")
    assert may_hold_organisations(path, kind="no such kind")  # (refused by reading: "may")
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    assert may_hold_organisations(broken)


def test_only_the_sheet_chosen_counts(tmp_path):
    path = write_xlsx(tmp_path / "to chuc.xlsx", [LIST_HEADER, [1, "Chi bộ 1", "Chi bộ", "Xã"]])
    assert may_hold_organisations(path, sheet="ds")
    assert not may_hold_organisations(path, sheet="khac")


@pytest.mark.skipif(not SMALL_PROVINCE.is_dir(), reason="the small bench province is not built")
def test_no_list_of_the_small_province_is_missed():
    lists, false_positives = check_no_false_negative(spreadsheets(SMALL_PROVINCE))
    assert lists > 0 and false_positives <= lists


@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason="no corpus of real files here")
def test_no_list_of_the_real_files_is_missed():
    check_no_false_negative(spreadsheets(REAL_CORPUS))


def test_the_top_rows_calamine_gives_are_those_of_the_whole_grid(tmp_path):
    """`nrows` counts from A1, as the whole grid does, even when the sheet's first rows and
    columns are empty (calamine's range then starts further down)."""
    from tcxd.reading.workbook import read_workbook_grids

    rows = [[], [], ["", "", "DANH SÁCH"], []] + [["", n, f"x{n}"] for n in range(100)]
    path = write_xlsx(tmp_path / "lech.xlsx", rows)
    whole, top = read_workbook_grids(path)[0], read_workbook_grids(path, nrows=SNIFF_ROWS)[0]
    assert top.rows == whole.rows[:SNIFF_ROWS] and top.merged == whole.merged
