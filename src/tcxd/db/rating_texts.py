"""The reasons and inputs of ratings, each distinct one stored once per period.

Classify gives every rated member a Vietnamese reason (~220 characters) and the inputs it read
(a JSON object, ~160 characters). A province of 500,000 members has about 48,000 distinct reasons
and 215,000 distinct inputs: a rating row keeps the id of each (`reason_id`, `inputs_id`) and
`rating_reason` / `rating_inputs` hold the text once per period (year, quarter). The texts of a
period belong to it alone, so rating a period again replaces its texts without looking at the
others'. Readers join them back (`REASON_JOIN`): what is shown is the text as the engine wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, inspect, text

from tcxd.db.bulk import insert_columns, table_of
from tcxd.db.models import RatingInputs, RatingReason

REASONS = table_of(RatingReason)
INPUTS = table_of(RatingInputs)
# (table, its text column, JSON?) for each kind of text a rating row points to
KINDS = {"reason_id": (REASONS, "text", False), "inputs_id": (INPUTS, "inputs", True)}
RATING_TABLES = ("member_rating", "organization_rating")


def reason_join(alias: str = "r") -> str:
    """`LEFT JOIN` giving `<alias>_reason.text` for the rating rows `alias`."""
    return f"LEFT JOIN rating_reason {alias}_reason ON {alias}_reason.id = {alias}.reason_id"


def store_texts(
    conn: Connection,
    year: int,
    quarter: int,
    column: str,
    values: Sequence[str | None] | np.ndarray,
) -> np.ndarray:
    """The id for each of `values` (a reason, or inputs as JSON text; None stored as empty)
    in the period's table of that kind (`column`: reason_id or inputs_id), each distinct value
    stored once: those the period already holds are reused, the others inserted in bulk."""
    table, text_column, is_json = KINDS[column]
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series.fillna("{}" if is_json else ""), sort=False)
    uniques = np.asarray(uniques, dtype=object)
    held = _held(conn, table, text_column, year, quarter)
    ids = np.zeros(len(uniques), dtype=np.int64)
    if held:  # none after a whole period's texts were dropped
        ids = pd.Series(uniques, dtype=object).map(held).fillna(0).to_numpy(dtype=np.int64)
    new = ids == 0
    if new.any():
        first = _next_id(conn, table)
        ids[new] = np.arange(first, first + int(new.sum()), dtype=np.int64)
        insert_columns(
            conn,
            table,
            {"id": ids[new], text_column: uniques[new]},
            constants={"year": year, "quarter": quarter},
            json_text=(text_column,) if is_json else (),
        )
        _advance_sequence(conn, table)
    return ids[codes]


def drop_period_texts(conn: Connection, year: int, quarter: int) -> None:
    """Delete the period's texts (its rating rows deleted first)."""
    for table, _column, _json in KINDS.values():
        conn.execute(
            text(f"DELETE FROM {table.name} WHERE year = :y AND quarter = :q"),
            {"y": year, "q": quarter},
        )


def drop_unused_texts(conn: Connection, year: int, quarter: int) -> None:
    """Delete the period's texts no rating row points to any more (after some of its rows
    were replaced)."""
    for column, (table, _text, _json) in KINDS.items():
        used = " UNION ".join(
            f"SELECT {column} FROM {rating} WHERE year = :y AND quarter = :q "
            f"AND {column} IS NOT NULL"
            for rating in RATING_TABLES
        )
        conn.execute(
            text(
                f"DELETE FROM {table.name} WHERE year = :y AND quarter = :q AND id NOT IN ({used})"
            ),
            {"y": year, "q": quarter},
        )


def _held(conn: Connection, table, column: str, year: int, quarter: int) -> dict[str, int]:
    """The period's stored texts → their ids (JSON compared as the text it was written as)."""
    rows = conn.execute(
        text(
            f"SELECT CAST({column} AS TEXT), id FROM {table.name} WHERE year = :y AND quarter = :q"
        ),
        {"y": year, "q": quarter},
    )
    return {value: int(ident) for value, ident in rows}


def _next_id(conn: Connection, table) -> int:
    """The ids of new rows are given here, so that the rows and the ratings pointing to them
    go in as two bulk inserts. The caller's write transaction holds SQLite's write lock;
    on PostgreSQL the table is locked against another classify doing the same at once."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
    return int(
        conn.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}")).scalar_one()
    )


def _advance_sequence(conn: Connection, table) -> None:
    """PostgreSQL: move the id sequence past the ids given here (rows inserted without an id,
    as the schema upgrade does, must not take one of them)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT MAX(id) FROM {table.name}))"
        )
    )


# ----------------------------------------------------------------------------- schema upgrade


def move_texts_out_of_ratings(conn: Connection) -> None:
    """Schema 2 → 3, in place: the reason and inputs each rating row held are stored once per
    period in rating_reason / rating_inputs (created before), each row given the ids of its
    texts, then the old columns dropped. Set-based; nothing is lost: every row shows the same
    reason and inputs as before (tests/db/test_rating_texts.py)."""
    postgres = conn.dialect.name == "postgresql"
    present = {name: _columns(conn, name) for name in RATING_TABLES}
    for column, (table, text_column, is_json) in KINDS.items():
        old = "inputs" if is_json else "reason"
        holding = [name for name in RATING_TABLES if old in present[name]]
        if not holding:
            continue  # moved already
        for name in RATING_TABLES:
            if column not in present[name]:
                conn.execute(
                    text(
                        f"ALTER TABLE {name} ADD COLUMN {column} INTEGER "
                        f"REFERENCES {table.name}(id)"
                    )
                )

        def as_text(expression: str, is_json: bool = is_json) -> str:
            # json has no equality on PostgreSQL: compared (and made distinct) as its text
            return f"CAST({expression} AS TEXT)" if is_json and postgres else expression

        texts = " UNION ".join(
            f"SELECT year, quarter, {as_text(f'{name}.{old}')} AS value FROM {name}"
            for name in holding
        )
        value = "CAST(value AS JSON)" if is_json and postgres else "value"
        conn.execute(
            text(
                f"INSERT INTO {table.name} (year, quarter, {text_column}) "
                f"SELECT year, quarter, {value} FROM ({texts}) AS texts"
            )
        )
        if not postgres:  # SQLite joins by nested loops: an index makes the join a lookup
            conn.execute(
                text(
                    f"CREATE INDEX ix_upgrade_texts ON {table.name} (year, quarter, {text_column})"
                )
            )
        for name in holding:
            conn.execute(
                text(
                    f"UPDATE {name} SET {column} = t.id FROM {table.name} AS t "
                    f"WHERE t.year = {name}.year AND t.quarter = {name}.quarter "
                    f"AND {as_text(f't.{text_column}')} = {as_text(f'{name}.{old}')}"
                )
            )
            conn.execute(text(f"ALTER TABLE {name} DROP COLUMN {old}"))
        if not postgres:
            conn.execute(text("DROP INDEX ix_upgrade_texts"))


def _columns(conn: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(conn).get_columns(table)}
