"""Reading a sheet by its structure (spec inputs.md, "Files tcxd has never seen"), stage by stage:
header matching on folded tokens, the header block, the body, composite and split cells, sheets,
files that are not inputs. The wordings here are our own, not those of the real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import Merge, write

from tcxd.reading import matching, read_file
from tcxd.reading.layout import find_body, find_layout, is_filter_line

D = dt.date


def records(reading, *columns: str, sheet: int = 0) -> list[tuple]:
    frame = reading.sheets[sheet].rows[list(columns)].astype(object)
    frame = frame.where(frame.notna(), None)
    return [tuple(row) for row in frame.itertuples(index=False)]


def _grid(rows: list[list]) -> list[list]:
    width = max(len(row) for row in rows)
    return [[*row, *([""] * (width - len(row)))] for row in rows]


# ---------------------------------------------------------------- header matching


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("HỌ TÊN KHAI SINH", "full_name"),
        ("Họ tên đang dùng", "full_name"),
        ("Họ và tên (khai sinh)", "full_name"),
        ("Họ và tên thường gọi", "full_name"),
        ("HO_TEN", "full_name"),
        ("hoTenDangVien", "full_name"),
        ("NGAY_SINH", "birth_date"),
        ("ngayVaoDang", "admitted_on"),
        ("ngay_chinh_thuc", "official_on"),
        ("soTheDangVien", "card_number"),
        ("so_the_dv", "card_number"),
        ("SỐ THẺ ĐẢNG", "card_number"),
        ("Số thẻ Đảng viên (8 chữ số)", "card_number"),
        ("maToChuc", "code"),
        ("qdThanhLap", "founded_on"),
        ("ghi_chu", "note"),
        ("Ngày sinh\n(ngày/tháng/năm)", "birth_date"),
        ("Dân tộc *", "ethnicity"),
    ],
)
def test_header_wordings_match_a_field_by_tokens(header: str, field: str) -> None:
    match = matching.best_field(header)
    assert match is not None and match.field == field


@pytest.mark.parametrize("header", ["Quê quán", "Nơi sinh", "Email", "Số điện thoại", "Năm"])
def test_headers_that_name_no_field(header: str) -> None:
    assert matching.best_field(header) is None


def test_diacritics_tell_nam_from_nam() -> None:
    assert matching.tokens("Năm", accents=True) != matching.tokens("Nam", accents=True)


@pytest.mark.parametrize(
    ("header", "parts"),
    [
        ("Giới tính, dân tộc, tôn giáo", ["gender", "ethnicity", "religion"]),
        ("Họ và tên\nNgày sinh", ["full_name", "birth_date"]),
        ("Ngày kết nạp; ngày chính thức", ["admitted_on", "official_on"]),
        ("Ngày, tháng, năm sinh", None),
        ("Chức vụ, đơn vị công tác", None),
    ],
)
def test_composite_headers(header: str, parts: list[str] | None) -> None:
    assert matching.composite_fields(header) == parts


# ---------------------------------------------------------------- header block


def test_filter_lines_are_not_headers() -> None:
    assert is_filter_line(["Tổ đảng:", "", "…………", "Năm vào Đảng: ……"])
    assert is_filter_line(["Đơn vị: ....................."])
    assert not is_filter_line(["STT", "Họ và tên", "Ngày sinh"])


def test_three_row_header_with_any_sub_labels_and_a_filter_line(tmp_path: Path) -> None:
    rows = [
        [Merge("ĐẢNG BỘ XÃ HÒA BÌNH", 4)],
        ["Tổ đảng:", "…………", "Năm vào Đảng:", "……"],
        [
            Merge("TT", 1, 3),
            Merge("Họ tên đảng viên", 1, 3),
            Merge("Sinh", 2, 1),
            None,
            Merge("Nguyên quán", 3, 2),
            None,
            None,
            Merge("Ngày vào Đảng", 1, 3),
        ],
        [None, None, Merge("Ngày sinh", 1, 2), Merge("Dân tộc", 1, 2), None, None, None, None],
        [None, None, None, None, "Thôn/xóm", "Xã/phường", "Tỉnh/thành phố", None],
        ["A", "B", "1", "2", "3", "4", "5", "6"],
        [1, "Đỗ Văn Hải", "02/02/1970", "Kinh", "Thôn 1", "Hòa Bình", "Hải Dương", "03/02/1995"],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    (sheet,) = reading.sheets
    assert reading.problems == []
    assert records(reading, "full_name", "birth_date", "ethnicity", "admitted_on") == [
        ("Đỗ Văn Hải", D(1970, 2, 2), "Kinh", D(1995, 2, 3))
    ]
    assert sheet.header_row == 3
    understood = dict((header, label) for header, label, _how in sheet.understood)
    assert understood["Họ tên đảng viên"] == "Họ và tên"
    assert understood["Nguyên quán / Thôn/xóm"] == ""  # kept, not a field


def test_multi_line_header_and_required_marks(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên (*)", "Ngày sinh\n(nhập dd/mm/yyyy)", "Ngày vào Đảng\n(bắt buộc)", "Chi bộ *"],
        ["Phan Thị Lụa", "03/04/1990", "19/05/2015", "Chi bộ Thôn 4"],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert records(reading, "full_name", "birth_date", "admitted_on", "branch") == [
        ("Phan Thị Lụa", D(1990, 4, 3), D(2015, 5, 19), "Chi bộ Thôn 4")
    ]


# ---------------------------------------------------------------- body


def test_rows_without_a_key_are_skipped_and_listed_whatever_their_words() -> None:
    grid = _grid(
        [
            ["STT", "Họ và tên", "Số thẻ", "Ngày sinh", "Ghi chú"],
            ["Đảng viên chính thức"],
            [1, "Vũ Văn Khang", "01234567", "1975", ""],
            ["", "Đảng viên dự bị", "", "", ""],
            [2, "Lò Thị Mai", "", "1990", ""],
            ["", "", "07654321", "1991", ""],  # a card and no name: a member with a name missing
            ["", "Tổng số: 3 đồng chí", "", "", ""],
            ["", "(*) Số liệu do chi ủy cung cấp, chưa đối chiếu hồ sơ", "", "", ""],
            ["", "", "", "", "Ghi chú: chi bộ có 1 đồng chí miễn sinh hoạt"],
            ["", "", "", "2026", "xem trang sau"],
        ]
    )
    found = find_layout(grid, [])
    body = find_body(grid, found, key_columns=[1], skip_columns={0}, id_columns=[2])
    assert body.rows == [2, 4, 5]
    assert body.skipped_totals == [6]
    assert body.skipped_notes == [3, 7, 8, 9]


def test_skipped_rows_are_reported_with_their_excel_row(tmp_path: Path) -> None:
    rows = [
        ["TT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng"],
        ["I", "Các đồng chí đang công tác", "", ""],
        [1, "Hà Văn Nam", "1970", "19/05/2000"],
        ["", "Cộng: 1", "", ""],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    warnings = reading.sheets[0].warnings
    assert any(w.startswith('Đã bỏ qua dòng "Tổng cộng" (dòng số 4') for w in warnings)
    assert any("tiêu đề mục, ghi chú" in w and w.endswith(": 2") for w in warnings)


# ---------------------------------------------------------------- composite and split cells


def test_name_and_birth_date_in_one_cell(tmp_path: Path) -> None:
    rows = [
        ["STT", "Họ và tên\nNgày sinh", "Ngày vào Đảng, ngày chính thức", "Dân tộc, tôn giáo"],
        [1, "Trịnh Văn Lâm\n12/06/1968", "03/02/1995\n03/02/1996", "Kinh, Không"],
        [2, "Mai Thị Ngọc\n1972", "19/05/2025", "Tày; Phật giáo"],
    ]
    reading = read_file(write(tmp_path / "so ds.xlsx", rows))
    assert reading.problems == []
    assert records(
        reading, "full_name", "birth_date", "admitted_on", "official_on", "ethnicity", "religion"
    ) == [
        ("Trịnh Văn Lâm", D(1968, 6, 12), D(1995, 2, 3), D(1996, 2, 3), "Kinh", "Không"),
        ("Mai Thị Ngọc", D(1972, 1, 1), D(2025, 5, 19), None, "Tày", "Phật giáo"),
    ]


def test_card_number_written_one_digit_per_cell(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", Merge("Số thẻ đảng viên", 8), *[None] * 7, "Ngày vào Đảng"],
        ["Cao Văn Phúc", "1980", *list("01234567"), "2005"],
        ["Lê Thị Quế", "1985", 9, 8, 7, 6, 5, 4, 3, 2, "2010"],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert records(reading, "full_name", "card_number") == [
        ("Cao Văn Phúc", "01234567"),
        ("Lê Thị Quế", "98765432"),
    ]
    assert reading.sheets[0].unknown_columns == []


def test_family_and_given_names_in_two_columns(tmp_path: Path) -> None:
    rows = [
        ["Họ và chữ đệm", "Tên", "Ngày sinh", "Ngày vào Đảng"],
        ["Nguyễn Thị", "Hồng", "1970", "2000"],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert records(reading, "full_name") == [("Nguyễn Thị Hồng",)]


# ---------------------------------------------------------------- sheets

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Ngày vào Đảng"]
PEOPLE = [
    [1, "Bùi Văn An", "1970", "01000001", "19/05/2000"],
    [2, "Đinh Thị Bích", "1975", "01000002", "03/02/2001"],
    [3, "Kiều Văn Cường", "1980", "01000003", "02/09/2002"],
]


def test_partial_lists_are_recognised_as_subsets(tmp_path: Path) -> None:
    sheets = {
        "Dự bị": [HEADER, PEOPLE[2]],
        "Toàn đảng bộ": [HEADER, *PEOPLE],
        "Chi bộ 1": [HEADER, PEOPLE[0], PEOPLE[1]],
    }
    reading = read_file(write(tmp_path / "ds.xlsx", sheets))
    assert reading.problems == []
    assert [sheet.sheet for sheet in reading.sheets] == ["Toàn đảng bộ"]
    skipped = dict(reading.skipped)
    assert set(skipped) == {"Dự bị", "Chi bộ 1"}
    assert "“Toàn đảng bộ”" in skipped["Dự bị"]


def test_disjoint_sheets_are_parts_of_one_list(tmp_path: Path) -> None:
    sheets = {"Chi bộ 1": [HEADER, PEOPLE[0]], "Chi bộ 2": [HEADER, PEOPLE[1], PEOPLE[2]]}
    reading = read_file(write(tmp_path / "ds.xlsx", sheets))
    assert reading.problems == []
    assert [sheet.sheet for sheet in reading.sheets] == ["Chi bộ 1", "Chi bộ 2"]


def test_overlapping_lists_are_refused_naming_the_sheets_and_sheet_picks_one(
    tmp_path: Path,
) -> None:
    sheets = {"Danh sách A": [HEADER, *PEOPLE[:2]], "Danh sách B": [HEADER, *PEOPLE[1:]]}
    path = write(tmp_path / "ds.xlsx", sheets)
    reading = read_file(path)
    assert any(
        "các trang “Danh sách A”, “Danh sách B” có chung một số đảng viên" in problem.expected
        and "--sheet" in problem.expected
        for problem in reading.problems
    )
    chosen = read_file(path, sheet="danh sach b")
    assert chosen.problems == []
    assert [sheet.sheet for sheet in chosen.sheets] == ["Danh sách B"]


def test_sheet_option_naming_no_sheet(tmp_path: Path) -> None:
    from tcxd.reading.problems import SheetNotFound

    path = write(tmp_path / "ds.xlsx", {"DS": [HEADER, PEOPLE[0]]})
    with pytest.raises(SheetNotFound) as error:
        read_file(path, sheet="Trang 2")
    assert "không có trang “Trang 2” (các trang của tệp: “DS”)" in error.value.message


# ---------------------------------------------------------------- what a sheet is


@pytest.mark.parametrize(
    ("rows", "looks_like"),
    [
        (
            [
                ["DANH SÁCH ĐOÀN VIÊN CHI ĐOÀN THÔN 2"],
                ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đoàn", "Chức vụ"],
                [1, "Lý Văn Tú", "2004", "2019", "Đoàn viên"],
            ],
            "danh sách đoàn viên",
        ),
        (
            [
                ["BẢNG ĐÁNH GIÁ, XẾP LOẠI CÔNG CHỨC NĂM 2025"],
                ["STT", "Họ và tên", "Ngày sinh", "Ngạch", "Tự xếp loại", "Xếp loại"],
                [1, "Lý Văn Tú", "1980", "Chuyên viên", "Tốt", "Tốt"],
            ],
            "công chức",
        ),
        (
            [
                ["SỔ THU ĐẢNG PHÍ QUÝ I"],
                ["STT", "Họ và tên", "Thu nhập", "Mức đóng", "Số tiền"],
                [1, "Lý Văn Tú", 8000000, "1%", 80000],
            ],
            "đảng phí",
        ),
        (
            [
                ["Biểu số 2-TK", "THỐNG KÊ CHẤT LƯỢNG ĐẢNG VIÊN"],
                ["Chỉ tiêu", "Kỳ này", "Cùng kỳ"],
                ["Tổng số", 10, 9],
            ],
            "biểu thống kê",
        ),
    ],
)
def test_files_that_are_not_inputs_say_what_they_look_like(
    tmp_path: Path, rows: list, looks_like: str
) -> None:
    reading = read_file(write(tmp_path / "tep.xlsx", rows))
    assert reading.sheets == []
    ((_sheet, reason),) = reading.skipped
    assert reason.startswith("trông như") and looks_like in reason
    assert "thiếu cột" not in " ".join(p.expected for p in reading.problems)


def test_organisations_list_of_names_and_codes(tmp_path: Path) -> None:
    rows = [["ma_don_vi", "ten_chi_bo"], ["CB01", "Chi bộ Khu phố 1"], ["CB02", "Chi bộ Khu phố 2"]]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert reading.problems == []
    assert reading.sheets[0].kind == "organizations"
    assert records(reading, "name", "code", "org_type") == [
        ("Chi bộ Khu phố 1", "CB01", None),
        ("Chi bộ Khu phố 2", "CB02", None),
    ]


def test_one_column_per_value_under_a_field_header(tmp_path: Path) -> None:
    rows = [
        [
            "Họ và tên",
            "Ngày sinh",
            "Ngày vào Đảng",
            Merge("Trình độ chuyên môn", 3),
            None,
            None,
            Merge("Chức vụ", 2),
            None,
        ],
        [None, None, None, "Thạc sĩ", "Đại học", "Khác", "Trong Đảng", "Nơi làm việc"],
        ["Tạ Văn Sơn", "1970", "19/05/2000", "", "x", "", "Bí thư", "Trưởng trạm y tế"],
        ["Âu Thị Tâm", "1980", "03/02/2010", "X", "", "", "", "Giáo viên"],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert reading.problems == []
    assert records(reading, "degree", "occupation") == [
        ("Đại học", "Bí thư, Trưởng trạm y tế"),
        ("Thạc sĩ", "Giáo viên"),
    ]
    assert reading.sheets[0].unknown_columns == []


@pytest.mark.parametrize(
    ("header", "values", "branch", "unknown"),
    [
        (["Đơn vị"], ["Chi bộ Khu 1", "Chi bộ Khu 2"], ["Chi bộ Khu 1", "Chi bộ Khu 2"], []),
        (["Đơn vị"], ["UBND phường", "Trường Mầm non"], [None, None], ["Đơn vị"]),
    ],
)
def test_a_general_unit_header_is_the_chi_bo_only_when_its_values_are_units(
    tmp_path: Path, header, values, branch, unknown
) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Ngày vào Đảng", *header]]
    rows += [
        [name, "1970", "19/05/2000", value]
        for name, value in zip(["An", "Ba"], values, strict=True)
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert [row[0] for row in records(reading, "branch")] == branch
    assert reading.sheets[0].unknown_columns == unknown


def test_a_specific_column_wins_over_a_general_one_whatever_the_order(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Đơn vị", "Ngày sinh", "Ngày vào Đảng", "Chi bộ"],
        ["An", "Chi bộ Khu 9", "1970", "19/05/2000", "Chi bộ Khu 1"],
    ]
    reading = read_file(write(tmp_path / "ds.xlsx", rows))
    assert records(reading, "branch") == [("Chi bộ Khu 1",)]
    assert reading.sheets[0].column_headers["branch"] == "Chi bộ"


def test_two_row_header_of_a_csv_with_any_sub_labels(tmp_path: Path) -> None:
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Nơi thường trú", "", "", "Ngày vào Đảng"],
        ["", "", "", "Số nhà", "Phường", "Thành phố", ""],
        ["1", "Lê Văn Hùng", "01/02/1970", "12", "An Cựu", "Huế", "03/02/1995"],
    ]
    reading = read_file(write(tmp_path / "ds.csv", rows))
    assert reading.problems == []
    assert records(reading, "full_name", "admitted_on") == [("Lê Văn Hùng", D(1995, 2, 3))]
    assert reading.sheets[0].unknown_columns == [
        "Nơi thường trú / Số nhà",
        "Nơi thường trú / Phường",
        "Nơi thường trú / Thành phố",
    ]


def test_the_official_so_danh_sach_layout(tmp_path: Path) -> None:
    """Most of the features at once: titles in merged cells, composite cells on lines, a card
    number one digit a cell, a number row with gaps, a totals line."""
    rows = [
        [Merge("ĐẢNG BỘ XÃ AN PHÚ", 5), None, None, None, None, Merge("SỔ ĐẢNG VIÊN", 8)],
        [Merge("CHI BỘ THÔN 2", 5)],
        [],
        [
            "Số TT",
            "Họ và tên khai sinh\nNgày tháng năm sinh",
            "Nam, nữ\nDân tộc\nTôn giáo",
            "Quê quán",
            "Ngày vào Đảng\nNgày chính thức",
            Merge("Số thẻ đảng viên", 8),
            *[None] * 7,
            "Ghi chú",
        ],
        ["1", "2", "3", "4", "5", "6", *[""] * 7, "7"],
        [
            1,
            "Nguyễn Văn Bảy\n12/05/1965",
            "Nam\nKinh\nKhông",
            "An Phú",
            "03/02/1990\n03/02/1991",
            0,
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            "",
        ],
        [
            2,
            "Trần Thị Tám\n01/01/1972",
            "Nữ\nKinh\nPhật giáo",
            "An Phú",
            "19/05/2001\n19/05/2002",
            0,
            1,
            2,
            3,
            4,
            5,
            6,
            8,
            "",
        ],
        ["", "Cộng: 2 đảng viên"],
    ]
    reading = read_file(write(tmp_path / "so.xlsx", rows))
    assert reading.problems == []
    columns = ("full_name", "birth_date", "gender", "ethnicity", "religion", "admitted_on")
    assert records(reading, *columns, "official_on", "card_number") == [
        (
            "Nguyễn Văn Bảy",
            D(1965, 5, 12),
            "nam",
            "Kinh",
            "Không",
            D(1990, 2, 3),
            D(1991, 2, 3),
            "01234567",
        ),
        (
            "Trần Thị Tám",
            D(1972, 1, 1),
            "nu",
            "Kinh",
            "Phật giáo",
            D(2001, 5, 19),
            D(2002, 5, 19),
            "01234568",
        ),
    ]
    assert reading.sheets[0].unit_names == ["ĐẢNG BỘ XÃ AN PHÚ", "CHI BỘ THÔN 2"]


# ---------------------------------------------------------------- a qualifier naming another domain


@pytest.mark.parametrize(
    "header",
    [
        "Chức vụ Đảng",
        "Chức Vụ Đảng",
        "Chức vụ đoàn thể",
        "Chức vụ chính quyền",
        "Chức vụ Công đoàn",
    ],
)
def test_an_alias_followed_by_another_domain_is_not_that_field(header: str) -> None:
    """ "Chức vụ" is an alias of the occupation and an alias followed by one more word still
    matches it ("Chức vụ hiện nay"); a word naming another domain (the party, the government, a
    mass organisation) makes it that domain's post, which the prefix rule must not absorb."""
    assert all(match.field != "occupation" for match in matching.best_fields(header))


