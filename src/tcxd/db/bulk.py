"""Bulk reads and writes: hundreds of thousands of rows as frames and columns, and the import's
many small batches of records (`bulk_insert`, `bulk_update`, `insert_one`).

Classify writes one result row per member (500,000 in a large province). Building a dict per row
and letting SQLAlchemy process each one costs more than SQLite's own work, so on SQLite the
columns are converted to driver values once per column and zipped into tuples for the driver's
executemany. Other databases take the Core path with dicts (the same rows). Reads likewise
go straight to the SQLite driver's cursor: SQLAlchemy's row objects cost more than the fetch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Integer,
    String,
    Table,
    bindparam,
    insert,
    text,
    update,
)
from sqlmodel import SQLModel

CHUNK_ROWS = 50_000  # rows converted and sent at a time: bounds the memory of a large insert
IN_LIST_SIZE = 900  # values bound in one IN (…) list (SQLite's old limit of 999 parameters)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel class (what `Model.__table__` is, set at run time and so
    unseen by mypy). SQLModel types `__tablename__` as `str | Callable` (its default is a
    declared_attr); read on a table class it is the table's name."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def chunks(values: Sequence, size: int = IN_LIST_SIZE) -> Iterator[Sequence]:
    """`values` in slices of `size`: for IN lists and executemany batches."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def plain(value):
    """A numpy / pandas scalar as a Python value; NaN, NaT and NA as None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # a list or another value pd.isna does not take
        pass
    return value.item() if hasattr(value, "item") else value


def insert_columns(
    conn: Connection,
    table,
    columns: Mapping[str, Sequence],
    *,
    constants: dict | None = None,
    json_text: Sequence[str] = (),
    plain: bool = False,
) -> None:
    """Insert `len(columns[...])` rows. `columns`: column key -> values (None = NULL; numpy
    arrays welcome); `constants`: column key -> one value for every row; `json_text`: JSON
    columns whose values are already JSON text (stored as is on SQLite, parsed elsewhere);
    `plain`: the values are Python values already, as a record would hold them (no numpy
    scalar, no NaN), so they are not converted one by one again (the import's new rows)."""
    constants = dict(constants or {})
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    total = lengths.pop() if lengths else 0
    write = _sqlite_writer if _is_sqlite(conn) else _core_writer
    send = write(conn, table, list(columns), constants, json_text)
    for start in range(0, total, CHUNK_ROWS):
        chunk = {
            key: list(part) if plain else _python_values(table.c[key], part)
            for key, values in columns.items()
            for part in (values[start : start + CHUNK_ROWS],)
        }
        send(chunk)


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark"


def _core_writer(conn: Connection, table, keys: list[str], constants: dict, json_text):
    def send(chunk: dict[str, list]) -> None:
        for key in json_text:
            chunk[key] = [None if v is None else json.loads(v) for v in chunk[key]]
        rows = [dict(zip(keys, row, strict=True)) for row in zip(*chunk.values(), strict=True)]
        for row in rows:
            row.update(constants)
        conn.execute(insert(table), rows)

    return send


def _sqlite_writer(conn: Connection, table, keys: list[str], constants: dict, json_text):
    """The driver's executemany with `bulk_insert`'s plan (columns left out get their Python
    defaults). JSON text is what the JSON processor would write, and flags are Python bools
    already (`_python_values`), which the driver stores as 0/1 as the Boolean processor would:
    both skip their processors."""
    plan = _insert_plan(conn.dialect, table, (*keys, *constants))
    if plan is None:
        return _core_writer(conn, table, keys, constants, json_text)
    sql, columns, missing = plan
    raw = frozenset(json_text) | {c.key for c in columns if isinstance(c.type, Boolean)}
    # a constant (the computation time of 500,000 results…) goes through its processor once
    constants = {key: _bound_value(conn.dialect, table.c[key], v) for key, v in constants.items()}
    raw |= set(constants)

    def send(chunk: dict[str, list]) -> None:
        size = len(next(iter(chunk.values())))
        values = [*chunk.values(), *([value] * size for value in constants.values())]
        values += _defaults(missing, size)
        conn.exec_driver_sql(sql, _bound_rows(conn.dialect, columns, values, raw))

    return send


def _bound_value(dialect, column, value):
    """`value` as the bind processor of `column` gives it to the driver."""
    processor = column.type._cached_bind_processor(dialect)
    return value if processor is None else processor(value)


def _python_values(column, values: Sequence) -> list:
    """Plain Python values for the driver: numpy scalars made int/bool, NaN/NA made None
    (False for a NOT NULL flag, as the model's default), text columns given text."""
    array = np.asarray(values)
    kind = column.type
    if array.dtype.kind in "biu":  # numbers without a gap: tolist() gives Python ints/bools
        return array.astype(bool).tolist() if isinstance(kind, Boolean) else array.tolist()
    array = array.astype(object)
    missing = pd.isna(array)
    if isinstance(kind, Boolean):
        empty = None if column.nullable else False
        return [empty if m else bool(v) for v, m in zip(array, missing, strict=True)]
    if isinstance(kind, Integer):
        return [None if m else int(v) for v, m in zip(array, missing, strict=True)]
    texts = isinstance(kind, String) and not isinstance(kind, JSON)
    if texts and pd.api.types.infer_dtype(array, skipna=True) not in ("string", "empty"):
        return [None if m else str(v) for v, m in zip(array.tolist(), missing, strict=True)]
    if not missing.any():
        return array.tolist()
    return [None if m else v for v, m in zip(array.tolist(), missing, strict=True)]


def bulk_insert(conn: Connection, table, records: list[dict]) -> None:
    """`conn.execute(insert(table), records)` for records with one same set of keys.

    On SQLite the rows go straight to the driver's executemany, each value passed through the
    bind processor of its column type and the columns left out given their Python defaults,
    as SQLAlchemy would: the same rows, without its per-row statement machinery (most of the
    cost of a bulk insert of a few hundred rows). Other databases take the Core path."""
    if not records:
        return
    prepared = _driver_insert(conn, table, records)
    if prepared is None:
        conn.execute(insert(table), records)
    else:
        conn.exec_driver_sql(*prepared)


def insert_one(conn: Connection, table, record: dict) -> int:
    """`INSERT … RETURNING id` for one record; on SQLite through the driver as `bulk_insert`
    does (the id is the row id SQLite gives), for rows written one by one in numbers."""
    prepared = _driver_insert(conn, table, [record])
    if prepared is None:
        return conn.execute(insert(table).returning(table.c.id), record).scalar_one()
    sql, rows = prepared
    return conn.exec_driver_sql(sql, rows[0]).lastrowid


def _driver_insert(conn: Connection, table, records: list[dict]) -> tuple[str, list] | None:
    """The SQL and bound rows of `bulk_insert`'s driver path; None where SQLAlchemy must do it
    (not SQLite, SQL-side defaults, records with different keys)."""
    dialect = conn.dialect
    if dialect.name != "sqlite" or dialect.paramstyle != "qmark":
        return None
    keys = tuple(records[0])
    given = set(keys)
    if any(record.keys() != given for record in records):
        return None
    plan = _insert_plan(dialect, table, keys)
    if plan is None:
        return None
    sql, columns, missing = plan
    values = [[record[k] for record in records] for k in keys]
    values += _defaults(missing, len(records))
    return sql, _bound_rows(dialect, columns, values)


@lru_cache(maxsize=256)
def _insert_plan(dialect, table, keys: tuple[str, ...]) -> tuple[str, list, list] | None:
    """The INSERT for these keys, its columns and the Python defaults of the columns left out
    ((callable?, value) each); None when a left-out column has a SQL-side default. Cached: the
    import inserts into the same few tables with the same keys thousands of times."""
    missing = []
    defaulted = []
    for column in table.columns:
        if column.key in keys or column.primary_key:
            continue
        default = column.default
        if default is None:
            continue
        if getattr(default, "is_scalar", False):
            missing.append((False, default.arg))
        elif getattr(default, "is_callable", False):
            missing.append((True, default.arg))
        else:  # a SQL expression or sequence
            return None
        defaulted.append(column)
    columns = [table.c[k] for k in keys] + defaulted
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    return sql, columns, missing


def bulk_update(conn: Connection, table, records: list[dict], key: str = "_id") -> None:
    """`UPDATE table SET … WHERE id = :_id` for records with one same set of keys (the row's
    id under `key`), by the driver's executemany on SQLite as `bulk_insert` does; other
    databases, and tables with update defaults, take the Core path."""
    if not records:
        return
    dialect = conn.dialect
    keys = [k for k in records[0] if k != key]
    given = records[0].keys()
    if (
        dialect.name != "sqlite"
        or dialect.paramstyle != "qmark"
        or any(column.onupdate is not None for column in table.columns)
        or any(record.keys() != given for record in records)
    ):
        statement = (
            update(table)
            .where(table.c.id == bindparam(key))
            .values({k: bindparam(k) for k in keys})
        )
        conn.execute(statement, records)
        return
    columns = [table.c[k] for k in keys] + [table.c.id]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(c.name)} = ?' for c in columns[:-1])}"
        f" WHERE {quote(table.c.id.name)} = ?"
    )
    values = [[record[k] for record in records] for k in [*keys, key]]
    conn.exec_driver_sql(sql, _bound_rows(dialect, columns, values))


