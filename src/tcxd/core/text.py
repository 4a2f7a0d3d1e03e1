"""Text normalisation used for matching names, headers and vocabulary values.

Matching is on NFC-normalised, case-folded, whitespace-collapsed text (spec README.md, Identity);
`fold` also strips diacritics, for files and folders named without them.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC, every kind of space (NBSP, line breaks, tabs) folded to one space, trimmed."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # Already clean, the common case (a name, a header): every whitespace but " " is
        # unprintable (tests/reading/test_clean_fast.py checks each code point), so there is no
        # space to fold or trim. About five times cheaper than the substitution.
        return text
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def key(text: str) -> str:
    """Matching key that keeps diacritics: clean + case-fold."""
    return clean(text).casefold()


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics; đ/Đ become d/D (NFD does not decompose them)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """Matching key without diacritics: clean + strip accents + case-fold."""
    return strip_accents(clean(text)).casefold()


def slug(text: str) -> str:
    """ASCII, lower-case, hyphenated: 'Đảng bộ phường An Lạc' -> 'dang-bo-phuong-an-lac'."""
    ascii_text = fold(text)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "don-vi"
