"""Members written from any kind of file: new ones inserted, a roster's attributes updated
(the newest roster wins)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select

from tcxd.db.bulk import bulk_update, chunks, insert_columns, table_of
from tcxd.db.identities import IDENTITY_COLUMNS, KEY_COLUMNS
from tcxd.db.models import (
    Member,
)
from tcxd.importing.resolve.members import (
    check_identities,
    identity_columns,
    member_keys,
    resolve_members,
)
from tcxd.importing.values import (
    differs,
    group_by_columns,
    is_missing,
    resolved,
    shown_date,
    to_date,
)

MEMBER_ATTRIBUTES = (
    "full_name",
    "birth_date",
    "birth_year",
    "birth_year_only",
    "gender",
    "ethnicity",
    "religion",
    "card_number",
    "citizen_id",
    "profile_number",
    "occupation",
    "school_level",
    "degree",
    "theory_level",
    "youth_union",
    "admitted_on",
    "official_on",
    "exempt",
    "exempt_on",
    "note",
)

# Marks read as False where the sheet has no such column: given only when the sheet has the
# column (mark → the column it is read from).
MARK_COLUMNS = {"youth_union": "youth_union", "exempt": "exempt", "exempt_on": "exempt"}


def upsert_members(
    file,
    table,
    orgs: list,
    as_of: date | None,
    attributes_authoritative: bool,
    touches_history: bool = True,
    count: bool = True,
) -> list[int]:
    """Insert new members, update attributes from a roster not older than the last one.
    `touches_history`: the file's rows bear on the members' spells (rosters, changes);
    `count`: the summary counts these members (else the caller counts what it writes)."""
    rows = table.rows
    keys = member_keys(file, rows)
    ids = resolve_members(file, rows, orgs, keys)
    check_identities(file, table, ids, keys)
    if file.problems:
        return []  # (the file is refused: nothing of it is written)
    new_positions = [position for position, found in enumerate(ids) if found is None]
    if new_positions:
        columns = new_member_columns(file, rows, new_positions)
        source_rows = rows["source_row"].tolist()
        columns["source_row"] = [int(source_rows[position]) for position in new_positions]
        source = {"batch_id": file.batch_id, "source_sheet": table.sheet, "attributes_as_of": as_of}
        inserted = insert_members(file, columns, source)
        for position, member_id in zip(new_positions, inserted, strict=True):
            ids[position] = member_id
        if count:
            file.outcome.rows_new += len(inserted)
    new = set(new_positions)
    known = [position for position in range(len(ids)) if position not in new]
    if attributes_authoritative and known:
        update_members(file, table, known, ids, as_of)
    elif known and count:
        file.outcome.rows_unchanged += len(known)
    written = resolved(ids)
    if touches_history:
        file.touched_members.update(written)
    return written


def member_records(
    file, rows: pd.DataFrame, positions: list[int], headers: dict | None = None
) -> list[dict]:
    """The member attributes of these row positions (None / NaN left out), name cleaned.
    A mark column the sheet does not have (read as all False) gives nothing."""
    columns = [c for c in MEMBER_ATTRIBUTES if c in rows.columns]
    if headers is not None:
        columns = [c for c in columns if MARK_COLUMNS.get(c, c) in headers or c not in MARK_COLUMNS]
    data = [(c, file.cells(rows, c)) for c in columns]
    extras = rows["extra"].tolist() if "extra" in rows.columns else None
    names, name_keys, _births = identity_columns(rows)
    records = []
    for position in positions:
        values = {c: cells[position] for c, cells in data if cells[position] is not None}
        birth_date = values.get("birth_date")
        if birth_date is not None and isinstance(birth_date, date):
            values.setdefault("birth_year", birth_date.year)
        if birth_date is None and values.get("birth_year") is None:
            values.pop("birth_year_only", None)  # (a mark of the birth date not given)
        given = "full_name" in values
        values["full_name"] = names[position] if given else ""
        values["name_key"] = name_keys[position] if given else ""
        if extras is not None:
            extra = extras[position]
            if isinstance(extra, dict) and extra:
                values["extra"] = extra
        records.append(values)
    return records


def new_member_columns(file, rows: pd.DataFrame, positions: list[int]) -> dict[str, list]:
    """What `member_records` gives these row positions, column by column, for one insert: a
    column no row gives is left out (the model's default), a value a row lacks is the
    column's `default_of` (as a record without it would be given)."""
    columns = {
        c: [cells[p] for p in positions]
        for c in MEMBER_ATTRIBUTES
        if c in rows.columns
        for cells in (file.cells(rows, c),)
    }
    births = columns.get("birth_date")
    if births is not None:
        years = columns.get("birth_year") or [None] * len(positions)
        columns["birth_year"] = [
            birth.year if year is None and isinstance(birth, date) else year
            for birth, year in zip(births, years, strict=True)
        ]
    if "birth_year_only" in columns:  # (a mark of the birth date not given)
        births = births or [None] * len(positions)
        years = columns.get("birth_year") or [None] * len(positions)
        columns["birth_year_only"] = [
            None if birth is None and year is None else mark
            for mark, birth, year in zip(columns["birth_year_only"], births, years, strict=True)
        ]
    names, name_keys, _births = identity_columns(rows)
    given = columns.pop("full_name", [None] * len(positions))
    columns["full_name"] = [
        names[p] if name is not None else "" for p, name in zip(positions, given, strict=True)
    ]
    columns["name_key"] = [
        name_keys[p] if name is not None else "" for p, name in zip(positions, given, strict=True)
    ]
    if "extra" in rows.columns:
        extras = rows["extra"].tolist()
        columns["extra"] = [
            extra if isinstance(extra, dict) and extra else None
            for extra in (extras[p] for p in positions)
        ]
    return {
        c: [default_of(c) if v is None else v for v in values]
        for c, values in columns.items()
        if any(v is not None for v in values)
    }


# The keys of the members above an id, each with its sheet row (SQLite, driver parameters).
_NEW_KEYS = f"SELECT source_row, {', '.join(c.name for c in KEY_COLUMNS)} FROM member WHERE id > ?"


def insert_members(file, columns: dict[str, list], source: dict) -> list[int]:
    """Insert new members (`columns`: column → one value per member; `source`: column → the
    value every one of them has), all of one sheet; their ids in that order. Their identity
    keys, read back with the ids, go into the run's keys."""
    member = table_of(Member)
    source_rows = columns["source_row"]
    if file.conn.dialect.name != "sqlite" or len(set(source_rows)) != len(source_rows):
        records = [
            {**dict(zip(columns, row, strict=True)), **source}
            for row in zip(*columns.values(), strict=True)
        ]
        written = file.conn.execute(
            insert(member).returning(*KEY_COLUMNS, sort_by_parameter_order=True), records
        ).all()
        file.cache.learn(written)
        return [row[0] for row in written]
    # SQLite: one executemany, then the new ids by their rows: this transaction holds the
    # write lock, so the rows above the highest id before are exactly these (of one sheet).
    before = file.conn.execute(select(func.max(member.c.id))).scalar() or 0
    insert_columns(file.conn, member, columns, constants=source, plain=True)
    # Read through the driver: SQLAlchemy's rows and date processing cost twice the rest, and
    # the keys take the birth date as the ISO text SQLite holds (`stored_birth_key`).
    written = file.conn.exec_driver_sql(_NEW_KEYS, (before,)).fetchall()
    file.cache.learn(row[1:] for row in written)
    found = {row: member_id for row, member_id, *_keys in written}
    return [found[row] for row in source_rows]


def update_members(file, table, known: list[int], ids: list, as_of) -> None:
    member = table_of(Member)
    records = member_records(file, table.rows, known, table.column_headers)
    # The columns the file gives are compared; all attributes are read for an older roster.
    given = {c for r in records for c in r}
    columns = ["id", "attributes_as_of", *sorted(given.union(MEMBER_ATTRIBUTES))]
    query = select(*(member.c[c] for c in columns))
    current = {}
    for chunk in chunks(sorted({int(ids[p]) for p in known})):
        for row in file.conn.execute(query.where(member.c.id.in_(chunk))):
            current[row[0]] = dict(zip(columns, row, strict=True))
    updates = []
    rekeyed = []  # members whose card, CCCD, name or birth changes
    source_rows = table.rows["source_row"].tolist()
    for position, values in zip(known, records, strict=True):
        member_id = int(ids[position])
        record = current[member_id]
        stored_as_of = to_date(record["attributes_as_of"])
        source = {
            "attributes_as_of": as_of,
            "batch_id": file.batch_id,
            "source_sheet": table.sheet,
            "source_row": int(source_rows[position]),
        }
        if stored_as_of and as_of and as_of < stored_as_of:
            changed = from_older_roster(record, values, source)
        else:
            changed = {
                c: v for c, v in values.items() if c != "name_key" and differs(record.get(c), v)
            }
            if changed:  # the attributes now come from this roster
                changed.update(source, name_key=values["name_key"])
        if IDENTITY_COLUMNS.intersection(changed):
            rekeyed.append(member_id)
            say_identity_change(file, table, source["source_row"], record, changed)
        if changed:
            updates.append({"_id": member_id, **changed})
        if not set(MEMBER_ATTRIBUTES).intersection(changed):
            file.outcome.rows_unchanged += 1
    for group in group_by_columns(updates):
        bulk_update(file.conn, member, group)
        file.outcome.rows_updated += sum(1 for u in group if set(MEMBER_ATTRIBUTES).intersection(u))
    if rekeyed:
        file.cache.refresh(file.conn, rekeyed)


def say_identity_change(file, table, row: int, stored: dict, changed: dict) -> None:
    """A newer roster that corrects a member's name or birth date (the card or CCCD and the
    other of the two still match) does so in the open: a warning per change (`row`: the
    sheet's row number)."""
    card = stored.get("card_number") or changed.get("card_number")
    who = f"đảng viên có số thẻ {card}" if card else f'đảng viên "{stored.get("full_name")}"'
    shown: dict[str, tuple[str, Callable[[Any], str]]] = {
        "full_name": ("họ tên", str),
        "birth_date": ("ngày sinh", shown_date),
    }
    for column, (label, show) in shown.items():
        if column in changed and stored.get(column) is not None:
            file.outcome.warnings.append(
                f'Trang "{table.sheet}", dòng {row}: {label} của {who} đổi từ '
                f'"{show(stored[column])}" thành "{show(changed[column])}".'
            )


def from_older_roster(record: dict, values: dict, source: dict) -> dict:
    """What a roster older than the member's attributes changes, so that the newest roster wins
    whatever the order the rosters come in: it fills what the newer ones left empty (as it
    would have, had it come first); and when it then gives every attribute the member has, as
    they are, the attributes were already so on its date: they come from it (had it come first,
    the newer roster would have changed nothing)."""
    compared = {c: v for c, v in values.items() if c not in ("name_key", "extra")}
    changed = {c: v for c, v in compared.items() if record.get(c) is None}
    after = {**record, **changed}
    same = not any(differs(after.get(c), v) for c, v in compared.items())
    covered = all(c in compared for c in MEMBER_ATTRIBUTES if holds(after.get(c)))
    if same and covered:
        changed.update(source)
    return changed


def holds(value) -> bool:
    """A stored attribute that says something (not empty, not a default "no")."""
    return value not in (None, False, "", {}) and not is_missing(value)


def default_of(column: str):
    return {"youth_union": False, "birth_year_only": False, "exempt": False, "extra": {}}.get(
        column
    )
