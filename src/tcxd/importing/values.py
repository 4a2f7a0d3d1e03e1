"""Small helpers on cells and values that every part of the import shares."""

from __future__ import annotations

from datetime import date
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import BindParameter, bindparam

# (re-exported: the import's parts take them from here)
from tcxd.core.coerce import as_date as to_date
from tcxd.core.coerce import is_missing as is_missing

# A list of ids bound to `IN (...)`, in statements built once per run (one built per call is
# compiled-cache keyed per call, which costs more than running it).
IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def resolved(ids: list[int | None]) -> list[int]:
    """Ids the steps before guarantee: each row's unit or member once resolved (a row without
    one made the file refused before this point)."""
    if any(found is None for found in ids):
        raise ValueError("a row's unit or member was not resolved")
    return cast(list[int], ids)


def row_ranges(rows: list[int]) -> str:
    """Excel rows as a clerk reads them: "2, 5–7, 9"."""
    parts: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if parts and parts[-1][1] == row - 1:
            parts[-1] = (parts[-1][0], row)
        else:
            parts.append((row, row))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in parts)


def quoted(names: list[str]) -> str:
    return "; ".join(f'"{name}"' for name in names) or "(không có)"


def column_values(rows: pd.DataFrame, column: str) -> list:
    return rows[column].tolist() if column in rows.columns else [None] * len(rows)


def column_cells(rows: pd.DataFrame, column: str) -> list:
    """A column's values as Python objects, missing cells (NaN, NaT, NA) as None."""
    series = rows[column]
    values = series.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biu":
        return values  # numpy booleans and integers are never missing (nullable ones may be)
    # (per value: a few hundred rows a file, where pandas' own missing-value masks cost more)
    return [None if v is None or v is pd.NA or v is pd.NaT or v != v else v for v in values]


def differs(stored, new) -> bool:
    if isinstance(new, date) and not isinstance(stored, date) and stored is not None:
        stored = to_date(stored)
    if isinstance(new, bool) and stored is not None:
        stored = bool(stored)
    return stored != new


def shown_date(value) -> str:
    day = to_date(value)
    return f"{day:%d/%m/%Y}" if day else ""


def group_by_columns(records: list[dict]) -> list[list[dict]]:
    """executemany needs one column set per statement."""
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(tuple(sorted(record)), []).append(record)
    return list(groups.values())
