"""Quarterly ratings and their link to the year's (rules.md, "Quarterly rating").

A quarter is rated by the same engine with the quarter as the period:
`rate_members(frame, ruleset, quarter_end, period_start=quarter_start)`.
The year's reason lists the member's quarter results (QĐ 366 Điều 15). With
`annual_from_quarters: any_kht_quarter_blocks_htxs` (a province's own rule), `apply_quarter_link`
lowers the year's HTXSNV of anyone with a KHTNV quarter to HTTNV. It runs after the year's cap:
the cap is not re-run (lowering only ever takes people out of HTXSNV, so no pool can go over its
cap), and the room it frees is not given to anyone else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tcxd.rating import reasons as R
from tcxd.rating.rules.loader import RuleSet

BLOCKING = "any_kht_quarter_blocks_htxs"
NEEDS_DECISION = "any_kht_quarter_needs_decision"
QUARTER_NAMES = {1: "quý I", 2: "quý II", 3: "quý III", 4: "quý IV"}


def quarter_bounds(year: int, quarter: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a quarter: q1 = 1/1–31/3 … q4 = 1/10–31/12."""
    start = pd.Timestamp(year, 3 * (quarter - 1) + 1, 1)
    end = start + pd.offsets.QuarterEnd(0)
    return start, end


def quarter_texts(quarter_results: pd.DataFrame, id_column: str = "member_id") -> pd.Series:
    """Per id: "kết quả các quý: quý I HTTNV, quý II HTXSNV" (QĐ 366 Điều 15: the quarters feed
    the year, so the year's reason shows them). A quarter without a level says why."""
    if "quarter" not in quarter_results.columns or quarter_results.empty:
        return pd.Series(dtype=object)
    rows = quarter_results.sort_values([id_column, "quarter"])
    level = rows["level"].astype(object).where(rows["level"].notna(), None)
    status = rows["status"] if "status" in rows.columns else pd.Series("rated", index=rows.index)
    shown = np.where(
        pd.notna(level),
        level.astype(str),
        np.where(status == "needs_decision", "chờ quyết định", "không xếp loại"),
    )
    names = rows["quarter"].astype(int).map(QUARTER_NAMES).fillna("quý ?")
    pieces = (names + " " + shown).to_numpy(dtype=object)
    grouped = pd.Series(pieces, index=rows[id_column].to_numpy()).groupby(level=0, sort=False)
    return "kết quả các quý: " + grouped.agg(", ".join)


def apply_quarter_link(
    year_results: pd.DataFrame,
    quarter_results: pd.DataFrame,
    ruleset: RuleSet | None = None,
    *,
    id_column: str = "member_id",
) -> pd.DataFrame:
    """Year results with the quarter results in the reason (`show_quarters`) and the link the
    province chose (`annual_from_quarters`): `any_kht_quarter_blocks_htxs` lowers HTXSNV to
    HTTNV for those with a KHTNV quarter; `any_kht_quarter_needs_decision` leaves their result
    to the competent level. Both are a province's own rules, and the reason says so.

    quarter_results: `id_column`, `level`, and optionally `quarter` (1–4) and `status`.
    Adds `quarter_blocked` (bool)."""
    out = year_results.copy()
    out["quarter_blocked"] = False
    if ruleset is None or ruleset.show_quarters:
        texts = out[id_column].map(quarter_texts(quarter_results, id_column))
        has = texts.notna().to_numpy()
        if has.any():
            out.loc[has, "reason"] = (
                out.loc[has, "reason"].to_numpy(dtype=object)
                + "; "
                + texts[has].to_numpy(dtype=object)
            )
    link = BLOCKING if ruleset is None else ruleset.annual_from_quarters
    if link not in (BLOCKING, NEEDS_DECISION):
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
    which = out[id_column].map(named).fillna("").to_numpy(dtype=object)
    note = np.where(which != "", "quý " + which, "một quý").astype(object)
    province = "theo quy định của tỉnh: có "
    if link == NEEDS_DECISION:
        pending = has_kht & (out["status"] == "rated").to_numpy() & pd.isna(out["decided_level"])
        pending &= pd.notna(out["computed_level"]).to_numpy()
        if pending.any():
            out.loc[pending, "status"] = "needs_decision"
            out.loc[pending, "needs_decision_cause"] = "quarter_kht"
            out.loc[pending, "reason"] = (
                out.loc[pending, "reason"].to_numpy(dtype=object)
                + "; "
                + province
                + note[pending]
                + " xếp loại Không hoàn thành nhiệm vụ → Cấp có thẩm quyền xem xét, quyết định"
            )
        return out
    blocked = has_kht & (out["computed_level"] == "HTXSNV").to_numpy()
    if not blocked.any():
        return out
    out.loc[blocked, "computed_level"] = "HTTNV"
    decided = out["decided_level"].to_numpy(dtype=object)
    out.loc[blocked, "level"] = np.where(pd.notna(decided[blocked]), decided[blocked], "HTTNV")
    out.loc[blocked, "differs"] = pd.notna(decided[blocked]) & (decided[blocked] != "HTTNV")
    label = R.level_labels()[2]
    out.loc[blocked, "reason"] = (
        out.loc[blocked, "reason"].to_numpy(dtype=object)
        + "; "
        + province
        + note[blocked]
        + " xếp loại Không hoàn thành nhiệm vụ nên cả năm không được Hoàn thành xuất sắc "
        + "nhiệm vụ → "
        + label
    )
    out.loc[blocked, "quarter_blocked"] = True
    return out
