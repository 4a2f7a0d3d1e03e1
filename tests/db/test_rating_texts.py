"""Reasons and inputs of ratings, each distinct one stored once per period (schema 3), and the
in-place upgrade of a schema-2 database whose rating rows held them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from tcxd.db import rating_texts
from tcxd.db.engine import create_schema, make_engine, open_database, write_transaction

REASONS = [
    "Điểm 92 → Hoàn thành xuất sắc nhiệm vụ",
    "Điểm 75 → Hoàn thành tốt nhiệm vụ",
    "Điểm 92 → Hoàn thành xuất sắc nhiệm vụ",
    "",
    "Điểm 75 → Hoàn thành tốt nhiệm vụ",
    None,
]
INPUTS = ['{"score": 92}', '{"score": 75.5, "leader": true}', '{"score": 92}', None]


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    yield engine
    engine.dispose()


def _texts(conn, table, column, ids):
    stored = dict(conn.execute(text(f"SELECT id, CAST({column} AS TEXT) FROM {table}")).fetchall())
    return [stored[int(i)] for i in ids]


def _count(conn, table, year=2025, quarter=0):
    return conn.execute(
        text(f"SELECT COUNT(*) FROM {table} WHERE year = :y AND quarter = :q"),
        {"y": year, "q": quarter},
    ).scalar()


def test_each_distinct_reason_is_stored_once_and_read_back_as_written(engine):
    with write_transaction(engine) as conn:
        ids = rating_texts.store_texts(conn, 2025, 0, "reason_id", REASONS)
        assert ids[0] == ids[2] and ids[1] == ids[4] and ids[3] == ids[5]
        assert len(set(ids)) == 3
        assert _count(conn, "rating_reason") == 3
        assert _texts(conn, "rating_reason", "text", ids) == [r or "" for r in REASONS]


def test_inputs_are_stored_once_and_read_back_as_the_same_json(engine):
    with write_transaction(engine) as conn:
        ids = rating_texts.store_texts(conn, 2025, 0, "inputs_id", INPUTS)
        assert ids[0] == ids[2] and len(set(ids)) == 3
        assert _count(conn, "rating_inputs") == 3
        shown = [json.loads(t) for t in _texts(conn, "rating_inputs", "inputs", ids)]
        assert shown == [json.loads(i or "{}") for i in INPUTS]


def test_a_period_reuses_its_texts_and_keeps_apart_from_other_periods(engine):
    with write_transaction(engine) as conn:
        first = rating_texts.store_texts(conn, 2025, 0, "reason_id", REASONS[:2])
        again = rating_texts.store_texts(conn, 2025, 0, "reason_id", REASONS[1:3])
        assert list(again) == [first[1], first[0]]
        assert _count(conn, "rating_reason") == 2
        quarter = rating_texts.store_texts(conn, 2025, 1, "reason_id", REASONS[:1])
        assert quarter[0] not in set(first)
        assert _count(conn, "rating_reason", quarter=1) == 1
        rating_texts.drop_period_texts(conn, 2025, 0)
        assert _count(conn, "rating_reason") == 0
        assert _count(conn, "rating_reason", quarter=1) == 1
        # nothing points to the quarter's reason: it goes with the unused ones
        rating_texts.drop_unused_texts(conn, 2025, 1)
        assert _count(conn, "rating_reason", quarter=1) == 0


def _as_schema_2(engine) -> None:
    """Make the database what schema 2 stored: the reason and inputs in each rating row (the
    rating tables copied with them; their other columns as they are)."""
    with write_transaction(engine) as conn:
        for table in rating_texts.RATING_TABLES:
            kept = ", ".join(
                f"r.{column['name']}"
                for column in inspect(conn).get_columns(table)
                if column["name"] not in ("reason_id", "inputs_id")
            )
            conn.execute(
                text(
                    f"CREATE TABLE old_{table} AS SELECT {kept}, t.text AS reason, "
                    f"i.inputs AS inputs FROM {table} r "
                    "JOIN rating_reason t ON t.id = r.reason_id "
                    "JOIN rating_inputs i ON i.id = r.inputs_id"
                )
            )
            conn.execute(text(f"DROP TABLE {table}"))
            conn.execute(text(f"ALTER TABLE old_{table} RENAME TO {table}"))
        conn.execute(text("DROP TABLE rating_reason"))
        conn.execute(text("DROP TABLE rating_inputs"))
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))


def _shown(engine, old: bool) -> list:
    reason, inputs, joins = (
        ("r.reason", "CAST(r.inputs AS TEXT)", "")
        if old
        else (
            "t.text",
            "CAST(i.inputs AS TEXT)",
            " JOIN rating_reason t ON t.id = r.reason_id"
            " JOIN rating_inputs i ON i.id = r.inputs_id",
        )
    )
    rows = []
    with engine.connect() as conn:
        for table, key in (("member_rating", "member_id"), ("organization_rating", "org_id")):
            rows += [
                (table, *row[:-1], json.loads(row[-1]))
                for row in conn.execute(
                    text(
                        f"SELECT r.{key}, r.year, r.quarter, r.status, {reason}, {inputs} "
                        f"FROM {table} r{joins} ORDER BY r.{key}, r.year, r.quarter"
                    )
                )
            ]
    return rows


def _rate(conn) -> None:
    """Two periods of ratings, reasons and inputs shared between rows, as classify stores."""
    conn.execute(
        text(
            "INSERT INTO organization (id, name, name_key, name_fold, org_type) "
            "VALUES (1, 'Chi bộ 1', 'chi bo 1', 'chi bo 1', 'chi_bo_co_so')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO member (id, full_name, name_key, birth_year_only, youth_union, exempt, "
            "extra) VALUES (1, 'A', 'a', false, false, false, '{}'), "
            "(2, 'B', 'b', false, false, false, '{}'), (3, 'C', 'c', false, false, false, '{}')"
        )
    )
    for year, quarter, reasons, inputs in (
        (2025, 0, REASONS[:3], INPUTS[:3]),
        (2025, 1, REASONS[2:5], INPUTS[1:4]),
    ):
        reason_ids = rating_texts.store_texts(conn, year, quarter, "reason_id", reasons)
        inputs_ids = rating_texts.store_texts(conn, year, quarter, "inputs_id", inputs)
        for member, (reason_id, inputs_id) in enumerate(
            zip(reason_ids, inputs_ids, strict=True), start=1
        ):
            conn.execute(
                text(
                    "INSERT INTO member_rating (member_id, year, quarter, status, capped, "
                    "differs, proposed_differs, from_proposal, cap_tie, cap_excess, "
                    "assumed_conditions, reason_id, inputs_id, rule_set, rule_version, "
                    "computed_at) VALUES (:m, :y, :q, 'rated', false, false, false, false, "
                    "false, false, 0, :r, :i, 'qd366', '1', CURRENT_TIMESTAMP)"
                ),
                {"m": member, "y": year, "q": quarter, "r": int(reason_id), "i": int(inputs_id)},
            )
    conn.execute(
        text(
            "INSERT INTO organization_rating (org_id, year, quarter, status, capped, differs, "
            "proposed_differs, from_proposal, cap_tie, cap_excess, assumed_conditions, "
            "exemplary, reason_id, inputs_id, rule_set, rule_version, computed_at) VALUES "
            "(1, 2025, 0, 'rated', false, false, false, false, false, false, 0, false, "
            ":r, :i, 'qd366', '1', CURRENT_TIMESTAMP)"
        ),
        {
            "r": int(rating_texts.store_texts(conn, 2025, 0, "reason_id", REASONS[:1])[0]),
            "i": int(rating_texts.store_texts(conn, 2025, 0, "inputs_id", ['{"org": 1}'])[0]),
        },
    )


def test_a_schema_2_database_is_upgraded_with_every_reason_and_input_kept(engine, db_url):
    with write_transaction(engine) as conn:
        _rate(conn)
    expected = _shown(engine, old=False)
    _as_schema_2(engine)
    assert _shown(engine, old=True) == expected  # the old shape holds the same

    upgraded = open_database(db_url)
    assert _shown(upgraded, old=False) == expected
    with upgraded.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta")).scalar() == "3"
        # each period's distinct texts, once: the year's two reasons (the organisation's is one
        # of them) and three inputs, the quarter's three of each
        assert [_count(conn, "rating_reason"), _count(conn, "rating_reason", quarter=1)] == [2, 3]
        assert [_count(conn, "rating_inputs"), _count(conn, "rating_inputs", quarter=1)] == [3, 3]
    for table in rating_texts.RATING_TABLES:
        columns = {column["name"] for column in inspect(upgraded).get_columns(table)}
        assert {"reason_id", "inputs_id"} <= columns
        assert not {"reason", "inputs"} & columns
    upgraded.dispose()
