"""Finding the organisation a file, a row or a name means (spec inputs.md, "The unit a file
belongs to").

Names are matched without diacritics and case (`text.fold`); a name like "Chi bộ 1" only under
the unit found above it. A candidate text may hold more than a name ("DANH SÁCH ĐẢNG VIÊN CHI BỘ
THÔN 1", "04. Dang bo Cong an xa Phu An", "DSDV Chi bo 3 - 2025"): the longest known name inside
it, on word boundaries, wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Connection, text

from tcxd.core.text import fold, key, strip_accents
from tcxd.core.vocab import branch_types

_LEADING_NUMBER = re.compile(r"^\s*\d+\s*[.\-_)]*\s*")
MEMBER_HOLDING_TYPES = frozenset(branch_types())
LOAD_QUERY = text(
    """
    SELECT o.id, o.name, o.org_type, o.code, p.parent_id
    FROM organization o
    LEFT JOIN organization_parent p ON p.org_id = o.id AND p.valid_to IS NULL
    """
)
# Organisations are never deleted and a move always adds a parent link: the highest ids of the
# two tables change whenever the tree does (renames aside, which only tcxd's own import makes).
SIGNATURE_QUERY = text(
    "SELECT (SELECT MAX(id) FROM organization), (SELECT MAX(id) FROM organization_parent)"
)


# A committee and the organisation it leads are named alike in titles: "ĐẢNG ỦY XÃ X" is the
# party committee of "Đảng bộ xã X".
_COMMITTEE_WORDS = ((" dang uy ", " dang bo "), (" chi uy ", " chi bo "))
_COMMITTEE_WORDS_ACCENTED = (
    (" đảng ủy ", " đảng bộ "),
    (" đảng uỷ ", " đảng bộ "),
    (" chi ủy ", " chi bộ "),
    (" chi uỷ ", " chi bộ "),
)


@lru_cache(maxsize=1 << 16)
def folded_words(value: str) -> str:
    """Folded text with punctuation turned into spaces, padded for word-boundary search."""
    words = " " + re.sub(r"[^a-z0-9]+", " ", fold(_LEADING_NUMBER.sub("", value))).strip() + " "
    for committee, organisation in _COMMITTEE_WORDS:
        words = words.replace(committee, organisation)
    return words


# Old and new tone placement are the same name: "Thuỷ" = "Thủy", "Hoà" = "Hòa".
_OLD_STYLE = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_OLD_STYLE_RE = re.compile("|".join(_OLD_STYLE))


@lru_cache(maxsize=1 << 16)
def accented_words(value: str) -> str:
    """Like `folded_words` but keeping diacritics: "xóm Thành" and "xóm Thạnh" stay apart."""
    text = _OLD_STYLE_RE.sub(lambda m: _OLD_STYLE[m.group(0)], key(_LEADING_NUMBER.sub("", value)))
    words = " " + re.sub(r"[\W_]+", " ", text).strip() + " "
    for committee, organisation in _COMMITTEE_WORDS_ACCENTED:
        words = words.replace(committee, organisation)
    return words


_VOWELS = re.compile(r"[aăâeêioôơuưy]", re.IGNORECASE)


def _proper(word: str) -> str:
    """A capitalised word of a name: "ĐÔNG" → "Đông"; an abbreviation ("THCS", "UBND": no
    Vietnamese syllable lacks a vowel) stays as written."""
    if not _VOWELS.search(strip_accents(word)):
        return word
    return word.capitalize()


@dataclass
class OrgIndex:
    """Every organisation with its current parent, for name resolution during an import.

    Names are also indexed by their word forms (`_by_words`, `_by_accented`), so that `find`
    looks names up instead of scanning every organisation: an import keeps one index for the
    whole run and updates it in place (`add`, `move`, `update`); `version` counts the changes.
    """

    names: dict[int, str] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)
    parent: dict[int, int | None] = field(default_factory=dict)
    children: dict[int | None, list[int]] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    _code_of: dict[int, str] = field(default_factory=dict)  # (an update drops the old code)
    _words: dict[int, str] = field(default_factory=dict)
    _accented: dict[int, str] = field(default_factory=dict)
    _by_words: dict[str, set[int]] = field(default_factory=dict)
    _by_accented: dict[str, set[int]] = field(default_factory=dict)
    _max_words: int = 0
    province_id: int | None = None
    version: int = 0

    def cased_like_neighbours(self, name: str, parent: int) -> str:
        """A name written in capitals ("CHI BỘ KHU PHỐ 7", from a title) in the casing the
        province's names use: each word as the parent's other units (else any unit) write it
        ("Chi bộ khu phố 1" gives "Chi bộ khu phố"), a word no unit has as a proper name
        ("Đông"). A name in mixed case is the clerk's own and kept as written."""
        if not name.isupper():
            return name
        seen: dict[str, str] = {}
        neighbours = [self.names[i] for i in self.children.get(parent, [])]
        for other in [*neighbours, *self.names.values()]:
            for position, word in enumerate(other.split()):
                if position and not word.isupper():
                    seen.setdefault(word.casefold(), word)
        words = [seen.get(word.casefold(), _proper(word)) for word in name.split()]
        return " ".join([words[0].capitalize(), *words[1:]])

    @classmethod
    def load(cls, conn: Connection) -> OrgIndex:
        index = cls()
        for org_id, name, org_type, code, parent_id in conn.execute(LOAD_QUERY):
            index.add(org_id, name, org_type, parent_id, code)
        return index

    def add(self, org_id: int, name: str, org_type: str, parent_id: int | None, code=None):
        self.names[org_id] = name
        self.types[org_id] = org_type
        self.parent[org_id] = parent_id
        self.children.setdefault(parent_id, []).append(org_id)
        self._index_name(org_id, name)
        if code:
            self.codes[code] = org_id
            self._code_of[org_id] = code
        if org_type == "province":
            self.province_id = org_id
        self.version += 1

    def _index_name(self, org_id: int, name: str) -> None:
        words, accented = folded_words(name), accented_words(name)
        self._words[org_id] = words
        self._accented[org_id] = accented
        self._by_words.setdefault(words, set()).add(org_id)
        self._by_accented.setdefault(accented, set()).add(org_id)
        self._max_words = max(self._max_words, len(words.split()), len(accented.split()))

    def _unindex_name(self, org_id: int) -> None:
        for forms, by in ((self._words, self._by_words), (self._accented, self._by_accented)):
            old = forms.pop(org_id, None)
            if old is not None and org_id in by.get(old, ()):
                by[old].discard(org_id)
                if not by[old]:
                    del by[old]

    def update(self, org_id: int, name: str, org_type: str | None, code: str | None) -> None:
        """The organisation's row was updated: what `load` would now read for it."""
        if name != self.names.get(org_id):
            self._unindex_name(org_id)
            self.names[org_id] = name
            self._index_name(org_id, name)
        if org_type is not None:
            self.types[org_id] = org_type
            if org_type == "province":
                self.province_id = org_id
        if code:
            old = self._code_of.get(org_id)
            if old is not None and old != code and self.codes.get(old) == org_id:
                del self.codes[old]
            self.codes[code] = org_id
            self._code_of[org_id] = code
        self.version += 1

    def move(self, org_id: int, new_parent: int) -> None:
        old = self.parent.get(org_id)
        if org_id in self.children.get(old, []):
            self.children[old].remove(org_id)
        self.parent[org_id] = new_parent
        self.children.setdefault(new_parent, []).append(org_id)
        self.version += 1

    def levels(self, root: int | None):
        """Organisations under `root` (None = under the province, or the province itself when
        there is none yet), one generation at a time, nearest first."""
        frontier = [root] if root is not None else [None]
        while frontier:
            frontier = [child for node in frontier for child in self.children.get(node, [])]
            if frontier:
                yield frontier

    def descendants(self, root: int | None) -> list[int]:
        return [org for level in self.levels(root) for org in level]

    def generation(self, org_id: int, root: int | None) -> int | None:
        """1 for a child of `root`, 2 for a grandchild…; None when not under `root`."""
        node: int | None = org_id
        steps = 0
        while node is not None and steps < 64:
            node, steps = self.parent.get(node), steps + 1
            if node == root:
                return steps
        return None

    def _nearest(self, orgs, under: int | None) -> tuple[int, list[int]] | None:
        """The matches in the nearest generation under `under`: (generation, organisations)."""
        best, found = None, []
        for org in orgs:
            generation = self.generation(org, under)
            if generation is None:
                continue
            if best is None or generation < best:
                best, found = generation, [org]
            elif generation == best:
                found.append(org)
        return None if best is None else (best, found)

    def find(self, candidate: str, under: int | None = None, exact: bool = False) -> int | None:
        """The organisation a text names below `under`, nearest generation first; None when
        nothing matches or the match is ambiguous. A name written with diacritics matches with
        them ("xóm Thành" is not "xóm Thạnh"); one written without (folders, ASCII files)
        matches without. `exact` (for a
        cell that holds just a name) turns off the search for a name inside a longer text.

        Within a generation a whole-name match wins over a name inside the text, and among
        names inside the text the longest wins (word boundaries: a known name is inside the
        text when its words are consecutive words of the text)."""
        if not folded_words(candidate).strip():
            return None
        if candidate.isascii():
            words, known, by = folded_words(candidate), self._words, self._by_words
        else:
            words, known, by = accented_words(candidate), self._accented, self._by_accented
        same = self._nearest(by.get(words, ()), under)
        if exact:
            if same is None:
                return None
            return same[1][0] if len(same[1]) == 1 else None
        tokens = words.split()
        inside: set[int] = set()
        for start in range(len(tokens)):
            for stop in range(start + 1, min(len(tokens), start + self._max_words) + 1):
                inside.update(by.get(" " + " ".join(tokens[start:stop]) + " ", ()))
        near = self._nearest(inside, under)
        if same is not None and (near is None or same[0] <= near[0]):
            return same[1][0] if len(same[1]) == 1 else None
        if near is None:
            return None
        longest = max(len(known[o]) for o in near[1])
        best = [o for o in near[1] if len(known[o]) == longest]
        return best[0] if len(best) == 1 else None

    # The original scan, kept to check the lookup against (tests, debugging).
    def find_by_scan(
        self, candidate: str, under: int | None = None, exact: bool = False
    ) -> int | None:
        if not folded_words(candidate).strip():
            return None
        if candidate.isascii():
            forms = ((folded_words(candidate), self._words),)
        else:
            forms = ((accented_words(candidate), self._accented),)
        for level in self.levels(under):
            for words, known in forms:
                same = [o for o in level if known[o] == words]
                if same:
                    return same[0] if len(same) == 1 else None
            if exact:
                continue
            for words, known in forms:
                inside = [o for o in level if known[o] in words]
                if inside:
                    longest = max(len(known[o]) for o in inside)
                    best = [o for o in inside if len(known[o]) == longest]
                    return best[0] if len(best) == 1 else None
        return None

    @staticmethod
    def signature(conn: Connection) -> tuple:
        """A cheap fingerprint of the organisation tables: another process changed them when it
        differs from the one taken when the index was loaded."""
        return tuple(conn.execute(SIGNATURE_QUERY).one())

    def depth(self, org_id: int) -> int:
        steps, node = 0, org_id
        while (parent := self.parent.get(node)) is not None and steps < 10:
            node, steps = parent, steps + 1
        return steps

    def resolve_path(self, candidates: list[str]) -> tuple[int | None, list[str]]:
        """Walk candidates outermost first, narrowing the unit; returns (unit, names tried).

        A name not found under the unit found so far is looked for in the whole province too:
        a title written before an organisation moved still names its old district."""
        unit: int | None = None
        tried: list[str] = []
        for candidate in candidates:
            if not candidate or not str(candidate).strip():
                continue
            tried.append(str(candidate))
            found = self.find(str(candidate), unit)
            if found is None and unit is not None:
                found = self.find(str(candidate), None)
                if found is not None and self.within(unit, found):
                    found = None  # a unit above the one found already: nothing new
            if found is not None:
                unit = found
        return unit, tried

    def within(self, org_id: int, ancestor: int) -> bool:
        node: int | None = org_id
        steps = 0
        while node is not None and steps < 12:
            if node == ancestor:
                return True
            node, steps = self.parent.get(node), steps + 1
        return False
