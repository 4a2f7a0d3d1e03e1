"""Which member each row is (card, then CCCD, then name + birth date, + chi bộ for namesakes),
and the identity checks: an identity the database holds for someone else, one person twice."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import bindparam, select, text

from tcxd.core.text import clean
from tcxd.db.bulk import plain, table_of
from tcxd.db.identities import MemberKeys, stored_birth_key
from tcxd.db.models import (
    Member,
)
from tcxd.importing.context import MAX_PROBLEMS
from tcxd.importing.values import column_values, is_missing, to_date

# Columns the reading worker adds to every table with names (`add_identity_columns`): each
# row's name cleaned, its name key and its birth key, computed once and off the writer.
NAME, NAME_KEY, BIRTH_KEY = "_name", "_name_key", "_birth_key"


def add_identity_columns(reading) -> None:
    """Add NAME, NAME_KEY and BIRTH_KEY to the tables of a reading that name people."""
    for table in reading.sheets:
        rows = table.rows
        if "full_name" in rows.columns and BIRTH_KEY not in rows.columns:
            names, name_keys, birth_keys = _identity_values(rows)
            table.rows = rows.assign(**{NAME: names, NAME_KEY: name_keys, BIRTH_KEY: birth_keys})


def identity_columns(rows: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """(names cleaned, name keys, birth keys) of a table's rows: the columns the reading worker
    added, or (a table made otherwise) computed here."""
    if BIRTH_KEY in rows.columns:
        return rows[NAME].tolist(), rows[NAME_KEY].tolist(), rows[BIRTH_KEY].tolist()
    return _identity_values(rows)


def _identity_values(rows: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    names = [clean(str(name)) for name in rows["full_name"].tolist()]
    births, years = column_values(rows, "birth_date"), column_values(rows, "birth_year")
    return (
        names,
        [name.casefold() for name in names],  # (`text.key` of a cleaned name)
        [row_birth_key(birth, year) for birth, year in zip(births, years, strict=True)],
    )


def member_keys(file, rows: pd.DataFrame) -> MemberKeys:
    """The identity keys a table's rows are matched against (`run._IndexCache.members`)."""
    return file.cache.members(file.conn, lambda: wanted_keys(rows))


def resolve_members(
    file, rows: pd.DataFrame, orgs: list, keys: MemberKeys | None = None
) -> list[int | None]:
    """Member id per row position (None = new): card number, then CCCD, then name + birth
    date (+ chi bộ when namesakes share a birth date), from the run's identity keys."""
    keys = keys if keys is not None else member_keys(file, rows)
    ids: list[int | None] = [None] * len(rows)
    for column, lookup in (("card_number", keys.by_card), ("citizen_id", keys.by_citizen_id)):
        if column not in rows.columns:
            continue
        for position, value in enumerate(rows[column].tolist()):
            if ids[position] is None and not is_missing(value):
                ids[position] = lookup(str(value))
    missing = [position for position, found in enumerate(ids) if found is None]
    if not missing:
        return ids
    _names, name_keys, birth_keys = identity_columns(rows)
    cards = column_values(rows, "card_number")
    cccds = column_values(rows, "citizen_id")
    for position in missing:
        # A namesake born the same day whose card or CCCD differs is another person.
        candidates = [
            member_id
            for member_id, card, cccd in keys.namesakes(name_keys[position], birth_keys[position])
            if not conflicts(card, cards[position]) and not conflicts(cccd, cccds[position])
        ]
        if len(candidates) == 1:
            ids[position] = candidates[0]
        elif candidates:
            # Same name and birth date: the chi bộ decides (spec: "(+ chi bộ)").
            here = members_in_org(file, candidates, orgs[position])
            ids[position] = here[0] if len(here) == 1 else None
    return ids


_MEMBER = table_of(Member)
# The member a clash names, for the message.
_NAMED = select(_MEMBER.c.full_name, _MEMBER.c.birth_date, _MEMBER.c.birth_year).where(
    _MEMBER.c.id == bindparam("id")
)