def _defaults(missing: list, count: int) -> list[list]:
    """The values of the columns left out ((callable?, value) each) for `count` rows."""
    return [[arg(None) for _ in range(count)] if call else [arg] * count for call, arg in missing]


def _bound_rows(dialect, columns: list, values: list[list], raw=frozenset()) -> list[tuple]:
    """Rows for the driver's executemany from the values of each column. Column by column: one
    bind processor call per value, and none for the many columns (integers, text) that have no
    processor, nor for the `raw` column keys given in the driver's form already."""
    for position, column in enumerate(columns):
        if column.key in raw:
            continue
        processor = column.type._cached_bind_processor(dialect)
        if processor is not None:
            values[position] = list(map(processor, values[position]))
    return list(zip(*values, strict=True))


def read_frame(conn: Connection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """The rows of a plain query (named `:parameters` only) as a DataFrame. On SQLite the rows
    come from the driver's cursor as tuples; the statement still goes through the connection,
    so it runs inside the connection's transaction (a report's one snapshot) like any other."""
    if conn.dialect.name != "sqlite":
        return pd.read_sql(text(sql), conn, params=params)
    # as SQLAlchemy binds them on SQLite (the driver's own date adapters are deprecated)
    params = {k: v.isoformat() if isinstance(v, date) else v for k, v in (params or {}).items()}
    result = conn.exec_driver_sql(sql, params)
    try:
        names = [d[0] for d in result.cursor.description]
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
