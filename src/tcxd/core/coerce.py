"""One value as Python sees it after pandas or a database driver had it: missing or not, a date.

The one place for "is this cell empty" (None, NaN, NA, NaT: what `Series.isna()` calls missing)
and "this stored value as a date" (a date, a datetime, an ISO text from SQLite, a pandas
Timestamp), so that the readers of rows, history and the clerk commands agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """None, NaN, NA or NaT (a missing cell); checked per value, without pandas' array masks."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def as_date(value: Any) -> date | None:
    """A stored day as a `date`: None when missing; a datetime (or Timestamp) loses its time;
    a text is read as ISO ("2025-03-31", "2025-03-31 00:00:00")."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if not text or text in ("NaT", "None", "nan"):
        return None
    return date.fromisoformat(text[:10])
