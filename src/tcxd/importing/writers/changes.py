"""A changes file (biến động): membership events and what they change of a member."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from tcxd.db.bulk import bulk_insert, chunks, table_of
from tcxd.db.models import (
    Member,
    MembershipEvent,
)
from tcxd.importing.resolve.units import row_units
from tcxd.importing.values import IDS, resolved, to_date
from tcxd.importing.writers.members import upsert_members

_EVENT = table_of(MembershipEvent)
_EVENTS_OF = select(_EVENT.c.member_id, _EVENT.c.kind, _EVENT.c.event_on, _EVENT.c.org_id).where(
    _EVENT.c.member_id.in_(IDS)
)


def write_changes(file, table, unit: int | None) -> None:
    orgs = row_units(file, table, unit, holding_only=False)
    if file.problems:
        return
    rows = table.rows
    source_rows = rows["source_row"].tolist()
    for position, org in enumerate(orgs):
        if org is None:
            file.problem(
                table.sheet,
                source_rows[position],
                file.column_label(table, "branch"),
                None,
                "không xác định được chi bộ của biến động.",
            )
    if file.problems:
        return
    ids = upsert_members(file, table, orgs, None, attributes_authoritative=False)
    if file.problems:
        return  # an identity clash: the file is refused, nothing of it is written
    units = resolved(orgs)  # (a row without its unit refused the file above)
    event = table_of(MembershipEvent)
    existing = set()
    for chunk in chunks(sorted({int(i) for i in ids})):
        for member_id, kind, on, org_id in file.conn.execute(_EVENTS_OF, {"ids": chunk}):
            existing.add((member_id, kind, to_date(on), org_id))
    new_events = []
    kinds, dates = rows["change"].tolist(), rows["date"].tolist()
    extra = {
        column: rows[column].tolist() if column in rows.columns else None
        for column in ("scope", "place", "decision")
    }
    for position in range(len(rows)):
        values = {
            "member_id": int(ids[position]),
            "kind": kinds[position],
            "event_on": dates[position],
            "org_id": int(units[position]),
        }
        identity = (values["member_id"], values["kind"], values["event_on"], values["org_id"])
        if identity in existing:
            continue  # the same event from another copy of the file
        existing.add(identity)
        for column, cells in extra.items():
            value = cells[position] if cells is not None else None
            values[column] = None if value is None or value != value else value
        values.update(
            batch_id=file.batch_id,
            source_sheet=table.sheet,
            source_row=int(source_rows[position]),
        )
        new_events.append(values)
    bulk_insert(file.conn, event, new_events)
    apply_status_events(file, new_events)


def apply_status_events(file, events: list[dict]) -> None:
    """Events that change a member's attributes (official date, admission date)."""
    member = table_of(Member)
    official = [
        {"_id": e["member_id"], "on": e["event_on"]} for e in events if e["kind"] == "made_official"
    ]
    if official:
        file.conn.execute(
            update(member)
            .where(member.c.id == bindparam("_id"))
            .values(official_on=bindparam("on")),
            official,
        )
    admitted = [
        {"_id": e["member_id"], "on": e["event_on"]}
        for e in events
        if e["kind"] in ("admitted", "readmitted")
    ]
    if admitted:
        file.conn.execute(
            update(member)
            .where(member.c.id == bindparam("_id"), member.c.admitted_on.is_(None))
            .values(admitted_on=bindparam("on")),
            admitted,
        )
