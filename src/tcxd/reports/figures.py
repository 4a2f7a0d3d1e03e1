"""Figures of the roll-up forms, counted from the membership history (docs/figures.md).

`PeriodFigures(conn, period)` loads, once per period, every member on the period's dates and
every flow inside it, for the whole province, as pandas frames tagged with the TCCSĐ and the
district each row belongs to (as the tree stood on that date). `forms(scope)` then filters by
the unit and counts: no query per unit, no loop per member.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from tcxd.core import vocab
from tcxd.core.coerce import as_date
from tcxd.core.periods import Period
from tcxd.core.text import fold
from tcxd.db import history
from tcxd.db.bulk import read_frame
from tcxd.db.coverage import batches_covering
from tcxd.reports.forms import (
    TWIN_FORMS,
    age_band,
    attribute_mappings,
    degree_code,
    joined_band,
    occupation_code,
    place_row_kinds,
    private_business_owner,
    school_code,
    theory_code,
    title_code,
    unknown_code,
)
from tcxd.reports.forms import (
    empty_forms as _build_empty_forms,
)

IN_CODES = {"admitted": "B1", "readmitted": "B1", "reinstated": "B3"}
OUT_CODES = {"died": "C1", "expelled": "C2", "removed": "C3", "resigned": "C4"}
LEVEL_CODES = {
    code: vocab.vocabularies()["levels"][code]["form_key"] for code in vocab.ranked("levels")
}
TCCSD_TYPES = vocab.tccsd_types()
# XL tổ chức: the rows of each type of organisation
ORG_PREFIXES = {
    "dang_bo_co_so": "tccsd",
    "chi_bo_co_so": "tccsd",
    "dang_bo_bo_phan": "dbbp",
    "chi_bo_truc_thuoc": "cbtt",
}
# the member attributes the rows shared by Biểu 2 and 3 read
PEOPLE_COLUMNS = [
    "gender", "ethnicity", "religion", "youth_union", "birth_date", "birth_year",
    "school_level", "degree", "occupation",
]  # fmt: skip
# A district-level committee that is a xã, phường or đặc khu: its offices' staff are commune
# staff in the occupation block (forms/occupations.yaml, `commune`).
COMMUNE_KINDS = ("xa", "phuong", "dac_khu")
COMMITTEE_WORDS = re.compile(r"^(dang bo|dang uy)\s+")
FLOW_CODES = ("B1", "B2a", "B2b", "B3", "C1", "C2", "C3", "C4", "C5a", "C5b")


_EMPTY_FORMS: dict | None = None


def _empty_templates() -> dict:
    """`tcxd.reports.forms.empty_forms()`, built once (it reads the form definitions)."""
    global _EMPTY_FORMS
    if _EMPTY_FORMS is None:
        _EMPTY_FORMS = _build_empty_forms()
    return _EMPTY_FORMS


def empty_forms() -> dict:
    """`tcxd.reports.forms.empty_forms()`: a fresh copy of the templates built once."""
    return _copy_figures(_empty_templates())


def empty_form(name: str) -> dict:
    """The zero-filled figures of one form of `empty_forms()`: a fresh copy of that form only
    (per-unit code asks for templates thousands of times)."""
    return _copy_figures(_empty_templates()[name])


def _copy_figures(figures: dict) -> dict:
    """A copy of a form's figures: nested dicts of numbers and None, copied dict by dict
    (what `copy.deepcopy` makes, without its memo and dispatch per value: the report copies
    forms thousands of times)."""
    return {
        key: _copy_figures(value) if isinstance(value, dict) else value
        for key, value in figures.items()
    }


def _map_distinct(values: pd.Series, function) -> pd.Series:
    """`values.map(function)`, calling `function` once per distinct value (a province has
    500,000 members and a few dozen ethnicities, levels, bands…). One hashing pass
    (`factorize`) finds each row's value; a missing value is None or NaN (NaT), each its
    own value, as `map` keeps them apart."""
    if values.empty:
        return values.map(function)
    codes, uniques = pd.factorize(values)  # missing: -1
    results = [function(value) for value in uniques]
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        codes = codes.copy()
        nulls = values.to_numpy(dtype=object)[missing]
        is_none = np.fromiter((value is None for value in nulls), dtype=bool, count=len(nulls))
        for kind in (is_none, ~is_none):
            if kind.any():
                codes[missing[kind]] = len(results)
                results.append(function(nulls[kind][0]))
    # the results' dtype as `map` infers it from the distinct results
    mapped = pd.Series(results)
    return pd.Series(
        mapped.to_numpy()[codes], index=values.index, name=values.name, dtype=mapped.dtype
    )


@dataclass(frozen=True)
class Scope:
    """The unit a set of figures is for: `level` is province, district or tccsd."""

    level: str
    org_id: int | None = None

    def select(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.level == "province":
            return frame[frame["district_id"].notna()]
        column = "district_id" if self.level == "district" else "tccsd_id"
        return frame[frame[column] == self.org_id]


# what the checks read of every member as stored (check 9's judgement, the names in its rows)
RECORD_COLUMNS = [
    "full_name", "birth_date", "admitted_on", "official_on", "card_number", "citizen_id",
    "batch_id", "source_row",
]  # fmt: skip


def _members(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every member, read once: the attributes the forms count (dates as timestamps) and the
    records the checks read (RECORD_COLUMNS as stored), both indexed by member id."""
    frame = read_frame(
        conn,
        "SELECT id AS member_id, gender, ethnicity, religion, youth_union, birth_date, "
        "birth_year, school_level, degree, theory_level, occupation, admitted_on, official_on, "
        "full_name, card_number, citizen_id, batch_id, source_row, exempt, exempt_on FROM member",
    ).set_index("member_id")
    records = frame[RECORD_COLUMNS]
    attributes = frame.drop(columns=[c for c in RECORD_COLUMNS if c not in DATE_COLUMNS])
    for column in (*DATE_COLUMNS, "exempt_on"):
        attributes[column] = pd.to_datetime(attributes[column], errors="coerce")
    for column in ("youth_union", "exempt"):
        attributes[column] = attributes[column].fillna(False).astype(bool)
    return attributes, records


DATE_COLUMNS = ("birth_date", "admitted_on", "official_on")