def members_in_org(file, member_ids: list[int], org_id) -> list[int]:
    if org_id is None:
        return []
    rows = file.conn.execute(
        text(
            "SELECT DISTINCT member_id FROM roster_entry WHERE org_id = :o AND member_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"o": org_id, "ids": member_ids},
    )
    return [r[0] for r in rows]


def check_identities(file, table, ids: list, keys: MemberKeys) -> None:
    """A card number or CCCD the database holds for another person is a conflict naming
    the row and the member it clashes with: matched by card or CCCD, a row whose name and
    birth date both differ from the member's is someone else, and a CCCD held by another
    member than the row's is not the row's to take. Nothing is overwritten. Decided on the
    run's identity keys (`keys`, as `resolve_members` used them): the database is read only
    for the member a clash names."""
    rows = table.rows
    cards = column_values(rows, "card_number")
    cccds = column_values(rows, "citizen_id")
    names, _name_keys, birth_keys = identity_columns(rows)
    source_rows = rows["source_row"].tolist()
    for position, member_id in enumerate(ids):
        cccd = None if is_missing(cccds[position]) else str(cccds[position])
        if member_id is None and not cccd:
            continue  # a new member without a CCCD: nothing to clash with
        card = None if is_missing(cards[position]) else str(cards[position])
        person = (names[position], birth_keys[position])
        clash = None
        held = keys.person(int(member_id)) if member_id is not None else None
        if held is not None:
            if same_person(held, person):
                pass
            elif card and card == held[0]:
                clash = ("card_number", card, "số thẻ đảng viên", int(member_id))
            elif cccd and cccd == held[1]:
                clash = ("citizen_id", cccd, "số CCCD", int(member_id))
        if clash is None and cccd:
            holder = keys.citizen_id_holder(cccd)
            if holder is not None and (member_id is None or holder != int(member_id)):
                clash = ("citizen_id", cccd, "số CCCD", holder)
        if clash is None:
            continue
        column, value, what, other_id = clash
        other = file.conn.execute(_NAMED, {"id": other_id}).mappings().one()
        file.problem(
            table.sheet,
            source_rows[position],
            file.column_label(table, column),
            value,
            f'đã là {what} của "{other["full_name"]}" '
            f"(sinh {shown_birth(stored_birth_key(other['birth_date'], other['birth_year']))}"
            f'), người khác với "{person[0]}" (sinh {shown_birth(person[1])}) ở dòng này; '
            "không ghi đè thông tin của đảng viên đã có.",
        )
        if len(file.problems) >= MAX_PROBLEMS:
            return


def check_same_member(file, table, ids: list) -> bool:
    """Two rows that name one member in different ways (card on one, name and birth date
    on the other) are an error naming both rows, like the same card twice. True if any."""
    first: dict[int, int] = {}
    source_rows = table.rows["source_row"].tolist()
    names = table.rows["full_name"].tolist()
    found = False
    for position, member_id in enumerate(ids):
        row = int(source_rows[position])
        if member_id not in first:
            first[member_id] = row
            continue
        found = True
        file.problem(
            table.sheet,
            row,
            file.column_label(table, "full_name"),
            names[position],
            f"là cùng một đảng viên với dòng {first[member_id]} (mỗi đảng viên chỉ được ghi "
            "một lần trong tệp).",
        )
    return found


def check_duplicates(file, table, orgs) -> None:
    """The same person twice in one file is an error naming both rows."""
    rows = table.rows
    source_rows = rows["source_row"].tolist()
    for column in ("card_number", "citizen_id"):
        if column not in rows.columns:
            continue
        texts = [None if v is None else str(v) for v in file.cells(rows, column)]
        given = [t for t in texts if t]
        if len(set(given)) == len(given):
            continue  # (the common case: no one twice)
        groups: dict[str, list[int]] = {}
        for position, shown in enumerate(texts):
            if shown:
                groups.setdefault(shown, []).append(position)
        for value in sorted(groups):
            positions = groups[value]
            if len(positions) > 1:
                numbers = [int(source_rows[p]) for p in positions]
                file.problem(
                    table.sheet,
                    numbers[1],
                    file.column_label(table, column),
                    value,
                    f"trùng với dòng {numbers[0]} (một người chỉ được ghi một lần).",
                )
    check_namesakes(file, table, orgs)


def check_namesakes(file, table, orgs) -> None:
    """Two rows with no card and no CCCD, of one name and one birth date in one chi bộ,
    are one person written twice (identity by name + birth date, spec README "Identity")."""
    rows = table.rows
    source_rows, (names, _keys, _births) = rows["source_row"].tolist(), identity_columns(rows)
    first: dict[tuple, int] = {}
    for position, (card, cccd, name, birth) in enumerate(wanted_keys(rows)):
        if card or cccd or not birth:
            continue
        person = (name, birth, orgs[position])
        if person not in first:
            first[person] = int(source_rows[position])
            continue
        file.problem(
            table.sheet,
            source_rows[position],
            file.column_label(table, "full_name"),
            names[position],
            f"trùng họ tên và ngày sinh với dòng {first[person]}, không có số thẻ hay CCCD "
            "để phân biệt (một người chỉ được ghi một lần).",
        )


def wanted_keys(rows: pd.DataFrame) -> list[tuple]:
    """(card, CCCD, name key, birth key) of each row, "" for a missing card or CCCD."""
    cards, cccds = (
        ["" if is_missing(v) else str(v) for v in column_values(rows, c)]
        for c in ("card_number", "citizen_id")
    )
    _names, name_keys, birth_keys = identity_columns(rows)
    return list(zip(cards, cccds, name_keys, birth_keys, strict=True))


def conflicts(stored, given) -> bool:
    """Two identifiers that are both known and differ."""
    return not is_missing(stored) and not is_missing(given) and str(stored) != str(given)


def row_birth_key(birth_date, birth_year) -> str:
    birth_date = plain(birth_date)
    if isinstance(birth_date, str):
        birth_date = to_date(birth_date)
    if isinstance(birth_date, date):
        return birth_date.isoformat()
    birth_year = plain(birth_year)
    return str(int(birth_year)) if birth_year else ""


def same_person(stored: tuple, person: tuple[str, str]) -> bool:
    """A member (card, CCCD, name key, birth key: `MemberKeys.person`) and a row's (cleaned
    name, birth key) are one person unless both differ: a corrected spelling keeps the birth date, a
    corrected birth date keeps the name."""
    same_name = person[0].casefold() == stored[2]  # (`text.key` of the cleaned name)
    birth = stored[3]
    same_birth = bool(birth and person[1]) and (
        birth == person[1] or (min(len(birth), len(person[1])) == 4 and birth[:4] == person[1][:4])
    )
    return same_name or same_birth


def shown_birth(birth_key: str) -> str:
    """A birth key as a clerk writes it: 05/03/1980, or the year alone, or "không rõ"."""
    if len(birth_key) == 10:
        return f"{birth_key[8:10]}/{birth_key[5:7]}/{birth_key[:4]}"
    return birth_key or "không rõ"
