"""The one check of a missing value and the one reading of a stored day."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from tcxd.core.coerce import as_date, is_missing


@pytest.mark.parametrize("value", [None, float("nan"), np.float64("nan"), pd.NA, pd.NaT])
def test_what_pandas_calls_missing_is_missing(value):
    assert is_missing(value)
    assert pd.isna(value)
    assert as_date(value) is None


@pytest.mark.parametrize("value", ["", "x", 0, 0.0, False, date(2025, 1, 1), "nan"])
def test_a_value_is_not_missing(value):
    assert not is_missing(value)


@pytest.mark.parametrize(
    "value",
    [
        date(2025, 3, 31),
        datetime(2025, 3, 31, 17, 5),
        pd.Timestamp("2025-03-31 08:00"),
        "2025-03-31",
        "2025-03-31 00:00:00",
    ],
)
def test_a_stored_day_is_a_date(value):
    day = as_date(value)
    assert day == date(2025, 3, 31)
    assert type(day) is date


def test_texts_of_nothing_are_no_day():
    assert [as_date(t) for t in ("", "NaT", "None", "nan")] == [None] * 4
