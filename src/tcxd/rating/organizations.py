"""Rate party organisations (rules.md, "Party organisations"), bottom-up, set-based per layer.

Input `orgs` columns: org_id, org_type (vocab org_types code), parent_id, founded_on,
dissolved_on, kind_of_place, score (general_score, task_score), the organisation rule fields of
rules/texts.yaml (tasks_completed_pct, tasks_on_time, tasks_exceeding_pct, tasks_late_pct,
prior_shortcomings_fixed, leadership_member_disciplined, subordinate_unit_disciplined,
personnel_wrongdoing_concluded), decided_level, proposed_level, exemplary, not_reviewed (other
reason given by the caller), and optionally cap_pool (else: parent_id + type group) and code
(tie-break; else org_id).
`member_results`: member_id, chi_bo_id (the chi bộ holding the member), level, status — the
output of rate_members plus chi_bo_id.

The link to members / subordinates: a chi bộ (`member_link_types`) uses its members; any other
organisation uses its direct subordinate organisations in `orgs` (rows whose parent_id is it).
"Rated" members / subordinates are those with status `rated` (a level computed, or decided by the
committee); not reviewed ones and those still waiting for a decision are left out of both the
numerator and the denominator. With none rated, the link conditions have no data and follow
`missing_condition`. Organisations are rated deepest first, so a đảng bộ's link uses the final
levels (after the cap and the committee's decision) of its subordinates.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tcxd.core import vocab
from tcxd.core.errors import TreeLoopError
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
from tcxd.rating.members import rating_threshold
from tcxd.rating.rules.conditions import fields as field_info
from tcxd.rating.rules.conditions import texts
from tcxd.rating.rules.loader import RuleSet

TCCSD_TYPES = vocab.tccsd_types()
OUTPUT_COLUMNS = [
    "org_id",
    "org_type",
    "parent_id",
    "pool_id",
    *DECISION_COLUMNS,
    "exemplary",
    "link_rated",
    "link_ge_htnv_pct",
    "link_ge_httnv_pct",
    "link_kht_pct",
    *TRAIL_COLUMNS,
]
MAX_DEPTH = 64


def type_group(org_type: np.ndarray) -> np.ndarray:
    """Organisations "of the same type" for the cap: the two kinds of TCCSĐ are one type."""
    return np.where(np.isin(org_type, TCCSD_TYPES), "tccsd", org_type).astype(object)


def link_counts(levels: np.ndarray, rated: np.ndarray, groups: np.ndarray, keys: pd.Index) -> dict:
    """Per key of `keys`: number rated and the shares (0–100) at ≥HTNV, ≥HTTNV, KHTNV."""
    frame = pd.DataFrame(
        {
            "group": groups[rated],
            "ge_htnv": np.isin(levels[rated], vocab.at_least("levels", "HTNV")),
            "ge_httnv": np.isin(levels[rated], vocab.at_least("levels", "HTTNV")),
            "kht": levels[rated] == "KHTNV",
        }
    )
    sums = frame.groupby("group", sort=False).agg(
        n=("ge_htnv", "size"),
        ge_htnv=("ge_htnv", "sum"),
        ge_httnv=("ge_httnv", "sum"),
        kht=("kht", "sum"),
    )
    sums = sums.reindex(keys)
    count = sums["n"].fillna(0).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "link_rated": count.astype(np.int64),
            "link_ge_htnv_pct": np.where(
                count > 0, 100 * sums["ge_htnv"].to_numpy(float) / count, np.nan
            ),
            "link_ge_httnv_pct": np.where(
                count > 0, 100 * sums["ge_httnv"].to_numpy(float) / count, np.nan
            ),
            "link_kht_pct": np.where(count > 0, 100 * sums["kht"].to_numpy(float) / count, np.nan),
        }
    return out


def _depths(parent_index: np.ndarray) -> np.ndarray:
    depth = np.zeros(len(parent_index), dtype=np.int64)
    current = parent_index.copy()
    for _ in range(MAX_DEPTH):
        has = current >= 0
        if not has.any():
            return depth
        depth[has] += 1
        current[has] = parent_index[current[has]]
    raise TreeLoopError("Cây tổ chức có vòng lặp (một tổ chức là cấp trên của chính nó).")


def rate_organizations(
    orgs: pd.DataFrame,
    member_results: pd.DataFrame,
    ruleset: RuleSet,
    period_start: date,
    period_end: date,
) -> pd.DataFrame:
    rules = ruleset.organizations
    df = orgs.reset_index(drop=True)
    n = len(df)
    end = pd.Timestamp(period_end)
    end_d = np.datetime64(end.date(), "D")
    ids = df["org_id"].to_numpy(dtype=object)
    org_type = df["org_type"].to_numpy(dtype=object)
    parents = (
        df["parent_id"].to_numpy(dtype=object)
        if "parent_id" in df.columns
        else np.full(n, None, dtype=object)
    )

    # step 1: not rated
    founded = P.dates(P.column(df, "founded_on"), n)
    dissolved = P.dates(P.column(df, "dissolved_on"), n)
    threshold = rating_threshold(period_end, rules.founded_within_months)
    new = founded > np.datetime64(threshold.date(), "D")
    gone = (dissolved <= end_d) & rules.dissolved
    other = P.flag(P.column(df, "not_reviewed"), n)
    wrong_type = ~np.isin(org_type, rules.rated_types)
    cause = np.full(n, None, dtype=object)
    cause[other] = "other"
    cause[new] = "new"
    cause[gone] = "dissolved"
    cause[wrong_type] = "other"
    not_reviewed = cause != None  # noqa: E711 (object array)
    nr_text = R.empty(n)
    R.put(nr_text, other, "Không thuộc diện xếp loại (theo tệp)")
    R.put(
        nr_text,
        new,
        "Thành lập ngày ",
        R.dates(founded),
        f", chưa đủ {rules.founded_within_months} tháng đến ngày xếp loại "
        f"{R.format_date(end)} (thành lập sau {R.format_date(threshold)})",
    )
    R.put(nr_text, gone, "Đã giải thể ngày ", R.dates(dissolved))
    R.put(nr_text, wrong_type, "Loại tổ chức không thuộc diện xếp loại")

    fields = P.field_values(df, "organizations")
    if "cap_pool" in df.columns:
        pool = df["cap_pool"].to_numpy(dtype=object)
    else:
        pool = (pd.Series(parents, dtype=object).astype(str) + "|" + type_group(org_type)).to_numpy(
            dtype=object
        )
    ties = (
        df["code"].to_numpy(dtype=object)
        if "code" in df.columns
        else np.full(n, None, dtype=object),
        ids,
    )
    decided = P.level_ranks(P.column(df, "decided_level"), n)
    proposed = P.level_ranks(P.column(df, "proposed_level"), n)
    score = P.score(df)
    # mitigation (HD 43): found and fixed by the collective itself, or force majeure
    nan = np.full(n, np.nan)
    self_fixed = fields.get("self_reported_remedied", nan) == 1.0
    force = fields.get("force_majeure", nan) == 1.0
    self_reported = self_fixed | force
    mitigation_text = R.empty(n)
    R.put(mitigation_text, self_fixed, "tập thể đã tự phát hiện và khắc phục")
    R.put(mitigation_text, force, "do nguyên nhân bất khả kháng")
    R.put(
        mitigation_text,
        self_fixed & force,
        "tập thể đã tự phát hiện và khắc phục; do nguyên nhân bất khả kháng",
    )
    via_members = np.isin(org_type, rules.member_link_types)
    subjects = texts()["link_subjects"]
    who = np.where(via_members, subjects["members"], subjects["organizations"]).astype(object)

    # the members' link, for every organisation (used where via_members)
    mr = member_results
    m_levels = mr["level"].to_numpy(dtype=object)
    m_rated = (mr["status"].to_numpy(dtype=object) == "rated") & pd.notna(m_levels)
    member_link = link_counts(
        m_levels, m_rated, mr["chi_bo_id"].to_numpy(dtype=object), pd.Index(ids)
    )
    parent_index = pd.Index(ids).get_indexer(parents)
    # a đảng bộ's share of KHTNV members covers all of its members, in every chi bộ below it
    all_members = _subtree_member_link(mr, m_levels, m_rated, ids, parent_index)

    inputs = _inputs(df, n)
    depth = _depths(parent_index)
    level_out = np.full(n, None, dtype=object)
    status_out = np.full(n, None, dtype=object)
    link = {key: np.zeros(n, dtype=values.dtype) for key, values in member_link.items()}
    pieces: list[pd.DataFrame] = []
    subject = Subject(
        pool_label=pool_label(rules.cap.pool),
        unit_word="tổ chức",
        tie_note="tạm tính giữ tổ chức có mã nhỏ hơn",
        proposed_label="Đề xuất",
    )
    for layer in range(depth.max(initial=0), -1, -1):
        rows = np.nonzero(depth == layer)[0]
        if not len(rows):
            continue
        # subordinates: rows whose parent is in this layer, already rated
        child = parent_index >= 0
        child &= np.isin(parent_index, rows)
        sub_link = link_counts(
            level_out[child],
            status_out[child] == "rated",
            ids[parent_index[child]],
            pd.Index(ids[rows]),
        )
        for key in link:
            link[key][rows] = np.where(via_members[rows], member_link[key][rows], sub_link[key])
        link["link_kht_pct"][rows] = np.where(
            via_members[rows], member_link["link_kht_pct"][rows], all_members["link_kht_pct"][rows]
        )
        layer_fields = {name: values[rows] for name, values in fields.items()}
        for key in ("link_ge_htnv_pct", "link_ge_httnv_pct", "link_kht_pct"):
            layer_fields[key] = link[key][rows]
        frame = Frame(
            n=len(rows),
            score=score[rows],
            fields=layer_fields,
            leader=np.zeros(len(rows), dtype=bool),
            self_reported=self_reported[rows],
            decided=decided[rows],
            proposed=proposed[rows],
            pool=pool[rows],
            outstanding=np.zeros(len(rows), dtype=bool),
            tie_keys=tuple(key[rows] for key in ties),
            not_reviewed=not_reviewed[rows],
            not_reviewed_text=nr_text[rows],
            who=who[rows],
            mitigation_text=mitigation_text[rows],
            inputs=[(key, values[rows], kind) for key, values, kind in inputs],
        )
        result = run(frame, rules, ruleset, subject)
        level_out[rows] = result["level"]
        status_out[rows] = result["status"]
        pieces.append((rows, result))
    out: dict[str, np.ndarray] = {}
    for rows, result in pieces:
        for key, values in result.items():
            if key not in out:
                out[key] = np.empty(n, dtype=values.dtype)
            out[key][rows] = values
    out.update(
        org_id=ids,
        org_type=org_type,
        parent_id=parents,
        pool_id=pool,
        not_reviewed_cause=cause,
        exemplary=P.flag(P.column(df, "exemplary"), n),
        **link,
    )
    if n == 0:
        return pd.DataFrame({name: [] for name in OUTPUT_COLUMNS})
    return pd.DataFrame({name: out[name] for name in OUTPUT_COLUMNS})


def _subtree_member_link(
    mr: pd.DataFrame,
    levels: np.ndarray,
    rated: np.ndarray,
    ids: np.ndarray,
    parent_index: np.ndarray,
) -> dict:
    """The member link of every organisation over all of its members: each member counts for
    its chi bộ and for every organisation above it (one pass per generation, set-based)."""
    position = pd.Index(ids).get_indexer(mr["chi_bo_id"].to_numpy(dtype=object))
    rows = np.arange(len(mr))
    member_rows, groups = [], []
    for _ in range(MAX_DEPTH):
        inside = position >= 0
        if not inside.any():
            break
        member_rows.append(rows[inside])
        groups.append(position[inside])
        rows, position = rows[inside], parent_index[position[inside]]
    if not member_rows:
        return link_counts(levels[:0], rated[:0], ids[:0], pd.Index(ids))
    every = np.concatenate(member_rows)
    group = ids[np.concatenate(groups)]
    return link_counts(levels[every], rated[every], group, pd.Index(ids))


def _inputs(df: pd.DataFrame, n: int) -> list[tuple[str, np.ndarray, str]]:
    columns: list[tuple[str, np.ndarray, str]] = []
    for key, kind in (
        ("founded_on", "date"),
        ("dissolved_on", "date"),
        ("kind_of_place", "text"),
        ("decided_level", "text"),
        ("proposed_level", "text"),
        ("exemplary", "bool"),
    ):
        if key in df.columns:
            series = df[key]
            values = (
                P.dates(series, n)
                if kind == "date"
                else P.tristate(series, n)
                if kind == "bool"
                else series.to_numpy(dtype=object)
            )
            columns.append((key, values, kind))
    for name, info in field_info().items():
        if name in df.columns and info["subject"] in ("both", "organizations"):
            if info["kind"] == "bool":
                columns.append((name, P.tristate(df[name], n), "bool"))
            elif info["kind"] != "form":
                columns.append((name, P.numeric(df[name], n), "number"))
    return columns
