"""Dates of the sample world as whole days since 1970-01-01 (numpy friendly)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
NONE = -(10**9)  # unknown; for a spell start: since before the records began
INF = 10**9  # open end of a spell
EXCEL_OFFSET = 25569  # Excel serial of 1970-01-01


def day(y: int, m: int, d: int) -> int:
    return (date(y, m, d) - EPOCH).days


def to_date(days: int) -> date:
    return EPOCH + timedelta(days=int(days))


def iso(days: int) -> str | None:
    return None if days <= NONE or days >= INF else to_date(days).isoformat()


YEAR = 2025
Y_START = day(2025, 1, 1)
Y_END = day(2025, 12, 31)
ROSTER0 = day(2024, 12, 31)  # as-of date of the first roster
H1_END = day(2025, 6, 30)  # admitted after this: not rated for 2025 (rules.md step 1)

PERIODS: dict[str, tuple[int, int]] = {
    "q1": (day(2025, 1, 1), day(2025, 3, 31)),
    "q2": (day(2025, 4, 1), day(2025, 6, 30)),
    "q3": (day(2025, 7, 1), day(2025, 9, 30)),
    "q4": (day(2025, 10, 1), day(2025, 12, 31)),
    "h1": (day(2025, 1, 1), day(2025, 6, 30)),
    "9m": (day(2025, 1, 1), day(2025, 9, 30)),
    "year": (day(2025, 1, 1), day(2025, 12, 31)),
}


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised (year, month, day) of day numbers."""
    d64 = np.asarray(days, dtype="int64").astype("datetime64[D]")
    years = d64.astype("datetime64[Y]").astype(int) + 1970
    months = (d64.astype("datetime64[M]").astype(int) % 12) + 1
    days_ = (d64 - d64.astype("datetime64[M]")).astype(int) + 1
    return years, months, days_


def age_on(birth: np.ndarray, on: int) -> np.ndarray:
    """Completed years on a date (birthday reached or not), vectorised."""
    by, bm, bd = ymd(birth)
    oy, om, od = ymd(np.array([on]))
    age = oy[0] - by
    before = (bm > om[0]) | ((bm == om[0]) & (bd > od[0]))
    return age - before.astype(int)


def ages_on(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    by, bm, bd = ymd(birth)
    oy, om, od = ymd(on)
    age = oy - by
    before = (bm > om) | ((bm == om) & (bd > od))
    return age - before.astype(int)
