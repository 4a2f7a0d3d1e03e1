"""The members' engine split over two processes by whole cap pools gives what one gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rating_helpers import YEAR_END
from rating_synthetic import members

from tcxd.rating import halves, rate_members
from tcxd.rating.halves import rate_members_in_two


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

    monkeypatch.setattr(halves, "_rate_forked_part", no_fork)
    frame = members(500, pools=1, seed=2)
    one = rate_members(frame, r366, YEAR_END)
    pd.testing.assert_frame_equal(rate_members_in_two(frame, r366, YEAR_END, split_at=1), one)
    frame = members(500, pools=5, seed=2)
    one = rate_members(frame, r366, YEAR_END)
    pd.testing.assert_frame_equal(rate_members_in_two(frame, r366, YEAR_END), one)
