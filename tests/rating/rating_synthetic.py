"""Synthetic members for property tests and timing (not a test module)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


def members(n: int, *, pools: int | None = None, seed: int = 0) -> pd.DataFrame:
    """n members spread over pools of ~170 (a TCCSĐ), with realistic inputs and some gaps."""
    rng = np.random.default_rng(seed)
    pools = pools or max(1, n // 170)
    pool = rng.integers(0, pools, n)
    pool_mean = rng.normal(84, 6, pools)  # some units score high: their cap bites
    score = np.round(rng.normal(pool_mean[pool], 7).clip(30, 100) * 2) / 2
    completed = np.where(rng.random(n) < 0.93, 100.0, rng.choice([40.0, 60.0, 80.0, 90.0], n))
    late = np.where(rng.random(n) < 0.85, 0.0, rng.choice([5.0, 10.0, 25.0, 40.0], n))
    admitted = np.array([date(1990, 1, 1)], dtype="datetime64[D]") + rng.integers(0, 13000, n)
    discipline = np.where(rng.random(n) < 0.01, rng.choice(["khien_trach", "canh_cao"], n), None)
    frame = pd.DataFrame(
        {
            "member_id": np.arange(n),
            "card_number": [f"{i:08d}" for i in rng.permutation(n)],
            "tccsd_id": pool,
            "chi_bo_id": pool * 10 + rng.integers(0, 5, n),
            "district_id": pool // 20,
            "exempt": rng.random(n) < 0.03,
            "suspended": rng.random(n) < 0.002,
            "admitted_on": admitted,
            "leader": rng.random(n) < 0.1,
            "score": score,
            "tasks_completed_pct": completed,
            "tasks_on_time": np.where(late > 0, False, rng.random(n) < 0.95),
            "tasks_exceeding_pct": rng.choice([0.0, 20.0, 30.0, 40.0, 50.0], n),
            "tasks_late_pct": late,
            "prior_shortcomings_fixed": np.where(rng.random(n) < 0.2, None, rng.random(n) < 0.9),
            "discipline": discipline,
            "discipline_on": np.where(
                discipline != None,  # noqa: E711
                pd.Timestamp(2025, 1, 1) + pd.to_timedelta(rng.integers(0, 365, n), "D"),
                pd.NaT,
            ),
            "degradation_concluded": rng.random(n) < 0.001,
            "self_reported_remedied": rng.random(n) < 0.002,
            "proposed_level": rng.choice(["HTXSNV", "HTTNV", "HTNV", None], n),
            "decided_level": np.where(rng.random(n) < 0.05, rng.choice(["HTTNV", "HTNV"], n), None),
        }
    )
    frame.loc[rng.random(n) < 0.005, "score"] = np.nan
    frame["admitted_on"] = pd.to_datetime(frame["admitted_on"]) + timedelta(0)
    return frame
