"""Party organisations: not rated, triggers, bands, the link to members / subordinates, the cap."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from rating_helpers import ruleset_with

from tcxd.core.errors import TreeLoopError
from tcxd.rating import rate_organizations
from tcxd.rating.organizations import OUTPUT_COLUMNS

START, END = date(2025, 1, 1), date(2025, 12, 31)
ORG_MET = {
    "tasks_completed_pct": 100,
    "tasks_on_time": True,
    "tasks_exceeding_pct": 40,
    "tasks_late_pct": 0,
    "prior_shortcomings_fixed": True,
    "leadership_member_disciplined": False,
    "subordinate_unit_disciplined": False,
}
NO_MEMBERS = pd.DataFrame({"member_id": [], "chi_bo_id": [], "level": [], "status": []})


@pytest.fixture(scope="module")
def org_nocap(rules_dir):
    return ruleset_with(rules_dir, "organizations:\n  cap: {mode: flag}\n", name="org-nocap.yaml")


def members_of(chi_bo: str, *levels: str, status: str = "rated") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": [f"{chi_bo}-{i}" for i in range(len(levels))],
            "chi_bo_id": chi_bo,
            "level": list(levels),
            "status": status,
        }
    )


def rate_one(org: dict, ruleset, members: pd.DataFrame = NO_MEMBERS) -> pd.Series:
    row = {"org_id": "C", "org_type": "chi_bo_co_so", "parent_id": "D", **org}
    return rate_organizations(pd.DataFrame([row]), members, ruleset, START, END).iloc[0]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (90, "HTXSNV"),
        (89.99, "HTTNV"),
        (70, "HTTNV"),
        (69.99, "HTNV"),
        (50, "HTNV"),
        (49.99, "KHTNV"),
    ],
)
def test_bands(org_nocap, score, level):
    result = rate_one({"score": score, **ORG_MET}, org_nocap, members_of("C", "HTTNV"))
    assert (result.status, result.level) == ("rated", level)


@pytest.mark.parametrize(
    ("org", "cause"),
    [
        ({"founded_on": date(2025, 6, 30)}, None),
        ({"founded_on": date(2025, 7, 1)}, "new"),
        ({"dissolved_on": date(2025, 12, 31)}, "dissolved"),
        ({"dissolved_on": date(2025, 6, 1)}, "dissolved"),
        ({"dissolved_on": date(2026, 1, 1)}, None),
        ({"org_type": "province"}, "other"),
        ({"not_reviewed": True}, "other"),
    ],
)
def test_not_rated(org_nocap, org, cause):
    result = rate_one({"score": 80, **ORG_MET, **org}, org_nocap)
    assert result.not_reviewed_cause == cause
    assert result.status == ("not_reviewed" if cause else "rated")
    if cause:
        assert result.level is None


@pytest.mark.parametrize(
    ("inputs", "kht_cause"),
    [
        ({"leadership_member_disciplined": True}, "discipline"),
        ({"personnel_wrongdoing_concluded": True}, "other"),
        ({"tasks_completed_pct": 69.99}, "other"),
        ({"tasks_completed_pct": 70}, "score"),  # not a trigger; KHTNV by the table (< 100 %)
    ],
)
def test_triggers(org_nocap, inputs, kht_cause):
    result = rate_one({"score": 95, **ORG_MET, **inputs}, org_nocap)
    assert (result.level, result.kht_cause) == ("KHTNV", kht_cause)


def test_htxs_needs_no_disciplined_subordinate(org_nocap):
    result = rate_one({"score": 95, **ORG_MET, "subordinate_unit_disciplined": True}, org_nocap)
    assert result.level == "HTTNV"
    assert "chưa đạt HTXSNV: tổ chức đảng trực thuộc bị kỷ luật: có (cần: không)" in result.reason


@pytest.mark.parametrize(
    ("levels", "level", "failed_share"),
    [
        (["HTXSNV"] * 2 + ["HTTNV"] * 8, "HTXSNV", None),
        (["HTTNV"] * 8 + ["HTNV"] * 2, "HTXSNV", None),  # exactly 80 % at ≥ HTTNV
        (
            ["HTTNV"] * 7 + ["HTNV"] * 3,
            "HTTNV",
            "từ Hoàn thành tốt nhiệm vụ trở lên 70% (cần ≥ 80%)",
        ),
        (["HTTNV"] * 9 + ["KHTNV"], "HTTNV", "từ Hoàn thành nhiệm vụ trở lên 90% (cần ≥ 100%)"),
        (["HTTNV"] * 8 + ["KHTNV"] * 2, "HTTNV", "từ Hoàn thành nhiệm vụ trở lên 80% (cần ≥ 100%)"),
        (["HTTNV"] * 7 + ["KHTNV"] * 3, "HTNV", "Không hoàn thành nhiệm vụ 30% (cần ≤ 20%)"),
    ],
)
def test_link_to_members(org_nocap, levels, level, failed_share):
    result = rate_one({"score": 95, **ORG_MET}, org_nocap, members_of("C", *levels))
    assert result.level == level
    assert result.link_rated == len(levels)
    if failed_share:
        assert f"đảng viên được xếp loại đạt {failed_share}" in result.reason or (
            f"đảng viên được xếp loại {failed_share}" in result.reason
        )


def test_link_leaves_out_members_not_rated_or_pending(org_nocap):
    members = pd.concat(
        [
            members_of("C", "HTTNV", "HTTNV"),
            members_of("C", None, status="not_reviewed").assign(member_id="x"),
            members_of("C", "KHTNV", status="needs_decision").assign(member_id="y"),
        ]
    )
    result = rate_one({"score": 95, **ORG_MET}, org_nocap, members)
    assert result.link_rated == 2
    assert result.level == "HTXSNV"


@pytest.mark.parametrize(("policy", "level"), [("assume_met", "HTXSNV"), ("fail", "HTNV")])
def test_link_without_rated_members_follows_the_policy(rules_dir, policy, level):
    rules = ruleset_with(
        rules_dir,
        f"organizations:\n  missing_condition: {policy}\n  cap: {{mode: flag}}\n",
        name=f"org-{policy}.yaml",
    )
    result = rate_one({"score": 95, **ORG_MET}, rules)
    assert result.link_rated == 0
    assert result.level == level


def tree() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"org_id": "D", "org_type": "district", "parent_id": "P", "score": 95, **ORG_MET},
            {"org_id": "T1", "org_type": "dang_bo_co_so", "parent_id": "D", "score": 95, **ORG_MET},
            {
                "org_id": "B1",
                "org_type": "dang_bo_bo_phan",
                "parent_id": "T1",
                "score": 80,
                **ORG_MET,
            },
            {
                "org_id": "C1",
                "org_type": "chi_bo_truc_thuoc",
                "parent_id": "B1",
                "score": 80,
                **ORG_MET,
            },
            {
                "org_id": "C2",
                "org_type": "chi_bo_truc_thuoc",
                "parent_id": "T1",
                "score": 80,
                **ORG_MET,
            },
            {
                "org_id": "C3",
                "org_type": "chi_bo_truc_thuoc",
                "parent_id": "T1",
                "score": 60,
                **ORG_MET,
            },
        ]
    )


def test_bottom_up_link_uses_subordinates_final_levels(org_nocap):
    members = pd.concat(
        [members_of("C1", "HTTNV", "HTTNV"), members_of("C2", "HTTNV"), members_of("C3", "HTNV")]
    )
    orgs = tree()
    result = rate_organizations(orgs, members, org_nocap, START, END).set_index("org_id")
    assert result.loc["C3", "level"] == "HTNV"
    # T1: subordinates B1 (HTTNV), C2 (HTTNV), C3 (HTNV): 2/3 at ≥ HTTNV < 80 % → HTTNV
    assert result.loc["T1", "link_rated"] == 3
    assert result.loc["T1", "level"] == "HTTNV"
    assert (
        "tổ chức đảng trực thuộc được xếp loại đạt từ Hoàn thành tốt nhiệm vụ trở lên 66,67%"
        in (result.loc["T1", "reason"])
    )
    # a decided level of a subordinate is what the parent's link uses
    orgs.loc[orgs.org_id == "C3", "decided_level"] = "HTTNV"
    result = rate_organizations(orgs, members, org_nocap, START, END).set_index("org_id")
    assert result.loc["C3", "level"] == "HTTNV" and result.loc["C3", "differs"]
    assert result.loc["T1", "level"] == "HTXSNV"
    # the district uses its TCCSĐ
    assert result.loc["D", "link_rated"] == 1


def test_results_in_input_order_with_all_columns(r366):
    orgs = tree().iloc[::-1]
    result = rate_organizations(orgs, NO_MEMBERS, r366, START, END)
    assert list(result.columns) == OUTPUT_COLUMNS
    assert list(result.org_id) == list(orgs.org_id)


def test_cap_among_organisations_of_the_same_type_under_one_committee(r366):
    orgs = pd.DataFrame(
        [
            {"org_id": f"T{i}", "org_type": t, "parent_id": "D", "score": s, **ORG_MET}
            for i, (t, s) in enumerate(
                [
                    ("dang_bo_co_so", 99),
                    ("chi_bo_co_so", 95),
                    *[("chi_bo_co_so", 80)] * 5,
                ]
            )
        ]
    )
    result = rate_organizations(orgs, NO_MEMBERS, r366, START, END)
    assert result.pool_id.nunique() == 1  # both kinds of TCCSĐ are one type
    # X = 2, T = 5: keep 1
    assert list(result.computed_level[:2]) == ["HTXSNV", "HTTNV"]
    assert result.capped[1]
    assert "hạ 1 tổ chức xuống HTTNV" in result.reason[1]


def test_cap_pool_given_by_the_caller(r366):
    orgs = pd.DataFrame(
        [
            {"org_id": "A", "org_type": "chi_bo_co_so", "parent_id": "D", "score": 95, **ORG_MET},
            {"org_id": "B", "org_type": "chi_bo_co_so", "parent_id": "D", "score": 95, **ORG_MET},
        ]
    )
    orgs["cap_pool"] = ["p1", "p2"]
    result = rate_organizations(orgs, NO_MEMBERS, r366, START, END)
    assert list(result.pool_id) == ["p1", "p2"]
    assert (result.computed_level == "HTTNV").all()  # alone in its pool: 1 > 20 % × 0


def test_exemplary_is_read_only(org_nocap):
    result = rate_one({"score": 95, **ORG_MET, "exemplary": "x"}, org_nocap)
    assert result.exemplary
    assert not rate_one({"score": 95, **ORG_MET}, org_nocap).exemplary


def test_qd124_organisations_use_decided_or_proposed(r124):
    orgs = pd.DataFrame(
        [
            {"org_id": "A", "org_type": "chi_bo_co_so", "parent_id": "D", "decided_level": "HTTNV"},
            {"org_id": "B", "org_type": "chi_bo_co_so", "parent_id": "D", "proposed_level": "HTNV"},
            {"org_id": "C", "org_type": "chi_bo_co_so", "parent_id": "D"},
        ]
    )
    result = rate_organizations(orgs, NO_MEMBERS, r124, date(2024, 1, 1), date(2024, 12, 31))
    assert list(result.level) == ["HTTNV", "HTNV", None]
    assert list(result.from_proposal) == [False, True, False]
    assert result.status[2] == "needs_decision"


def test_cycle_in_the_tree_is_refused(r366):
    orgs = pd.DataFrame(
        [
            {"org_id": "A", "org_type": "chi_bo_co_so", "parent_id": "B"},
            {"org_id": "B", "org_type": "dang_bo_co_so", "parent_id": "A"},
        ]
    )
    with pytest.raises(TreeLoopError, match="vòng lặp"):
        rate_organizations(orgs, NO_MEMBERS, r366, START, END)
