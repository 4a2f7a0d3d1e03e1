"""Column recognition: header cell text → canonical field, and sheet kind from the fields found.

All spellings live in `aliases.yaml`. A header matches an alias when their keys are equal: NFC,
case-fold, whitespace collapsed (line breaks in the cell too), dashes unified, the old and new
placement of tone marks made equal ("Hoà" = "Hòa", "Thuỷ" = "Thủy"), a trailing ":" or "*" dropped;
a trailing parenthesis ("(%)", "(30 điểm)") is tried with and without. A header written without any
diacritic ("Ho va ten", "NGAY SINH") is also matched against the aliases with their diacritics
stripped; a header that has diacritics must match with them, so that "Năm" is never read as "Nam".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from tcxd.core.errors import UserInputError
from tcxd.core.text import clean, fold, strip_accents
from tcxd.core.vocab import codes

KINDS = tuple(codes("file_kinds"))

_TONES_OLD_NEW = {}
for _pair, _marks in (("oa", "àáảãạ"), ("oe", "èéẻẽẹ"), ("uy", "ỳýỷỹỵ")):
    _first, _second = _pair[0], _pair[1]
    _plain = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}[_second]
    _marked_first = {"o": "òóỏõọ", "u": "ùúủũụ"}[_first]
    for _i in range(5):
        _TONES_OLD_NEW[_first + _plain[_i]] = _marked_first[_i] + _second
_TONE_RE = re.compile("|".join(sorted(_TONES_OLD_NEW, key=len, reverse=True)))
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SLASH = re.compile(r"\s*/\s*")
_TRAILING = re.compile(r"[\s:*.,;]+$")
_PAREN_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
_SPACE = re.compile(r"\s+")


# The header lookups below are pure functions of the cell's text (the catalog is read once): they
# are cached by text, as every file of a province repeats the same few hundred header texts.
_TEXTS = 1 << 16


@lru_cache(maxsize=_TEXTS)
def header_key(text: str) -> str:
    """Matching key of a header or alias, keeping diacritics."""
    text = clean(text).casefold()
    text = _DASHES.sub("-", text)
    text = _TONE_RE.sub(lambda match: _TONES_OLD_NEW[match.group(0)], text)
    text = _SLASH.sub("/", text)
    text = _TRAILING.sub("", text)
    return _SPACE.sub(" ", text).strip()


def has_diacritics(text: str) -> bool:
    return strip_accents(text) != text


def split_list(value: str | list | None) -> list[str]:
    """A ';'-separated spelling list of aliases.yaml → its items."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [item.strip() for item in str(value).split(";") if item.strip()]


@dataclass(frozen=True)
class Catalog:
    """aliases.yaml, compiled for matching."""

    field_types: dict[str, str]
    exact: dict[str, str]  # header_key → field
    folded: dict[str, set[str]]  # fold(header_key) → fields
    group_exact: dict[str, str]  # header_key → group id
    group_folded: dict[str, set[str]]
    group_subs: dict[str, dict[str, str]]  # group id → {header_key: field}
    group_subs_folded: dict[str, dict[str, set[str]]]
    kinds: dict[str, dict]
    columns: dict[str, list[str]]
    values: dict
    layout: dict[str, list[str]]
    labels: dict[str, str]  # field → first alias (for messages)
    alias_lists: dict[str, list[str]]  # field → its spellings as written in aliases.yaml
    matching: dict  # abbreviations and filler words for the token scores (matching.py)
    not_inputs: dict  # what files that are not inputs look like


