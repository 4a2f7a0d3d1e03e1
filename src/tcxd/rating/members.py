"""Rate party members (rules.md, "Members"): pure, on a DataFrame, set-based.

Input columns (absent columns mean "not given" for everyone):
  member_id, card_number, pool_id | tccsd_id | chi_bo_id | district_id (the cap pool, per
  `cap.pool`: the specific column wins over pool_id), exempt, suspended, not_reviewed (other
  reason given by the caller), admitted_on, leader, score, general_score, task_score,
  discipline (code or Vietnamese spelling), discipline_on, discipline_duty_related,
  proposed_level, decided_level, outstanding_pool, and every rule field of rules/texts.yaml
  (tasks_completed_pct, tasks_on_time, tasks_exceeding_pct, tasks_late_pct,
  tasks_not_completed_pct, prior_shortcomings_fixed, degradation_concluded,
  forbidden_acts_violation, example_duty_violation, self_reported_remedied,
  led_unit_tasks_completed_pct, led_units_kht_share — percentages are 0–100).
Output: one row per input row, in the input order; see `OUTPUT_COLUMNS`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tcxd.rating import prepare as P
from tcxd.rating import reasons as R
from tcxd.rating.engine import (
    DECISION_COLUMNS,
    TRAIL_COLUMNS,
    Frame,
    Subject,
    pool_label,
    run,
)
from tcxd.rating.rules.conditions import fields as field_info
from tcxd.rating.rules.loader import RuleSet

POOL_COLUMNS = {"tccsd": "tccsd_id", "chi_bo": "chi_bo_id", "district": "district_id"}
OUTPUT_COLUMNS = ["member_id", "pool_id", *DECISION_COLUMNS, *TRAIL_COLUMNS]
_STATUS_KEYS = {
    "admitted_on": "new",
    "exempt": "exempt",
    "suspended": "suspended",
    "not_reviewed": "other",
}
_INPUT_KEYS = [
    ("admitted_on", "date"),
    ("exempt", "bool"),
    ("suspended", "bool"),
    ("not_reviewed", "bool"),
    ("leader", "bool"),
    ("discipline", "text"),
    ("discipline_on", "date"),
    ("discipline_duty_related", "bool"),
    ("proposed_level", "text"),
    ("decided_level", "text"),
    ("outstanding_pool", "bool"),
    ("violation_year", "number"),
    ("violation_unit", "text"),
    ("led_unit", "text"),
]


def rating_threshold(period_end: date, months: int) -> pd.Timestamp:
    """Admitted (or founded) after this day: too recent to be rated on `period_end`.
    Calendar months back from the rating date, clamped to the month's end:
    31/12/2025 − 6 months = 30/6/2025; 31/3/2026 − 6 months = 30/9/2025."""
    return pd.Timestamp(period_end) - pd.DateOffset(months=months)


def rate_members(
    frame: pd.DataFrame,
    ruleset: RuleSet,
    period_end: date,
    *,
    period_start: date | None = None,
) -> pd.DataFrame:
    """Rate every row of `frame` for the period ending `period_end` (the rating date).
    `period_start` (default 1/1 of the rating date's year) bounds "disciplined in the period"."""
    rules = ruleset.members
    df = frame.reset_index(drop=True)
    n = len(df)
    end = pd.Timestamp(period_end)
    start = pd.Timestamp(period_start) if period_start else pd.Timestamp(end.year, 1, 1)

    # step 1: not reviewed
    exempt = P.flag(P.column(df, "exempt"), n) & rules.exempt
    suspended = P.flag(P.column(df, "suspended"), n) & rules.suspended
    other = P.flag(P.column(df, "not_reviewed"), n)
    admitted = P.dates(P.column(df, "admitted_on"), n)
    threshold = rating_threshold(period_end, rules.admitted_within_months)
    new = admitted > np.datetime64(threshold.date(), "D")
    cause = np.full(n, None, dtype=object)
    cause[other] = "other"
    cause[new] = "new"
    cause[suspended] = "suspended"
    cause[exempt] = "exempt"
    not_reviewed = cause != None  # noqa: E711 (object array)
    nr_text = R.empty(n)
    R.put(nr_text, cause == "exempt", "Miễn công tác và sinh hoạt đảng")
    R.put(nr_text, cause == "suspended", "Đình chỉ sinh hoạt đảng")
    R.put(
        nr_text,
        cause == "new",
        "Kết nạp ngày ",
        R.dates(admitted),
        f", chưa đủ {rules.admitted_within_months} tháng đến ngày xếp loại "
        f"{R.format_date(end)} (kết nạp sau {R.format_date(threshold)})",
    )
    R.put(nr_text, cause == "other", "Không thuộc diện đánh giá, xếp loại (theo tệp)")

    # inputs of the rules
    fields = P.field_values(df, "members")
    discipline = P.form_ranks(P.column(df, "discipline"), n)
    discipline_on = P.dates(P.column(df, "discipline_on"), n)
    start_d, end_d = np.datetime64(start.date(), "D"), np.datetime64(end.date(), "D")
    in_period = np.isnat(discipline_on) | ((discipline_on >= start_d) & (discipline_on <= end_d))
    duty = P.tristate(P.column(df, "discipline_duty_related"), n)
    duty_related = np.where(np.isnan(duty), rules.discipline_duty_related_default, duty == 1.0)
    fields["discipline_in_period"] = np.where(in_period & duty_related, discipline, np.nan)

    earlier, earlier_text = _earlier_violation(df, n, start)

    pool_column = POOL_COLUMNS[rules.cap.pool]
    pool_series = P.column(df, pool_column)
    if pool_series is None:
        pool_series = P.column(df, "pool_id")
    pool = (
        pool_series.to_numpy(dtype=object)
        if pool_series is not None
        else np.full(n, None, dtype=object)
    )
    outstanding = P.flag(P.column(df, "outstanding_pool"), n)
    if rules.cap.outstanding_units:
        units = set(rules.cap.outstanding_units)
        outstanding |= pd.Series(pool, dtype=object).astype(str).isin(units).to_numpy()
    member_id = P.column(df, "member_id")
    ids = member_id.to_numpy(dtype=object) if member_id is not None else np.arange(n).astype(object)
    card = P.column(df, "card_number")
    cards = card.to_numpy(dtype=object) if card is not None else np.full(n, None, dtype=object)

    engine_frame = Frame(
        n=n,
        score=P.score(df),
        fields=fields,
        leader=P.flag(P.column(df, "leader"), n),
        self_reported=fields.get("self_reported_remedied", np.full(n, np.nan)) == 1.0,
        decided=P.level_ranks(P.column(df, "decided_level"), n),
        proposed=P.level_ranks(P.column(df, "proposed_level"), n),
        pool=pool,
        outstanding=outstanding,
        tie_keys=(cards, ids),
        not_reviewed=not_reviewed,
        not_reviewed_text=nr_text,
        discipline_on=discipline_on,
        earlier_violation=earlier,
        earlier_violation_text=earlier_text,
        inputs=_inputs(df, n, cause),
    )
    subject = Subject(
        pool_label=pool_label(rules.cap.pool),
        unit_word="người",
        tie_note="tạm tính giữ người có số thẻ đảng viên nhỏ hơn",
        proposed_label="Tự xếp loại/chi bộ đề xuất",
    )
    out = run(engine_frame, rules, ruleset, subject)
    out["member_id"] = ids
    out["pool_id"] = pool
    out["not_reviewed_cause"] = cause
    return pd.DataFrame({name: out[name] for name in OUTPUT_COLUMNS})


def _earlier_violation(
    df: pd.DataFrame, n: int, start: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """Disciplined now for a violation of an earlier year (`violation_year` before the period's
    year) or at a previous unit (`violation_elsewhere`, decided by the caller from
    `violation_unit`): HD 43 leaves such a result to the competent level. Returns the flag and
    the reason's words."""
    year = P.numeric(P.column(df, "violation_year"), n)
    with np.errstate(invalid="ignore"):
        earlier_year = year < start.year
    elsewhere = P.flag(P.column(df, "violation_elsewhere"), n)
    unit = P.column(df, "violation_unit")
    units = (
        unit.fillna("").astype(str).to_numpy(dtype=object)
        if unit is not None
        else np.full(n, "", dtype=object)
    )
    text = R.empty(n)
    R.put(text, earlier_year, "vi phạm xảy ra năm ", R.numbers(year), ", trước kỳ xếp loại")
    place = R.empty(n)
    R.put(place, elsewhere, "vi phạm xảy ra tại đơn vị cũ")
    R.put(place, elsewhere & (units != ""), place, " (", units, ")")
    text = R.join([text, place], ", ")
    return earlier_year | elsewhere, text


def _inputs(df: pd.DataFrame, n: int, cause: np.ndarray) -> list[tuple[str, np.ndarray, str]]:
    """The inputs the rules read, for the inputs JSON. Membership facts (admitted_on, exempt,
    suspended, not_reviewed) are kept only where they made the member not reviewed."""
    columns: list[tuple[str, np.ndarray, str]] = []
    for key, kind in _INPUT_KEYS:
        if key not in df.columns:
            continue
        series = df[key]
        if key in _STATUS_KEYS:
            values = P.dates(series, n) if kind == "date" else P.tristate(series, n)
            keep = cause == _STATUS_KEYS[key]
            if kind == "date":
                values = np.where(keep, values, np.datetime64("NaT"))
            else:
                values = np.where(keep, values, np.nan)
        elif kind == "date":
            values = P.dates(series, n)
        elif kind == "bool":
            values = P.tristate(series, n)
        elif kind == "number":
            values = P.numeric(series, n)
        else:
            values = series.to_numpy(dtype=object)
        columns.append((key, values, kind))
    for name, info in field_info().items():
        if name in df.columns and info["kind"] != "form":
            if info["kind"] == "bool":
                columns.append((name, P.tristate(df[name], n), "bool"))
            else:
                columns.append((name, P.numeric(df[name], n), "number"))
    return columns
