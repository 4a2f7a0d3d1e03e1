"""Quarterly ratings and their link to the year's (rules.md, "Quarterly rating").

A quarter is rated by the same engine with the quarter as the period:
`rate_members(frame, ruleset, quarter_end, period_start=quarter_start)`.
With `annual_from_quarters: any_kht_quarter_blocks_htxs`, `apply_quarter_link` lowers the year's
HTXSNV of anyone with a KHTNV quarter to HTTNV. It runs after the year's cap: the cap is not
re-run (lowering only ever takes people out of HTXSNV, so no pool can go over its cap), and the
room it frees is not given to anyone else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tcxd.rating import reasons as R
from tcxd.rating.rules.loader import RuleSet

BLOCKING = "any_kht_quarter_blocks_htxs"


def quarter_bounds(year: int, quarter: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a quarter: q1 = 1/1–31/3 … q4 = 1/10–31/12."""
    start = pd.Timestamp(year, 3 * (quarter - 1) + 1, 1)
    end = start + pd.offsets.QuarterEnd(0)
    return start, end


def apply_quarter_link(
    year_results: pd.DataFrame,
    quarter_results: pd.DataFrame,
    ruleset: RuleSet | None = None,
    *,
    id_column: str = "member_id",
) -> pd.DataFrame:
    """Year results with HTXSNV lowered to HTTNV for those with a KHTNV quarter.

    quarter_results: `id_column`, `level`, and optionally `quarter` (1–4, named in the reason).
    With a rule set whose `annual_from_quarters` is `none`, the year results come back unchanged.
    Adds `quarter_blocked` (bool)."""
    out = year_results.copy()
    out["quarter_blocked"] = False
    if ruleset is not None and ruleset.annual_from_quarters != BLOCKING:
        return out
    kht = quarter_results[quarter_results["level"] == "KHTNV"]
    if "quarter" in kht.columns:
        named = (
            kht.assign(q=kht["quarter"].astype("Int64").astype(str))
            .groupby(id_column, sort=False)["q"]
            .agg(lambda qs: ", ".join(sorted(set(qs))))
        )
    else:
        named = pd.Series("", index=pd.Index(kht[id_column].unique()))
    has_kht = out[id_column].isin(named.index).to_numpy()
    blocked = has_kht & (out["computed_level"] == "HTXSNV").to_numpy()
    if not blocked.any():
        return out
    which = out.loc[blocked, id_column].map(named).fillna("").to_numpy(dtype=object)
    note = np.where(which != "", "quý " + which, "một quý").astype(object)
    out.loc[blocked, "computed_level"] = "HTTNV"
    decided = out["decided_level"].to_numpy(dtype=object)
    out.loc[blocked, "level"] = np.where(pd.notna(decided[blocked]), decided[blocked], "HTTNV")
    out.loc[blocked, "differs"] = pd.notna(decided[blocked]) & (decided[blocked] != "HTTNV")
    label = R.level_labels()[2]
    out.loc[blocked, "reason"] = (
        out.loc[blocked, "reason"].to_numpy(dtype=object)
        + "; có "
        + note
        + " xếp loại Không hoàn thành nhiệm vụ nên cả năm không được Hoàn thành xuất sắc "
        + "nhiệm vụ → "
        + label
    )
    out.loc[blocked, "quarter_blocked"] = True
    return out
