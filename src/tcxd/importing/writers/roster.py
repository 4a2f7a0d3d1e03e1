"""A roster (danh sách đảng viên): members and the roster entries of the units it lists."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam

from tcxd.db.bulk import insert_columns, table_of
from tcxd.db.models import RosterEntry
from tcxd.importing.resolve.members import check_duplicates, check_same_member
from tcxd.importing.resolve.units import row_units
from tcxd.importing.values import IDS, resolved
from tcxd.importing.writers.members import upsert_members

# A statement built once: one made per call is compiled-cache keyed per call, which costs more
# than running it.
_ENTRY = table_of(RosterEntry)

_DELETE_ROSTERS = _ENTRY.delete().where(
    _ENTRY.c.org_id.in_(IDS),
    _ENTRY.c.as_of == bindparam("as_of"),
    _ENTRY.c.batch_id != bindparam("batch"),
)


def write_members(file, table, unit: int | None) -> None:
    orgs = row_units(file, table, unit, holding_only=True)
    if file.problems:
        return
    as_of = table.as_of or file.options.as_of
    if as_of is None:
        as_of = date.today()
        file.outcome.warnings.append(
            f'Trang "{table.sheet}": không thấy ngày "tính đến" ở tiêu đề; '
            f"lấy ngày nhập {as_of:%d/%m/%Y}. Dùng --as-of để chỉ rõ."
        )
    check_duplicates(file, table, orgs)
    if file.problems:
        return
    ids = upsert_members(file, table, orgs, as_of, attributes_authoritative=True)
    if file.problems:
        return  # an identity clash: the file is refused, nothing of it is written
    if check_same_member(file, table, ids):
        return
    # A corrected roster of the same unit and date replaces the earlier one.
    entry = table_of(RosterEntry)
    units = resolved(orgs)  # (a row without its chi bộ refused the file)
    unit_ids = sorted(set(units))
    file.conn.execute(_DELETE_ROSTERS, {"ids": unit_ids, "as_of": as_of, "batch": file.batch_id})
    insert_columns(
        file.conn,
        entry,
        {
            "member_id": [int(member_id) for member_id in ids],
            "org_id": [int(org) for org in units],
            "source_row": [int(row) for row in table.rows["source_row"].tolist()],
        },
        constants={
            "batch_id": file.batch_id,
            "unit_id": unit,
            "as_of": as_of,
            "source_sheet": table.sheet,
        },
        plain=True,
    )
