"""Vocabulary values matched on folded text, by phrase, by leading words, with province aliases;
unknown values reported with the nearest known ones."""

from __future__ import annotations

import pytest

from tcxd.core import vocab
from tcxd.core.errors import ConfigError
from tcxd.reading.values import to_codes


@pytest.mark.parametrize(
    ("vocabulary", "text", "code"),
    [
        ("change_kinds", "Khai trừ khỏi Đảng", "expelled"),
        ("change_kinds", "CHUYEN DI", "transferred_out"),
        ("change_kinds", "Chuyển sinh hoạt đi Đảng bộ huyện khác", "transferred_out"),
        ("change_kinds", "Từ trần ngày 3/5", "died"),
        ("discipline_forms", "Cảnh cáo (QĐ số 15)", "canh_cao"),
        ("org_types", "Đảng bộ trực thuộc Tỉnh ủy", "district"),
        ("org_types", "Đảng bộ cơ sở xã", "dang_bo_co_so"),
        ("levels", "Hoàn thành tốt nhiệm vụ năm 2025", "HTTNV"),
        ("transfer_scopes", "ngoai tinh", "out_province"),
    ],
)
def test_values_by_folded_text_phrase_and_leading_words(vocabulary, text, code) -> None:
    assert vocab.code_of(vocabulary, text) == code


@pytest.mark.parametrize(("vocabulary", "text"), [("change_kinds", "Đi xuất khẩu lao động")])
def test_a_value_that_only_shares_words_is_unknown(vocabulary, text) -> None:
    assert vocab.code_of(vocabulary, text) is None


def test_unknown_value_names_the_nearest_known_ones() -> None:
    column = to_codes(["Xin thôi sinh hoạt"], "change_kinds")
    ((_position, value, expected),) = column.errors
    assert value == "Xin thôi sinh hoạt"
    assert expected.startswith("không có trong danh mục (cần một trong: Kết nạp,")
    assert expected.endswith("gần nhất: “Xin ra khỏi Đảng”, “Miễn sinh hoạt”, “Đình chỉ sinh hoạt”")


def test_a_known_phrase_inside_a_longer_value_is_recognised() -> None:
    # "Cho ra khỏi Đảng" holds "ra khỏi Đảng", a spelling of resigned in vocab.yaml
    assert vocab.code_of("change_kinds", "Bị khai trừ ra khỏi Đảng") == "expelled"
    assert vocab.code_of("change_kinds", "Đồng chí đã từ trần") == "died"
    assert vocab.code_of("discipline_forms", "bị kỷ luật khiển trách") == "khien_trach"
    assert vocab.code_of("change_kinds", "Không kết nạp") is None  # negated
    assert vocab.code_of("genders", "Quê Nam Định") is None  # one word alone is too loose


def test_province_aliases_add_spellings_and_are_checked() -> None:
    try:
        vocab.set_extra_aliases({"change_kinds": {"Chuyển đi": ["Đi làm ăn xa"]}})
        assert vocab.code_of("change_kinds", "di lam an xa") == "transferred_out"
    finally:
        vocab.set_extra_aliases(None)
    assert vocab.code_of("change_kinds", "Đi làm ăn xa") is None
    with pytest.raises(ConfigError, match='không có danh mục "kinds"'):
        vocab.parse_aliases({"kinds": {}})
    with pytest.raises(ConfigError, match='giá trị "Nghỉ hưu" không có'):
        vocab.parse_aliases({"change_kinds": {"Nghỉ hưu": "NH"}})


@pytest.mark.parametrize(
    ("name", "parent_type", "expected"),
    [
        ("Đảng ủy xã Hòa Bình", "province", "district"),
        ("Chi bộ Trường Tiểu học", "district", "chi_bo_co_so"),
        ("Đảng bộ Công an xã", "district", "dang_bo_co_so"),
        ("Tổ dân phố 3", "dang_bo_co_so", "chi_bo_truc_thuoc"),
        ("Đảng bộ Khối cơ quan", "dang_bo_co_so", "dang_bo_bo_phan"),
        ("Chi bộ 2", "dang_bo_bo_phan", "chi_bo_truc_thuoc"),
        ("Chi bộ 2", None, None),
    ],
)
def test_org_type_from_the_tree(name, parent_type, expected) -> None:
    assert vocab.org_type_in_tree(name, parent_type) == expected
