"""`tcxd classify`: rate every member and organisation of a period under the rules in force.

The database side of the rating engine (`tcxd.rating`, pure): gather the inputs set-wise
(members on the rating date from the history, their evaluation rows, the tree), run the engine,
and replace the period's results in one transaction. Running it twice gives the same results.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

from tcxd.core import vocab
from tcxd.core.errors import UnknownUnitError, UserInputError
from tcxd.core.periods import Period, short_date
from tcxd.core.text import fold
from tcxd.db import history
from tcxd.db.bulk import read_frame
from tcxd.db.models import (
    MEMBER_EVALUATION_COLUMNS,
    ORGANIZATION_EVALUATION_COLUMNS,
)
from tcxd.db.province import load_province
from tcxd.db.units import OrgIndex
from tcxd.rating.halves import rate_members_in_two
from tcxd.rating.organizations import rate_organizations
from tcxd.rating.quarters import apply_quarter_link
from tcxd.rating.rules.loader import RuleSet, load_rules
from tcxd.rating.store import store

RATED_ORG_TYPES = vocab.rated_org_types()


@dataclass
class ClassifyResult:
    period: Period
    ruleset: RuleSet
    members: pd.DataFrame  # engine output + district_id, tccsd_id, org_id
    organizations: pd.DataFrame
    # members on the rating date per district (the report's D): some have no evaluation, hence
    # no result, so the two counts differ by the members check 4 lists
    on_date: dict[int, int] = field(default_factory=dict)


def rules_for(engine: Engine, year: int, rules_file: Path | None = None) -> RuleSet:
    """The rule set of a rating year, with the province's file (or `--rules`) merged in."""
    override = rules_file or load_province(engine).get("rules_file")
    return load_rules(year, override=override)  # a RuleError is a ConfigError


def classify(
    engine: Engine,
    year: int,
    quarter: int | None = None,
    rules_file: Path | None = None,
    unit: str | None = None,
) -> ClassifyResult:
    period = Period.parse(f"q{quarter}" if quarter else "year", year)
    stored_quarter = quarter or 0
    ruleset = rules_for(engine, year, rules_file)
    with _no_cycle_collection():
        results, org_results, on_date = _rate(engine, period, stored_quarter, ruleset, unit)
        store(engine, year, stored_quarter, results, org_results, whole=unit is None)
    return ClassifyResult(period, ruleset, results, org_results, on_date)