@pytest.mark.parametrize("header", ["Chức vụ công tác", "Chức vụ hiện tại", "Nghề nghiệp chính"])
def test_an_alias_followed_by_a_plain_word_still_matches(header: str) -> None:
    match = matching.best_field(header)
    assert match is not None and match.field == "occupation"


def test_a_party_post_column_is_listed_unused_not_read_as_the_occupation(tmp_path: Path) -> None:
    """The desktop-app export: "Chức Vụ Đảng" beside "Chức Vụ CQ" (its government post)."""
    rows = [
        ["Họ Tên", "Ngày Sinh", "Chi Bộ", "Chức Vụ Đảng", "Chức Vụ CQ"],
        ["Phan Thị Lụa", "03/04/1990", "Chi bộ Thôn 4", "Phó bí thư", "Chủ tịch xã"],
    ]
    reading = read_file(write(tmp_path / "export.csv", rows))
    (table,) = reading.sheets
    understood = {header: field for header, field, _how in table.understood}
    assert understood["Chức Vụ Đảng"] == ""
    assert understood["Chức Vụ CQ"] == "Nghề nghiệp"
    assert "Chức Vụ Đảng" in table.unknown_columns
    assert records(reading, "occupation") == [("Chủ tịch xã",)]
    assert table.rows["extra"].tolist() == [{"Chức Vụ Đảng": "Phó bí thư"}]