@cache
def catalog() -> Catalog:
    data = yaml.safe_load(
        resources.files("tcxd.reading").joinpath("aliases.yaml").read_text("utf-8")
    )
    field_types: dict[str, str] = {}
    exact: dict[str, str] = {}
    folded: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    alias_lists: dict[str, list[str]] = {}
    for name, entry in data["fields"].items():
        field_types[name] = entry["type"]
        aliases = split_list(entry["aliases"])
        labels[name] = aliases[0]
        alias_lists[name] = aliases
        for alias in aliases:
            _add(exact, folded, alias, name)
    group_exact: dict[str, str] = {}
    group_folded: dict[str, set[str]] = {}
    group_subs: dict[str, dict[str, str]] = {}
    group_subs_folded: dict[str, dict[str, set[str]]] = {}
    for group, entry in data["groups"].items():
        for alias in split_list(entry["aliases"]):
            _add(group_exact, group_folded, alias, group)
        subs: dict[str, str] = {}
        subs_folded: dict[str, set[str]] = {}
        for name, aliases in entry["subs"].items():
            field_types.setdefault(name, _derived_type(name, field_types))
            for alias in split_list(aliases):
                _add(subs, subs_folded, alias, name)
        group_subs[group] = subs
        group_subs_folded[group] = subs_folded
    layout = {
        key: [fold(item) for item in split_list(value)] for key, value in data["layout"].items()
    }
    return Catalog(
        field_types=field_types,
        exact=exact,
        folded=folded,
        group_exact=group_exact,
        group_folded=group_folded,
        group_subs=group_subs,
        group_subs_folded=group_subs_folded,
        kinds=data["kinds"],
        columns=data["columns"],
        values=data["values"],
        layout=layout,
        labels=labels,
        alias_lists=alias_lists,
        matching=_matching_words(data.get("matching", {})),
        not_inputs=data.get("not_inputs", {"party_fields": [], "kinds": {}}),
    )


def _matching_words(data: dict) -> dict:
    """The `matching:` section, keyed both with and without diacritics."""
    abbreviations = {header_key(k): header_key(v) for k, v in data.get("abbreviations", {}).items()}
    fillers = {header_key(word) for word in split_list(data.get("fillers"))}
    return {
        "abbreviations_keyed": abbreviations,
        "abbreviations_folded": {fold(k): fold(v) for k, v in abbreviations.items()},
        "fillers_keyed": fillers,
        "fillers_folded": {fold(word) for word in fillers},
        "weak": {header_key(word) for word in split_list(data.get("weak"))},
        "domains": split_list(data.get("domains")),
    }


def _derived_type(name: str, field_types: dict[str, str]) -> str:
    if name.startswith("birth_date_"):
        return "birth_date"
    return field_types.get(name, "text")


def _add(exact: dict, folded: dict, alias: str, name: str) -> None:
    variant = header_key(alias)
    exact.setdefault(variant, name)
    folded.setdefault(fold(variant), set()).add(name)


@lru_cache(maxsize=_TEXTS)
def _variants(text: str) -> tuple[str, ...]:
    key = header_key(text)
    stripped = _PAREN_TAIL.sub("", key)
    return (key, stripped) if stripped and stripped != key else (key,)


def _lookup(text: str, exact: dict[str, str], folded: dict[str, set[str]]) -> str | None:
    variants = _variants(text)
    for variant in variants:
        if variant in exact:
            return exact[variant]
    if not has_diacritics(text):
        for variant in variants:
            names = folded.get(fold(variant))
            if names and len(names) == 1:
                return next(iter(names))
    return None


@lru_cache(maxsize=_TEXTS)
def exact_field_of(text: str) -> str | None:
    """The field whose alias a header cell is (after the key normalisation), or None."""
    if not text:
        return None
    book = catalog()
    return _lookup(text, book.exact, book.folded)


@lru_cache(maxsize=_TEXTS)
def field_of(text: str) -> str | None:
    """The field a single header cell names: an alias, else the best token score (matching.py)
    when it is high enough and no other field scores the same, or None."""
    if not text:
        return None
    exact = exact_field_of(text)
    if exact is not None:
        return exact
    from tcxd.reading.matching import best_field

    match = best_field(text)
    return match.field if match is not None else None


@lru_cache(maxsize=_TEXTS)
def group_of(text: str) -> str | None:
    """The group id a (merged) group header names, or None."""
    if not text:
        return None
    book = catalog()
    return _lookup(text, book.group_exact, book.group_folded)


@lru_cache(maxsize=_TEXTS)
def sub_field_of(group: str, text: str) -> str | None:
    book = catalog()
    return _lookup(text, book.group_subs[group], book.group_subs_folded[group])


@lru_cache(maxsize=_TEXTS)
def resolve(top: str, sub: str, group_text: str) -> str | None:
    """Field of one column of a one- or two-row header.

    `top` is the column's own cell in the first header row (empty under a merged group),
    `group_text` the group cell above it (the column's own cell or the merged cell to its left),
    `sub` the cell of the second header row (empty for a one-row header).
    """
    if not sub:
        return field_of(top)
    group = group_of(group_text) if group_text else None
    if group is not None:
        field = sub_field_of(group, sub)
        if field is not None:
            return field
    # A sub-label that is itself a known header ("Kỷ luật" under "Xếp loại") says more than
    # its group: the group only groups.
    field = None if is_weak(sub) else exact_field_of(sub)
    if field is not None:
        return field
    if group_text:
        field = _field_of_group_and_sub(group_text, sub)
        if field is not None:
            return field
    field = field_of(sub)
    if field is not None:
        return field
    if top and top == group_text and group is None:
        return field_of(top)
    return None


