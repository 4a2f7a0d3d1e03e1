"""Column-wise bulk reads and writes give the rows SQLAlchemy itself would, on both engines."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)

from tcxd.db.bulk import insert_columns, read_frame


def _table() -> Table:
    return Table(
        "thing",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("n", Integer),
        Column("flag", Boolean, nullable=False),
        Column("label", String),
        Column("inputs", JSON, nullable=False),
        Column("year", Integer, nullable=False),
    )


def test_columns_are_stored_as_python_values(db_url) -> None:
    table = _table()
    engine = create_engine(db_url)
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        insert_columns(
            conn,
            table,
            {
                "n": np.array([1, np.nan, 3], dtype=object),
                "flag": pd.Series([True, None, np.bool_(False)], dtype=object),
                "label": np.array(["a", None, 7], dtype=object),
                "inputs": ['{"score":92.5,"tên":"Lê"}', "{}", "{}"],
            },
            constants={"year": 2025},
            json_text=("inputs",),
        )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
        frame = read_frame(
            conn, "SELECT n, label FROM thing WHERE year = :y ORDER BY id", {"y": 2025}
        )
    engine.dispose()
    assert [r[1:] for r in rows] == [
        (1, True, "a", {"score": 92.5, "tên": "Lê"}, 2025),
        (None, False, None, {}, 2025),
        (3, False, "7", {}, 2025),
    ]
    assert frame["label"].tolist() == ["a", None, "7"]


def test_nothing_to_insert_is_no_statement(db_url) -> None:
    table = _table()
    engine = create_engine(db_url)
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        insert_columns(conn, table, {"n": []}, constants={"year": 1})
        assert conn.execute(select(table)).first() is None
    engine.dispose()


def test_reads_see_one_state_of_the_database(tmp_path) -> None:
    """Reading through the driver stays inside the connection's transaction: a report's reads
    see one snapshot even while an import commits (WAL), from the very first read on."""
    from tcxd.db.engine import make_engine

    url = f"sqlite:///{tmp_path / 'snap.db'}"
    engine = make_engine(url, create=True)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    with engine.connect() as reader:
        first = read_frame(reader, "SELECT x FROM t")
        with engine.begin() as writer:
            writer.exec_driver_sql("INSERT INTO t VALUES (2)")
        second = read_frame(reader, "SELECT x FROM t")
    engine.dispose()
    assert first["x"].tolist() == second["x"].tolist() == [1]
