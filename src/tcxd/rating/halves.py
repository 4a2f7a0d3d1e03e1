"""The members' engine on the two cores: half the cap pools rated by a forked process.

`rate_members` is set-based over all members at once, and what it computes for a member depends
on the member's own row and on the member's cap pool only (the cap counts and the tie order are
per pool; the texts are built once per distinct row). Split by whole pools, each part gives the
rows' results the whole gives. Python's lock keeps threads from running the engine side by side
(docs/benchmarks.md, classify17b), so the second part runs in a forked process: it is handed the
inputs by the fork itself (nothing pickled on the way in) and reads nothing; its results come
back pickled (measured on the large province: ≈ 0.3 s for 254,000 rows) and are put back in the
input order. Should the process fail, this process rates that part itself: the results never
depend on the fork, only the time does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from tcxd.core.forked import beside
from tcxd.rating.members import POOL_COLUMNS, rate_members
from tcxd.rating.rules.loader import RuleSet

# Below this many members the fork and the results' transfer cost about what they save.
SPLIT_AT_LEAST = 100_000


def rate_members_in_two(
    frame: pd.DataFrame,
    ruleset: RuleSet,
    period_end: date,
    *,
    period_start: date | None = None,
    child_start: Callable[[], None] = lambda: None,
    split_at: int = SPLIT_AT_LEAST,
) -> pd.DataFrame:
    """`rate_members(frame, …)`, the same rows in the same order, computed by two processes
    when `frame` has at least `split_at` rows. `child_start` runs first in the forked process
    (to let go of what it must not use, such as the parent's database connections)."""
    halves = _pool_halves(frame, ruleset) if len(frame) >= split_at and _can_fork() else None
    if halves is None:
        return rate_members(frame, ruleset, period_end, period_start=period_start)
    forked_rows, own_rows = halves

    def forked_part() -> pd.DataFrame:
        child_start()
        return _rate_part(frame, forked_rows, ruleset, period_end, period_start)

    forked, own = beside(
        forked_part, lambda: _rate_part(frame, own_rows, ruleset, period_end, period_start)
    )
    if forked is None:
        forked = _rate_part(frame, forked_rows, ruleset, period_end, period_start)
    return _in_input_order([forked, own], [forked_rows, own_rows])


def _can_fork() -> bool:
    return hasattr(os, "fork")


def _pool_halves(frame: pd.DataFrame, ruleset: RuleSet) -> tuple[np.ndarray, np.ndarray] | None:
    """The row positions of two parts of about the same size, each made of whole cap pools
    (the pool column `rate_members` reads; rows without a pool are one pool there too);
    None when there is no pool column or a single pool."""
    name = POOL_COLUMNS[ruleset.members.cap.pool]
    if name not in frame.columns:
        name = "pool_id"
    if name not in frame.columns:
        return None
    codes, uniques = pd.factorize(
        pd.Series(frame[name].to_numpy(dtype=object), dtype=object), use_na_sentinel=False
    )
    if len(uniques) < 2:
        return None
    sizes = np.bincount(codes, minlength=len(uniques))
    first = np.cumsum(sizes) <= len(frame) // 2
    first[0] = True  # neither part empty: the first pool is always in the first part
    if first.all():
        first[-1] = False
    in_first = first[codes]
    return np.flatnonzero(in_first), np.flatnonzero(~in_first)


def _rate_part(
    frame: pd.DataFrame,
    rows: np.ndarray,
    ruleset: RuleSet,
    period_end: date,
    period_start: date | None,
) -> pd.DataFrame:
    return rate_members(frame.take(rows), ruleset, period_end, period_start=period_start)


def _in_input_order(parts: list[pd.DataFrame], rows: list[np.ndarray]) -> pd.DataFrame:
    """The parts' rows put back where their inputs were: each column written once into place
    (a concatenation, then a reordering, would copy every column twice)."""
    if any(not part.dtypes.equals(parts[0].dtypes) for part in parts):
        joined = pd.concat(parts, ignore_index=True)  # pandas' own rules for mixed dtypes
        order = np.argsort(np.concatenate(rows), kind="stable")
        return joined.take(order).reset_index(drop=True)
    total = sum(len(positions) for positions in rows)
    columns = {}
    for name, dtype in parts[0].dtypes.items():
        placed = np.empty(total, dtype=dtype)
        for part, positions in zip(parts, rows, strict=True):
            placed[positions] = part[name].to_numpy()
        columns[name] = placed
    return pd.DataFrame(columns)
