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

import queue
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

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
    _store(engine, year, quarter, members, lambda: orgs, whole)


@contextmanager
def storing_beside(
    engine: Engine, year: int, quarter: int, members: pd.DataFrame, whole: bool
) -> Iterator[Callable[[pd.DataFrame], None]]:
    """`store`, begun in a thread with the members' results while the caller rates the
    organisations: SQLite writes the members' rows without holding Python's lock, so the two
    share the machine's cores. Gives `finish(orgs)`, which hands over the organisations'
    results and waits until all is committed (or raises what the write raised). The same one
    transaction: if the caller fails before finishing, nothing is written."""
    handed: queue.Queue[pd.DataFrame | None] = queue.Queue(maxsize=1)
    finished = False

    def orgs_of() -> pd.DataFrame:
        orgs = handed.get()
        if orgs is None:
            raise _Abandoned
        return orgs

    with ThreadPoolExecutor(1) as writer:
        writing = writer.submit(_store, engine, year, quarter, members, orgs_of, whole)

        def finish(orgs: pd.DataFrame) -> None:
            nonlocal finished
            finished = True
            handed.put(orgs)
            writing.result()

        try:
            yield finish
        finally:
            if not finished:
                handed.put(None)
                writing.exception()  # waits for the rollback; the caller's error is the news


class _Abandoned(Exception):
    """The caller of `storing_beside` failed before handing over the organisations."""


def _store(
    engine: Engine,
    year: int,
    quarter: int,
    members: pd.DataFrame,
    orgs_of: Callable[[], pd.DataFrame],
    whole: bool,
) -> None:
    """`store`, the organisations' results given by `orgs_of` (waited for once the members'
    rows are written). The texts of both share their ids as if stored in one go: the members'
    distinct texts first, then those of the organisations the members do not have."""
    constants = {"year": year, "quarter": quarter, "computed_at": datetime.now(UTC)}
    with _writing(engine) as (conn, checked_here):
        member_rows = members.sort_values("member_id")
        if whole:
            for table in (MEMBER_RATINGS, ORGANIZATION_RATINGS):
                conn.execute(table.delete().where(_of_period(table, year, quarter)))
            rating_texts.drop_period_texts(conn, year, quarter)
        else:
            _delete_rows(conn, MEMBER_RATINGS, "member_id", member_rows, year, quarter)
        # the period's texts → ids, kept up to date by store_texts for the organisations' turn
        held = {
            column: {} if whole else rating_texts.held_texts(conn, year, quarter, column)
            for column in TEXT_KINDS
        }
        _insert_results(conn, MEMBER_RATINGS, member_rows, constants, held)
        # an organisation's cap pool is "parent|type", not an id: not stored
        org_rows = orgs_of().drop(columns="pool_id").sort_values("org_id")
        if not whole:
            _delete_rows(conn, ORGANIZATION_RATINGS, "org_id", org_rows, year, quarter)
        _insert_results(conn, ORGANIZATION_RATINGS, org_rows, constants, held)
        if not whole:
            rating_texts.drop_unused_texts(conn, year, quarter)
        if checked_here:
            for table in (MEMBER_RATINGS, ORGANIZATION_RATINGS):
                _check_references(conn, table, year, quarter)


TEXT_KINDS = {"reason_id": "reason", "inputs_id": "inputs"}  # id column → the result's text


def _of_period(table: Table, year: int, quarter: int):
    return (table.c.year == year) & (table.c.quarter == quarter)


def _delete_rows(
    conn: Connection, table: Table, id_column: str, results: pd.DataFrame, year: int, quarter: int
) -> None:
    """Delete the period's rows of the members / organisations rated again."""
    for chunk in chunks(results[id_column].tolist()):
        conn.execute(
            table.delete().where(_of_period(table, year, quarter), table.c[id_column].in_(chunk))
        )


def _insert_results(
    conn: Connection, table: Table, results: pd.DataFrame, constants: dict, held: dict
) -> None:
    """The rows of `results`, their reasons and inputs stored once per distinct text."""
    text_ids = {
        column: rating_texts.store_texts(
            conn,
            constants["year"],
            constants["quarter"],
            column,
            results[shown].to_numpy(dtype=object),
            held=held[column],
        )
        for column, shown in TEXT_KINDS.items()
    }
    stored = [c.key for c in table.columns if c.key in results.columns]
    columns = {key: results[key].to_numpy() for key in stored}
    _insert(conn, table, {**columns, **text_ids}, constants)


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
