"""`core.text.clean`'s fast path for text that is already clean gives what the full cleaning
gives (the reading cleans every header and key cell with it)."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

from tcxd.core.text import clean

_SPACES = re.compile(r"\s+")


def _full_clean(text: str) -> str:
    """The cleaning without the fast path."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


def test_every_whitespace_but_the_space_is_unprintable():
    """The fast path's premise: a printable text holds no whitespace other than " "."""
    printable_spaces = [
        code
        for code in range(sys.maxunicode + 1)
        if chr(code).isspace() and chr(code).isprintable()
    ]
    assert printable_spaces == [ord(" ")]


def test_clean_equals_the_full_cleaning():
    pieces = [
        "Nguyễn Văn Hùng",
        "Chi bộ Thôn 1",
        "Họ và tên",
        "Kinh",
        "a",
        "",
        " ",
        "  ",
        "\u00a0",
        "\t",
        "\n",
        "\r\n",
        "\u2003",
        "\u3000",
        "\u200b",
        "\x1c",
        "\x85",
        "\u2028",
        "Hoa\u0300",
        "Đ",
        "x:",
        "(*)",
        "\u00ad",
        "\x00",
        "e\u0301",
        "ﬁ",
    ]
    generator = random.Random(13)
    texts = list(pieces)
    for _ in range(20_000):
        texts.append("".join(generator.choices(pieces, k=generator.randint(1, 6))))
    for text in texts:
        assert clean(text) == _full_clean(text), repr(text)
