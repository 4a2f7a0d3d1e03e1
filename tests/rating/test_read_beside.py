"""Classify reads the period's evaluations on a second connection, in a thread, while its own
connection reads the rest (`tcxd.rating.classify._read_beside`). The frame must be of the same
state of the database as the rest: a commit by another connection in between makes it read
again on the caller's connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tcxd.db.engine import create_schema, is_sqlite, make_engine, write_transaction
from tcxd.rating import classify as C

SQL = "SELECT id, name FROM organization ORDER BY id"


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    _add_org(engine, 1)
    yield engine
    engine.dispose()


def _add_org(engine, org_id: int) -> None:
    with write_transaction(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, name_key, name_fold, org_type) "
                "VALUES (:i, :n, :n, :n, 'chi_bo_co_so')"
            ),
            {"i": org_id, "n": f"Chi bộ {org_id}"},
        )


def test_frame_read_beside_is_the_one_the_caller_would_read(engine):
    with C._read_beside(engine, SQL, {}) as frame_of, engine.connect() as conn:
        frame = frame_of(conn)
    assert frame["id"].tolist() == [1]
    assert frame["name"].tolist() == ["Chi bộ 1"]


def test_commit_by_another_connection_meanwhile_reads_again_on_the_callers(engine, monkeypatch):
    """An import commits after the second connection began its read: its frame is of an older
    state than the caller's, so it is read again where the caller reads."""
    if not is_sqlite(engine):
        pytest.skip("PostgreSQL's reads here are each of their own state (READ COMMITTED)")
    read_frame = C.read_frame
    calls: list[str] = []

    def read_after_a_commit(conn, sql, params=None):
        if not calls:  # the second connection's read: another writer commits first
            _add_org(engine, 2)
        calls.append(sql)
        return read_frame(conn, sql, params)

    monkeypatch.setattr(C, "read_frame", read_after_a_commit)
    with C._read_beside(engine, SQL, {}) as frame_of, engine.connect() as conn:
        frame = frame_of(conn)
    assert len(calls) == 2  # read beside, then again on the caller's connection
    assert frame["id"].tolist() == [1, 2]  # what the caller's connection sees


def test_an_error_beside_reaches_the_caller(engine):
    with (
        C._read_beside(engine, "SELECT nothing FROM nowhere", {}) as frame_of,
        engine.connect() as conn,
        pytest.raises(Exception, match="nowhere"),
    ):
        frame_of(conn)
