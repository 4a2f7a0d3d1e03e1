"""The cap: in each pool, those rated HTXSNV may not exceed `ratio` × those rated HTTNV.

With X proposed HTXSNV and T HTTNV in a pool, the fewest d are lowered to HTTNV so that
X − d ≤ ratio × (T + d), i.e. d = max(0, ⌈(X − ratio·T) / (1 + ratio)⌉), computed exactly with the
ratio as a fraction p/q: d = ⌈(q·X − p·T) / (q + p)⌉. The X − d kept are those with the highest
scores. Candidates are ordered by score (highest first), then card number (lowest first, missing
last), then id: the first X − d in that order count as kept. If the last kept and the first lowered
have the same score, the cut falls inside a group of equal scores: every candidate with that score
is marked `tie` (the engine lists them as "needs a decision"), while the count still keeps the
lowest card numbers, so the numbers stay within the cap and the result does not depend on row
order. Set-based: one sort and a few bincounts, no loop over rows or pools.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from tcxd.rating.reasons import empty, numbers, put
from tcxd.rating.rules.show import percent


@dataclass
class CapResult:
    lowered: np.ndarray  # bool per row: counted as lowered (X − d kept)
    tie: np.ndarray  # bool per row: score tied at the pool's boundary
    in_cap: np.ndarray  # bool per row: a candidate that stays HTXSNV
    text: np.ndarray  # reason part per candidate row, "" elsewhere
    pool_x: np.ndarray  # per row: X, T, d of the row's pool (0 where no pool)
    pool_t: np.ndarray
    pool_d: np.ndarray


def fraction(ratio: float) -> Fraction:
    return Fraction(ratio).limit_denominator(10_000)


def lowered_count(x: np.ndarray, t: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Fewest d with X − d ≤ (p/q)(T + d), per pool (integer arithmetic)."""
    num = q * x - p * t
    den = q + p
    d = -((-num) // den)  # ceiling division
    return np.clip(d, 0, x)


def sort_keys(values: np.ndarray) -> np.ndarray:
    """Integer sort keys of arbitrary values (strings, ints), missing last."""
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, sort=True)
    codes = codes.astype(np.int64)
    codes[codes < 0] = len(uniques)
    return codes


