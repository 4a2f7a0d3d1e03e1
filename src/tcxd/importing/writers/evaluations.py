"""Evaluation files of members and of organisations, merged per period."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, select

from tcxd.db.bulk import bulk_insert, bulk_update, chunks, plain, table_of
from tcxd.db.models import (
    MEMBER_EVALUATION_COLUMNS,
    ORGANIZATION_EVALUATION_COLUMNS,
    MemberEvaluation,
    OrganizationEvaluation,
)
from tcxd.importing.resolve.members import check_duplicates, check_same_member
from tcxd.importing.resolve.units import find_parent, row_units
from tcxd.importing.values import IDS, differs, group_by_columns, is_missing
from tcxd.importing.writers.members import upsert_members


def period_of(file, table) -> tuple[int | None, int]:
    year = table.year or file.options.year
    quarter = table.quarter or file.options.quarter or 0
    if year is None:
        file.problem(
            table.sheet,
            None,
            None,
            None,
            'không xác định được năm đánh giá (tiêu đề hay tên tệp cần có "NĂM 2025"); '
            "dùng --year.",
        )
    return year, quarter


def write_member_evaluations(file, table, unit: int | None) -> None:
    year, quarter = period_of(file, table)
    orgs = row_units(file, table, unit, holding_only=False)
    if file.problems:
        return
    check_duplicates(file, table, orgs)
    if file.problems:
        return
    # A row that carries nothing but a member's identity (a pre-filled template's row left
    # as it was) changes nothing: no evaluation, and no member made from it.
    given = rows_giving(table.rows, MEMBER_EVALUATION_COLUMNS)
    file.outcome.rows_unchanged += len(given) - sum(given)
    if not any(given):
        return
    table = only_rows(table, given)
    file.frames.append(table.rows)  # (held: `column_cells` caches by the frame's id)
    orgs = [org for org, keep in zip(orgs, given, strict=True) if keep]
    # Evaluations do not bear on membership history: their members' spells stay as they are.
    # The summary counts evaluations here, not the members they name.
    ids = upsert_members(
        file, table, orgs, None, attributes_authoritative=False, touches_history=False, count=False
    )
    if file.problems:
        return  # an identity clash: the file is refused, nothing of it is written
    if check_same_member(file, table, ids):
        return
    rows = table.rows
    # Column by column (pandas turns the missing cells to None), then one dict per row.
    data = {c: file.cells(rows, c) for c in MEMBER_EVALUATION_COLUMNS if c in rows.columns}
    data["member_id"] = [int(i) for i in ids]
    data["org_id"] = [int(o) if o is not None else None for o in orgs]
    data["source_row"] = [int(r) for r in rows["source_row"].tolist()]
    names = list(data)
    records = [dict(zip(names, cells, strict=True)) for cells in zip(*data.values(), strict=True)]
    merge_evaluations(
        file, table_of(MemberEvaluation), "member_id", records, table.sheet, year, quarter
    )


def write_organization_evaluations(file, table, unit: int | None) -> None:
    year, quarter = period_of(file, table)
    rows = table.rows
    given = rows_giving(rows, ORGANIZATION_EVALUATION_COLUMNS)
    records = []
    seen: dict[int, int] = {}
    for row, gives in zip(rows.to_dict("records"), given, strict=True):  # (plain dicts)
        parent = unit
        if plain(row.get("parent")):
            parent = find_parent(file, str(row["parent"]), unit) or parent
        org = file.index.find(str(row["name"]), parent, exact=True)
        row_number = int(row["source_row"])
        if org is not None and org in seen:
            file.problem(
                table.sheet,
                row_number,
                file.column_label(table, "name"),
                row["name"],
                f"trùng với dòng {seen[org]} (một tổ chức chỉ được ghi một lần).",
            )
            continue
        if org is not None:
            seen[org] = row_number
        if org is None:
            file.problem(
                table.sheet,
                row["source_row"],
                file.column_label(table, "name"),
                row["name"],
                "không khớp tổ chức đảng nào đã có.",
            )
            continue
        if not gives:
            file.outcome.rows_unchanged += 1  # nothing but the organisation's name
            continue
        values = {c: plain(row[c]) for c in ORGANIZATION_EVALUATION_COLUMNS if c in row}
        values.update(org_id=org, source_row=row_number)
        records.append(values)
    if file.problems:
        return
    merge_evaluations(
        file, table_of(OrganizationEvaluation), "org_id", records, table.sheet, year, quarter
    )


def merge_evaluations(file, table, id_column, records, sheet, year, quarter) -> None:
    """Write evaluations for a period, changing only what each row gives: a stored value
    is replaced by a value given in the file, never blanked by an empty cell. Counts
    evaluations: new, updated (some value differs) or unchanged."""
    if not records or year is None:
        return
    stored = stored_evaluations(file, table, id_column, records, year, quarter)
    provenance = {"batch_id": file.batch_id, "source_sheet": sheet}
    new, updates = [], []
    for record in records:
        values = given_evaluation_values(record)
        held = stored.get(record[id_column])
        if held is None:
            new.append(
                {
                    **values,
                    "exemplary": bool(values.get("exemplary") or False),
                    id_column: record[id_column],
                    "org_id": record.get("org_id"),
                    "year": year,
                    "quarter": quarter,
                    "source_row": record["source_row"],
                    **provenance,
                }
            )
            continue
        changed = {c: v for c, v in values.items() if differs(held[c], v)}
        if not changed:
            file.outcome.rows_unchanged += 1
            continue
        updates.append(
            {"_id": held["id"], **changed, "source_row": record["source_row"], **provenance}
        )
    for group in group_by_columns(new):
        bulk_insert(file.conn, table, group)
    for group in group_by_columns(updates):
        bulk_update(file.conn, table, group)
    file.outcome.rows_new += len(new)
    file.outcome.rows_updated += len(updates)


def stored_evaluations(file, table, id_column, records, year, quarter) -> dict[int, dict]:
    """The stored evaluations of these members (organisations) for the period, by id."""
    query = select(table).where(
        table.c[id_column].in_(IDS),
        table.c.year == bindparam("year"),
        table.c.quarter == bindparam("quarter"),
    )
    stored = {}
    for chunk in chunks(sorted({r[id_column] for r in records})):
        found = file.conn.execute(query, {"ids": chunk, "year": year, "quarter": quarter})
        for row in found.mappings():
            stored[row[id_column]] = dict(row)
    return stored


def rows_giving(rows: pd.DataFrame, columns: tuple[str, ...]) -> list[bool]:
    """Per row: whether it gives any of these values. An "exemplary" mark alone (False when
    the cell is empty) gives nothing."""
    given = np.zeros(len(rows), dtype=bool)
    present = [c for c in columns if c in rows.columns and c != "exemplary"]
    if present:  # (one mask over the columns: a mask per column costs more than the rows)
        given |= rows[present].notna().to_numpy(dtype=bool).any(axis=1)
    if "exemplary" in rows.columns:
        given |= rows["exemplary"].fillna(False).to_numpy(dtype=bool)
    return given.tolist()


def only_rows(table, keep: list[bool]):
    """The table with only these rows (same sheet, headers, period)."""
    if all(keep):
        return table
    return dataclasses.replace(table, rows=table.rows[keep].reset_index(drop=True))


NOT_GIVEN = frozenset(("member_id", "org_id", "source_row"))  # a row's ids, not its values


def given_evaluation_values(record: dict) -> dict:
    """The evaluation values a row gives: empty cells left out. "Tiêu biểu" goes with the level
    decided: a row that gives a decided level gives its mark (set or not), else only a set mark
    counts."""
    # (`v is not None` first: most of a row's 30 evaluation cells are empty, and the test
    # saves a call per cell; 3× faster on such rows)
    values = {
        c: v
        for c, v in record.items()
        if v is not None and c not in NOT_GIVEN and not is_missing(v)
    }
    exemplary = bool(values.pop("exemplary", False))
    if exemplary or "decided_level" in values:
        values["exemplary"] = exemplary
    return values
