"""Storing a period's results (`tcxd.rating.store`): the rows as given, all or nothing, with the
references checked once for the rows written and the table's indexes as they were."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from tcxd.core.errors import DatabaseError
from tcxd.db.engine import create_schema, make_engine, write_transaction
from tcxd.rating.store import MEMBER_RATINGS, store

MEMBERS, ORGS = [1, 2, 3], [10, 11]


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with write_transaction(engine) as conn:
        for org in ORGS:
            conn.execute(
                text(
                    "INSERT INTO organization (id, name, name_key, name_fold, org_type) "
                    "VALUES (:i, :n, :n, :n, 'chi_bo_co_so')"
                ),
                {"i": org, "n": f"Chi bộ {org}"},
            )
        for member in MEMBERS:
            conn.execute(
                text(
                    "INSERT INTO member (id, full_name, name_key, birth_year_only, youth_union, "
                    "exempt, extra) VALUES (:i, 'x', 'x', :f, :f, :f, '{}')"
                ),
                {"i": member, "f": False},
            )
    yield engine
    engine.dispose()


def _results(members: list[int], reason: str = "Điểm 92 → Hoàn thành xuất sắc nhiệm vụ"):
    n = len(members)
    common = {
        "status": ["rated"] * n,
        "level": ["htxsnv", None, "httnv"][:n],
        "capped": np.array([False, True, False][:n]),
        "differs": np.zeros(n, dtype=bool),
        "proposed_differs": np.zeros(n, dtype=bool),
        "from_proposal": np.zeros(n, dtype=bool),
        "cap_tie": np.zeros(n, dtype=bool),
        "cap_excess": np.zeros(n, dtype=bool),
        "assumed_conditions": np.array([0, 2, 0][:n]),
        "decided_not_allowed": [None, "over_cap", None][:n],
        "reason": [reason, "Điểm 75 → Hoàn thành tốt nhiệm vụ", reason][:n],
        "inputs": ['{"score": 92}', '{"score": 75}', '{"score": 92}'][:n],
        "rule_set": ["qd366"] * n,
        "rule_version": ["1"] * n,
    }
    members_frame = pd.DataFrame(
        {
            **common,
            "member_id": members,
            "org_id": [10.0, np.nan, 11.0][:n],
            "pool_id": [10, 10, None][:n],
        }
    )
    orgs = pd.DataFrame(
        {
            **{k: v[:2] for k, v in common.items()},
            "org_id": ORGS,
            "pool_id": ["1|x", "1|x"],
            "exemplary": [True, False],
        }
    )
    return members_frame, orgs


def _stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT r.member_id, r.org_id, r.status, r.level, r.capped, r.assumed_conditions, "
                "r.decided_not_allowed, r.pool_id, t.text, r.rule_set FROM member_rating r "
                "JOIN rating_reason t ON t.id = r.reason_id ORDER BY r.member_id"
            )
        ).all()


def test_the_rows_are_stored_as_given_and_replaced_by_a_second_run(engine):
    members, orgs = _results(MEMBERS)
    store(engine, 2025, 0, members, orgs, whole=True)
    store(engine, 2025, 0, members, orgs, whole=True)
    assert _stored(engine) == [
        (1, 10, "rated", "htxsnv", False, 0, None, 10, members["reason"][0], "qd366"),
        (2, None, "rated", None, True, 2, "over_cap", 10, members["reason"][1], "qd366"),
        (3, 11, "rated", "httnv", False, 0, None, None, members["reason"][2], "qd366"),
    ]
    with engine.connect() as conn:
        exemplary = conn.execute(
            text("SELECT org_id, exemplary FROM organization_rating ORDER BY org_id")
        ).all()
    assert [(org, bool(flag)) for org, flag in exemplary] == [(10, True), (11, False)]


def test_the_indexes_and_foreign_keys_are_as_before_after_a_whole_period(engine):
    before = {i["name"] for i in inspect(engine).get_indexes("member_rating")}
    members, orgs = _results(MEMBERS)
    store(engine, 2025, 0, members, orgs, whole=True)
    assert {i["name"] for i in inspect(engine).get_indexes("member_rating")} == before
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_member_gone_before_the_write_leaves_the_period_as_it_was(engine):
    members, orgs = _results(MEMBERS)
    store(engine, 2025, 0, members, orgs, whole=True)
    kept = _stored(engine)
    again, _orgs = _results([1, 2, 99], reason="Điểm 50 → Không hoàn thành nhiệm vụ")
    with pytest.raises((DatabaseError, IntegrityError)):
        store(engine, 2025, 0, again, orgs, whole=True)
    assert _stored(engine) == kept


def test_the_computation_time_is_stored_as_sqlalchemy_stores_a_datetime(engine):
    members, orgs = _results(MEMBERS)
    store(engine, 2025, 0, members, orgs, whole=True)
    with engine.connect() as conn:
        read = conn.execute(select(MEMBER_RATINGS.c.computed_at)).scalars().all()
        raw = conn.execute(text("SELECT CAST(computed_at AS TEXT) FROM member_rating")).scalars()
        raw = raw.all()
    assert all(isinstance(value, datetime) for value in read)
    if engine.dialect.name == "sqlite":  # SQLAlchemy's text for a datetime, no UTC offset
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", value) for value in raw)
