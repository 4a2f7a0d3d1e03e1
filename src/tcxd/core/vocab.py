"""Controlled vocabularies (org types, loại hình, change kinds, levels…) loaded from vocab.yaml.

A value is matched, in this order: on its exact spelling (NFC, case-folded, with or without
diacritics) among the labels and aliases; on the `phrases` of an entry found anywhere in it
("Đảng bộ trực thuộc Tỉnh ủy" is a district-level committee); on its leading words, the longest
known spelling it starts with ("Khai trừ khỏi Đảng" is Khai trừ). The province config may add
spellings (`aliases:` in tinh.yaml, `set_extra_aliases`). `nearest` gives the known values
closest to an unknown one, for the message that refuses it.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from tcxd.core.errors import ConfigError
from tcxd.core.text import fold, key

MIN_LEADING = 2  # characters a spelling needs to be taken as the leading words of a value
_EXTRA: dict[str, dict[str, list[str]]] = {}  # vocabulary → code → spellings (province config)


@cache
def vocabularies() -> dict[str, dict[str, dict]]:
    return yaml.safe_load(resources.files("tcxd.core").joinpath("vocab.yaml").read_text("utf-8"))


def label(vocabulary: str, code: str) -> str:
    """Vietnamese label of a code, e.g. label('change_kinds', 'died') == 'Từ trần'."""
    return vocabularies()[vocabulary][code]["label"]


def codes(vocabulary: str) -> list[str]:
    return list(vocabularies()[vocabulary])


def label_in_sentence(vocabulary: str, code: str) -> str:
    """The label as it reads inside a sentence: "Mẫu danh sách đảng viên…"."""
    text = label(vocabulary, code)
    return text[:1].lower() + text[1:]


# ── the facts vocab.yaml keeps beside the codes: every list of codes in Python comes from here ──
@cache
def ranked(vocabulary: str) -> tuple[str, ...]:
    """The codes by their `rank`, best (or lightest) first: ("HTXSNV", "HTTNV", "HTNV", "KHTNV")."""
    entries = vocabularies()[vocabulary]
    return tuple(sorted(entries, key=lambda code: entries[code]["rank"]))


def rank(vocabulary: str, code: str) -> int:
    """The `rank` of a code (1 = the best level, the lightest discipline)."""
    return vocabularies()[vocabulary][code]["rank"]


def at_least(vocabulary: str, code: str) -> tuple[str, ...]:
    """The codes ranked as `code` or better: at_least("levels", "HTTNV") == ("HTXSNV", "HTTNV")."""
    return tuple(c for c in ranked(vocabulary) if rank(vocabulary, c) <= rank(vocabulary, code))


@cache
def org_types_where(**wanted) -> tuple[str, ...]:
    """The org types whose entries have these values (`committee=True`, `tier=3`), in file order."""
    return tuple(
        code
        for code, entry in vocabularies()["org_types"].items()
        if all(entry.get(name, False) == value for name, value in wanted.items())
    )


def tccsd_types() -> tuple[str, ...]:
    """The types of a tổ chức cơ sở đảng (TCCSĐ): đảng bộ cơ sở, chi bộ cơ sở."""
    return org_types_where(tier=3)


def committee_types() -> tuple[str, ...]:
    """The types of a đảng bộ: a unit with units under it."""
    return org_types_where(committee=True)


def branch_types() -> tuple[str, ...]:
    """The types of a chi bộ: a unit that holds members."""
    return org_types_where(committee=False)


def org_types_in_tiers(*tiers: int) -> tuple[str, ...]:
    """The types of these tiers: (3, 4) are the TCCSĐ and the units under them."""
    return tuple(c for c, e in vocabularies()["org_types"].items() if e["tier"] in tiers)


def rated_org_types() -> tuple[str, ...]:
    """The types a rule file may rate: every tier under the province."""
    return org_types_in_tiers(2, 3, 4)


def may_hold(org_type: str) -> tuple[str, ...]:
    """The types a unit of `org_type` may list in its organisations template."""
    return tuple(vocabularies()["org_types"][org_type].get("may_hold", ()))


def parse_aliases(aliases: dict | None) -> dict[str, dict[str, list[str]]]:
    """The `aliases:` of a province config ({vocabulary: {code or label: spelling(s)}}) with
    codes for keys; an unknown vocabulary or value raises ConfigError naming it."""
    extra: dict[str, dict[str, list[str]]] = {}
    if not isinstance(aliases, dict):
        raise ConfigError("phải là một bảng: danh mục → giá trị → các cách viết")
    for vocabulary, entries in aliases.items():
        if vocabulary not in vocabularies():
            known = ", ".join(vocabularies())
            raise ConfigError(f'không có danh mục "{vocabulary}" (có: {known})')
        if not isinstance(entries, dict):
            raise ConfigError(f'"{vocabulary}" phải là một bảng: giá trị → các cách viết')
        for value, spellings in entries.items():
            code = _code_exact(vocabulary, str(value), with_extra=False)
            if code is None:
                raise ConfigError(f'giá trị "{value}" không có trong danh mục "{vocabulary}"')
            if isinstance(spellings, str):
                spellings = [spellings]
            extra.setdefault(vocabulary, {}).setdefault(code, []).extend(map(str, spellings))
    return extra


def set_extra_aliases(aliases: dict | None) -> None:
    """Use the spellings a province adds (see `parse_aliases`), instead of any given before."""
    extra = parse_aliases(aliases or {})
    if extra != _EXTRA:
        _EXTRA.clear()
        _EXTRA.update(extra)
        _lookup.cache_clear()
        _leading.cache_clear()


def _spellings(vocabulary: str, with_extra: bool = True):
    for code, entry in vocabularies()[vocabulary].items():
        for spelling in [code, entry["label"], *entry.get("aliases", [])]:
            yield code, spelling
    if with_extra:
        for code, spellings in _EXTRA.get(vocabulary, {}).items():
            for spelling in spellings:
                yield code, spelling


@cache
def _lookup(vocabulary: str, with_extra: bool = True) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, spelling in _spellings(vocabulary, with_extra):
        table.setdefault(key(spelling), code)
        table.setdefault(fold(spelling), code)
    return table


@cache
def _leading(vocabulary: str) -> tuple[tuple[str, str], ...]:
    """(folded spelling, code), longest first: for the leading-words match."""
    pairs = {(_words(spelling), code) for code, spelling in _spellings(vocabulary)}
    return tuple(sorted((p for p in pairs if len(p[0]) >= MIN_LEADING), key=lambda p: -len(p[0])))


@cache
def _phrases(vocabulary: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (f" {_words(phrase)} ", code)
        for code, entry in vocabularies()[vocabulary].items()
        for phrase in entry.get("phrases", [])
    )


def _words(text: str) -> str:
    """Folded words separated by one space (punctuation dropped)."""
    return " ".join(re.sub(r"[^\w/]+", " ", fold(text)).split())


def _code_exact(vocabulary: str, text: str, with_extra: bool = True) -> str | None:
    table = _lookup(vocabulary, with_extra)
    return table.get(key(text)) or table.get(fold(text))


def code_of(vocabulary: str, text: str) -> str | None:
    """The code a spelling stands for (exact, by phrase, or by leading words), or None."""
    code = _code_exact(vocabulary, text)
    if code is not None:
        return code
    words = _words(text)
    if not words:
        return None
    padded = f" {words} "
    for phrase, code in _phrases(vocabulary):
        if phrase in padded:
            return code
    for spelling, code in _leading(vocabulary):
        if words.startswith(spelling + " "):
            return code
    return _contained(vocabulary, padded)


# Words that turn a value into its opposite: "Không kết nạp" is not an admission.
NEGATIONS = ("khong ", "chua ")


def _contained(vocabulary: str, padded: str) -> str | None:
    """A known spelling of two words or more standing as whole words inside a longer value
    ("Bị khai trừ ra khỏi Đảng", "Đã từ trần"): the code of the longest such spelling, None
    when two codes tie or the value is negated."""
    if padded.lstrip().startswith(NEGATIONS):
        return None
    found = [
        (len(s), code)
        for s, code in _leading(vocabulary)
        if " " in s and f" {s} " in padded  # a phrase: one word alone ("Nam") is too loose
    ]
    if not found:
        return None
    longest = max(length for length, _ in found)
    codes = {code for length, code in found if length == longest}
    return codes.pop() if len(codes) == 1 else None


def nearest(vocabulary: str, text: str, limit: int = 3) -> list[str]:
    """The labels of the known values closest to `text` (rapidfuzz on folded spellings)."""
    from rapidfuzz import fuzz, process

    best: dict[str, float] = {}
    choices = list(_spellings(vocabulary))
    found = process.extract(
        _words(text),
        [_words(spelling) for _code, spelling in choices],
        scorer=fuzz.WRatio,
        limit=limit * 4,
    )
    for _choice, score, index in found:
        code = choices[index][0]
        best[code] = max(best.get(code, 0.0), score)
    ranked = sorted(best, key=lambda code: -best[code])[:limit]
    return [label(vocabulary, code) for code in ranked]


_COMMITTEE_WORDS = ("dang bo", "dang uy")


def _children(parent_type: str | None) -> tuple[str, str] | None:
    """The types under a unit whose type no column gives: the position in the tree decides (spec
    inputs.md §2); the leading words of its name choose between a đảng bộ and a chi bộ."""
    entry = vocabularies()["org_types"].get(parent_type or "", {})
    children = entry.get("children")
    return (children[0], children[1]) if children else None


def org_type_in_tree(name: str, parent_type: str | None) -> str | None:
    """The type of a unit from its parent's type and its name ("Đảng bộ …" or anything else)."""
    children = _children(parent_type)
    if children is None:
        return None
    committee, branch = children
    return committee if _words(name).startswith(_COMMITTEE_WORDS) else branch


def org_type_under(given: str, parent_type: str | None) -> str:
    """The type a unit has under its parent when its row names one: the position in the tree
    decides, the word is a hint (spec inputs.md §2). A type the parent cannot hold becomes the
    parent's child of the same sort (a committee stays a committee, a chi bộ a chi bộ)."""
    children = _children(parent_type)
    if children is None or given in children:
        return given
    committee, branch = children
    return committee if given in committee_types() else branch


def is_branch_name(name: str) -> bool:
    """A unit whose name says it is a chi bộ ("Chi bộ …"), never a committee."""
    return _words(name).startswith("chi bo")
