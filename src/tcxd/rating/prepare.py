"""Normalise the input columns of the engine: numbers, yes/no, dates, level and discipline codes.

Every value is converted once per distinct value (not once per row). A column that is absent
means "not given" for every row; NaN / None / "" means "not given" for that row.
Derived inputs (so that a file giving one column of a pair still feeds both rules):
- `score` = `general_score` + `task_score` when `score` is not given and both parts are;
- `tasks_not_completed_pct` = 100 − `tasks_completed_pct` when not given;
- `tasks_on_time` = no when not given and `tasks_late_pct` > 0 (a late task is not on time);
- `leadership_member_any_discipline` = yes when not given and `leadership_member_disciplined`
  (the KHTNV trigger: khiển trách or above for a duty-related violation) is yes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tcxd.core import vocab
from tcxd.rating.rules.conditions import fields, form_rank
from tcxd.reading.values import none_named_fields, yes_no_word


def column(df: pd.DataFrame, name: str) -> pd.Series | None:
    return df[name] if name in df.columns else None


def _per_unique(series: pd.Series, convert) -> np.ndarray:
    """Apply `convert` to each distinct non-missing value; NaN for missing."""
    out = np.full(len(series), np.nan)
    mask = series.notna().to_numpy()
    if mask.any():
        codes, uniques = pd.factorize(series[mask])
        converted = np.array([convert(value) for value in uniques], dtype=float)
        out[mask] = converted[codes]
    return out


def _tristate_value(value, none_named_met: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.nan if np.isnan(value) else float(value != 0)
    text = str(value).strip()
    if not text:
        return np.nan
    # the importer's reading of yes/no words (reading/values.py), so a file rated directly and
    # one imported first give the same result
    answer = yes_no_word(text, none_named_met=none_named_met)
    return np.nan if answer is None else float(answer)


def tristate(series: pd.Series | None, n: int, *, none_named_met: bool = False) -> np.ndarray:
    """1.0 yes, 0.0 no, NaN not given."""
    if series is None:
        return np.full(n, np.nan)
    if series.dtype == bool:
        return series.to_numpy(dtype=float)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float)
        return np.where(np.isnan(values), np.nan, (values != 0).astype(float))
    return _per_unique(series, lambda value: _tristate_value(value, none_named_met))


def flag(series: pd.Series | None, n: int) -> np.ndarray:
    """True where yes; not given counts as no."""
    return tristate(series, n) == 1.0


def numeric(series: pd.Series | None, n: int) -> np.ndarray:
    if series is None:
        return np.full(n, np.nan)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)

    def convert(value) -> float:
        if isinstance(value, str):
            value = value.strip().replace("%", "").replace(",", ".")
        try:
            return float(value)
        except (TypeError, ValueError):
            return np.nan

    return _per_unique(series, convert)


def dates(series: pd.Series | None, n: int) -> np.ndarray:
    """datetime64[D]; NaT where not given."""
    if series is None:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    converted = pd.to_datetime(series, errors="coerce")
    return converted.to_numpy(dtype="datetime64[D]")


def _code(vocabulary: str, value) -> str | None:
    if not isinstance(value, str):
        return None
    codes = vocab.vocabularies()[vocabulary]
    if value in codes:
        return value
    return vocab.code_of(vocabulary, value)


def level_ranks(series: pd.Series | None, n: int) -> np.ndarray:
    """Rank of a level code or spelling (1 = HTXSNV … 4 = KHTNV), 0 = none."""
    if series is None:
        return np.zeros(n, dtype=np.int64)
    order = {code: vocab.rank("levels", code) for code in vocab.ranked("levels")}

    def convert(value) -> float:
        code = _code("levels", value)
        return float(order[code]) if code else 0.0

    return np.nan_to_num(_per_unique(series, convert), nan=0).astype(np.int64)


def form_ranks(series: pd.Series | None, n: int) -> np.ndarray:
    """Rank of a discipline form (1 = khiển trách … 4 = khai trừ); an unknown non-empty form
    counts as rank 1 (some discipline was given); NaN = none."""
    if series is None:
        return np.full(n, np.nan)

    def convert(value) -> float:
        if isinstance(value, str) and not value.strip():
            return np.nan
        code = _code("discipline_forms", value)
        return float(form_rank(code)) if code else 1.0

    return _per_unique(series, convert)


def field_values(df: pd.DataFrame, subject: str) -> dict[str, np.ndarray]:
    """Every rule field of the subject ("members" / "organizations") the frame gives."""
    n = len(df)
    out: dict[str, np.ndarray] = {}
    for name, info in fields().items():
        if info["subject"] not in ("both", subject) or name not in df.columns:
            continue
        kind = info["kind"]
        if kind == "bool":
            out[name] = tristate(df[name], n, none_named_met=name in none_named_fields())
        elif kind == "form":
            out[name] = form_ranks(df[name], n)
        else:
            out[name] = numeric(df[name], n)
    nan = np.full(n, np.nan)
    completed = out.get("tasks_completed_pct", nan)
    if "tasks_not_completed_pct" in out or "tasks_completed_pct" in out:
        given = out.get("tasks_not_completed_pct", nan)
        out["tasks_not_completed_pct"] = np.where(np.isnan(given), 100.0 - completed, given)
    if "tasks_late_pct" in out:
        on_time = out.get("tasks_on_time", nan)
        with np.errstate(invalid="ignore"):
            late = out["tasks_late_pct"] > 0
        out["tasks_on_time"] = np.where(np.isnan(on_time) & late, 0.0, on_time)
    if "leadership_member_disciplined" in out:
        trigger = out["leadership_member_disciplined"] == 1.0
        block = out.get("leadership_member_any_discipline", nan)
        out["leadership_member_any_discipline"] = np.where(np.isnan(block) & trigger, 1.0, block)
    return out


def score(df: pd.DataFrame) -> np.ndarray:
    n = len(df)
    total = numeric(column(df, "score"), n)
    parts = numeric(column(df, "general_score"), n) + numeric(column(df, "task_score"), n)
    return np.where(np.isnan(total), parts, total)