def _rate(
    engine: Engine, period: Period, stored_quarter: int, ruleset: RuleSet, unit: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, int]]:
    """The members' and organisations' results of the period, and the members on its date per
    district (`--unit`: of that district only), read in one snapshot of the database."""
    year = period.year
    with engine.connect() as conn:
        refuse_unratable(conn, period, stored_quarter)
        tree = history.tree_on(conn, period.end)
        district = _unit_filter(conn, unit)
        members, on_date = _member_inputs(conn, period, stored_quarter, tree, ruleset)
        members = _leaders_and_violations(conn, members, period, stored_quarter)
        if district is not None:
            members = members[members["district_id"] == district]
            on_date = {district: on_date.get(district, 0)}
        results = rate_members_in_two(
            members,
            ruleset,
            period.end,
            period_start=period.start,
            # the forked process must not close (or use) this process's connections
            child_start=lambda: engine.dispose(close=False),
        )
        results = results.merge(
            members[["member_id", "org_id", "tccsd_id", "district_id"]], on="member_id", how="left"
        )
        if not stored_quarter:
            results = _quarter_link(conn, results, year, ruleset)
        orgs = _org_inputs(conn, period, stored_quarter, tree)
        if district is not None:
            orgs = orgs[(orgs["district_id"] == district) | (orgs["org_id"] == district)]
        member_links = results.rename(columns={"org_id": "chi_bo_id"})[
            ["member_id", "chi_bo_id", "level", "status"]
        ]
        org_results = rate_organizations(orgs, member_links, ruleset, period.start, period.end)
        org_results = org_results.merge(orgs[["org_id", "district_id"]], on="org_id", how="left")
    return results, org_results, on_date


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The garbage collector's cycle search off while classify runs: a large province makes
    millions of objects without cycles (the driver's rows, texts, tuples to bind), and the search
    ran over the whole growing heap again and again (0.7 s of 19 s CPU on 500,000 members).
    Whatever cycles the run leaves are found after it, by the next search."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def refuse_unratable(conn: Connection, period: Period, quarter: int) -> None:
    """A period that has not begun, or of which no evaluation has been imported, is not rated:
    the rule set of its year would rate nothing but the members the rules leave out."""
    label = f"{period.label[0].lower()}{period.label[1:]}"
    today = _today()
    if period.start > today:
        raise UserInputError(
            f"Chưa xếp loại được {label}: kỳ này chưa bắt đầu (hôm nay là {short_date(today)})."
        )
    found = conn.execute(
        text("SELECT 1 FROM member_evaluation WHERE year = :y AND quarter = :q LIMIT 1"),
        {"y": period.year, "q": quarter},
    ).first()
    if found is None:
        raise UserInputError(
            f"Chưa xếp loại được {label}: cơ sở dữ liệu chưa có kết quả đánh giá đảng viên nào "
            f"của kỳ này. Nhập các tệp kết quả đánh giá trước (tcxd import <thư mục>)."
        )


def rule_basis(ruleset: RuleSet, year: int) -> str:
    """Which rule set rates `year`, and why: the years it applies to (rules.md)."""
    first, last = ruleset.applies_to_years
    span = f"từ năm {first}" if last is None else f"các năm {first}–{last}"
    return (
        f"Áp dụng {ruleset.title} (bản {ruleset.version}) vì quy định này dùng cho năm xếp loại "
        f"{span}, trong đó có năm {year}."
    )


def _unit_filter(conn: Connection, unit: str | None) -> int | None:
    if unit is None:
        return None
    found = OrgIndex.load(conn).find(unit)
    if found is None:
        raise UnknownUnitError(f'Không tìm thấy đảng bộ cấp trên cơ sở "{unit}".')
    return found


def _member_inputs(
    conn, period: Period, quarter: int, tree: pd.DataFrame, ruleset
) -> tuple[pd.DataFrame, dict[int, int]]:
    """Members on the rating date with their status, current admission date and evaluation,
    and the number of members on that date per district."""
    members = history.members_on(conn, period.end)
    places = tree.set_index("org_id")[["tccsd_id", "district_id"]]
    members = members.join(places, on="org_id")
    placed = members["district_id"].dropna().astype(int)
    on_date = {int(k): int(v) for k, v in placed.value_counts().items()}
    people = read_frame(conn, "SELECT id AS member_id, card_number, admitted_on FROM member")
    readmitted = read_frame(
        conn,
        "SELECT member_id, MAX(event_on) AS readmitted_on FROM membership_event "
        "WHERE kind IN ('admitted', 'readmitted') GROUP BY member_id",
    )
    people = people.merge(readmitted, on="member_id", how="left")
    # The current admission: a readmission restarts the "too recent to rate" clock.
    admitted = pd.to_datetime(people["admitted_on"], errors="coerce")
    latest = pd.to_datetime(people["readmitted_on"], errors="coerce")
    people["admitted_on"] = latest.where(latest.notna() & (latest > admitted), admitted).dt.date
    evaluation_columns = ", ".join(["member_id", *MEMBER_EVALUATION_COLUMNS])
    evaluations = read_frame(
        conn,
        f"SELECT {evaluation_columns} FROM member_evaluation WHERE year = :y AND quarter = :q",
        {"y": period.year, "q": quarter},
    )
    frame = members.merge(
        people[["member_id", "card_number", "admitted_on"]], on="member_id", how="left"
    )
    evaluated = frame["member_id"].isin(evaluations["member_id"])
    # Rated: members with an evaluation, and those the rules leave out anyway (their reason is
    # worth recording). Members with neither stay unrated and are listed by the checks.
    threshold = pd.Timestamp(period.end) - pd.DateOffset(
        months=ruleset.members.admitted_within_months
    )
    too_new = pd.to_datetime(frame["admitted_on"], errors="coerce") > threshold
    keep = evaluated | frame["exempt"] | frame["suspended"] | too_new.fillna(False)
    frame = frame[keep].reset_index(drop=True)
    frame = _with_evaluations(frame, evaluations, some_missing=not evaluated.all())
    frame["chi_bo_id"] = frame["org_id"]
    frame["outstanding_pool"] = _outstanding(frame["tccsd_id"], tree, ruleset)
    for column in ("discipline_on",):
        frame[column] = pd.to_datetime(frame[column], errors="coerce").dt.date
    return frame, on_date


def _with_evaluations(
    frame: pd.DataFrame, evaluations: pd.DataFrame, some_missing: bool
) -> pd.DataFrame:
    """The members kept, each with the columns of their evaluation row (one per member and
    period), empty where they have none. Joined after the members were chosen, so that only
    those rows are copied; the columns get the types a join of every member on the date gives
    (`some_missing`: a member has no evaluation, so whole-number and yes/no columns hold gaps),
    which the engine's conversions and the inputs' texts go by."""
    joined = frame.merge(evaluations, on="member_id", how="left")
    if some_missing:
        with_gaps = evaluations.iloc[:0].reindex([0]).dtypes  # one row, every value missing
        for name in evaluations.columns.drop("member_id"):
            if joined[name].dtype != with_gaps[name]:
                joined[name] = joined[name].astype(with_gaps[name])
    return joined


LED_UNIT_FIELDS = {
    "led_unit_tasks_completed_pct": "tasks_completed_pct",
    "led_unit_tasks_on_time": "tasks_on_time",
    "led_unit_tasks_exceeding_pct": "tasks_exceeding_pct",
    "led_unit_tasks_late_pct": "tasks_late_pct",
}


def _leaders_and_violations(
    conn: Connection, members: pd.DataFrame, period: Period, quarter: int
) -> pd.DataFrame:
    """Two inputs the evaluation file names by unit:
    - `led_unit` (the unit a leader leads): its task figures from its own evaluation fill the
      leader's `led_unit_*` inputs the member's row leaves empty (QĐ 366 Điều 11: a leader is
      held to the conditions of the unit they lead);
    - `violation_unit`: a violation at a unit other than the member's chi bộ, TCCSĐ or district
      (or at one the database does not know) is `violation_elsewhere` (HD 43)."""
    names = [c for c in ("led_unit", "violation_unit") if c in members.columns]
    if not names or members[names].isna().all().all():
        return members
    index = OrgIndex.load(conn)
    found: dict[str, int | None] = {}

    def resolve(values: pd.Series) -> pd.Series:
        for value in values.dropna().unique():
            if value not in found:
                found[value] = index.find(str(value))
        return values.map(found).astype("Int64")

    out = members.copy(deep=False)  # columns replaced, not written into
    if out["violation_unit"].notna().any():
        place = resolve(out["violation_unit"])
        own = np.zeros(len(out), dtype=bool)
        for column in ("org_id", "tccsd_id", "district_id"):
            own |= place.to_numpy(dtype=float) == out[column].to_numpy(dtype=float)
        out["violation_elsewhere"] = out["violation_unit"].notna().to_numpy() & ~own
    if out["led_unit"].notna().any():
        # naming the unit one leads says one is a leader, when the leader column is empty
        named = out["led_unit"].notna() & out["leader"].isna()
        out["leader"] = out["leader"].astype(object).where(~named, True)
        out["led_org_id"] = resolve(out["led_unit"])
        columns = ", ".join(["org_id", *LED_UNIT_FIELDS.values()])
        unit_figures = read_frame(
            conn,
            f"SELECT {columns} FROM organization_evaluation WHERE year = :y AND quarter = :q",
            {"y": period.year, "q": quarter},
        )
        # one evaluation per unit and period: looked up, not joined (a join copies every column)
        led = unit_figures.set_index(unit_figures["org_id"].astype("Int64")).reindex(
            out["led_org_id"]
        )
        for mine, theirs in LED_UNIT_FIELDS.items():
            out[mine] = out[mine].astype(object).where(out[mine].notna(), led[theirs].to_numpy())
    return out


def _outstanding(pools: pd.Series, tree: pd.DataFrame, ruleset: RuleSet) -> pd.Series:
    """Pools the province declared outstanding (cap ratio 25 %), named in its rule file."""
    names = {fold(n) for n in ruleset.members.cap.outstanding_units}
    if not names:
        return pd.Series(False, index=pools.index)
    outstanding = set(tree.loc[tree["name"].map(fold).isin(names), "org_id"])
    return pools.isin(outstanding)


def _quarter_link(conn, results: pd.DataFrame, year: int, ruleset: RuleSet) -> pd.DataFrame:
    quarters = read_frame(
        conn,
        "SELECT member_id, quarter, level, status FROM member_rating "
        "WHERE year = :y AND quarter > 0",
        {"y": year},
    )
    if quarters.empty:
        return results
    return apply_quarter_link(results, quarters, ruleset)


def _org_inputs(conn, period: Period, quarter: int, tree: pd.DataFrame) -> pd.DataFrame:
    orgs = tree[tree["org_type"].isin(RATED_ORG_TYPES)].copy()
    columns = ", ".join(["org_id", *ORGANIZATION_EVALUATION_COLUMNS])
    evaluations = read_frame(
        conn,
        f"SELECT {columns} FROM organization_evaluation WHERE year = :y AND quarter = :q",
        {"y": period.year, "q": quarter},
    )
    orgs = orgs.merge(evaluations, on="org_id", how="left")
    for column in ("founded_on", "dissolved_on"):
        orgs[column] = pd.to_datetime(orgs[column], errors="coerce").dt.date
    orgs["parent_id"] = orgs["parent_id"].astype(object).where(orgs["parent_id"].notna(), None)
    return orgs.reset_index(drop=True)


def summary(result: ClassifyResult, names: dict[int, str]) -> list[dict]:
    """Per district: counts per level, not reviewed, needs a decision, lowered by the cap."""
    members = result.members
    rows = []
    for district_id, group in members.groupby("district_id", dropna=False):
        row = {
            "district": names.get(district_id, "(không rõ)"),
            "on_date": result.on_date.get(district_id, 0) if district_id == district_id else 0,
            "total": len(group),
        }
        final = group["level"].where(group["status"] == "rated")  # pending: not a level yet
        for level in vocab.ranked("levels"):
            row[level] = int((final == level).sum())
        row["not_reviewed"] = int((group["status"] == "not_reviewed").sum())
        row["needs_decision"] = int((group["status"] == "needs_decision").sum())
        row["capped"] = int(group["capped"].eq(True).sum())
        rows.append(row)
    return sorted(rows, key=lambda r: r["district"])


def _today() -> date:
    return date.today()
