"""Column recognition from aliases.yaml and the kind of a sheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tcxd.core.errors import UserInputError
from tcxd.core.text import fold
from tcxd.reading import headers

SPEC = Path("/work/shared/spec/inputs.md")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Họ và tên", "full_name"),
        ("HỌ VÀ TÊN", "full_name"),
        ("họ  và   tên", "full_name"),
        ("Họ và\ntên", "full_name"),
        ("Ho va ten", "full_name"),
        ("HO VA TEN", "full_name"),
        ("Ngày, tháng,\nnăm sinh", "birth_date"),
        ("NGAY SINH", "birth_date"),
        ("Số thẻ ĐV", "card_number"),
        ("So the dang vien", "card_number"),
        ("Số CCCD:", "citizen_id"),
        ("Ngày vào Đảng (ngày/tháng/năm)", "admitted_on"),
        ("Tỷ lệ hoàn thành nhiệm vụ (%)", "tasks_completed_pct"),
        ("Tổng điểm (100 điểm)", "score"),
        ("Khắc phục hạn chế đã chỉ ra", "prior_shortcomings_fixed"),
        ("Giữ chức vụ lãnh đạo", "leader"),
        ("Cấp uỷ quyết định", "decided_level"),  # old tone placement
        ("Cấp ủy quyết định", "decided_level"),
        ("Tự nhận mức xếp loại", "proposed_level"),
        ("Loại hình TCCSĐ", "kind_of_place"),
        ("Nam", "gender_male"),
        ("Nữ", "gender_female"),
        ("STT", "seq"),
        ("TT", "seq"),
    ],
)
def test_header_matching(text: str, field: str) -> None:
    assert headers.field_of(text) == field


def test_a_header_with_diacritics_must_match_with_them() -> None:
    assert headers.field_of("Năm") is None  # never read as "Nam"
    assert headers.field_of("Quê quán") is None


def test_no_alias_names_two_fields() -> None:
    book = headers.catalog()
    seen: dict[str, str] = {}
    for field, aliases in book.alias_lists.items():
        for alias in aliases:
            key = headers.header_key(alias)
            assert seen.setdefault(key, field) == field, f"{alias!r}: {seen[key]} and {field}"


def _spec_aliases() -> list[tuple[str, str]]:
    """(field, alias) pairs from the tables of spec inputs.md."""
    pairs = []
    for line in SPEC.read_text("utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if (
            len(cells) != 3
            or not re.fullmatch(r"[a-z_]+", cells[0])
            or cells[0] in ("field", "conditions")
        ):
            continue
        field, _, text = cells
        text = re.sub(r"\([^)]*\)", "", text)  # value examples and notes in parentheses
        text = text.split(":")[0] if field in ("change", "org_type", "discipline") else text
        for alias in re.split(r";", text):
            alias = alias.strip().strip('"')
            if alias and not alias.startswith(
                ("or ", "under ", "as in", "values", "accept", "also")
            ):
                pairs.append((field, alias))
    return pairs


def test_every_alias_of_the_spec_is_recognised() -> None:
    pairs = _spec_aliases()
    assert len(pairs) > 50
    missing = [(field, alias) for field, alias in pairs if headers.field_of(alias) is None]
    # "Nam/Nữ" etc. are values; "Trong tỉnh / Ngoài tỉnh" is a header of its own
    assert missing == []


def test_group_headers_and_their_subs() -> None:
    assert headers.resolve("Ngày vào Đảng", "Dự bị", "Ngày vào Đảng") == "admitted_on"
    assert headers.resolve("", "Chính thức", "Ngày vào Đảng") == "official_on"
    assert headers.resolve("", "Nam", "Giới tính") == "gender_male"
    assert headers.resolve("", "Nữ", "Giới tính") == "gender_female"
    assert headers.resolve("", "Nữ", "Ngày, tháng, năm sinh") == "birth_date_female"
    assert headers.resolve("", "Tên", "Họ và tên") == "name_last_part"
    assert headers.resolve("", "Ngày", "Quyết định") == "date"
    assert headers.resolve("", "Tiêu chí chung", "Điểm") == "general_score"


KIND_CASES = [
    ({"full_name", "birth_date", "admitted_on", "official_on", "card_number"}, "members"),
    ({"name", "org_type", "parent", "kind_of_place"}, "organizations"),
    ({"full_name", "birth_date", "change", "date", "decision"}, "changes"),
    ({"full_name", "birth_date", "score", "proposed_level", "decided_level"}, "member_evaluations"),
    (
        {"name", "score", "decided_level", "leadership_member_disciplined"},
        "organization_evaluations",
    ),
    ({"branch", "score", "decided_level"}, "organization_evaluations"),
]


@pytest.mark.parametrize(("fields", "kind"), KIND_CASES)
def test_kind_from_fields(fields: set[str], kind: str) -> None:
    assert headers.recognise_kind(fields, "") == kind


def test_a_summary_table_is_no_kind() -> None:
    assert headers.recognise_kind({"name", "gender_male", "gender_female"}, "") is None


def test_title_words_break_a_tie() -> None:
    fields = {"full_name", "admitted_on", "gender", "score"}  # 4 points each way
    assert headers.recognise_kind(fields, "") == "members"
    context = fold("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2025")
    assert headers.recognise_kind(fields, context) == "member_evaluations"


def test_forced_kind() -> None:
    fields = {"full_name", "birth_date", "admitted_on"}
    assert headers.recognise_kind(fields, "", "changes") == "changes"
    assert headers.recognise_kind(fields, "", "evaluations") == "member_evaluations"
    assert (
        headers.recognise_kind({"name", "score"}, "", "evaluations") == "organization_evaluations"
    )
    assert headers.normalise_kind("evaluations") == "evaluations"
    with pytest.raises(UserInputError, match="không hợp lệ"):
        headers.normalise_kind("bảng lương")


@pytest.mark.parametrize(
    ("group", "sub", "field"),
    [
        ("Xếp loại", "Kỷ luật", "discipline"),  # a known header under a group keeps its meaning
        ("Xếp loại", "Chi bộ đề xuất", "proposed_level"),
        ("Điểm đánh giá", "Tổng", "score"),  # a bare sub-label takes its group's meaning
        ("Ngày vào Đảng", "Dự bị", "admitted_on"),
        # a group that is no known group modifies its sub-label, head noun first:
        # "Ngày" under "Biến động" is "Ngày biến động"
        ("Biến động", "Ngày", "date"),
    ],
)
def test_sub_label_under_a_group(group: str, sub: str, field: str) -> None:
    assert headers.resolve("", sub, group) == field


def test_one_marker_word_is_enough_only_when_nothing_speaks_of_the_party() -> None:
    """A civil servants' rating issued by a UBND says "công chức" once and nothing of the party;
    a chi bộ's rating whose title names its chi bộ may say "công chức" without being one."""
    header = ["STT", "Họ và tên", "Chức vụ", "Mức xếp loại"]
    civil = ["UBND XÃ VẠN LỘC", "BẢNG XẾP LOẠI CÁN BỘ, CÔNG CHỨC THÁNG 10", *header, "T10"]
    party = ["CHI BỘ THÔN ĐÔNG", "BẢNG XẾP LOẠI CÁN BỘ, CÔNG CHỨC THÁNG 10", *header, "T10"]
    assert headers.not_an_input(civil, {"full_name"}, titles=civil[:2]) is not None
    assert headers.not_an_input(party, {"full_name"}, titles=party[:2]) is None
    # a marker in a header cell alone ("Điểm tiêu chí chung") says nothing of what the sheet is
    scores = ["KẾT QUẢ XẾP LOẠI NĂM 2026", "Họ và tên", "Điểm tiêu chí chung", "Xếp loại"]
    assert headers.not_an_input(scores, {"full_name"}, titles=scores[:1]) is None
    # without diacritics, "dang" alone may be "đang": only "dang vien", "chi bo"… speak of it
    titles = ["bang xep loai cong chuc"]
    assert headers.not_an_input([*titles, "ten dang dung"], set(), titles=titles) is not None
    assert headers.not_an_input([*titles, "ds dang vien"], set(), titles=titles) is None
