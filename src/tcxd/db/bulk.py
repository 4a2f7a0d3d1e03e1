"""Bulk reads and writes: hundreds of thousands of rows as frames and columns.

Classify writes one result row per member (500,000 in a large province). Building a dict per row
and letting SQLAlchemy process each one costs more than SQLite's own work, so on SQLite the
columns are converted to driver values once per column and zipped into tuples for the driver's
executemany. Other databases take the Core path with dicts (the same rows). Reads likewise
go straight to the SQLite driver's cursor: SQLAlchemy's row objects cost more than the fetch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Boolean, Connection, Integer, String, insert, text

CHUNK_ROWS = 50_000  # rows converted and sent at a time: bounds the memory of a large insert
IN_LIST_SIZE = 900  # values bound in one IN (…) list (SQLite's old limit of 999 parameters)


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
    columns: dict[str, Sequence],
    *,
    constants: dict | None = None,
    json_text: Sequence[str] = (),
) -> None:
    """Insert `len(columns[...])` rows. `columns`: column key -> values (None = NULL; numpy
    arrays welcome); `constants`: column key -> one value for every row; `json_text`: JSON
    columns whose values are already JSON text (stored as is on SQLite, parsed elsewhere)."""
    constants = dict(constants or {})
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    total = lengths.pop() if lengths else 0
    write = _sqlite_writer if _is_sqlite(conn) else _core_writer
    send = write(conn, table, list(columns), constants, json_text)
    for start in range(0, total, CHUNK_ROWS):
        chunk = {
            key: _python_values(table.c[key], values[start : start + CHUNK_ROWS])
            for key, values in columns.items()
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
    """The driver's executemany, each value through its column's bind processor as SQLAlchemy
    would."""
    dialect = conn.dialect

    def processor(key: str):
        # JSON text is what the JSON processor would write; flags are Python bools already
        # (`_python_values`), which the driver stores as 0/1 as the Boolean processor would.
        if key in json_text or isinstance(table.c[key].type, Boolean):
            return None
        return table.c[key].type._cached_bind_processor(dialect)

    processors = {key: processor(key) for key in keys if processor(key) is not None}
    fixed = tuple(
        processor(key)(value) if processor(key) else value for key, value in constants.items()
    )
    quote = dialect.identifier_preparer.quote
    names = [quote(table.c[key].name) for key in [*keys, *constants]]
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )

    def send(chunk: dict[str, list]) -> None:
        for key, process in processors.items():
            chunk[key] = [process(v) for v in chunk[key]]
        conn.exec_driver_sql(sql, [row + fixed for row in zip(*chunk.values(), strict=True)])

    return send


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
