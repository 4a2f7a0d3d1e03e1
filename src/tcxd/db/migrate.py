"""Copy a whole tcxd database to another, empty one: SQLite → PostgreSQL (a province outgrowing
its file), or SQLite → SQLite (a clean copy), `tcxd migrate --to URL`.

- The source is read in one snapshot (a single read transaction; REPEATABLE READ on
  PostgreSQL), so a copy made while someone imports is the state before or after that import,
  never half of it.
- The target must be empty (no tcxd table holding a row); its tables are created from the schema
  and every row is copied, in one transaction: a failure leaves the target as it was.
- Rows keep their ids (every reference stays right); PostgreSQL sequences are then moved past the
  largest id, so the next import numbers its rows after the copied ones.
- Before the commit, the target is checked against the source: the row count and a checksum of the
  content of every table. Any difference rolls everything back.

Nothing here prints; `tcxd.cli.admin` renders the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    MetaData,
    Table,
    bindparam,
    func,
    insert,
    inspect,
    null,
    select,
    text,
    update,
)
from sqlmodel import SQLModel

from tcxd.core.errors import DatabaseError, TcxdError
from tcxd.core.settings import sqlite_path
from tcxd.db import models  # noqa: F401  (registers every table on SQLModel.metadata)
from tcxd.db.bulk import chunks
from tcxd.db.engine import _redact, check_schema, is_sqlite, make_engine, write_transaction

CHUNK = 5_000


class MigrationError(DatabaseError):
    """The copy cannot be made or did not verify; the target is left unchanged."""


@dataclass
class TableCopy:
    name: str
    rows: int
    checksum: str


@dataclass
class MigrationResult:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def tables() -> list[Table]:
    """tcxd's tables, parents before children where foreign keys allow (import_batch and
    organization refer to each other: `_copy` fills such references in afterwards)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Cannot correctly sort tables": handled in _copy
        return list(SQLModel.metadata.sorted_tables)


def migrate(
    source_url: str,
    target_url: str,
    on_table: Callable[[str, int, int], None] | None = None,
) -> MigrationResult:
    """Copy the database at `source_url` into the empty database at `target_url` and verify it.

    `on_table(name, number, total)` reports progress."""
    if _same(source_url, target_url):
        raise MigrationError("Cơ sở dữ liệu nguồn và đích là một; hãy chỉ một đích khác (--to).")
    source = make_engine(source_url)
    check_schema(source)
    new_file = sqlite_path(target_url)
    if new_file is not None and new_file.exists():
        new_file = None  # an existing file is never removed, even when the copy fails
    target = _target_engine(target_url)
    result = MigrationResult(_redact(source_url), _redact(target_url))
    succeeded = False
    try:
        _refuse_non_empty(target, result.target)
        with _snapshot(source) as reading, write_transaction(target) as writing:
            SQLModel.metadata.create_all(writing)
            done: set[str] = set()
            later: list[tuple[Table, str, list[dict]]] = []
            for number, table in enumerate(tables(), start=1):
                if on_table:
                    on_table(table.name, number, len(tables()))
                later += _copy(reading, writing, table, done)
                done.add(table.name)
            for table, column, values in later:
                _fill_in(writing, table, column, values)
            if not is_sqlite(target):
                _move_sequences(writing)
            for table in tables():
                copied = _fingerprint(writing, table)
                original = _fingerprint(reading, table)
                if copied != original:
                    raise MigrationError(
                        f'Bảng "{table.name}" chép sang không khớp với nguồn '
                        f"(nguồn {original[0]} dòng, đích {copied[0]} dòng, hoặc nội dung khác). "
                        "Đã hủy toàn bộ, cơ sở dữ liệu đích không bị thay đổi."
                    )
                result.tables.append(TableCopy(table.name, copied[0], copied[1]))
        succeeded = True
    except TcxdError:
        raise
    except Exception as error:
        raise MigrationError(
            f"Chép dữ liệu không thành công ({type(error).__name__}); cơ sở dữ liệu đích "
            "không bị thay đổi. Chạy lại với --debug để xem chi tiết."
        ) from error
    finally:
        source.dispose()
        target.dispose()
        if not succeeded and new_file is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{new_file}{suffix}").unlink(missing_ok=True)
    written = make_engine(target_url)
    try:
        check_schema(written)
    finally:
        written.dispose()
    return result


def _same(source_url: str, target_url: str) -> bool:
    source, target = sqlite_path(source_url), sqlite_path(target_url)
    if source is not None and target is not None:
        return source.resolve() == target.resolve()
    return source_url == target_url


