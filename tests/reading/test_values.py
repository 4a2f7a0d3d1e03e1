"""Cell values → typed values: dates, IDs, numbers, booleans, vocabularies, text."""

from __future__ import annotations

import datetime as dt
import sys
import types
import unicodedata

import pytest

from tcxd.reading import values

D = dt.date(1980, 3, 5)
INVALID = "không phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980)"


@pytest.mark.parametrize(
    "cell",
    [
        D,
        dt.datetime(1980, 3, 5, 0, 0),
        dt.datetime(1980, 3, 5, 14, 30),
        29285,  # Excel serial number
        29285.0,
        29285.5,  # serial with a time of day
        "29285",
        "05/03/1980",
        "5/3/1980",
        "5-3-1980",
        "05.03.1980",
        " 05 / 03 / 1980 ",
        "05/03/1980 00:00:00",
        "1980-03-05",
        "ngày 5 tháng 3 năm 1980",
        "5/3/80",
    ],
)
def test_every_date_form_is_day_first(cell: object) -> None:
    column = values.to_dates([cell])
    assert column.values == [D]
    assert column.errors == []


def test_two_digit_years_pivot_and_warn() -> None:
    column = values.to_dates(["5/3/80", "5/3/05"])
    assert column.values == [D, dt.date(2005, 3, 5)]
    assert "2 ngày viết năm bằng 2 chữ số" in column.warnings[0]


@pytest.mark.parametrize(
    "cell", ["31/02/1980", "32/01/1980", "05/13/1980", "29/02/2023", "abc", "5/3", True]
)
def test_impossible_dates_are_errors_not_guesses(cell: object) -> None:
    column = values.to_dates([cell])
    assert column.values == [None]
    assert column.errors == [(0, values.shown(cell), INVALID)]


def test_month_and_year_only_says_the_day_is_missing() -> None:
    assert values.to_dates(["3/1980"]).errors[0][2].startswith("thiếu ngày")


def test_out_of_range_year_is_an_error() -> None:
    assert values.to_dates(["05/03/1880"]).errors[0][2].startswith("có năm 1880 không hợp lý")
    assert values.to_dates([5.0]).errors  # serial 5 = 1900-01-05: junk, not a date


def test_year_only_birth_date_is_stored_with_a_flag() -> None:
    column = values.to_dates(["1980", 1975, 1975.0, "05/03/1980", ""], year_only=True)
    assert column.values == [dt.date(1980, 1, 1), dt.date(1975, 1, 1), dt.date(1975, 1, 1), D, None]
    assert column.flags == [True, True, True, False, False]


def test_year_only_is_an_error_where_a_full_date_is_needed() -> None:
    column = values.to_dates(["2005"])
    assert column.values == [None]
    assert column.errors[0][2].startswith("chỉ có năm")


def test_empty_cells_are_none() -> None:
    assert values.to_dates(["", "  ", None]).values == [None, None, None]


# ---------------------------------------------------------------- IDs


def test_card_numbers_keep_leading_zeros() -> None:
    column = values.to_ids(["01234567", "0123 4567", "0123.4567", "00000001"], "card_number")
    assert column.values == ["01234567", "01234567", "01234567", "00000001"]
    assert column.errors == [] and column.warnings == []


def test_card_number_stored_as_a_number_gets_its_zeros_back_with_a_warning() -> None:
    column = values.to_ids([1234567.0, 12.0, 12345678], "card_number")
    assert column.values == ["01234567", "00000012", "12345678"]
    assert column.warnings == [
        "2 số đã được bổ sung số 0 ở đầu "
        "(ô lưu dạng số nên Excel đã bỏ số 0; nên định dạng cột là Văn bản)"
    ]


def test_citizen_id_padding() -> None:
    column = values.to_ids([1234567890.0, 12345678901.0, 123456789012.0, 12345678.0], "citizen_id")
    assert column.values == ["001234567890", "012345678901", "123456789012", "012345678"]


def test_scientific_notation_lost_digits() -> None:
    column = values.to_ids(["1.23457E+11", "1,23457E+11"], "citizen_id")
    assert column.values == [None, None]
    assert "số mũ" in column.errors[0][2]


def test_non_integral_number_in_an_id_column_is_an_error() -> None:
    assert values.to_ids([1234.5], "card_number").errors[0][:2] == (0, "1234.5")


def test_text_id_of_the_wrong_length_is_kept_and_warned() -> None:
    column = values.to_ids(["1234567"], "card_number")
    assert column.values == ["1234567"]
    assert column.warnings == ["1 số có 7 chữ số; cần 8 chữ số"]


def test_profile_number_is_text() -> None:
    assert values.to_ids(["012345 AB", 123456.0], "profile_number").values == [
        "012345 AB",
        "123456",
    ]


# ---------------------------------------------------------------- numbers


def test_numbers_from_text_with_decimal_comma() -> None:
    column = values.to_numbers(
        ["92,5", "92.5", " 85 ", 70, 70.25, "1.234,5", "1,234.5", "-", ""], high=None
    )
    assert column.values == [92.5, 92.5, 85.0, 70.0, 70.25, 1234.5, 1234.5, None, None]


def test_score_out_of_range_and_not_a_number() -> None:
    column = values.to_numbers(["105", "chín mươi"], high=100)
    assert column.values == [None, None]
    assert [error[2] for error in column.errors] == [
        "không phải số (ví dụ 92,5)",
        "nằm ngoài khoảng cho phép (0–100)",
    ]


