"""Header text → field by a score on folded tokens (the aliases are examples, not a closed list).

A header cell is cut into tokens: camelCase and snake_case split (`tenChiBo`, `ten_chi_bo`),
punctuation and spacing dropped, case folded, known abbreviations expanded ("ĐV" → "đảng viên",
"QĐ" → "quyết định"), a few filler words dropped ("và", "của", "các"). A header with diacritics is
compared with the aliases' tokens with their diacritics ("Năm" is never "Nam"); a header written
without any is compared with the aliases' tokens without them.

The score of a header against a field is the best, over the field's aliases, of the Dice
coefficient of the two token sets (2·shared / (header tokens + alias tokens)). The variants of the
header tried are: the whole text, the text without its trailing parenthesis, and the first line
alone (the rest of a multi-line cell is often a note: "Nơi sinh\\n(3 cấp)").

`best_fields(text)` gives the ranked candidates; the caller decides with the context (the kind of
sheet, the group above, the other columns) which one a column gets.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from tcxd.core.text import strip_accents

# A fuzzy match below this score is not taken (an exact alias scores 1).
MIN_SCORE = 0.75

_NOT_WORD = re.compile(r"[^\w]+")
_PAREN_TAIL = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class Match:
    field: str
    score: float
    how: str  # "exact", "tokens", "abbreviation"…: said in the import summary


def _book() -> dict:
    from tcxd.reading.headers import catalog

    return catalog().matching


def split_words(text: str) -> str:
    """`tenChiBo` → "ten Chi Bo", `ten_chi_bo` → "ten chi bo"; text with spaces unchanged."""
    text = text.replace("_", " ")
    if " " in text.strip() or text.isupper() or text.islower():
        return text
    out = []
    for previous, char in zip(" " + text, text, strict=False):
        if char.isupper() and (previous.islower() or previous.isdigit()):
            out.append(" ")
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=1 << 14)
def tokens(text: str, *, accents: bool) -> tuple[str, ...]:
    """Content tokens of a header: split, case-folded, abbreviations expanded, fillers dropped."""
    from tcxd.reading.headers import header_key

    keyed = header_key(split_words(text))
    if not accents:
        keyed = strip_accents(keyed).lower()
    book = _book()
    abbreviations = book["abbreviations_keyed" if accents else "abbreviations_folded"]
    fillers = book["fillers_keyed" if accents else "fillers_folded"]
    out: list[str] = []
    for word in _NOT_WORD.sub(" ", keyed).split():
        expansion = abbreviations.get(word)
        for part in expansion.split() if expansion else (word,):
            if part not in fillers:
                out.append(part)
    return tuple(out)


def dice(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.0
    shared = len(set(a) & set(b))
    return 2 * shared / (len(set(a)) + len(set(b)))


def _pairs(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{a} {b}" for a, b in itertools.pairwise(words)) or words


PREFIX_SCORE = 0.8
PREFIX_EXTRA = 2  # words a header may add after an alias it starts with (a title adds more)
OTHER_HEAD = 0.9


def similarity(header: tuple[str, ...], alias: tuple[str, ...]) -> float:
    """Half the Dice of the words, half the Dice of the word pairs (order matters: "nơi sinh" is
    not "nơi sinh hoạt"); an alias the header starts with, followed by one or two more words,
    scores at least PREFIX_SCORE ("Mã" → "Mã chi bộ": the first word is the head of a Vietnamese
    noun phrase); a header whose first
    word is not the alias's loses a tenth."""
    if not header or not alias:
        return 0.0
    score = 0.5 * dice(header, alias) + 0.5 * dice(_pairs(header), _pairs(alias))
    extra = header[len(alias) :]
    if (
        0 < len(extra) <= PREFIX_EXTRA
        and header[: len(alias)] == alias
        and not names_a_domain(extra)
    ):
        score = max(score, PREFIX_SCORE)
    if header[0] != alias[0]:
        score *= OTHER_HEAD
    return score


@cache
def _domains() -> tuple[tuple[str, ...], ...]:
    """The `domains` words of aliases.yaml as token tuples, with and without diacritics."""
    words = _book()["domains"]
    found = {tokens(word, accents=accents) for word in words for accents in (True, False)}
    return tuple(sorted(found - {()}))