def _field_of_group_and_sub(group_text: str, sub: str) -> str | None:
    """The field a sub-label names together with the group above it. Both word orders are tried:
    a Vietnamese noun phrase puts its head first, so "Ngày" under "Biến động" reads "Ngày biến
    động", while "Số thẻ" under "Đảng viên" reads either way; the better score wins, a tie
    between two different fields decides nothing."""
    from tcxd.reading.matching import best_field

    found = []
    for text in (f"{group_text} {sub}", f"{sub} {group_text}"):
        exact = exact_field_of(text)
        if exact is not None:
            return exact
        match = best_field(text)
        if match is not None:
            found.append(match)
    if not found:
        return None
    found.sort(key=lambda match: -match.score)
    if len(found) > 1 and found[0].score == found[1].score and found[0].field != found[1].field:
        return None
    return found[0].field


@lru_cache(maxsize=_TEXTS)
def is_sub_header(text: str) -> bool:
    """Whether a cell of a second header row names a field, a group, or a sub-header of a group."""
    if not text:
        return False
    if field_of(text) is not None or group_of(text) is not None:
        return True
    return any(sub_field_of(group, text) for group in catalog().group_subs)


@lru_cache(maxsize=_TEXTS)
def is_header_word(text: str) -> bool:
    """Whether a cell names a field or a group (used to score candidate header rows)."""
    return field_of(text) is not None or group_of(text) is not None


def field_type(field: str) -> str:
    return catalog().field_types.get(field, "text")


def field_label(field: str) -> str:
    book = catalog()
    if field in book.labels:
        return book.labels[field]
    return {"birth_date_male": "Ngày sinh (Nam)", "birth_date_female": "Ngày sinh (Nữ)"}.get(
        field, field
    )


# ---------------------------------------------------------------- kinds


def normalise_kind(kind: str | None) -> str | None:
    """The `kind=` option: one of KINDS, or "evaluations" (members or organisations, recognised)."""
    if kind is None:
        return None
    value = kind.strip().lower().replace("-", "_")
    aliases = {
        "member": "members",
        "roster": "members",
        "organization": "organizations",
        "organisations": "organizations",
        "orgs": "organizations",
        "change": "changes",
        "evaluation": "evaluations",
    }
    value = aliases.get(value, value)
    if value not in (*KINDS, "evaluations"):
        raise UserInputError(
            f'loại tệp "{kind}" không hợp lệ (cần members, organizations, changes hoặc evaluations)'
        )
    return value


def kind_scores(fields: set[str]) -> dict[str, int]:
    """Score of each kind from the recognised fields; 0 when its anchors are missing."""
    scores = {}
    for kind, spec in catalog().kinds.items():
        anchors = spec["anchors"]
        if not any(anchor in fields for anchor in anchors) or any(
            name in fields for name in spec.get("forbidden", [])
        ):
            scores[kind] = 0
            continue
        scores[kind] = sum(weight for name, weight in spec["weights"].items() if name in fields)
    return scores


def recognise_kind(fields: set[str], context: str, forced: str | None = None) -> str | None:
    """The kind of a sheet, or None when the header does not fit any kind well enough.

    `context` is the folded text of the title rows, sheet name and file name (tie-breaker).
    `forced` (already normalised) wins; "evaluations" chooses members or organisations.
    """
    book = catalog()
    fields = _effective_fields(fields)
    scores = kind_scores(fields)
    if forced is not None and forced != "evaluations":
        return forced
    candidates = list(KINDS)
    if forced == "evaluations":
        candidates = ["member_evaluations", "organization_evaluations"]
        if "full_name" in fields or "name_last_part" in fields:
            return "member_evaluations"
        return "organization_evaluations"

    def title_hits(kind: str) -> int:
        return sum(1 for word in book.kinds[kind].get("titles", []) if fold(word) in context)

    ranked = sorted(
        (kind for kind in candidates if scores[kind] >= book.kinds[kind]["min_score"]),
        key=lambda kind: (scores[kind], title_hits(kind)),
        reverse=True,
    )
    if not ranked:
        return _plain_unit_list(fields)
    best = ranked[0]
    # A close call between a roster and an evaluation list (both have names and birth dates) or
    # between the two evaluation kinds is settled by the title words.
    for other in ranked[1:]:
        if scores[other] >= scores[best] - 1 and title_hits(other) > title_hits(best):
            best = other
    return best