def _status_events(conn: Connection) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The exemptions and suspensions (what `history.members_on` joins): for each kind, the
    member ids and the days of its events."""
    frame = read_frame(
        conn,
        "SELECT member_id, kind, event_on FROM membership_event "
        "WHERE kind IN ('exempted', 'suspended')",
    )
    days = pd.to_datetime(frame["event_on"], errors="coerce").to_numpy(dtype="datetime64[D]")
    members = frame["member_id"].to_numpy(dtype="int64")
    kinds = frame["kind"].to_numpy(dtype=object)
    return {
        kind: (members[kinds == kind], days[kinds == kind]) for kind in ("exempted", "suspended")
    }


def _ages(birth_date: pd.Series, birth_year: pd.Series, on: pd.Series | date) -> pd.Series:
    """Completed years on a date; a year-only birth date counts as born on 1 January."""
    year_only = pd.to_datetime(birth_year.astype("Int64").astype(str) + "-01-01", errors="coerce")
    born = birth_date.fillna(year_only)
    on = pd.to_datetime(pd.Series(on, index=born.index) if isinstance(on, date) else on)
    before_birthday = (on.dt.month < born.dt.month) | (
        (on.dt.month == born.dt.month) & (on.dt.day < born.dt.day)
    )
    return on.dt.year - born.dt.year - before_birthday.astype(int)


class History:
    """What every period of a report run reads alike, loaded once and shared by the period and
    the same period last year: the members' attributes, every spell, the members on a date
    (the year's start is the end of the year before) and the tree on a date. Read-only."""

    def __init__(self, conn: Connection):
        self.attributes, self.member_records = _members(conn)
        self.spells = history.spells(conn)
        # the spell dates as numpy days (NaT: open), to find the spells of a date quickly
        self._spell_start = _days(self.spells["start_on"])
        self._spell_end = _days(self.spells["end_on"])
        self._index_order = _date_index_order(self._spell_start, self._spell_end)
        self._events = _status_events(conn)
        self._members: dict[date, pd.DataFrame] = {}
        self.trees: dict[date, pd.DataFrame] = {}

    def members_on(self, conn: Connection, on: date) -> pd.DataFrame:
        """`history.members_on(conn, on)`, made from the spells, members and events in memory
        (three SQL joins over the half-million members cost ≈ 0.7 s a date), once per date (a
        copy: callers add columns). The rows come in the order SQLite returns the query's (its
        plan walks `ix_membership_dates`): the order of rows that sort alike in the checks
        depends on it. PostgreSQL's order was its plan's; this one is as good."""
        if on not in self._members:
            self._members[on] = self._members_on(on)
        return self._members[on].copy()

    def _members_on(self, on: date) -> pd.DataFrame:
        day = np.datetime64(on, "D")
        start, end = self._spell_start, self._spell_end
        open_ = (np.isnat(start) | (start <= day)) & (np.isnat(end) | (end > day))
        positions = self._index_order[open_[self._index_order]]
        member_ids = self.spells["member_id"].to_numpy()[positions].astype("int64")
        members = self.attributes[["official_on", "exempt", "exempt_on"]].reindex(member_ids)
        official = members["official_on"].to_numpy(dtype="datetime64[D]")
        exempt_on = members["exempt_on"].to_numpy(dtype="datetime64[D]")
        exempt = members["exempt"].to_numpy(dtype=bool) & (np.isnat(exempt_on) | (exempt_on <= day))
        exempted, exempted_on = self._events["exempted"]
        exempt |= np.isin(member_ids, exempted[exempted_on <= day])
        suspended, suspended_on = self._events["suspended"]
        in_year = (suspended_on <= day) & (suspended_on >= np.datetime64(date(on.year, 1, 1), "D"))
        return pd.DataFrame(
            {
                "member_id": member_ids,
                "org_id": self.spells["org_id"].to_numpy()[positions].astype("int64"),
                "probationary": np.isnat(official) | (official > day),
                "exempt": exempt,
                "suspended": np.isin(member_ids, suspended[in_year]),
            }
        )

    def spells_dated_in(self, column: str, start: date, end: date) -> np.ndarray:
        """Which spells have `column` (start_on, end_on) within [start, end] (a bool array)."""
        dates = self._spell_start if column == "start_on" else self._spell_end
        return (dates >= np.datetime64(start, "D")) & (dates <= np.datetime64(end, "D"))

    def spells_open_on(self, on: date) -> pd.DataFrame:
        """The spells open at the end of `on`: the rows `history.members_on` lists that day
        (every spell has its member), without reading the database again."""
        day = np.datetime64(on, "D")
        start, end = self._spell_start, self._spell_end
        open_ = (np.isnat(start) | (start <= day)) & (np.isnat(end) | (end > day))
        return self.spells[open_]


class PeriodFigures:
    """Everything the forms of one period need, for every unit at once."""

    def __init__(self, conn: Connection, period: Period, shared: History | None = None):
        self.conn = conn
        self.period = period
        self.shared = shared if shared is not None else History(conn)
        self.attributes = self.shared.attributes
        self.start, self.end = period.start, period.end
        # Per-unit answers are asked for several times (the forms, the by-unit rows, the checks):
        # each is computed once. The frames below are read-only once loaded.
        self._memo: dict[tuple, object] = {}
        self._groups: dict[tuple, dict] = {}
        self._trees = self.shared.trees
        self.change_dates = self._tree_change_dates()
        self.stock_start = self._stock(self.start - timedelta(days=1))
        self.stock_end = self._stock(self.end)
        self.flows = self._flows()
        self._add_pairs()
        self.ratings = self._member_ratings()
        self.org_ratings = self._org_ratings()

    def _cached(self, key: tuple, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def once(self, key: tuple, compute):
        """`compute()` the first time `key` is asked for in this period, then the same object:
        for per-period data that the per-unit code (checks…) would otherwise query per unit.
        Callers must not change what they get."""
        return self._cached(("once", *key), compute)

    # --------------------------------------------------------------- shared with a helper
    def read_ahead(self) -> None:
        """Read now what the forms and per-unit rows would read when first asked for: a
        forked process can then compute them without reading (`reports.build`)."""
        self.ratings_available()
        self.records_begin()
        self._names()
        self.submitted_units()
        self.tree(self.end)

    def computed_keys(self) -> set[tuple]:
        return set(self._memo)

    def computed_since(self, seen: set[tuple], rows_at_most: int) -> dict[tuple, object]:
        """What was computed after `seen`, but frames longer than `rows_at_most` rows (cheap
        to make again, costly to send to another process)."""
        return {
            key: value
            for key, value in self._memo.items()
            if key not in seen
            and not (isinstance(value, (pd.DataFrame, pd.Series)) and len(value) > rows_at_most)
        }

    def take_computed(self, computed: dict[tuple, object]) -> None:
        """Answers computed by another process from the same data: kept where this one has
        not computed its own."""
        for key, value in computed.items():
            self._memo.setdefault(key, value)

    def _select(self, scope: Scope, name: str) -> pd.DataFrame:
        """`scope.select(getattr(self, name))` for stock_start / stock_end, by a grouping of
        the frame made once (the same rows, in the same order)."""
        frame = getattr(self, name)
        if scope.level == "province":
            return self._cached(("province", name), lambda: scope.select(frame))
        column = "district_id" if scope.level == "district" else "tccsd_id"
        key = (name, column)
        if key not in self._groups:
            # positions in the whole frame; rows without a unit belong to no group
            self._groups[key] = frame.groupby(column).indices if not frame.empty else {}
        positions = self._groups[key].get(scope.org_id)
        if positions is None:
            return frame.iloc[0:0]
        return frame.iloc[positions]

    # ----------------------------------------------------------------- the tree over time
    def _tree_change_dates(self) -> list[date]:
        rows = self.conn.execute(
            text(
                "SELECT valid_from FROM organization_parent WHERE valid_from IS NOT NULL "
                "UNION SELECT valid_to FROM organization_parent WHERE valid_to IS NOT NULL "
                "UNION SELECT founded_on FROM organization WHERE founded_on IS NOT NULL "
                "UNION SELECT dissolved_on FROM organization WHERE dissolved_on IS NOT NULL"
            )
        )
        return sorted({day for r in rows if (day := as_date(r[0])) is not None})

    def _tree_anchor(self, on: date) -> date:
        """The last change of the tree on or before `on` (date.min: none): the tree on `on`
        is the tree on that day."""
        # (the dates are sorted: a province's tree has changed on thousands of days)
        found = bisect_right(self.change_dates, on)
        return self.change_dates[found - 1] if found else date.min

    def tree(self, on: date) -> pd.DataFrame:
        """The tree on a date; dates between two changes of the tree share one load."""
        anchor = self._tree_anchor(on)
        if anchor not in self._trees:
            tree = history.tree_on(self.conn, on).set_index("org_id")
            tree["commune"] = _communes(tree)
            self._trees[anchor] = tree
        return self._trees[anchor]

    def _place(self, frame: pd.DataFrame, org_column: str, on_column: str, prefix: str = ""):
        """Add tccsd_id / district_id (with a prefix) of `org_column` as of each row's date."""
        tccsd = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        district = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        kind = pd.Series(None, index=frame.index, dtype=object)
        commune = pd.Series(False, index=frame.index, dtype=bool)
        if not frame.empty:
            # one pass per shape of the tree (rows are dated; the tree changes a few times)
            anchors = _map_distinct(frame[on_column], self._tree_anchor)
            for _, group in frame.groupby(anchors):
                tree = self.tree(group[on_column].iloc[0])
                orgs = group[org_column]
                tccsd.loc[group.index] = orgs.map(tree["tccsd_id"]).astype("Int64").to_numpy()
                district.loc[group.index] = orgs.map(tree["district_id"]).astype("Int64").to_numpy()
                kind.loc[group.index] = (
                    orgs.map(tree["tccsd_id"]).map(tree["kind_of_place"]).to_numpy()
                )
                commune.loc[group.index] = (
                    orgs.map(tree["district_id"]).map(tree["commune"]).eq(True).to_numpy()
                )
        frame[f"{prefix}tccsd_id"] = tccsd
        frame[f"{prefix}district_id"] = district
        if not prefix:
            frame["kind_of_place"] = kind
            frame["commune"] = commune
        return frame

    # ----------------------------------------------------------------- stock on a date
    def _stock(self, on: date) -> pd.DataFrame:
        frame = self.shared.members_on(self.conn, on)
        frame["on"] = on
        return self._place(frame, "org_id", "on")

    # ----------------------------------------------------------------- flows
    def _flows(self) -> pd.DataFrame:
        """One row per spell boundary in the period, with both sides' units (docs/design.md)."""
        spells = self.shared.spells

        starts = spells[self.shared.spells_dated_in("start_on", self.start, self.end)].copy()
        ends = spells[self.shared.spells_dated_in("end_on", self.start, self.end)].copy()
        # The spell on the other side of each boundary (same member, same day).
        before = spells[["member_id", "end_on", "org_id"]].rename(
            columns={"end_on": "start_on", "org_id": "other_org"}
        )
        after = spells[["member_id", "start_on", "org_id"]].rename(
            columns={"start_on": "end_on", "org_id": "other_org"}
        )
        starts = starts.merge(
            before.dropna(subset=["start_on"]), on=["member_id", "start_on"], how="left"
        ).drop_duplicates(["member_id", "start_on", "org_id"])
        ends = ends.merge(
            after.dropna(subset=["end_on"]), on=["member_id", "end_on"], how="left"
        ).drop_duplicates(["member_id", "end_on", "org_id"])
        starts["on"], starts["side"] = starts["start_on"], "in"
        ends["on"], ends["side"] = ends["end_on"], "out"
        starts["code"] = [
            IN_CODES.get(k) or ("B2a" if s == "out_province" else "B2b")
            for k, s in zip(starts["start_kind"], starts["start_scope"], strict=True)
        ]
        ends["code"] = [
            OUT_CODES.get(k) or ("C5a" if s == "out_province" else "C5b")
            for k, s in zip(ends["end_kind"], ends["end_scope"], strict=True)
        ]
        # The day before an ending decides "of which probationary" (C3a).
        ends["probationary_before"] = self._probationary(ends["member_id"], ends["on"])
        starts["probationary_before"] = False
        columns = [
            "member_id",
            "org_id",
            "other_org",
            "on",
            "side",
            "code",
            "start_kind",
            "probationary_before",
        ]
        flows = pd.concat([starts[columns], ends[columns]], ignore_index=True)
        flows = self._place(flows, "org_id", "on")
        other = flows[["other_org", "on"]].copy()
        other["other_org"] = other["other_org"].astype("Int64")
        placed = self._place(
            other.dropna(subset=["other_org"]).copy(), "other_org", "on", prefix="other_"
        )
        flows["other_tccsd_id"] = placed["other_tccsd_id"].reindex(flows.index).astype("Int64")
        flows["other_district_id"] = (
            placed["other_district_id"].reindex(flows.index).astype("Int64")
        )
        flows = pd.concat([flows, self._carried_by_moves()], ignore_index=True)
        return flows

    def _add_pairs(self) -> None:
        """A "pair" is a TCCSĐ as part of one district: the rows of a district's Theo đơn vị.
        A TCCSĐ moved to another district in the period is a pair in each (its members leave
        the old one and join the new one), so that each district's rows add up to its forms."""
        for frame in (self.stock_start, self.stock_end):
            frame["pair_id"] = _pair(frame["district_id"], frame["tccsd_id"])
        if not self.flows.empty:
            flows = self.flows
            flows["pair_id"] = _pair(flows["district_id"], flows["tccsd_id"])
            flows["other_pair_id"] = _pair(flows["other_district_id"], flows["other_tccsd_id"])

    def _probationary(self, member_ids: pd.Series, on: pd.Series) -> pd.Series:
        official = member_ids.map(self.attributes["official_on"])
        day_before = pd.to_datetime(on) - pd.Timedelta(days=1)
        return (official.isna() | (official > day_before)).to_numpy()

    def _carried_by_moves(self) -> pd.DataFrame:
        """Members of an organisation moved to another parent move district with it."""
        rows = []
        for on in self.change_dates:
            if not (self.start <= on <= self.end):
                continue
            previous, current = self.tree(on - timedelta(days=1)), self.tree(on)
            members = self.shared.spells_open_on(on - timedelta(days=1))
            members = members[members["org_id"].isin(_moved_orgs(previous, current))]
            old_d = members["org_id"].map(previous["district_id"]).astype("Int64")
            new_d = members["org_id"].map(current["district_id"]).astype("Int64")
            old_t = members["org_id"].map(previous["tccsd_id"]).astype("Int64")
            new_t = members["org_id"].map(current["tccsd_id"]).astype("Int64")
            moved = members[(old_d != new_d).fillna(False) | (old_t != new_t).fillna(False)]
            for side, code, unit_t, unit_d, other_t, other_d in (
                ("out", "C5b", old_t, old_d, new_t, new_d),
                ("in", "B2b", new_t, new_d, old_t, old_d),
            ):
                part = pd.DataFrame(
                    {
                        "member_id": moved["member_id"],
                        "org_id": moved["org_id"],
                        "on": on,
                        "side": side,
                        "code": code,
                        "start_kind": None,
                        "probationary_before": False,
                        "tccsd_id": unit_t[moved.index],
                        "district_id": unit_d[moved.index],
                        "other_tccsd_id": other_t[moved.index],
                        "other_district_id": other_d[moved.index],
                        "kind_of_place": moved["org_id"]
                        .map(current["tccsd_id"])
                        .map(current["kind_of_place"]),
                    }
                )
                rows.append(part)
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()

    # ----------------------------------------------------------------- ratings
    def rating_quarter(self) -> int | None:
        """0 for the year's ratings, 1–4 for a quarter rated quarterly, None: no rating sheet.
        Asked once per period: every unit's forms and checks ask it, and without ratings for
        the quarter the query reads the whole year's ratings to find none."""
        return self._cached(("rating_quarter",), self._rating_quarter)

    def _rating_quarter(self) -> int | None:
        if self.period.code == "year":
            return 0
        if self.period.code in ("q1", "q2", "q3", "q4"):
            quarter = int(self.period.code[1])
            exists = self.conn.execute(
                text("SELECT 1 FROM member_rating WHERE year = :y AND quarter = :q LIMIT 1"),
                {"y": self.period.year, "q": quarter},
            ).first()
            return quarter if exists else None
        return None

    def ratings_available(self) -> bool:
        return self._cached(("ratings_available",), self._ratings_available)

    def _ratings_available(self) -> bool:
        quarter = self.rating_quarter()
        if quarter is None:
            return False
        return (
            self.conn.execute(
                text("SELECT 1 FROM member_rating WHERE year = :y AND quarter = :q LIMIT 1"),
                {"y": self.period.year, "q": quarter},
            ).first()
            is not None
        )

    def _member_ratings(self) -> pd.DataFrame:
        quarter = self.rating_quarter()
        if quarter is None:
            return pd.DataFrame()
        # with what the checks show of each rating (checks 7 and 8 take their rows from here,
        # in this order: one read of the period's ratings)
        return read_frame(
            self.conn,
            "SELECT r.member_id, r.status, r.level, r.computed_level, r.decided_level, "
            "r.capped, r.kht_cause, r.not_reviewed_cause, r.assumed_conditions, "
            "r.decided_not_allowed, e.exemplary, r.proposed_level, e.score, e.batch_id, "
            "e.source_row, e.org_id FROM member_rating r "
            "LEFT JOIN member_evaluation e ON e.member_id = r.member_id AND e.year = r.year "
            "AND e.quarter = r.quarter WHERE r.year = :y AND r.quarter = :q",
            {"y": self.period.year, "q": quarter},
        ).set_index("member_id")

    def _org_ratings(self) -> pd.DataFrame:
        quarter = self.rating_quarter()
        if quarter is None:
            return pd.DataFrame()
        return read_frame(
            self.conn,
            "SELECT r.org_id, r.status, r.level, r.not_reviewed_cause, "
            "r.exemplary OR COALESCE(e.exemplary, FALSE) AS exemplary "
            "FROM organization_rating r LEFT JOIN organization_evaluation e "
            "ON e.org_id = r.org_id AND e.year = r.year AND e.quarter = r.quarter "
            "WHERE r.year = :y AND r.quarter = :q",
            {"y": self.period.year, "q": quarter},
        ).set_index("org_id")

    # ----------------------------------------------------------------- the forms of a unit
    def forms(self, scope: Scope) -> dict:
        forms: dict = dict.fromkeys(TWIN_FORMS)  # the twin's order; each filled below
        forms["bieu1"] = self.bieu1(scope)
        forms["bieu2"] = self.bieu2(scope)
        forms["bieu3"] = self.bieu3(scope)
        forms["bieu5"] = self.bieu5(scope)
        if self.ratings_available():
            forms["xl_dang_vien"] = self.xl_dang_vien(scope)
            forms["xl_to_chuc"] = self.xl_to_chuc(scope)
        for name, figures in forms.items():
            if figures is None:
                forms[name] = empty_form(name)
        return forms

    def comparable_forms(self, scope: Scope) -> dict:
        """`forms(scope)` as the "Cùng kỳ năm trước" of a later report: a form whose figures
        the records cannot give is None ("không có số liệu"). The flows of the period (Biểu 1,
        Biểu 2) need the records to begin before the period; the stock at its end (Biểu 3,
        Biểu 5) needs them to begin by its end. Before the first roster, members listed later
        would only be carried back in time (spec reports.md, Layout)."""
        forms = self.forms(scope)
        begin = self.records_begin()
        if begin is None or begin >= self.start:
            forms["bieu1"] = forms["bieu2"] = None
        if begin is None or begin > self.end:
            forms["bieu3"] = forms["bieu5"] = None
        return forms

    def records_begin(self) -> date | None:
        """The first day the database knows the members of: the earliest roster's as-of date
        (else the earliest membership event); None when it holds neither."""

        def first() -> date | None:
            row = self.conn.execute(
                text(
                    "SELECT MIN(d) FROM (SELECT MIN(as_of) AS d FROM roster_entry "
                    "UNION ALL SELECT MIN(event_on) FROM membership_event) AS dates"
                )
            ).first()
            return as_date(row[0]) if row else None

        return self.once(("records_begin",), first)

    def scope_flows(self, scope: Scope) -> pd.DataFrame:
        return self._cached(("flows", scope), lambda: self._scope_flows(scope)).copy()

    def _scope_flows(self, scope: Scope) -> pd.DataFrame:
        flows = self.flows
        if flows.empty:
            return flows
        if scope.level in ("tccsd", "district"):
            # the rows of one unit among the flows crossing units of that level, by a grouping
            # made once per level (the same rows, in the same order, as the masks below)
            unit, other = (
                ("tccsd_id", "other_tccsd_id")
                if scope.level == "tccsd"
                else ("district_id", "other_district_id")
            )

            def groups() -> dict:
                crossing = (flows[other].isna() | (flows[other] != flows[unit])).fillna(True)
                positions = np.flatnonzero(crossing.to_numpy(dtype=bool))
                return {
                    key: positions[found]
                    for key, found in flows.iloc[positions].groupby(unit).indices.items()
                }

            found = self._cached(("flow_groups", scope.level), groups).get(scope.org_id)
            return flows.iloc[found if found is not None else []]
        if scope.level == "tccsd":
            mine = flows["tccsd_id"] == scope.org_id
            crossing = flows["other_tccsd_id"].isna() | (
                flows["other_tccsd_id"] != flows["tccsd_id"]
            )
        else:
            mine = (
                flows["district_id"].notna()
                if scope.level == "province"
                else flows["district_id"] == scope.org_id
            )
            crossing = flows["other_district_id"].isna() | (
                flows["other_district_id"] != flows["district_id"]
            )
        return flows[mine.fillna(False) & crossing.fillna(True)]

    # ----------------------------------------------------------------- every unit of a level
    # The forms are counted for every unit of a level by one grouping of the period's rows (a
    # province has ~3,000 TCCSĐ and ~140 districts; counting unit by unit cost seconds). The
    # province counts the rows of its districts (flows crossing a district, members in one),
    # so its figures are the sums of theirs; the mean age is the mean of all their ages.

    def _per_unit(self, what: str, scope: Scope) -> dict:
        """`what` (bieu1, bieu2, bieu3, bieu5, xl_to_chuc) of the unit `scope`: a fresh dict,
        zero-filled for a unit with no rows. `_<what>_table(level)` makes the table of every
        unit of the level, with the sum and number of known ages per unit where it has ages."""
        level = "district" if scope.level == "province" else scope.level
        table, ages = self._cached(
            ("per_unit", what, level), lambda: getattr(self, f"_{what}_table")(level)
        )
        if scope.level == "province":
            found = self._cached(("province", what), lambda: _total(table, ages, what))
        else:
            found = table.get(scope.org_id)
        return _copy_figures(found) if found is not None else empty_form(what)

    def _level_rows(self, name: str, level: str) -> tuple[pd.DataFrame, pd.Series]:
        """The rows of `name` (stock_start, stock_end, or flows) that count for units of a
        level (district, tccsd), with each row's unit. A flow counts for a unit when it
        crosses the unit's boundary (moves inside it are not flows of it)."""
        frame = getattr(self, name)
        column = f"{level}_id"
        if frame.empty:
            return frame, pd.Series(dtype="Int64")
        keep = frame[column].notna().fillna(False)
        if name == "flows":
            other = f"other_{column}"
            keep &= (frame[other].isna() | (frame[other] != frame[column])).fillna(True)
        rows = frame[keep.to_numpy(dtype=bool)].reset_index(drop=True)
        return rows, rows[column].astype("Int64")

    def bieu1(self, scope: Scope) -> dict[str, int]:
        return self._per_unit("bieu1", scope)

    def _bieu1_table(self, level: str) -> tuple[dict[int, dict], dict]:
        flows, units = self._level_rows("flows", level)
        counts = _counts(units, flows["code"]) if not flows.empty else {}
        c3a = (
            _counts(units, flows["code"].where(flows["probationary_before"].astype(bool)))
            if not flows.empty
            else {}
        )
        starts = _counts(*self._level_rows("stock_start", level)[1:], None)
        ends = _counts(*self._level_rows("stock_end", level)[1:], None)
        template = empty_form("bieu1")
        table = {}
        for unit in {*counts, *starts, *ends}:
            mine = counts.get(unit, {})
            f = {code: mine.get(code, 0) for code in FLOW_CODES}
            f["C3a"] = c3a.get(unit, {}).get("C3", 0)
            f["A"] = starts.get(unit, {}).get(None, 0)
            f["D"] = ends.get(unit, {}).get(None, 0)
            f["B2"] = f["B2a"] + f["B2b"]
            f["B"] = f["B1"] + f["B2"] + f["B3"]
            f["C5"] = f["C5a"] + f["C5b"]
            f["C"] = f["C1"] + f["C2"] + f["C3"] + f["C4"] + f["C5"]
            table[unit] = {code: f.get(code, 0) for code in template}
        return table, {}

    def _people_table(self, members, units: pd.Series, on, template: dict, columns: list[str]):
        """The attribute rows shared by Biểu 2 and Biểu 3, for every unit: `members` (with a
        default index) holds one row per person counted, `units` the unit of each row.
        `columns`: the attributes to read, PEOPLE_COLUMNS and those the caller uses after.
        Every block has its "Chưa rõ" row: a member whose attribute is not given (or not
        recognised) counts there, so each block adds up to the total.
        Returns the table, the sum and number of known ages per unit, and the attributes."""
        a = self.attributes[columns].reindex(members["member_id"]).reset_index(drop=True)
        ethnic = _map_distinct(a["ethnicity"].dropna(), fold)
        religion = _map_distinct(a["religion"].dropna(), fold)
        flags = {
            "women": a["gender"] == "nu",
            "ethnic_minority": ((ethnic != "") & (ethnic != "kinh")).reindex(
                a.index, fill_value=False
            ),
            "religious": ((religion != "") & (religion != "khong")).reindex(
                a.index, fill_value=False
            ),
            "youth_union": a["youth_union"],
            "private_business_owner": _map_distinct(a["occupation"], private_business_owner),
        }
        all_ages = _ages(a["birth_date"], a["birth_year"], on)
        ages = all_ages.dropna().astype(int)
        bands = _map_distinct(ages, age_band).reindex(a.index).fillna(unknown_code("age"))
        codes = [bands]
        for column, mapper, block in (
            ("school_level", school_code, "school_level"),
            ("degree", degree_code, "degree"),
        ):
            found = _map_distinct(a[column], mapper)
            codes.append(found.where(found.notna(), unknown_code(block)))
        codes.append(_map_distinct(a["degree"].dropna(), title_code).dropna())
        totals = _counts(units, None)
        tallies = {name: _tally(units, flag) for name, flag in flags.items()}
        counted = _counts(units, pd.concat(codes))
        age_sums = ages.groupby(units.reindex(ages.index)).agg(["sum", "size"])
        age_totals = {
            int(unit): (int(row["sum"]), int(row["size"])) for unit, row in age_sums.iterrows()
        }
        table = {}
        for unit, total in totals.items():
            result: dict[str, Any] = {
                code: (None if value is None else 0) for code, value in template.items()
            }
            result["total"] = total[None]
            for name, tally in tallies.items():
                result[name] = tally.get(unit, 0)
            for code, count in counted.get(unit, {}).items():
                if code in result:
                    result[code] = count
            result["age_mean"] = _mean_age(*age_totals.get(unit, (0, 0)))
            table[unit] = result
        return table, age_totals, a

    def _occupations(self, rows: pd.DataFrame, a: pd.DataFrame) -> pd.Series:
        """The occupation row of each person (occupations.yaml): the text, read with the loại
        hình of the TCCSĐ they are counted in and whether its district is a commune. Asked
        once per distinct (text, loại hình, commune), found by integer codes rather than
        by hashing a tuple per person."""
        occupation = a["occupation"].where(a["occupation"].notna(), None).to_numpy()
        kind = rows["kind_of_place"].where(rows["kind_of_place"].notna(), None).to_numpy()
        commune = rows["commune"].eq(True).to_numpy()
        if len(occupation) == 0:
            return pd.Series([], index=a.index, dtype=object)
        occupation_codes, _ = pd.factorize(occupation)  # missing: -1
        kind_codes, kinds = pd.factorize(kind)
        combined = (occupation_codes.astype("int64") + 1) * (len(kinds) + 1) + kind_codes + 1
        codes, _ = pd.factorize(combined * 2 + commune)
        _, firsts = np.unique(codes, return_index=True)  # a row of each code, in code order
        mapped = pd.Series([occupation_code(occupation[i], kind[i], commune[i]) for i in firsts])
        return pd.Series(mapped.to_numpy()[codes], index=a.index, dtype=mapped.dtype)

    def bieu2(self, scope: Scope) -> dict:
        return self._per_unit("bieu2", scope)

    def _bieu2_table(self, level: str) -> tuple[dict[int, dict], dict]:
        table, ages = self._bieu2_people(level)
        self._add_tccsd_block(table, level)
        return table, ages

    def _bieu2_people(self, level: str) -> tuple[dict[int, dict], dict]:
        flows, units = self._level_rows("flows", level)
        if flows.empty:
            return {}, {}
        admitted = ((flows["code"] == "B1") & (flows["side"] == "in")).to_numpy(dtype=bool)
        flows, units = (
            flows[admitted].reset_index(drop=True),
            units[admitted].reset_index(drop=True),
        )
        on = pd.to_datetime(flows["on"])
        table, ages, a = self._people_table(flows, units, on, empty_form("bieu2"), PEOPLE_COLUMNS)
        readmitted = flows["start_kind"] == "readmitted"
        occupations = self._occupations(flows, a)
        # the form has no retired row for the admitted (occupations.yaml, retired_in_bieu2)
        retired = attribute_mappings()["occupations"]["retired"]["code"]
        in_bieu2 = attribute_mappings()["occupations"]["retired_in_bieu2"]
        occupations = occupations.replace(retired, in_bieu2)
        for unit, count in _tally(units, readmitted).items():
            table[unit]["readmitted"] = count
        for unit, counts in _counts(units, occupations).items():
            table[unit].update(counts)
        return table, ages

    def _add_tccsd_block(self, table: dict[int, dict], level: str) -> None:
        """Biểu 2 III: the TCCSĐ of each unit at the end of the period, by type, and those of
        them where someone was admitted in the period."""
        orgs, units = self._unit_rows(self._orgs(self.end), level)
        tccsd = orgs["org_type"].isin(TCCSD_TYPES).to_numpy()
        orgs, units = orgs[tccsd], units[tccsd]
        flows = self.flows
        admitting: set = set()
        if not flows.empty:
            admitted = flows[(flows["code"] == "B1") & (flows["side"] == "in")]
            admitting = set(admitted["tccsd_id"].dropna().astype(int))
        frame = pd.DataFrame(
            {
                "unit": units.to_numpy(),
                "type": orgs["org_type"].to_numpy(),
                "admitting": orgs["org_id"].isin(admitting).to_numpy(),
            }
        )
        counts = frame.groupby(["unit", "type"])["admitting"].agg(["size", "sum"])
        for (unit, org_type), row in counts.iterrows():
            result = table.setdefault(int(unit), empty_form("bieu2"))
            result[org_type] = int(row["size"])
            result[f"{org_type}_admitting"] = int(row["sum"])

    def bieu3(self, scope: Scope) -> dict:
        return self._per_unit("bieu3", scope)

    def _bieu3_table(self, level: str) -> tuple[dict[int, dict], dict]:
        stock, units = self._level_rows("stock_end", level)
        if stock.empty:
            return {}, {}
        table, ages, a = self._people_table(
            stock,
            units,
            self.end,
            empty_form("bieu3"),
            [*PEOPLE_COLUMNS, "admitted_on", "theory_level"],
        )
        joined = _map_distinct(a["admitted_on"].dropna(), lambda d: joined_band(d.date()))
        joined = joined.reindex(a.index).fillna(unknown_code("joined"))
        theory = _map_distinct(a["theory_level"], theory_code)
        theory = theory.where(theory.notna(), unknown_code("theory_level"))
        # an exempt member is not working: retired, whatever the roster's occupation says
        retired = attribute_mappings()["occupations"]["retired"]["code"]
        occupations = self._occupations(stock, a)
        occupations = occupations.where(~stock["exempt"].astype(bool).to_numpy(), retired)
        for name in ("probationary", "exempt"):
            for unit, count in _tally(units, stock[name]).items():
                table[unit][name] = count
        for unit, counts in _counts(units, pd.concat([joined, theory, occupations])).items():
            result = table[unit]
            result.update({code: n for code, n in counts.items() if code in result})
        return table, ages

    def _orgs(self, on: date) -> pd.DataFrame:
        """The organisations under a TCCSĐ on a date, with the loại hình of their TCCSĐ."""

        def prepare() -> pd.DataFrame:
            tree = self.tree(on).reset_index()
            tree["tccsd_kind"] = tree["tccsd_id"].map(tree.set_index("org_id")["kind_of_place"])
            return tree[tree["tccsd_id"].notna()]

        return self._cached(("orgs", on), prepare)

    # Biểu 5 and XL tổ chức count organisations (and Biểu 5 members) the same way.

    def _unit_rows(self, frame: pd.DataFrame, level: str) -> tuple[pd.DataFrame, pd.Series]:
        """The rows of `frame` (organisations or members, with tccsd_id and district_id) that
        belong to a unit of a level (district, tccsd), and each row's unit."""
        column = f"{level}_id"
        rows = frame[frame[column].notna().to_numpy(dtype=bool)]
        return rows, rows[column].astype("int64")

    def bieu5(self, scope: Scope) -> dict:
        return self._per_unit("bieu5", scope)

    def _bieu5_table(self, level: str) -> tuple[dict[int, dict], dict]:
        orgs, units = self._unit_rows(self._orgs(self.end), level)
        stock, members_units = self._unit_rows(self.stock_end, level)
        columns = vocab.org_types_in_tiers(3, 4)
        # the counts of each (unit, loại hình code), then each row as the sum of its codes
        by_unit: dict[int, dict[str, dict[str, int]]] = {}
        orgs_frame = pd.DataFrame(
            {
                "unit": units.to_numpy(),
                "kind": _kinds(orgs["tccsd_kind"]),
                "type": orgs["org_type"].to_numpy(),
            }
        )
        for (unit, kind, org_type), n in (
            orgs_frame.groupby(["unit", "kind", "type"]).size().items()
        ):
            if org_type in columns:
                by_unit.setdefault(int(unit), {}).setdefault(kind, {})[org_type] = int(n)
        members_frame = pd.DataFrame(
            {"unit": members_units.to_numpy(), "kind": _kinds(stock["kind_of_place"])}
        )
        for (unit, kind), n in members_frame.groupby(["unit", "kind"]).size().items():
            by_unit.setdefault(int(unit), {}).setdefault(kind, {})["members"] = int(n)
        table = {}
        for unit, kinds in by_unit.items():
            result = empty_form("bieu5")
            for code, row in result.items():
                for kind in _row_kinds(code):
                    for column, n in kinds.get(kind, {}).items():
                        row[column] += n
                row["tccsd"] = row["dang_bo_co_so"] + row["chi_bo_co_so"]
            table[unit] = result
        return table, {}

    def xl_dang_vien(self, scope: Scope) -> dict:
        return self._per_unit("xl_dang_vien", scope)

    def _xl_dang_vien_table(self, level: str) -> tuple[dict[int, dict], dict]:
        """XL đảng viên of every unit of a level: classify's stored results of the members at
        the end of the period, counted by one grouping (not read again unit by unit)."""
        stock, units = self._level_rows("stock_end", level)
        if stock.empty:
            return {}, {}
        ratings = self.ratings.reindex(stock["member_id"])
        # A result waiting for the competent committee carries its proposal as `level`: it is
        # not a final level until decided (docs/figures.md, XL đảng viên).
        level_ = ratings["level"].where(ratings["status"] == "rated")
        rated = level_.notna()
        cause = ratings["not_reviewed_cause"].where(~rated)
        kht_cause = ratings["kht_cause"].where(level_ == "KHTNV")
        good = level_.isin(vocab.at_least("levels", "HTTNV"))
        flags = {
            "rated": rated,
            **{short: level_ == full for full, short in LEVEL_CODES.items()},
            **{code: cause == code for code in ("exempt", "new", "suspended")},
            "kht_discipline": kht_cause == "discipline",
            "kht_score": kht_cause == "score",
            "capped": ratings["capped"].eq(True),
            # tiêu biểu: a decided mark of the evaluation, on a member whose final level is
            # HTXSNV
            "exemplary": ratings["exemplary"].eq(True) & (level_ == "HTXSNV"),
            "assumed": good & ratings["assumed_conditions"].fillna(0).gt(0),
            # classify's check of decided levels: "below_band", "over_cap" or both, NULL when
            # allowed
            "decided_not_allowed": ratings["decided_not_allowed"].notna(),
        }
        frame = pd.DataFrame({name: flag.to_numpy(dtype=bool) for name, flag in flags.items()})
        frame["total"] = True
        sums = frame.groupby(units.to_numpy()).sum()
        table = {
            int(unit): _xl_dang_vien_counts(dict(zip(sums.columns, map(int, row), strict=True)))
            for unit, row in zip(sums.index, sums.to_numpy(), strict=True)
        }
        return table, {}

    def xl_to_chuc(self, scope: Scope) -> dict:
        return self._per_unit("xl_to_chuc", scope)

    def _xl_to_chuc_table(self, level: str) -> tuple[dict[int, dict], dict]:
        orgs = self._orgs(self.end)
        orgs = orgs.join(self.org_ratings, on="org_id") if not self.org_ratings.empty else orgs
        orgs, units = self._unit_rows(orgs, level)
        counts = self._org_rating_counts(orgs, units, orgs["org_type"].map(ORG_PREFIXES))
        counts["kind"] = _kinds(orgs["tccsd_kind"])
        # the district-level committees' own ratings (decided by the province): block IV
        tree = self.tree(self.end).reset_index()
        districts = tree[tree["org_type"] == "district"]
        if not self.org_ratings.empty:
            districts = districts.join(self.org_ratings, on="org_id")
        own = self._org_rating_counts(
            districts, districts["org_id"].astype("int64"), pd.Series("district", districts.index)
        )
        own["kind"] = NO_KIND
        if level == "tccsd":  # a TCCSĐ's workbook has no district-level committee in it
            own = own.iloc[0:0]
        counts = pd.concat([counts, own], ignore_index=True)
        values = ["total", "rated", "new", "exemplary", *LEVEL_CODES.values()]
        sums = counts.groupby(["unit", "prefix", "kind"])[values].sum()
        found: dict[int, dict[str, dict[str, dict[str, int]]]] = {}
        for (unit, prefix, kind), row in zip(sums.index, sums.to_dict("records"), strict=True):
            found.setdefault(int(unit), {}).setdefault(prefix, {})[kind] = row
        zero = dict.fromkeys(values, 0)
        table = {}
        for unit, prefixes in found.items():
            result = empty_form("xl_to_chuc")
            for prefix in (*dict.fromkeys(ORG_PREFIXES.values()), "district"):
                kinds = prefixes.get(prefix, {})
                for column in result[f"{prefix}_total"]:
                    wanted = _row_kinds(column)
                    n = {k: sum(int(kinds.get(kind, zero)[k]) for kind in wanted) for k in values}
                    result[f"{prefix}_total"][column] = n["total"]
                    result[f"{prefix}_rated"][column] = n["rated"]
                    result[f"{prefix}_not_rated"][column] = n["total"] - n["rated"]
                    result[f"{prefix}_new"][column] = n["new"]
                    result[f"{prefix}_exemplary"][column] = n["exemplary"]
                    for short in LEVEL_CODES.values():
                        result[f"{prefix}_{short}"][column] = n[short]
            table[unit] = result
        return table, {}

    @staticmethod
    def _org_rating_counts(orgs: pd.DataFrame, units: pd.Series, prefixes: pd.Series):
        """One row per organisation: its unit, block (prefix) and what its rating counts in."""
        level = (
            orgs["level"].where(orgs["status"] == "rated")
            if "level" in orgs
            else pd.Series(None, index=orgs.index, dtype=object)
        )
        cause = orgs.get("not_reviewed_cause", level)
        exemplary = orgs["exemplary"] if "exemplary" in orgs else pd.Series(False, orgs.index)
        return pd.DataFrame(
            {
                "unit": units.to_numpy(),
                "prefix": prefixes.to_numpy(),
                "total": True,
                "rated": level.notna().to_numpy(),
                "new": ((cause == "new") & level.isna()).to_numpy(),
                "exemplary": (exemplary.eq(True) & (level == "HTXSNV")).to_numpy(),
                **{short: (level == full).to_numpy() for full, short in LEVEL_CODES.items()},
            }
        )

    # ----------------------------------------------------------------- per subordinate unit
    def by_unit(self, scope: Scope) -> list[dict]:
        """One row per TCCSĐ of a district, or per district of the province."""
        return [_copy_figures(row) for row in self.unit_rows(scope)]

    def unit_rows(self, scope: Scope) -> list[dict]:
        """`by_unit(scope)` itself, shared: for callers that only read it (the checks, the
        completeness line ask for every district's rows: a copy each cost seconds)."""
        return self._cached(("by_unit", scope), lambda: self._by_unit(scope))

    def _by_unit(self, scope: Scope) -> list[dict]:
        tree = self.tree(self.end).reset_index()
        submitted = self.submitted_units()
        if scope.level == "province":
            units = tree[tree["org_type"] == "district"]
            return [
                {
                    "id": int(org_id),
                    "name": name,
                    "submitted": bool(submitted.get(int(org_id), False)),
                    "bieu1": self.bieu1(Scope("district", int(org_id))),
                    "members_end": len(self._select(Scope("district", int(org_id)), "stock_end")),
                    "ratings": self._rating_counts(Scope("district", int(org_id))),
                }
                for org_id, name in sorted(
                    zip(units["org_id"], units["name"], strict=True), key=lambda t: t[1]
                )
            ]
        # a district: its TCCSĐ at the end, and those that were in it during the period only
        if scope.org_id is None:
            raise ValueError("a district's rows need the district's id")
        at_end = tree[(tree["district_id"] == scope.org_id) & tree["org_type"].isin(TCCSD_TYPES)]
        pairs = self._pair_table()
        ids = set(at_end["org_id"].astype(int))
        ids |= self._paired_tccsd().get(scope.org_id, set())
        names = self._names()
        rows = []
        for org_id in sorted(ids, key=lambda i: names.get(i, "")):
            bieu1 = pairs.get(_pair_key(scope.org_id, org_id)) or empty_form("bieu1")
            here = org_id in set(at_end["org_id"])
            rows.append(
                {
                    "id": org_id,
                    "name": names.get(org_id, ""),
                    "submitted": bool(submitted.get(org_id, False)),
                    "bieu1": bieu1,  # copied with the rows by `by_unit`
                    "members_end": bieu1["D"],
                    "ratings": self._rating_counts(Scope("tccsd", org_id)) if here else {},
                }
            )
        return rows

    def _pair_table(self) -> dict[int, dict]:
        """Biểu 1 of every (district, TCCSĐ) pair of the period (see `_add_pairs`)."""
        return self._cached(("pair_table",), lambda: self._bieu1_table("pair")[0])

    def _paired_tccsd(self) -> dict[int, set[int]]:
        """The TCCSĐ of each district's pairs (`_pair_table`), grouped once for all districts."""

        def group() -> dict[int, set[int]]:
            found: dict[int, set[int]] = {}
            for district, tccsd in map(_unpair, self._pair_table()):
                found.setdefault(district, set()).add(tccsd)
            return found

        return self._cached(("paired_tccsd",), group)

    def _names(self) -> dict[int, str]:
        def load() -> dict[int, str]:
            rows = self.conn.execute(text("SELECT id, name FROM organization")).fetchall()
            return {int(org_id): name for org_id, name in rows}

        return self._cached(("org_names",), load)

    def _rating_counts(self, scope: Scope) -> dict:
        if self.ratings.empty:
            return {}
        if scope.level not in ("tccsd", "district"):
            xl = self.xl_dang_vien(scope)
            return {k: xl[k] for k in ("rated", "htxs", "htt", "ht", "kht", "not_rated")}
        # xl_dang_vien's counts for every unit of the level at once
        table = self._cached(("rating_counts", scope.level), lambda: self._rating_table(scope))
        return dict(table.get(scope.org_id, RATING_COUNTS_ZERO))

    def _rating_table(self, scope: Scope) -> dict[int, dict[str, int]]:
        column = "district_id" if scope.level == "district" else "tccsd_id"
        stock = self.stock_end[self.stock_end[column].notna()]
        ratings = self.ratings.reindex(stock["member_id"])
        level = ratings["level"].where(ratings["status"] == "rated").to_numpy()
        frame = pd.DataFrame({"unit": stock[column].to_numpy(), "level": level})
        frame["rated"] = frame["level"].notna()
        for full, short in LEVEL_CODES.items():
            frame[short] = frame["level"] == full
        grouped = frame.groupby("unit")
        table = grouped[["rated", *LEVEL_CODES.values()]].sum()
        table["not_rated"] = grouped.size() - table["rated"]
        columns = list(RATING_COUNTS_ZERO)
        return {
            int(unit): dict(zip(columns, map(int, counts), strict=True))
            for unit, counts in zip(table.index, table[columns].to_numpy(), strict=True)
        }

    def reporting_units(self, scope: Scope) -> list[dict]:
        """The TCCSĐ that send files for `scope`, as `by_unit` rows (id, name, submitted…): a
        district's own, or every district's for the province (so the province's "not sent"
        list is the union of its districts')."""
        if scope.level != "province":
            return self.unit_rows(scope)
        return [
            row
            for district in self.unit_rows(scope)
            for row in self.unit_rows(Scope("district", district["id"]))
        ]

    def data_span(self) -> tuple[date, date] | None:
        """The first and last day the imported files speak of (roster as-of dates, the years of
        changes and evaluation files); None when nothing has been imported."""
        return self.once(("data_span",), self._data_span)

    def _data_span(self) -> tuple[date, date] | None:
        batches = read_frame(
            self.conn,
            "SELECT as_of, period_year FROM import_batch WHERE status = 'imported'",
        )
        as_of = pd.to_datetime(batches["as_of"], errors="coerce").dt.date
        days = [d for d in as_of if d == d]
        # a file without an as-of date (changes, evaluations) speaks of its whole year
        for year in batches.loc[as_of.isna(), "period_year"].dropna().astype(int):
            days += [date(year, 1, 1), date(year, 12, 31)]
        return (min(days), max(days)) if days else None

    def has_data(self) -> bool:
        """Some imported file holds data of this period (`tcxd.db.coverage`, the rule of
        `submitted_units` and `tcxd status`)."""
        return bool(self._covering())

    def _covering(self) -> set[int]:
        """The imported files that hold data of this period, read once (`has_data` and
        `submitted_units` both ask: 0.15–0.25 s a period on the large province)."""
        return self.once(("covering",), lambda: batches_covering(self.conn, self.period))

    def submitted_units(self) -> dict[int, bool]:
        """A TCCSĐ (or district) has reported for the period when one of its files holds data of
        the period (`tcxd.db.coverage`, the rule `tcxd status` shares)."""
        return dict(self._cached(("submitted",), self._submitted_units))

    def _submitted_units(self) -> dict[int, bool]:
        batches = read_frame(
            self.conn,
            "SELECT id, unit_id FROM import_batch "
            "WHERE status = 'imported' AND unit_id IS NOT NULL",
        )
        if batches.empty:
            return {}
        in_period = batches["id"].isin(self._covering())
        tree = self.tree(self.end)
        units = batches.loc[in_period, "unit_id"].astype(int)
        result: dict[int, bool] = {}
        for column in ("tccsd_id", "district_id"):
            for unit in units.map(tree[column]).dropna().astype(int):
                result[unit] = True
        return result


RATING_COUNTS_ZERO = {"rated": 0, "htxs": 0, "htt": 0, "ht": 0, "kht": 0, "not_rated": 0}
PAIR_BASE = 1 << 32  # organisation ids stay below it
NO_KIND = ""  # a TCCSĐ whose loại hình no file gives (Biểu 5 row "unknown")


def _xl_dang_vien_counts(n: dict[str, int]) -> dict:
    """XL đảng viên of a unit from the counts of its members (`_xl_dang_vien_table`)."""
    result = empty_form("xl_dang_vien")
    result["total"] = n["total"]
    result["rated"] = n["rated"]
    for short in LEVEL_CODES.values():
        result[short] = n[short]
    for code in ("exempt", "new", "suspended"):
        result[code] = n[code]
    result["not_rated"] = result["total"] - result["rated"]
    result["other"] = result["not_rated"] - result["exempt"] - result["new"] - result["suspended"]
    result["kht_discipline"] = n["kht_discipline"]
    result["kht_score"] = n["kht_score"]
    result["kht_other"] = result["kht"] - result["kht_discipline"] - result["kht_score"]
    for name in ("capped", "exemplary", "assumed", "decided_not_allowed"):
        result[name] = n[name]
    return result


def _communes(tree: pd.DataFrame) -> pd.Series:
    """Which organisations are a xã, phường or đặc khu committee: by their loại hình, or when
    none is given, by what their name says after "Đảng bộ" ("Đảng bộ xã Phú An")."""
    given = tree["kind_of_place"].isin(COMMUNE_KINDS)
    # the name is read only where it decides: a district-level committee with no loại hình
    unnamed = tree["kind_of_place"].isna() & (tree["org_type"] == "district")
    named = _map_distinct(tree.loc[unnamed, "name"].fillna(""), _named_commune)
    return given | named.reindex(tree.index, fill_value=False).astype(bool)


def _named_commune(name: str) -> bool:
    words = COMMITTEE_WORDS.sub("", fold(name)).strip()
    return vocab.code_of("kinds_of_place", words) in COMMUNE_KINDS if words else False


def _kinds(values: pd.Series) -> np.ndarray:
    """Loại hình codes with NO_KIND for "not given" (so that they can be grouped on)."""
    return values.where(values.notna(), NO_KIND).astype(object).to_numpy()


def _row_kinds(code: str) -> frozenset[str]:
    """The loại hình codes a Biểu 5 row counts, NO_KIND standing for "not given"."""
    return frozenset(NO_KIND if kind is None else kind for kind in place_row_kinds()[code])


def _pair(district: pd.Series, tccsd: pd.Series) -> pd.Series:
    """The pair key of each row: district × PAIR_BASE + TCCSĐ (missing when either is)."""
    return district.astype("Int64") * PAIR_BASE + tccsd.astype("Int64")


def _pair_key(district: int, tccsd: int) -> int:
    return int(district) * PAIR_BASE + int(tccsd)


def _unpair(key: int) -> tuple[int, int]:
    return int(key) // PAIR_BASE, int(key) % PAIR_BASE


def _days(dates: pd.Series) -> np.ndarray:
    """datetime.date values (None: NaT) as numpy days: any year, compared like the dates.
    Each distinct date is converted once (half a million spells hold a few thousand)."""
    codes, uniques = pd.factorize(dates)  # None: -1
    days = np.append(np.array(list(uniques), dtype="datetime64[D]"), np.datetime64("NaT", "D"))
    return days[codes]


def _date_index_order(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The spells' positions in the order of SQLite's index on (start_on, end_on): the date
    columns ascending, NULL first, then the row id (the spells are read in row id order)."""
    # NaT is the smallest int64: first, like SQLite's NULL; lexsort is stable
    return np.lexsort((end.view("int64"), start.view("int64")))


def _moved_orgs(previous: pd.DataFrame, current: pd.DataFrame) -> pd.Index:
    """Organisations of the `current` tree whose TCCSĐ or district differs in `previous`
    (the members of the others do not move)."""
    orgs = current.index.to_series()
    moved = pd.Series(False, index=orgs.index)
    for column in ("district_id", "tccsd_id"):
        old = orgs.map(previous[column]).astype("Int64")
        new = orgs.map(current[column]).astype("Int64")
        moved |= (old != new).fillna(False)
    return orgs.index[moved.to_numpy(dtype=bool)]


def _counts(units: pd.Series, values: pd.Series | None) -> dict[int, dict]:
    """{unit: {value: rows}} over the rows whose value is not missing (`values` indexed like
    `units`, labels may repeat); without values, {unit: {None: rows}}."""
    if values is None:
        return {int(unit): {None: int(n)} for unit, n in units.value_counts().items()}
    frame = pd.DataFrame(
        {"unit": units.reindex(values.index).to_numpy(), "value": values.to_numpy()}
    )
    result: dict[int, dict] = {}
    for (unit, value), n in frame.groupby(["unit", "value"]).size().items():
        result.setdefault(int(unit), {})[value] = int(n)
    return result


def _tally(units: pd.Series, flags: pd.Series) -> dict[int, int]:
    """{unit: rows whose flag is true} (`flags` indexed like `units`; missing is false)."""
    true = flags.fillna(False).astype(bool).to_numpy()
    return {int(unit): int(n) for unit, n in units[true].value_counts().items()}


def _mean_age(total: int, count: int) -> float | int:
    """The mean age, one decimal (0 when no age is known: what an empty form shows)."""
    return _round_half_up(total / count) if count else 0


def _total(table: dict[int, dict], ages: dict[int, tuple[int, int]], what: str) -> dict:
    """The figures of all the units of `table` together (counts add up; not the mean age)."""
    result = empty_form(what)
    for figures in table.values():
        _add_into(result, figures)
    if "age_mean" in result:
        result["age_mean"] = _mean_age(
            sum(total for total, _ in ages.values()), sum(count for _, count in ages.values())
        )
    return result


def _add_into(total: dict, part: dict) -> None:
    """Add the counts of `part` to `total`, nested forms (Biểu 5, XL tổ chức) cell by cell."""
    for key, value in part.items():
        if isinstance(value, dict):
            _add_into(total.setdefault(key, {}), value)
        elif value is None:  # a figure tcxd cannot know stays unknown in the sum
            total[key] = None
        else:
            total[key] = total.get(key, 0) + value


def _round_half_up(value: float) -> float:
    return float(np.floor(value * 10 + 0.5) / 10)
