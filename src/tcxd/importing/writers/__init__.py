"""One file written inside its transaction: its batch row, each sheet by the writer of its
kind (`WRITERS`), then the spells of the members it touched (`tcxd.db.history`), unless the
run rebuilds them once for several files (`FileContext.spells_later`)."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, update

from tcxd.db import history
from tcxd.db.bulk import table_of
from tcxd.db.models import ImportBatch, Organization
from tcxd.importing.context import KIND_ORDER, MAX_PROBLEMS, FileRefused
from tcxd.importing.resolve.units import file_unit
from tcxd.importing.writers.changes import write_changes
from tcxd.importing.writers.evaluations import (
    write_member_evaluations,
    write_organization_evaluations,
)
from tcxd.importing.writers.organizations import write_organizations
from tcxd.importing.writers.roster import write_members

_BATCH = table_of(ImportBatch)

_INSERT_BATCH = insert(_BATCH).returning(_BATCH.c.id)

_COUNT_BATCH = update(_BATCH).where(_BATCH.c.id == bindparam("_id"))


def write_file(file, last_try: bool) -> None:
    file.last_try = last_try
    tables = sorted(file.reading.sheets, key=lambda t: KIND_ORDER.index(t.kind))
    units = []
    for table in tables:
        unit = file_unit(file, table, last_try)
        units.append(unit)
    if file.problems:
        raise FileRefused(file.problems, file.issues)
    first = tables[0]
    file.batch_id = insert_batch(file, first, units[0])
    if file.created:  # (chi bộ created from a title, before the batch row existed)
        organization = table_of(Organization)
        file.conn.execute(
            update(organization)
            .where(organization.c.id.in_(file.created))
            .values(batch_id=file.batch_id)
        )
    for table, unit in zip(tables, units, strict=True):
        WRITERS[table.kind](file, table, unit)
        if len(file.problems) >= MAX_PROBLEMS:
            break
    if file.problems:
        raise FileRefused(file.problems, file.issues)
    if file.touched_members and not file.spells_later:
        history.rebuild_spells(file.conn, file.touched_members)
    file.conn.execute(
        _COUNT_BATCH,
        {
            "_id": file.batch_id,
            "rows_new": file.outcome.rows_new,
            "rows_updated": file.outcome.rows_updated,
            "rows_unchanged": file.outcome.rows_unchanged,
            "rows_total": sum(len(t.rows) for t in tables),
            # (the units this file created stay on record with the file)
            "warnings": file.outcome.warnings
            + [f"Đã tạo tổ chức đảng (--create-units): {u}" for u in file.outcome.created_units],
        },
    )
    file.outcome.unit = file.index.names.get(units[0]) if units[0] else None
    for org_id, name, org_type, code in file.renamed:
        file.index.update(org_id, name, org_type, code)


def insert_batch(file, table, unit: int | None) -> int:
    return file.conn.execute(
        _INSERT_BATCH,
        {
            "file_name": file.path.name,
            "file_path": str(file.path),
            "sha256": file.digest,
            "kind": ",".join(dict.fromkeys(t.kind for t in file.reading.sheets)),
            "unit_id": unit,
            "as_of": table.as_of,
            "period_year": table.year,
            "period_quarter": table.quarter,
            "warnings": [],
        },
    ).scalar_one()


# The writer of each kind of sheet (a file's sheets are written in KIND_ORDER).
WRITERS = {
    "organizations": write_organizations,
    "members": write_members,
    "changes": write_changes,
    "member_evaluations": write_member_evaluations,
    "organization_evaluations": write_organization_evaluations,
}