def apply_cap(
    pool: np.ndarray,
    level: np.ndarray,
    counted: np.ndarray,
    score: np.ndarray,
    tie_keys: tuple[np.ndarray, ...],
    ratio: float,
    ratio_outstanding: float | None,
    outstanding: np.ndarray,
    *,
    pool_label: str,
    mode: str,
    unit_word: str = "người",
    tie_note: str = "tạm tính giữ người có số thẻ đảng viên nhỏ hơn",
) -> CapResult:
    """level: int ranks (1 = HTXSNV, 2 = HTTNV…); counted: rows that take part (rated)."""
    n = len(level)
    codes, uniques = pd.factorize(pd.Series(pool, dtype=object), use_na_sentinel=False)
    pools = len(uniques)
    cand = counted & (level == 1)
    good = counted & (level == 2)
    x = np.bincount(codes[cand], minlength=pools).astype(np.int64)
    t = np.bincount(codes[good], minlength=pools).astype(np.int64)
    special = np.bincount(codes[outstanding & counted], minlength=pools) > 0
    base = fraction(ratio)
    high = fraction(ratio_outstanding if ratio_outstanding is not None else ratio)
    p = np.where(special, high.numerator, base.numerator).astype(np.int64)
    q = np.where(special, high.denominator, base.denominator).astype(np.int64)
    d = lowered_count(x, t, p, q)
    keep = x - d

    # order the candidates: pool, score desc, tie keys asc
    idx = np.nonzero(cand)[0]
    s = np.where(np.isnan(score), -np.inf, score)
    keys = [sort_keys(k[idx]) for k in reversed(tie_keys)]
    order = np.lexsort((*keys, -s[idx], codes[idx]))
    sidx = idx[order]
    scodes = codes[sidx]
    sscore = s[sidx]
    starts = np.searchsorted(scodes, scodes, side="left")
    rank = np.arange(len(sidx)) - starts
    lowered_sorted = rank >= keep[scodes]

    # boundary ties: the last kept and the first lowered share a score
    group_start = np.full(pools, -1, dtype=np.int64)
    group_start[scodes] = starts
    has_cut = (d > 0) & (keep > 0)
    last_kept = np.where(has_cut, group_start + keep - 1, 0)
    first_low = np.where(has_cut, group_start + keep, 0)
    boundary = np.full(pools, np.nan)
    if len(sidx):
        tied_pool = has_cut & (sscore[last_kept] == sscore[first_low])
        boundary[tied_pool] = sscore[last_kept[tied_pool]]
    tie_sorted = sscore == boundary[scodes]

    lowered = np.zeros(n, dtype=bool)
    tie = np.zeros(n, dtype=bool)
    lowered[sidx] = lowered_sorted
    tie[sidx] = tie_sorted
    in_cap = cand & ~lowered

    # reason parts, per pool then per row
    pct = percent(ratio)
    pct_high = percent(ratio_outstanding if ratio_outstanding is not None else ratio)
    share = np.where(special, pct_high, pct).astype(object)
    xs, ts, ds, ks = (numbers(a.astype(float)) for a in (x, t, d, keep))
    tds = numbers((t + d).astype(float))
    row_pool = codes
    text = empty(n)
    is_flag = mode == "flag"
    counts = np.empty(pools, dtype=object)
    counts[:] = ""
    put(counts, np.ones(pools, bool), " của ", pool_label, " (", xs, " đạt HTXSNV, ", ts, " HTTNV")
    if is_flag:
        put(text, in_cap & (d[row_pool] == 0), "trong tỷ lệ ", share[row_pool])
        put(
            text,
            in_cap & (d[row_pool] > 0),
            "trong tỷ lệ ",
            share[row_pool],
            counts[row_pool],
            "; tối đa ",
            ks[row_pool],
            ")",
        )
        put(
            text,
            lowered,
            "vượt tỷ lệ ",
            share[row_pool],
            counts[row_pool],
            "; tối đa ",
            ks[row_pool],
            " ",
            unit_word,
            ", vượt ",
            ds[row_pool],
            "): giữ mức, cần xem xét",
        )
        return CapResult(
            lowered=lowered,
            tie=np.zeros(n, dtype=bool),
            in_cap=in_cap,
            text=text,
            pool_x=x[row_pool],
            pool_t=t[row_pool],
            pool_d=d[row_pool],
        )
    put(text, in_cap & (d[row_pool] == 0), "trong tỷ lệ ", share[row_pool])
    put(
        text,
        in_cap & (d[row_pool] > 0) & ~tie,
        "trong tỷ lệ ",
        share[row_pool],
        counts[row_pool],
        "; giữ ",
        ks[row_pool],
        " ",
        unit_word,
        " điểm cao nhất, hạ ",
        ds[row_pool],
        ")",
    )
    put(
        text,
        lowered & ~tie,
        "vượt tỷ lệ ",
        share[row_pool],
        counts[row_pool],
        ": chỉ được giữ ",
        ks[row_pool],
        " ",
        unit_word,
        " điểm cao nhất vì ",
        ks[row_pool],
        " ≤ ",
        share[row_pool],
        " × ",
        tds[row_pool],
        "; hạ ",
        ds[row_pool],
        " ",
        unit_word,
        " xuống HTTNV)",
    )
    tied_score = numbers(np.where(tie, s, np.nan))
    put(
        text,
        tie,
        "điểm ",
        tied_score,
        " bằng nhau ở ranh giới tỷ lệ ",
        share[row_pool],
        counts[row_pool],
        "; chỉ giữ được ",
        ks[row_pool],
        " ",
        unit_word,
        "): ",
        tie_note,
    )
    return CapResult(
        lowered=lowered,
        tie=tie,
        in_cap=in_cap,
        text=text,
        pool_x=x[row_pool],
        pool_t=t[row_pool],
        pool_d=d[row_pool],
    )
