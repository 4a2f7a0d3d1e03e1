"""Helpers of the rating tests: rule sets with a province file, and rating a few members."""

from __future__ import annotations

from datetime import date
from itertools import count
from pathlib import Path

import pandas as pd

from tcxd.rating import rate_members
from tcxd.rating.rules import RuleSet, load_rules

YEAR_END = date(2025, 12, 31)

# every condition of every level met: a member's rating then rests on the score alone
ALL_MET = {
    "tasks_completed_pct": 100,
    "tasks_on_time": True,
    "tasks_exceeding_pct": 35,
    "tasks_late_pct": 0,
    "prior_shortcomings_fixed": True,
}


def ruleset_with(tmp: Path, yaml_text: str, year: int = 2025, name: str = "tinh.yaml") -> RuleSet:
    path = tmp / name
    path.write_text(yaml_text, encoding="utf-8")
    return load_rules(year, override=path)


def policy_rules(rules_dir: Path, policy: str) -> RuleSet:
    return ruleset_with(
        rules_dir,
        f"members:\n  missing_condition: {policy}\n  cap: {{mode: flag}}\n",
        name=f"policy-{policy}.yaml",
    )


def rate(rows: list[dict], ruleset: RuleSet, end: date = YEAR_END, **kwargs) -> pd.DataFrame:
    """Rate members given as dicts; member_id, card_number and tccsd_id are filled in."""
    ids = count(1)
    full = []
    for row in rows:
        i = next(ids)
        full.append({"member_id": i, "card_number": f"{i:08d}", "tccsd_id": "T", **row})
    return rate_members(pd.DataFrame(full), ruleset, end, **kwargs)


def one(row: dict, ruleset: RuleSet, end: date = YEAR_END, **kwargs) -> pd.Series:
    return rate([row], ruleset, end, **kwargs).iloc[0]