ORGANISATION_DETAILS = {"code", "org_type", "parent", "kind_of_place", "founded_on", "dissolved_on"}


def _plain_unit_list(fields: set[str]) -> str | None:
    """A list of units that names them and gives one more organisation detail (a code, a
    founding date) and no person: an organisations list, however few its columns."""
    if {"full_name", "name_first_part", "name_last_part"} & fields:
        return None
    if {"name", "branch"} & fields and ORGANISATION_DETAILS & fields:
        return "organizations"
    return None


def _effective_fields(fields: set[str]) -> set[str]:
    fields = set(fields)
    if {"name_first_part", "name_last_part"} & fields:
        fields.add("full_name")
    if {"gender_male", "gender_female", "birth_date_male", "birth_date_female"} & fields:
        fields.add("gender")
    if {"birth_date_male", "birth_date_female"} & fields:
        fields.add("birth_date")
    return fields


def effective_fields(fields: set[str]) -> set[str]:
    return _effective_fields(fields)


# ---------------------------------------------------------------- files that are not inputs


def not_an_input(texts: list[str], fields: set[str], titles: list[str] | None = None) -> str | None:
    """What a sheet looks like when it is not a party input (a statistical form, a youth-union
    list, a civil servants' rating, a party-fee sheet), or None.

    `texts` are the title rows, header cells and sheet name; `fields` the fields its header
    names. A header naming a field only party inputs have (a card number, an admission date…)
    keeps the sheet an input, whatever its other words. `titles` (the rows above the header)
    may say what the sheet is with one marker word, when nothing speaks of the party."""
    spec = catalog().not_inputs
    if fields & set(spec["party_fields"]):
        return None
    folded = " | ".join(_folded_words(text) for text in texts if text)
    # One marker word in a title is enough when nothing in the titles, header or sheet name
    # speaks of the party: "CÁN BỘ, CÔNG CHỨC" under "UBND XÃ" is a civil servants' rating, while
    # a chi bộ's rating whose title names its chi bộ may say "công chức" and be one of ours.
    title_words = " | ".join(_folded_words(text) for text in titles or [] if text)
    alone = bool(title_words.strip(" |")) and not _speaks_of_the_party(texts)
    best, best_hits = None, 0
    for entry in spec["kinds"].values():
        markers = _marker_words(entry["words"])
        hits = sum(1 for word in markers if word in folded)
        in_title = any(word in title_words for word in markers)
        enough = hits >= entry.get("min", 2) or (alone and in_title)
        if enough and hits > best_hits:
            best, best_hits = entry["label"], hits
    return best


def _speaks_of_the_party(texts: list[str]) -> bool:
    """Whether a title, header cell or sheet name uses a party word ("Đảng", "chi bộ"…). A text
    without diacritics is compared without them only on words of two or more syllables ("dang"
    alone may be "đang")."""
    words = split_list(catalog().not_inputs.get("party_words", ""))
    for text in texts:
        if not text:
            continue
        accents = has_diacritics(text)
        padded = _keyed_words(text) if accents else _folded_words(text)
        for word in words:
            if accents and _keyed_words(word) in padded:
                return True
            if not accents and " " in word.strip() and _folded_words(word) in padded:
                return True
    return False


def _keyed_words(text: str) -> str:
    """Like `_folded_words`, keeping the diacritics ("đảng" is not "đang")."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", header_key(text)).split()) + " "


@cache
def _marker_words(words: str) -> tuple[str, ...]:
    return tuple(_folded_words(word) for word in split_list(words))


def _folded_words(text: str) -> str:
    """Folded words separated by single spaces, padded, so that markers match whole words."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", fold(text)).split()) + " "


WEAK_SCORE = 0.9


@lru_cache(maxsize=_TEXTS)
def is_weak(text: str) -> bool:
    """A header too general to be sure of alone ("Đơn vị", "Ngày", "Loại")."""
    return header_key(text) in catalog().matching["weak"]
