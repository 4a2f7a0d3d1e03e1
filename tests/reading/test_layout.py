"""Title rows, header rows, data rows, totals, signature block; unit names and periods."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.reading import layout


def _grid(rows: list[list]) -> list[list]:
    width = max(len(row) for row in rows)
    return [[*row, *([""] * (width - len(row)))] for row in rows]


MESSY = _grid(
    [
        ["ĐẢNG BỘ XÃ PHÚ AN", "", "", "", "ĐẢNG CỘNG SẢN VIỆT NAM"],
        ["CHI BỘ THÔN 3", "", "", "", "Phú An, ngày 5 tháng 10 năm 2026"],
        [],
        ["DANH SÁCH ĐẢNG VIÊN"],
        ["Tính đến ngày 30/9/2026"],
        ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", ""],
        ["", "", "", "Dự bị", "Chính thức"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "Nguyễn Văn An", "05/03/1980", "19/05/2005", "19/05/2006"],
        [],
        [2, "Trần Thị Bình", "1985", "01/02/2010", ""],
        ["", "Tổng cộng", "", "", ""],
        [],
        ["", "NGƯỜI LẬP BIỂU", "", "T/M CHI ỦY", ""],
        ["", "", "", "BÍ THƯ", ""],
        ["", "Lê Văn Dũng", "", "Hoàng Văn Em", ""],
    ]
)


def test_two_row_header_without_merge_information() -> None:
    found = layout.find_layout(MESSY, merged=[])
    assert (found.header_top, found.header_bottom, found.data_start) == (5, 6, 8)
    assert [(c.header, c.field) for c in found.columns] == [
        ("STT", "seq"),
        ("Họ và tên", "full_name"),
        ("Ngày sinh", "birth_date"),
        ("Ngày vào Đảng / Dự bị", "admitted_on"),
        ("Ngày vào Đảng / Chính thức", "official_on"),
    ]
    assert found.notes == ["numbers_row"]


def test_two_row_header_with_merged_group_cell() -> None:
    grid = [row[:] for row in MESSY]
    found = layout.find_layout(grid, merged=[((5, 3), (5, 4)), ((5, 1), (6, 1))])
    assert found.columns[4].header == "Ngày vào Đảng / Chính thức"
    assert found.columns[4].field == "official_on"


def test_header_found_on_the_sub_row_moves_up() -> None:
    grid = _grid(
        [
            ["TT", "Họ và tên", "Giới tính", "", "Ngày, tháng, năm sinh"],
            ["", "", "Nam", "Nữ", ""],
            [1, "An", "x", "", "05/03/1980"],
        ]
    )
    found = layout.find_layout(grid, merged=[((0, 2), (0, 3))])
    assert (found.header_top, found.header_bottom) == (0, 1)
    assert [c.field for c in found.columns] == [
        "seq",
        "full_name",
        "gender_male",
        "gender_female",
        "birth_date",
    ]


def test_body_skips_blank_totals_and_stops_at_signature() -> None:
    found = layout.find_layout(MESSY, merged=[])
    body = layout.find_body(MESSY, found, key_columns=[1], skip_columns={0})
    assert body.rows == [8, 10]
    assert body.skipped_totals == [11]
    assert body.signature_row == 13


@pytest.mark.parametrize(
    "line",
    [
        "NGƯỜI LẬP BIỂU",
        "Người lập biểu",
        "T/M CHI ỦY",
        "T/M ĐẢNG ỦY",
        "TM. ĐẢNG ỦY",
        "BÍ THƯ",
        "PHÓ BÍ THƯ",
        "Phú An, ngày 05 tháng 10 năm 2026",
        "Phú An, ngày … tháng … năm 2026",
        "XÁC NHẬN CỦA CẤP ỦY",
        "(Ký, ghi rõ họ tên)",
    ],
)
def test_signature_lines(line: str) -> None:
    grid = _grid(
        [
            ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng"],
            [1, "An", "1980", "2005"],
            ["", "", line],
        ]
    )
    found = layout.find_layout(grid, [])
    assert layout.find_body(grid, found, [1], {0}).signature_row == 2


@pytest.mark.parametrize(
    "text", ["Tổng cộng", "TỔNG CỘNG:", "Cộng", "Tổng số: 25 đồng chí", "Tổng"]
)
def test_totals_rows(text: str) -> None:
    grid = _grid(
        [
            ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng"],
            [1, "Tống Văn Cộng", "1980", "2005"],
            ["", text, 25, ""],
        ]
    )
    found = layout.find_layout(grid, [])
    body = layout.find_body(grid, found, [1], {0})
    assert body.rows == [1]  # "Tống Văn Cộng" is a name, not a total
    assert body.skipped_totals == [2]


def test_section_headings_give_the_branch_and_notes_are_skipped() -> None:
    grid = _grid(
        [
            ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng"],
            ["I. CHI BỘ 1"],
            [1, "An", "1980", "2005"],
            ["", "Chi bộ Thôn 2"],
            [2, "Bình", "1981", "2006"],
            ["", "", "", "Ghi chú: danh sách gồm 2 đồng chí"],
        ]
    )
    found = layout.find_layout(grid, [])
    body = layout.find_body(grid, found, [1], {0})
    assert body.rows == [2, 4]
    assert body.sections == {2: "CHI BỘ 1", 4: "Chi bộ Thôn 2"}
    assert body.skipped_notes == [5]


def test_row_of_only_stt_numbers_is_blank() -> None:
    grid = _grid(
        [["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng"], [1, "An", "1980", "2005"], [2], [3]]
    )
    found = layout.find_layout(grid, [])
    assert layout.find_body(grid, found, [1], {0}).rows == [1]


@pytest.mark.parametrize(
    "row",
    [
        [1, 2, 3, 4],
        ["(1)", "(2)", "(3)", "(4)"],
        ["A", "B", "1", "2"],
        ["1", "2", "3", "(4) = (2)×100/(3)"],
        ["A", "B", "C", "D"],  # column letters alone
        ["(a)", "(b)", "(c)", "(d)"],
    ],
)
def test_column_number_rows(row: list) -> None:
    grid = _grid(
        [["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng"], row, [1, "An", "1980", "2005"]]
    )
    assert layout.find_layout(grid, []).data_start == 2


def test_no_header_found() -> None:
    assert (
        layout.find_layout(_grid([["Báo cáo tháng"], ["Nội dung", "Số liệu"], ["a", 1]]), [])
        is None
    )


def test_merged_name_over_two_columns() -> None:
    grid = _grid(
        [
            ["STT", "Họ và tên", "", "Ngày sinh", "Ngày vào Đảng"],
            [1, "Nguyễn Văn", "An", "1980", "2005"],
        ]
    )
    found = layout.find_layout(grid, merged=[((0, 1), (0, 2))])
    assert [c.field for c in found.columns] == [
        "seq",
        "name_first_part",
        "name_last_part",
        "birth_date",
        "admitted_on",
    ]


def test_unit_names_outermost_first() -> None:
    texts = [
        "ĐẢNG BỘ TỈNH BÌNH MINH",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ XÃ PHÚ AN",
        "Số: 12-BC/ĐU",
        "CHI BỘ TRƯỜNG THCS PHÚ AN",
        "Phú An, ngày 5 tháng 10 năm 2026",
        "DANH SÁCH ĐẢNG VIÊN CHI BỘ TRƯỜNG THCS PHÚ AN TÍNH ĐẾN NGÀY 30/9/2026",
        "Chi bộ: Thôn 4",
    ]
    assert layout.unit_names(texts) == [
        "ĐẢNG BỘ TỈNH BÌNH MINH",
        "ĐẢNG BỘ XÃ PHÚ AN",
        "CHI BỘ TRƯỜNG THCS PHÚ AN",
        "Chi bộ Thôn 4",
    ]


def test_unit_names_without_diacritics() -> None:
    assert layout.unit_names(["DANG BO XA PHU AN", "DANH SACH DANG VIEN"]) == ["DANG BO XA PHU AN"]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            ["DANH SÁCH ĐẢNG VIÊN", "Tính đến ngày 30/9/2026"],
            (dt.date(2026, 9, 30), 2026, None, None),
        ),
        (["Danh sách đảng viên đến 31/12/2025"], (dt.date(2025, 12, 31), 2025, None, None)),
        (["(tính đến ngày 31 tháng 12 năm 2025)"], (dt.date(2025, 12, 31), 2025, None, None)),
        (
            ["KẾT QUẢ XẾP LOẠI NĂM 2025", "Phú An, ngày 5 tháng 1 năm 2026"],
            (None, 2025, None, "year"),
        ),
        (["KẾT QUẢ XẾP LOẠI QUÝ III NĂM 2026"], (None, 2026, 3, "q3")),
        (["ĐÁNH GIÁ 6 THÁNG ĐẦU NĂM 2026"], (None, 2026, None, "h1")),
        (["BÁO CÁO 9 THÁNG NĂM 2026"], (None, 2026, None, "9m")),
    ],
)
def test_period_from_titles(texts: list[str], expected: tuple) -> None:
    info = layout.period_from_texts(texts)
    year = info.year if info.year is not None else (info.as_of.year if info.as_of else None)
    assert (info.as_of, year, info.quarter, info.period) == expected


@pytest.mark.parametrize(
    ("name", "as_of", "year", "quarter"),
    [
        ("DSDV T9-2026.xlsx", dt.date(2026, 9, 30), 2026, None),
        ("DS dang vien den 30.9.2026.xlsx", dt.date(2026, 9, 30), 2026, None),
        ("Kết quả xếp loại năm 2025.xlsx", None, 2025, None),
        ("XL quy 3-2026.xls", None, 2026, 3),
        ("XL_Q4_2025.xlsx", None, 2025, 4),
        ("danh sach.xlsx", None, None, None),
    ],
)
def test_period_from_file_names(
    name: str, as_of: dt.date | None, year: int | None, quarter: int | None
) -> None:
    info = layout.period_from_filename(name)
    assert (info.as_of, info.year, info.quarter) == (as_of, year, quarter)
