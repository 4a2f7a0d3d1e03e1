"""TCVN3 / VNI detection and conversion (tcxd.core.encodings)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tcxd.core.encodings import decode, detect, encode, repair, repair_text

ENCODINGS = ["tcvn3", "vni"]

# ---------------------------------------------------------------- known strings
# As they come out of a workbook typed with .VnTime / VNI-Times fonts (bytes read as Windows-1252).
KNOWN = [
    ("tcvn3", "NguyÔn V¨n A", "Nguyễn Văn A"),
    ("tcvn3", "§¶ng", "Đảng"),
    ("tcvn3", "Tr\u00adêng", "Trường"),
    ("tcvn3", "§¶ng bé x· Phó An", "Đảng bộ xã Phú An"),
    ("tcvn3", "TrÇn ThÞ Hång Nhung", "Trần Thị Hồng Nhung"),
    ("tcvn3", "Lª V¨n §øc", "Lê Văn Đức"),
    ("tcvn3", "§¶NG Bé X· PHó AN", "ĐẢNG BỘ XÃ PHÚ AN"),
    ("tcvn3", "Hå CHÝ MINH", "HỒ CHÍ MINH"),
    ("tcvn3", "Lª ThÞ ¸nh", "Lê Thị Ánh"),
    ("vni", "Nguyeãn Vaên A", "Nguyễn Văn A"),
    ("vni", "Ñaûng", "Đảng"),
    ("vni", "Tröôøng", "Trường"),
    ("vni", "Ñaûng boä xaõ Phuù An", "Đảng bộ xã Phú An"),
    ("vni", "Traàn Thò Hoàng Nhung", "Trần Thị Hồng Nhung"),
    ("vni", "Leâ Vaên Ñöùc", "Lê Văn Đức"),
    ("vni", "ÑAÛNG BOÄ XAÕ PHUÙ AN", "ĐẢNG BỘ XÃ PHÚ AN"),
]

SENTENCE = (
    "Tiếng Việt có sáu thanh: ngang, huyền, sắc, hỏi, ngã, nặng; chữ ă â ê ô ơ ư đ. "
    "Đảng bộ xã Phú An tổ chức hội nghị kiểm điểm, đánh giá, xếp loại chất lượng đảng viên "
    "năm 2025: Trần Thị Hồng Nhung, Lê Văn Đức, Nguyễn Thuỳ Dương, Huỳnh Ngọc Ánh, "
    "Vũ Đình Khiêm, Phạm Quốc Việt, Đỗ Thị Mỹ Ý, Bùi Ước, Ưng Hoàng Phúc, Võ Thị Kiều Oanh."
)

# The five tones on every vowel, both cases.
ALL_LETTERS = "".join(
    unicodedata.normalize("NFC", base + mark)
    for base in "aăâeêioôơuưy"
    for mark in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
)
ALL_LETTERS += "đ"


@pytest.mark.parametrize(("encoding", "legacy", "expected"), KNOWN)
def test_known_strings(encoding: str, legacy: str, expected: str) -> None:
    assert detect(legacy) == encoding
    assert repair_text(legacy) == expected
    assert repair([legacy]) == [expected]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "text", ["Nguyễn", "Đảng", "Trường", "Đảng bộ xã Phú An", "Trần Thị Hồng Nhung", "Lê Văn Đức"]
)
def test_known_words_round_trip(encoding: str, text: str) -> None:
    legacy = encode(text, encoding)
    assert legacy != text
    legacy.encode("cp1252")  # a single-byte string, as a legacy file holds it
    assert detect(legacy) == encoding
    assert repair_text(legacy) == text


def test_encode_known_bytes() -> None:
    assert encode("Nguyễn Văn A", "tcvn3") == "NguyÔn V¨n A"
    assert encode("Đảng", "tcvn3") == "§¶ng"
    assert encode("Nguyễn Văn A", "vni") == "Nguyeãn Vaên A"
    assert encode("Đảng", "vni") == "Ñaûng"
    # VN3 has no toned capitals: they take the lower-case codes
    assert encode("ĐẢNG", "tcvn3") == "§¶NG"
    with pytest.raises(ValueError):
        encode("x", "viscii")


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", ["lower", "title", "upper"])
def test_sentence_with_all_tones(encoding: str, case: str) -> None:
    text = {"lower": SENTENCE.lower(), "title": SENTENCE.title(), "upper": SENTENCE.upper()}[case]
    legacy = encode(text, encoding)
    assert detect(legacy) == encoding
    assert repair_text(legacy) == text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_letter_in_the_tables(encoding: str) -> None:
    for letter in ALL_LETTERS:
        for ch in (letter, letter.upper()):
            legacy = encode(ch, encoding)
            assert legacy.encode("cp1252")
            got = decode(legacy, encoding)
            # a lone TCVN3 toned capital cannot be told from the small letter
            assert got == ch or (encoding == "tcvn3" and got == ch.lower())


def test_tables_are_complete_and_one_to_one() -> None:
    tcvn3 = {encode(ch, "tcvn3") for ch in ALL_LETTERS}
    vni = {encode(ch, "vni") for ch in ALL_LETTERS} | {
        encode(ch.upper(), "vni") for ch in ALL_LETTERS
    }
    assert len(tcvn3) == len(ALL_LETTERS) == 73
    assert len(vni) == 2 * 73


# ---------------------------------------------------------------- no false positives
UNICODE_TEXTS = [
    "Nguyễn Văn An",
    "Đảng bộ xã Phú An",
    "Tô Thị Hà",
    "Lê Tú",
    "Tô",
    "cá",
    "Hoà Bình",
    "Hòa Bình",
    "Phó Bí thư",
    "Ông Ích Khiêm",
    "Âu Cơ",
    "Ý kiến",
    "Ánh",
    "Lý",
    "Võ",
    "Hồ Chí Minh",
    "ĐẢNG BỘ XÃ PHÚ AN",
    "TÔ THỊ HÀ",
    "Ngày 05/03/1980",
    "Nam/Nữ",
    "Số thẻ ĐV",
    "Chủ tịch",
    "Đại học",
    "Kết nạp lại",
    "Chi bộ 1",
    "Tổng cộng",
    "Tính đến ngày 30/9/2026",
    "Café",
    "Müller",
    "São Paulo",
    "Señor",
    "© 2024",
    "§ 3",
    "25°C",
    "H'Mông",
    "Ê Đê",
    "Mường Khương",
]
ASCII_TEXTS = [
    "Nguyen Van A",
    "UBND",
    "THCS",
    "Dang bo Cong an xa Phu An",
    "04. Dang bo Cong an xa Phu An",
    "x",
    "",
    " ",
    "=SUM(A1:A3)",
    "@home",
]
NUMBERS_AND_DATES = [
    "012345678901",
    "00123456",
    "1.234,5",
    "95,5",
    "05/03/1980",
    "5-3-1980",
    "05.03.1980",
    "1980",
    "2026-09-30",
    "30/9/2026",
    "12/12",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS + ASCII_TEXTS + NUMBERS_AND_DATES)
def test_no_false_positive(text: str) -> None:
    assert detect(text) is None
    assert repair_text(text) == text


def test_no_false_positive_as_a_column() -> None:
    column = UNICODE_TEXTS + ASCII_TEXTS + NUMBERS_AND_DATES
    assert repair(column) == column
    assert repair(["Tô", "cá", "Lê Tú", "Hoà", None, "Lan"]) == [
        "Tô",
        "cá",
        "Lê Tú",
        "Hoà",
        None,
        "Lan",
    ]


def test_repair_text_returns_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert repair_text(nfd) == "Nguyễn Thị Ánh"
    # legacy text that went through NFD on the way is still recognised
    assert repair_text(unicodedata.normalize("NFD", "NguyÔn V¨n A")) == "Nguyễn Văn A"


# ---------------------------------------------------------------- columns
def test_repair_column_pools_ambiguous_cells() -> None:
    # "Tó" is Unicode "Tó" and TCVN3 "Tú"; "Hµ" / "H¶i" / "Hïng" settle it for the column.
    column = ["Tó", "H¶i", "Lan", "Hïng", "Hµ", None, "", "1980"]
    assert repair(column) == ["Tú", "Hải", "Lan", "Hùng", "Hà", None, "", "1980"]
    # VNI: "Tô" is Unicode "Tô" and VNI "Tơ"
    assert repair(["Tô", "Haûi", "Huøng", "Lan"]) == ["Tơ", "Hải", "Hùng", "Lan"]
    # alone, an ambiguous cell stays as it is
    assert repair(["Tó"]) == ["Tó"]


def test_repair_mixed_column() -> None:
    column = [
        "NguyÔn V¨n A",  # TCVN3
        "Trần Thị Hồng Nhung",  # Unicode
        "Leâ Vaên Ñöùc",  # VNI
        None,
        "Phạm Quốc Việt",
        "Tô Thị Hà",
        "Hoaøng Thò Thu Trang",
        "Nguyen Van B",
        "Lª ThÞ ¸nh",
    ]
    assert repair(column) == [
        "Nguyễn Văn A",
        "Trần Thị Hồng Nhung",
        "Lê Văn Đức",
        None,
        "Phạm Quốc Việt",
        "Tô Thị Hà",
        "Hoàng Thị Thu Trang",
        "Nguyen Van B",
        "Lê Thị Ánh",
    ]


def test_repair_keeps_length_and_accepts_iterables() -> None:
    values = (v for v in ["§¶ng", None, "Đảng"])
    assert repair(values) == ["Đảng", None, "Đảng"]
    assert repair([]) == []


# ---------------------------------------------------------------- hypothesis
def _split(words: str) -> list[str]:
    return words.split()


ONSETS = [*_split("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"), ""]
NUCLEI_OPEN = _split(
    "a ai ao au ay âu ây e eo ê êu i ia iu o oa oai oay oe oi ô ôi ơ ơi "
    "u ua uê ui uy ư ưa ưi ưu ươi ươu uôi iêu yêu uya"
)
NUCLEI_CODA = {
    "": NUCLEI_OPEN,
    "m": _split("a ă â e ê i iê o ô ơ u uô ươ"),
    "n": _split("a ă â e ê i iê o ô ơ u uô ươ oa oă uâ uyê oe uy yê"),
    "ng": _split("a ă â e o ô u uô ư ươ iê oa oă uâ"),
    "nh": _split("a ê i oa uê uy"),
    "c": _split("a ă â e o ô u uô ư ươ iê oa oă"),
    "ch": _split("a ê i oa uê uy"),
    "p": _split("a ă â e ê i iê o ô ơ u ươ"),
    "t": _split("a ă â e ê i iê o ô ơ u uô ư ươ oa oă uâ uyê oe uy yê"),
}
SYLLABLE_PARTS = [(coda, nucleus) for coda, nuclei in NUCLEI_CODA.items() for nucleus in nuclei]
MARKS = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
# surnames whose legacy spelling is unmistakable in both encodings
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Dương",
    "Trương",
    "Huỳnh",
]


def _tone_position(nucleus: str, coda: str) -> int:
    for i in range(len(nucleus) - 1, -1, -1):
        if nucleus[i] in "ăâêôơư":
            return i
    if len(nucleus) == 1:
        return 0
    if coda or nucleus in ("oa", "oe", "uy", "uê") or len(nucleus) == 3:
        return 1
    return 0


@st.composite
def syllables(draw: st.DrawFn) -> str:
    coda, nucleus = draw(st.sampled_from(SYLLABLE_PARTS))
    onset = draw(st.sampled_from(ONSETS))
    if (onset == "gi" and nucleus[0] in "iy") or (onset == "qu" and nucleus[0] in "uư"):
        onset = "g"
    marks = ["\u0301", "\u0323"] if coda in ("c", "ch", "p", "t") else MARKS
    mark = draw(st.sampled_from(marks))
    i = _tone_position(nucleus, coda)
    toned = nucleus[: i + 1] + mark + nucleus[i + 1 :]
    return unicodedata.normalize("NFC", onset + toned + coda)


def _case(text: str, case: str) -> str:
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


@st.composite
def names(draw: st.DrawFn) -> str:
    surname = draw(st.sampled_from(SURNAMES))
    rest = draw(st.lists(syllables(), min_size=1, max_size=3))
    return " ".join([surname, *rest])


@settings(max_examples=400, deadline=None)
@given(name=names(), encoding=st.sampled_from(ENCODINGS), case=st.sampled_from(["lower", "title"]))
def test_round_trip_names(name: str, encoding: str, case: str) -> None:
    text = _case(name, case)
    legacy = encode(text, encoding)
    assert detect(legacy) == encoding
    assert repair_text(legacy) == text
    assert repair([legacy]) == [text]


@settings(max_examples=200, deadline=None)
@given(words=st.lists(syllables(), min_size=1, max_size=6), encoding=st.sampled_from(ENCODINGS))
def test_decode_encode_inverse(words: list[str], encoding: str) -> None:
    # decode() is the exact inverse of encode() for lower case and VNI in any case
    text = " ".join(words)
    assert decode(encode(text, encoding), encoding) == text
    if encoding == "vni":
        for case in ("title", "upper"):
            assert decode(encode(_case(text, case), "vni"), "vni") == _case(text, case)


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(syllables(), min_size=1, max_size=6),
    case=st.sampled_from(["lower", "title", "upper"]),
)
def test_unicode_vietnamese_is_never_converted(words: list[str], case: str) -> None:
    text = _case(" ".join(words), case)
    assert detect(text) is None
    assert repair_text(text) == text
    assert repair([text, text]) == [text, text]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_ascii_is_never_converted(text: str) -> None:
    assert detect(text) is None
    assert repair_text(text) == unicodedata.normalize("NFC", text)


@settings(max_examples=100, deadline=None)
@given(
    column=st.lists(st.one_of(st.none(), names()), min_size=1, max_size=20),
    encoding=st.sampled_from(ENCODINGS),
    case=st.sampled_from(["lower", "title"]),
)
def test_round_trip_column(column: list[str | None], encoding: str, case: str) -> None:
    column = [None if v is None else _case(v, case) for v in column]
    legacy = [None if v is None else encode(v, encoding) for v in column]
    assert repair(legacy) == column


def test_repair_codes_reads_the_letters_of_identifiers_as_capitals():
    from tcxd.core.encodings import repair_codes

    vni = [encode(code, "vni") for code in ("482274ĐV", "12345BĐ", "000001HN")]
    tcvn3 = [encode(code, "tcvn3") for code in ("482274ĐV", "12345BĐ")]
    assert repair_codes(vni) == ["482274ĐV", "12345BĐ", "000001HN"]
    assert repair_codes(tcvn3) == ["482274ĐV", "12345BĐ"]
    unicode = ["482274ĐV", "12345BĐ", "55555ƯA", "123456", None, "Số 12"]
    assert repair_codes(unicode) == unicode