def _target_engine(url: str) -> Engine:
    path = sqlite_path(url)
    engine = make_engine(url, create=path is not None)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:
        engine.dispose()
        raise MigrationError(
            f'Không kết nối được cơ sở dữ liệu đích "{_redact(url)}" ({type(error).__name__}). '
            "Kiểm tra địa chỉ, tên người dùng và mật khẩu, và rằng cơ sở dữ liệu đã được tạo."
        ) from error
    return engine


def _refuse_non_empty(target: Engine, where: str) -> None:
    existing = set(inspect(target).get_table_names())
    ours = [table for table in tables() if table.name in existing]
    with target.connect() as conn:
        for table in ours:
            if conn.execute(select(func.count()).select_from(table)).scalar():
                raise MigrationError(
                    f'Cơ sở dữ liệu đích "{where}" đã có dữ liệu (bảng "{table.name}"). '
                    "tcxd chỉ chép sang một cơ sở dữ liệu trống, để không trộn hai tỉnh "
                    "hoặc ghi đè dữ liệu; hãy tạo một cơ sở dữ liệu mới."
                )


class _snapshot:
    """One read transaction over the whole copy (REPEATABLE READ on PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Connection:
        conn = self.engine.connect()
        if not is_sqlite(self.engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        self.conn = conn
        self.transaction = conn.begin()
        return conn

    def __exit__(self, *exc) -> None:
        self.transaction.rollback()  # read only: nothing to keep
        self.conn.close()  # None: an error inside goes on up


def _ordered(table: Table):
    keys = list(table.primary_key.columns) or list(table.columns)
    return select(table).order_by(*keys)


def _copy(
    reading: Connection, writing: Connection, table: Table, done: set[str]
) -> list[tuple[Table, str, list[dict]]]:
    """Insert every row of `table`. A reference to a table not copied yet (a cycle of foreign
    keys) goes in as NULL and is returned, to be filled in once every table is there."""
    pending = sorted(
        {
            key.parent.name
            for key in table.foreign_keys
            if key.column.table.name not in done or key.column.table is table
        }
    )
    keys = [c.name for c in table.primary_key.columns]
    # A JSON column holding SQL NULL must stay SQL NULL (None would be written as JSON 'null').
    json_columns = [c.name for c in table.columns if isinstance(c.type, JSON)]
    deferred: dict[str, list[dict]] = {name: [] for name in pending}
    rows = reading.execution_options(yield_per=CHUNK).execute(_ordered(table))
    statement = insert(table)
    for part in rows.partitions(CHUNK):
        records = [dict(row._mapping) for row in part]
        for record in records:
            for name in pending:
                if record[name] is not None:
                    deferred[name].append(
                        {**{f"k_{k}": record[k] for k in keys}, "value": record[name]}
                    )
                    record[name] = None
            for name in json_columns:
                if record[name] is None:
                    record[name] = null()
        writing.execute(statement, records)
    return [(table, name, values) for name, values in deferred.items() if values]


def _fill_in(writing: Connection, table: Table, column: str, values: list[dict]) -> None:
    keys = list(table.primary_key.columns)
    statement = (
        update(table)
        .where(*[key == bindparam(f"k_{key.name}") for key in keys])
        .values({column: bindparam("value")})
    )
    for chunk in chunks(values, CHUNK):
        writing.execute(statement, chunk)


def _move_sequences(writing: Connection) -> None:
    for table in tables():
        column = table.columns.get("id")
        if column is None or not column.autoincrement or not column.primary_key:
            continue
        sequence = writing.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar()
        if sequence:
            writing.execute(
                text(
                    f"SELECT setval(:sequence, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                    f'FROM "{table.name}"'
                ),
                {"sequence": sequence},
            )


def _fingerprint(conn: Connection, table: Table) -> tuple[int, str]:
    """Row count and a checksum of the content (the same on SQLite and PostgreSQL)."""
    digest = hashlib.sha256()
    count = 0
    rows = conn.execution_options(yield_per=CHUNK).execute(_ordered(table))
    for row in rows:
        digest.update(repr(tuple(_canonical(value) for value in row)).encode())
        count += 1
    return count, digest.hexdigest()


def _canonical(value):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every tcxd table of a database (used by tests and docs)."""
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            return {t.name: _fingerprint(conn, t) for t in tables() if t.name in metadata.tables}
    finally:
        engine.dispose()
