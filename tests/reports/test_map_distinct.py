"""`figures._map_distinct(values, f)` is `values.map(f)` with `f` called once per distinct value:
the same values, dtype, index and name, None and NaN kept apart as `map` keeps them; and
`figures._days`, which converts each distinct date once, gives numpy's days."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tcxd.reports.figures import _days, _map_distinct

SERIES = [
    pd.Series(["a", None, "b", np.nan, "a"], dtype=object, index=[5, 3, 1, 9, 7], name="x"),
    pd.Series([np.nan, None, "a"], dtype=object),
    pd.Series([None, None], dtype=object),
    pd.Series([3, 4, 3], dtype="int64"),
    pd.Series([1.0, np.nan, 2.0, np.nan]),
    pd.to_datetime(pd.Series(["2020-01-01", None, "2020-01-01"])),
    pd.Series([("a", None, True), ("a", None, True), (None, "x", False)]),
    pd.Series([True, False, True]),
    pd.Series([], dtype=object),
]
FUNCTIONS = [
    lambda v: None if v is None or v != v else f"{v}!",
    repr,
    lambda v: 1 if v == v else None,
    lambda v: v != v,
    lambda v: None,
]


@pytest.mark.parametrize("values", SERIES)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_map_distinct_is_map(values, function):
    made = _map_distinct(values, function)
    expected = values.map(function)
    assert made.dtype == expected.dtype
    assert made.name == expected.name
    assert made.index.equals(expected.index)
    assert list(map(repr, made.tolist())) == list(map(repr, expected.tolist()))


def test_map_distinct_calls_once_per_value():
    calls: list = []
    values = pd.Series(["a", "b", None, "a", None, np.nan, "b"] * 1000, dtype=object)
    _map_distinct(values, lambda v: calls.append(v) or v)
    assert len(calls) == 4  # a, b, None, NaN


@pytest.mark.parametrize(
    "dates",
    [
        pd.Series([date(2025, 1, 1), None, date(2025, 1, 1), date(1, 1, 1), date(9999, 12, 31)]),
        pd.Series([None, None], dtype=object),
        pd.Series([], dtype=object),
    ],
)
def test_days_convert_each_date_as_numpy_would(dates):
    """`figures._days` converts each distinct date once: the same days as numpy's conversion."""
    expected = np.array(dates.tolist(), dtype="datetime64[D]")
    made = _days(dates)
    assert made.dtype == expected.dtype
    assert np.array_equal(made, expected, equal_nan=True)