def test_percentages() -> None:
    assert values.to_numbers(["35%", "100", "20,5 %"], percent=True).values == [35.0, 100.0, 20.5]
    # an Excel "%" formatted column holds fractions
    assert values.to_numbers([0.35, 1.0, 0.0], percent=True).values == [35.0, 100.0, 0.0]


# ---------------------------------------------------------------- booleans and marks


def test_booleans() -> None:
    cells = ["x", "X", "có", "Có", "✓", "1", 1, 1.0, True, "không", "0", 0, "", None, "-"]
    column = values.to_bools(cells)
    assert column.values == [True] * 9 + [False, False, False, None, None, False]
    assert column.errors == []


def test_empty_boolean_can_mean_false() -> None:
    assert values.to_bools(["", "x"], empty=False).values == [False, True]


def test_unknown_boolean_is_an_error() -> None:
    column = values.to_bools(["hình như"])
    assert column.errors == [
        (0, "hình như", 'không hiểu (cần "x" hoặc "có", "không", hoặc để trống)')
    ]


def test_exempt_mark_or_date() -> None:
    column = values.to_exempt(["x", "01/07/2025", dt.date(2024, 1, 1), "", "không"])
    assert column.values == [True, True, True, False, False]
    assert column.dates == [None, dt.date(2025, 7, 1), dt.date(2024, 1, 1), None, None]


# ---------------------------------------------------------------- vocabularies


def test_change_kinds_and_unknown_value() -> None:
    column = values.to_codes(
        ["Kết nạp", "CHUYỂN ĐI", "chuyen den", "Từ trần", "Xoá tên", "Đi chơi"], "change_kinds"
    )
    assert column.values == [
        "admitted",
        "transferred_out",
        "transferred_in",
        "died",
        "removed",
        None,
    ]
    assert column.errors[0][:2] == (5, "Đi chơi")
    assert column.errors[0][2].startswith(
        "không có trong danh mục (cần một trong: Kết nạp, Kết nạp lại,"
    )


def test_scopes_discipline_and_levels() -> None:
    assert values.to_codes(["Nội tỉnh", "Tỉnh khác", ""], "transfer_scopes").values == [
        "in_province",
        "out_province",
        None,
    ]
    discipline = values.to_codes(
        ["Khiển trách", "Cảnh cáo (QĐ số 12, ngày 5/3/2025)", "Không", "-"],
        "discipline_forms",
        none_words=True,
    )
    assert discipline.values == ["khien_trach", "canh_cao", None, None]
    assert discipline.errors == []
    levels = values.to_codes(
        ["HTXSNV", "Hoàn thành tốt nhiệm vụ", "HTXSNV tiêu biểu", "Không xếp loại"],
        "levels",
        none_words=True,
    )
    assert levels.values == ["HTXSNV", "HTTNV", "HTXSNV", None]
    assert levels.flags == [False, False, True, False]


def test_org_types_and_kinds_of_place() -> None:
    assert values.to_codes(["Chi bộ cơ sở", "ĐBCS", "Chi bộ trực thuộc"], "org_types").values == [
        "chi_bo_co_so",
        "dang_bo_co_so",
        "chi_bo_truc_thuoc",
    ]
    assert values.to_codes(
        ["DN ngoài NN", "ĐVSN công lập", "CQ Nhà nước", "Xã"], "kinds_of_place"
    ).values == [
        "dn_ngoai_nha_nuoc",
        "su_nghiep_cong_lap",
        "co_quan_nha_nuoc",
        "xa",
    ]


def test_gender() -> None:
    column = values.to_gender(["Nam", "Nữ", "NỮ", "nu", "", "Khác"])
    assert column.values == ["nam", "nu", "nu", "nu", None, None]
    assert column.errors == [(5, "Khác", 'không phải giới tính (cần "Nam" hoặc "Nữ")')]


def test_school_level_turned_into_a_date_by_excel() -> None:
    cells = [dt.date(2026, 12, 9), dt.date(2026, 9, 12), dt.date(2026, 12, 12), "10/10"]
    assert values.to_school(cells).values == ["9/12", "9/12", "12/12", "10/10"]


# ---------------------------------------------------------------- text


def test_text_is_nfc_with_spaces_cleaned() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    column = values.to_text([nfd, "  Trần\u00a0\u00a0Thị  Bình ", "Lê\nVăn C", 12.0, D, ""])
    assert column.values == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn C", "12", "05/03/1980", None]


@pytest.mark.parametrize(
    "cell", ["=SUM(A1:A3)", "+84 912 345 678", "-chuyển đi", "@mention", "=cmd|' /C calc'!A0"]
)
def test_formula_like_text_is_kept_exactly(cell: str) -> None:
    assert values.to_text([cell]).values == [cell]


def test_legacy_text_is_repaired_per_column(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list] = []

    def repair(column: list) -> list:
        calls.append(list(column))
        return [None if value is None else value.replace("NguyÔn", "Nguyễn") for value in column]

    monkeypatch.setitem(sys.modules, "tcxd.core.encodings", types.SimpleNamespace(repair=repair))
    column = values.to_text(["NguyÔn V¨n A", None, "NguyÔn V¨n A"])
    assert calls == [["NguyÔn V¨n A"]]  # one call per column, over its distinct values
    assert column.values[0].startswith("Nguyễn") and column.values[1] is None


def test_real_legacy_decoder_when_present() -> None:
    pytest.importorskip("tcxd.core.encodings")
    assert values.to_text(["NguyÔn V¨n An", "Lª ThÞ B×nh"]).values == [
        "Nguyễn Văn An",
        "Lê Thị Bình",
    ]
