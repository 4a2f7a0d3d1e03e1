"""Plausibility of a member's dates and identity numbers (spec inputs.md, "Plausibility"):
warnings a clerk should look at again, never a refusal. Pure: used by reading (so that a refused
file still gets them), by importing and by the checks sheet (check 9)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

DATE_LABELS = {
    "birth_date": "ngày sinh",
    "admitted_on": "ngày vào Đảng",
    "official_on": "ngày chính thức",
}
ID_DIGITS = {"card_number": ("số thẻ đảng viên", 8), "citizen_id": ("số CCCD", 12)}
ADMISSION_AGE = 18
PROBATION_MONTHS = 12


def implausible(rows: pd.DataFrame, today: date) -> list[tuple[int, str]]:
    """(row position, what) for the values a clerk should look at again, never a refusal:
    admitted before birth or before 18, official before admission or less than 12 months
    after it, dates after today, card numbers and CCCD of the wrong length (the number of
    digits is said, the CCCD itself is not). Dates compare as numbers yyyymmdd: 18 years
    later is +180000, 12 months later +10000."""
    day = {c: _day_numbers(_column(rows, c)) for c in DATE_LABELS}
    birth, admitted, official = day["birth_date"], day["admitted_on"], day["official_on"]
    found: list[tuple[int, str]] = []  # (position, what)

    def flag(mask: np.ndarray, what) -> None:
        found.extend((int(p), what(p)) for p in np.flatnonzero(mask))

    flag(
        admitted < birth,
        lambda p: f"ngày vào Đảng {_shown(admitted[p])} trước ngày sinh {_shown(birth[p])}.",
    )
    flag(
        (admitted >= birth) & (admitted < birth + ADMISSION_AGE * 10000),
        lambda p: f"vào Đảng khi chưa đủ 18 tuổi ({int(admitted[p] - birth[p]) // 10000} tuổi).",
    )
    flag(
        official < admitted,
        lambda p: (
            f"ngày chính thức {_shown(official[p])} trước ngày vào Đảng {_shown(admitted[p])}."
        ),
    )
    flag(
        (official >= admitted) & (official < admitted + PROBATION_MONTHS // 12 * 10000),
        lambda p: (
            f"ngày chính thức {_shown(official[p])} chưa đủ 12 tháng sau ngày vào Đảng "
            f"{_shown(admitted[p])}."
        ),
    )
    now = _day_number(today)
    for column, label in DATE_LABELS.items():
        flag(
            day[column] > now,
            lambda p, d=day[column], lb=label: f"{lb} {_shown(d[p])} ở sau hôm nay.",
        )
    for column, (label, digits) in ID_DIGITS.items():
        lengths = np.array(
            [
                len(v) if isinstance(v, str) and v.isdigit() else digits
                for v in _column(rows, column)
            ]
        )
        flag(
            lengths != digits,
            lambda p, lb=label, n=digits, ls=lengths: f"{lb} có {ls[p]} chữ số (cần {n}).",
        )
    return sorted(found, key=lambda f: f[0])


def _day_number(value) -> float:
    """A date (or ISO text, as SQLite gives it) as yyyymmdd; NaN when missing (and NaN
    compares False with anything)."""
    if isinstance(value, date):
        return float(value.year * 10000 + value.month * 100 + value.day)
    if isinstance(value, str) and len(value) >= 10:
        return float(value[:4] + value[5:7] + value[8:10])
    return np.nan


def _day_numbers(values: list) -> np.ndarray:
    """`_day_number` of each value, computed once per distinct value (half a million members
    hold a few tens of thousands of dates)."""
    codes, distinct = pd.factorize(pd.Series(values, dtype=object))
    numbers = np.array([*(_day_number(v) for v in distinct), np.nan], dtype=float)
    return numbers[codes]  # a missing value's code is -1: the NaN at the end


def _shown(number: Any) -> str:
    """A day number yyyymmdd (a float or a numpy scalar) as dd/mm/yyyy."""
    whole = int(number)
    return f"{whole % 100:02d}/{whole // 100 % 100:02d}/{whole // 10000}"


def _column(rows: pd.DataFrame, column: str) -> list:
    return rows[column].tolist() if column in rows.columns else [None] * len(rows)