def names_a_domain(extra: tuple[str, ...]) -> bool:
    """Whether the words a header adds after an alias start with a domain ("Đảng", "chính
    quyền", "đoàn thể"…): then the header names that domain's own thing, not the alias's."""
    return any(extra[: len(domain)] == domain for domain in _domains())


def variants(text: str) -> list[str]:
    """The whole header, without its trailing "(…)", and its first line alone."""
    out = [text]
    stripped = _PAREN_TAIL.sub("", text.strip())
    if stripped and stripped not in out:
        out.append(stripped)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0] not in out:
        out.append(lines[0])
    return out


@cache
def _alias_index(accents: bool) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """word → the (field, alias tokens) whose alias has that word: only aliases sharing a word
    with a header can score above 0, so only they are compared with it."""
    from tcxd.reading.headers import catalog

    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name, aliases in catalog().alias_lists.items():
        for alias in {tokens(alias, accents=accents) for alias in aliases}:
            for word in set(alias):
                index.setdefault(word, []).append((name, alias))
    return index


@lru_cache(maxsize=1 << 14)
def scores(text: str) -> tuple[Match, ...]:
    """Every field with a score above 0, best first."""
    from tcxd.reading.headers import has_diacritics

    accents = has_diacritics(text)
    index = _alias_index(accents)
    best: dict[str, float] = {}
    for variant in variants(text):
        words = tokens(variant, accents=accents)
        if not words:
            continue
        candidates = {pair for word in set(words) for pair in index.get(word, ())}
        for name, alias in candidates:
            score = similarity(words, alias)
            if score > best.get(name, 0.0):
                best[name] = score
    ranked = sorted(best.items(), key=lambda item: -item[1])
    return tuple(Match(name, round(score, 2), "tokens") for name, score in ranked if score > 0)


def best_fields(text: str, allowed: frozenset[str] | None = None) -> list[Match]:
    """Candidates at or above MIN_SCORE, best first, restricted to `allowed` fields if given."""
    return [
        match
        for match in scores(text)
        if match.score >= MIN_SCORE and (allowed is None or match.field in allowed)
    ]


def best_field(text: str, allowed: frozenset[str] | None = None) -> Match | None:
    """The single best candidate, or None when none scores enough or two tie at the top."""
    ranked = best_fields(text, allowed)
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[1].score == ranked[0].score:
        return None  # a tie: the context must decide
    return ranked[0]


# ---------------------------------------------------------------- composite headers

_PARTS = re.compile(r"\s*(?:[,;/\n]|\bvà\b|\bva\b)\s*", re.IGNORECASE)


def composite_fields(text: str, allowed: frozenset[str] | None = None) -> list[str] | None:
    """A header that names several fields ("Nam nữ, dân tộc, tôn giáo", "Ngày vào Đảng, ngày
    chính thức", "Họ và tên\\nNgày sinh"): the fields in order, or None.

    The header is cut at commas, semicolons, slashes and line breaks; each part (joined with its
    neighbours when alone it names nothing, as "Ngày, tháng, năm sinh" does) must name a field
    on its own, all of them different."""
    from tcxd.reading.headers import exact_field_of

    if exact_field_of(text) is not None:
        return None  # "Ngày, tháng, năm sinh" is one field, however many commas it has
    pieces = [piece for piece in _PARTS.split(text) if piece and piece.strip()]
    if len(pieces) < 2:
        return None
    fields: list[str] = []
    pending = ""
    for piece in pieces:
        candidate = f"{pending} {piece}".strip() if pending else piece
        if len(tokens(candidate, accents=False)) < 2:
            pending = candidate  # "Ngày" of "Ngày, tháng, năm sinh" names nothing alone
            continue
        match = _exact_or_best(candidate, allowed)
        if match is None:
            pending = candidate
            continue
        if match in fields:
            return None
        fields.append(match)
        pending = ""
    if pending:
        # a trailing piece naming nothing may complete the previous field ("…, năm sinh")
        return None
    return fields if len(fields) >= 2 else None


def _exact_or_best(text: str, allowed: frozenset[str] | None) -> str | None:
    from tcxd.reading.headers import field_of

    exact = field_of(text)
    if exact is not None and exact != "seq" and (allowed is None or exact in allowed):
        return exact
    match = best_field(text, allowed)
    if match is not None and match.score >= 0.85 and match.field != "seq":
        return match.field
    return None
