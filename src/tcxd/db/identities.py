"""The identity keys of every member, held in memory for a whole import run.

An imported row is the member whose card number, else CCCD, else name + birth key it carries
(`tcxd.importing`). Asking the database for those keys file after file costs three queries per
file and their round trips; the keys of a province (a few hundred thousand members) fit in
memory, so they are read once per run and kept up to date as the run inserts and updates
members. The database stays the truth: after each write the written members' keys are read
back from it (`refresh`), never guessed from what was sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import ColumnElement, Connection, select, true

from tcxd.core.plausibility import implausible  # noqa: F401  (re-exported for importing, checks)
from tcxd.db.bulk import chunks, table_of
from tcxd.db.models import Member

_COLUMNS = ("card_number", "citizen_id", "name_key", "birth_date", "birth_year")
IDENTITY_COLUMNS = frozenset(_COLUMNS) | {"full_name"}
KEY_COLUMNS = [table_of(Member).c[c] for c in ("id", *_COLUMNS)]
KEYS_QUERY = select(*KEY_COLUMNS)


def stored_birth_key(birth_date, birth_year) -> str:
    """The birth key of a stored member: its birth date (ISO), else its birth year, else ""."""
    if birth_date is not None:
        return birth_date[:10] if isinstance(birth_date, str) else birth_date.isoformat()
    return str(int(birth_year)) if birth_year else ""


class MemberKeys:
    """card → member, CCCD → member(s), (name key, birth key) → members; `version` counts the
    changes (a file rolled back after changing the keys makes them stale)."""

    def __init__(self) -> None:
        self.version = 0
        self._keys: dict[int, tuple] = {}  # member → (card, cccd, (name key, birth key))
        self._cards: dict[str, int] = {}
        # A value shared by several members (CCCD, name + birth) maps to a tuple of ids; the
        # common single holder is kept as a bare id (a province has hundreds of thousands).
        self._cccds: dict[str, int | tuple[int, ...]] = {}
        self._names: dict[tuple[str, str], int | tuple[int, ...]] = {}

    @classmethod
    def load(cls, conn: Connection) -> MemberKeys:
        keys = cls()
        for row in conn.execute(KEYS_QUERY.order_by(table_of(Member).c.id)):
            keys._add(*row)
        return keys

    @classmethod
    def of_rows(cls, conn: Connection, rows: list[tuple]) -> MemberKeys:
        """The keys of only the members some rows could be, rows given as (card, CCCD, name
        key, birth key): one query per identity kind, for a few files into a large database,
        where reading every member's keys would cost more. Names are looked up only for the
        rows no card or CCCD matched, as the run-wide keys would answer them."""
        keys = cls()
        member = table_of(Member)
        for column, position in (("card_number", 0), ("citizen_id", 1)):
            wanted = sorted({row[position] for row in rows if row[position]})
            for chunk in chunks(wanted):
                keys.learn(conn.execute(KEYS_QUERY.where(member.c[column].in_(chunk))))
        names = {
            (name, birth)
            for card, cccd, name, birth in rows
            if keys.by_card(card) is None and keys.by_citizen_id(cccd) is None
        }
        # A member has a row's birth key only if its birth date is one of the rows' dates or
        # it has none: the thousands of namesakes a common name has elsewhere are not read.
        dates = sorted({date.fromisoformat(b) for _, b in names if len(b) == 10})
        born: ColumnElement[bool] = member.c.birth_date.is_(None) | member.c.birth_date.in_(dates)
        if len(dates) > 2000:
            born = true()  # (a huge file: fetch every namesake rather than bind more)
        for chunk in chunks(sorted({name for name, _ in names})):
            keys.learn(conn.execute(KEYS_QUERY.where(member.c.name_key.in_(chunk), born)))
        return keys

    def refresh(self, conn: Connection, member_ids: Iterable[int]) -> None:
        """Read these members' keys again from the database (after updating them)."""
        for chunk in chunks(sorted(set(member_ids))):
            for member_id in chunk:
                self._remove(member_id)
            self.learn(conn.execute(KEYS_QUERY.where(table_of(Member).c.id.in_(chunk))))

    def learn(self, rows: Iterable[tuple]) -> None:
        """Take these members' keys as the database now holds them: rows of `KEY_COLUMNS`, as
        read back just after writing them."""
        for row in rows:
            self._remove(row[0])
            self._add(*row)
        self.version += 1

    # ----------------------------------------------------------------- lookups
    def by_card(self, card: str) -> int | None:
        return self._cards.get(card) if card else None

    def by_citizen_id(self, cccd: str) -> int | None:
        """The member with this CCCD; of several (an inconsistency kept as it came), the
        newest, as the per-file query in index order used to give."""
        if not cccd:
            return None
        found = self._cccds.get(cccd)
        return max(found) if isinstance(found, tuple) else found

    def person(self, member_id: int) -> tuple[str | None, str | None, str, str] | None:
        """(card, CCCD, name key, birth key) of a member, as the database holds them."""
        known = self._keys.get(member_id)
        if known is None:
            return None
        card, cccd, (name_key, birth_key) = known
        return card, cccd, name_key, birth_key

    def citizen_id_holder(self, cccd: str) -> int | None:
        """The member the database finds first for this CCCD (of several, the oldest: the
        lookup by the CCCD index in id order), as the identity check names it."""
        found = self._cccds.get(cccd) if cccd else None
        return min(found) if isinstance(found, tuple) else found

    def namesakes(self, name_key: str, birth_key: str) -> Iterator[tuple]:
        """(member, card, CCCD) of the members with this name key and birth key."""
        found = self._names.get((name_key, birth_key))
        if found is None:
            return
        for member_id in found if isinstance(found, tuple) else (found,):
            card, cccd, _name = self._keys[member_id]
            yield member_id, card, cccd

    # ----------------------------------------------------------------- upkeep
    def _add(self, member_id, card, cccd, name_key, birth_date, birth_year) -> None:
        name = (name_key, stored_birth_key(birth_date, birth_year))
        self._keys[member_id] = (card, cccd, name)
        if card:
            self._cards[card] = member_id
        if cccd:
            _put(self._cccds, cccd, member_id)
        _put(self._names, name, member_id)

    def _remove(self, member_id: int) -> None:
        known = self._keys.pop(member_id, None)
        if known is None:
            return
        card, cccd, name = known
        if card and self._cards.get(card) == member_id:
            del self._cards[card]
        if cccd:
            _take(self._cccds, cccd, member_id)
        _take(self._names, name, member_id)


def _put(mapping: dict, value, member_id: int) -> None:
    held = mapping.get(value)
    if held is None:
        mapping[value] = member_id
    elif isinstance(held, tuple):
        mapping[value] = (*held, member_id)
    elif held != member_id:
        mapping[value] = (held, member_id)


def _take(mapping: dict, value, member_id: int) -> None:
    held = mapping.get(value)
    if held == member_id:
        del mapping[value]
    elif isinstance(held, tuple) and member_id in held:
        rest = tuple(m for m in held if m != member_id)
        mapping[value] = rest[0] if len(rest) == 1 else rest
