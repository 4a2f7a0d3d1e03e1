"""The members' engine split over two processes by whole cap pools gives what one gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rating_helpers import YEAR_END
from rating_synthetic import members
from sqlalchemy import text

from tcxd.core.settings import load_province_config
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import ImportOptions, import_paths
from tcxd.rating import classify as classify_module
from tcxd.rating import halves, rate_members
from tcxd.rating.classify import classify
from tcxd.rating.halves import rate_members_in_two
from tcxd.sample import generate


def _with_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Pools as the database gives them: float ids, some members without a pool (one pool of
    their own for the cap, which must stay in one part)."""
    frame = frame.copy()
    frame["tccsd_id"] = frame["tccsd_id"].astype(float)
    frame.loc[frame.index % 97 == 0, "tccsd_id"] = np.nan
    return frame.sample(frac=1.0, random_state=3).reset_index(drop=True)  # pools interleaved


@pytest.mark.parametrize("rules", ["r366", "r124", "r366_nocap"])
def test_two_processes_give_the_rows_one_gives(rules, request, tmp_path):
    ruleset = request.getfixturevalue(rules)
    frame = _with_gaps(members(3_000, pools=17, seed=5))
    one = rate_members(frame, ruleset, YEAR_END)
    forked = tmp_path / "forked"
    two = rate_members_in_two(frame, ruleset, YEAR_END, split_at=1, child_start=forked.touch)
    assert forked.exists()  # a part was rated by the forked process
    pd.testing.assert_frame_equal(two, one)


def test_each_part_is_whole_pools(r366):
    frame = _with_gaps(members(3_000, pools=17, seed=5))
    first, second = halves._pool_halves(frame, r366)
    assert len(first) + len(second) == len(frame)
    pools = frame["tccsd_id"].astype(object).fillna("none")
    assert not set(pools.iloc[first]) & set(pools.iloc[second])
    assert abs(len(first) - len(second)) < len(frame) // 2


def test_a_failed_fork_is_rated_here(r366):
    def fail() -> None:
        raise RuntimeError("the forked process fails")

    frame = _with_gaps(members(2_000, pools=9, seed=8))
    one = rate_members(frame, r366, YEAR_END)
    two = rate_members_in_two(frame, r366, YEAR_END, split_at=1, child_start=fail)
    pd.testing.assert_frame_equal(two, one)


def test_one_pool_or_few_members_stay_in_one_process(r366, monkeypatch):
    def no_fork(*args, **kwargs):
        raise AssertionError("forked")

    monkeypatch.setattr(halves, "beside", no_fork)
    frame = members(500, pools=1, seed=2)
    one = rate_members(frame, r366, YEAR_END)
    pd.testing.assert_frame_equal(rate_members_in_two(frame, r366, YEAR_END, split_at=1), one)
    frame = members(500, pools=5, seed=2)
    one = rate_members(frame, r366, YEAR_END)
    pd.testing.assert_frame_equal(rate_members_in_two(frame, r366, YEAR_END), one)


def _stored_ratings(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT r.member_id, r.status, r.level, r.computed_level, r.capped, r.cap_tie, "
                "r.needs_decision_cause, t.text, i.inputs FROM member_rating r "
                "JOIN rating_reason t ON t.id = r.reason_id "
                "JOIN rating_inputs i ON i.id = r.inputs_id ORDER BY r.member_id"
            )
        ).fetchall()


def test_classify_with_a_forked_part_stores_the_same_and_keeps_its_connections(
    db_url, tmp_path, monkeypatch
):
    """On both databases, a classify whose members' engine forks stores what one process
    stores, and the parent's pooled connections still serve the next classify."""
    sample = tmp_path / "sample"
    generate(sample, members=600, seed=11)
    initialize(db_url, load_province_config(sample / "tinh.yaml"))
    engine = open_database(db_url)
    try:
        import_paths(engine, [sample], ImportOptions())
        classify(engine, 2025)
        one = _stored_ratings(engine)
        forked = tmp_path / "forked"
        original = halves.rate_members_in_two

        def split_always(*args, **kwargs):
            kwargs.update(split_at=1, child_start=_then(kwargs["child_start"], forked.touch))
            return original(*args, **kwargs)

        monkeypatch.setattr(classify_module, "rate_members_in_two", split_always)
        classify(engine, 2025)
        assert forked.exists()
        assert _stored_ratings(engine) == one
        classify(engine, 2025)  # the pooled connections still work after the fork
        assert _stored_ratings(engine) == one
    finally:
        engine.dispose()


def _then(first, second):
    def both() -> None:
        first()
        second()

    return both
