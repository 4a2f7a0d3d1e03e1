"""Store a period's results: the member and organisation ratings, all or nothing.

A large province writes 509,000 rating rows per run. On SQLite most of that time is the
database's own per-row work, not Python's, so the write is shaped for it (measured with the bare
driver, docs/benchmarks.md, branch classify17):
- foreign keys are checked once, set-wise, for the rows written (`_check_references`), not by
  SQLite row by row: the checks are switched off for this one transaction (`_writing`) and a
  row pointing to a member or organisation that no longer exists (deleted by a concurrent
  import between classify's reading and its writing) aborts the write as the row-wise check
  would have;
- when the period's rows are most of a table (a whole-period rewrite), its secondary indexes
  are dropped and built again once after the insert, inside the transaction;
- values every row shares (the period, the rule set, the computation time…) are bound once,
  not once per row.
The rows themselves go through `tcxd.db.bulk.insert_columns`, on every database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, text

from tcxd.core.errors import DatabaseError
from tcxd.db import rating_texts
from tcxd.db.bulk import chunks, insert_columns, table_of
from tcxd.db.engine import is_sqlite, write_transaction
from tcxd.db.models import MemberRating, OrganizationRating

MEMBER_RATINGS = table_of(MemberRating)
ORGANIZATION_RATINGS = table_of(OrganizationRating)
# what each rating table's rows point to, checked once after the write (`_check_references`)
REFERENCES = {
    MEMBER_RATINGS.name: (("member_id", "member"), ("org_id", "organization")),
    ORGANIZATION_RATINGS.name: (("org_id", "organization"),),
}


def store(
    engine: Engine, year: int, quarter: int, members: pd.DataFrame, orgs: pd.DataFrame, whole: bool
) -> None:
    """Replace the period's results, all or nothing: every result of the period when the whole
    province was rated (a member rated before and not now keeps no stale result), else those of
    the rated members and organisations. Reasons and inputs go in once per distinct text
    (`tcxd.db.rating_texts`), the rows in bulk."""
    constants = {"year": year, "quarter": quarter, "computed_at": datetime.now(UTC)}
    # an organisation's cap pool is "parent|type", not an id: not stored
    outcomes = (
        (MEMBER_RATINGS, "member_id", members.sort_values("member_id")),
        (ORGANIZATION_RATINGS, "org_id", orgs.drop(columns="pool_id").sort_values("org_id")),
    )
    with _writing(engine) as (conn, checked_here):
        for table, id_column, results in outcomes:
            period = (table.c.year == year) & (table.c.quarter == quarter)
            if whole:
                conn.execute(table.delete().where(period))
            else:
                for chunk in chunks(results[id_column].tolist()):
                    conn.execute(table.delete().where(period, table.c[id_column].in_(chunk)))
        if whole:
            rating_texts.drop_period_texts(conn, year, quarter)
        ids = _text_ids(conn, year, quarter, [results for _t, _i, results in outcomes])
        for (table, _id_column, results), text_ids in zip(outcomes, ids, strict=True):
            stored = [c.key for c in table.columns if c.key in results.columns]
            columns = {key: results[key].to_numpy() for key in stored}
            _insert(conn, table, {**columns, **text_ids}, constants)
        if not whole:
            rating_texts.drop_unused_texts(conn, year, quarter)
        if checked_here:
            for table, _id_column, _results in outcomes:
                _check_references(conn, table, year, quarter)


def _text_ids(conn: Connection, year: int, quarter: int, frames: list[pd.DataFrame]) -> list[dict]:
    """For each frame, the reason_id and inputs_id of its rows: the reasons and inputs of all
    frames (members and organisations) stored once per distinct text."""
    ends = np.cumsum([len(frame) for frame in frames])[:-1]
    ids: list[dict] = [{} for _ in frames]
    for column, shown in (("reason_id", "reason"), ("inputs_id", "inputs")):
        values = np.concatenate([frame[shown].to_numpy(dtype=object) for frame in frames])
        found = rating_texts.store_texts(conn, year, quarter, column, values)
        for frame_ids, part in zip(ids, np.split(found, ends), strict=True):
            frame_ids[column] = part
    return ids


@contextmanager
def _writing(engine: Engine) -> Iterator[tuple[Connection, bool]]:
    """A write transaction, and whether the caller checks the references itself: on SQLite
    the row-by-row foreign key checks are off for this transaction (they cost SQLite more than
    the rows themselves) and on again after it, whatever happens."""
    if not is_sqlite(engine):
        with write_transaction(engine) as conn:
            yield conn, False
        return
    with engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None  # a connection just checked out of the pool
        # outside any transaction: SQLite ignores this pragma inside one
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.execution_options(write=True).begin():
                yield conn, True
        finally:
            try:
                driver.execute("PRAGMA foreign_keys=ON")
            except Exception:  # never back to the pool with the checks off
                conn.invalidate()


def _check_references(conn: Connection, table: Table, year: int, quarter: int) -> None:
    """Every row of the period points to a member / organisation that exists (what SQLite's
    foreign key checks would have refused row by row), else the write is undone."""
    for column, parent in REFERENCES[table.name]:
        missing = conn.execute(
            text(
                f"SELECT r.{column} FROM {table.name} r LEFT JOIN {parent} p ON p.id = r.{column} "
                f"WHERE r.year = :y AND r.quarter = :q AND r.{column} IS NOT NULL "
                f"AND p.id IS NULL LIMIT 1"
            ),
            {"y": year, "q": quarter},
        ).first()
        if missing is not None:
            raise DatabaseError(
                "Dữ liệu đã thay đổi trong khi xếp loại (một đảng viên hoặc tổ chức đảng không "
                "còn trong cơ sở dữ liệu): chưa ghi kết quả nào. Hãy chạy lại tcxd classify."
            )


def _insert(conn: Connection, table: Table, columns: dict[str, Any], constants: dict) -> None:
    """Insert the rows given as columns, and the constants every row shares (bound once), by
    `insert_columns`; on SQLite a write of at least as many rows as the table holds rebuilds
    its indexes once after."""
    total = len(next(iter(columns.values())))
    if not total:
        return
    rebuilt = _indexes_rebuilt(conn, table, total) if is_sqlite(conn.engine) else nullcontext()
    with rebuilt:
        insert_columns(conn, table, columns, constants=constants)


@contextmanager
def _indexes_rebuilt(conn: Connection, table: Table, adding: int) -> Iterator[None]:
    """SQLite: when the rows about to be added are at least as many as the table holds, its
    secondary indexes are dropped and built again after (one sort instead of a B-tree update
    per row). Unique constraints' own indexes stay: they check the rows."""
    held = conn.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one()
    indexes: list[tuple[str, str]] = []
    if adding >= held:
        found = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
            ),
            {"t": table.name},
        )
        indexes = [(name, sql) for name, sql in found]
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
