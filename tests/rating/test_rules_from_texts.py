"""One test per rule and special case of the texts, on hand-made members and organisations
(spec rules.md, "Faithful to the texts"). Each docstring quotes the article it tests, as the
secondary copies of QĐ 366-QĐ/TW (30/8/2025) and HD 43-HD/BTCTW (31/10/2025) give it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from rating_helpers import ALL_MET, one, rate

from tcxd.rating import apply_quarter_link, rate_organizations
from tcxd.rating.prepare import tristate
from tcxd.reading.values import to_bools

START, END = date(2025, 1, 1), date(2025, 12, 31)
IN_YEAR = date(2025, 5, 12)
UNIT_MET = {
    "led_unit_tasks_completed_pct": 100,
    "led_unit_tasks_on_time": True,
    "led_unit_tasks_exceeding_pct": 40,
    "led_unit_tasks_late_pct": 0,
}


# ── the bands and the cap bind the final result ────────────────────────────────────────────────
def test_a_decided_htxsnv_below_90_points_is_flagged(r366):
    """QĐ 366 Điều 11: "Hoàn thành xuất sắc nhiệm vụ: đạt từ 90 điểm trở lên …". A committee's
    decision of HTXSNV at 77,8 points is used, but listed as one the rules would not allow."""
    others = [{"score": 80, **ALL_MET} for _ in range(5)]  # room in the pool: 1 ≤ 20 % × 5
    out = rate([{"score": 77.8, **ALL_MET, "decided_level": "HTXSNV"}, *others], r366)
    result = out.iloc[0]
    assert (result.status, result.level, result.computed_level) == ("rated", "HTXSNV", "HTTNV")
    assert result.decided_not_allowed == "below_band"
    assert result.reason.endswith(
        "cấp ủy quyết định: Hoàn thành xuất sắc nhiệm vụ (khác kết quả tính: Hoàn thành tốt "
        "nhiệm vụ) — cần xem lại: điểm 77,8 dưới mức tối thiểu 90 của mức này"
    )
    allowed = rate([{"score": 95, **ALL_MET, "decided_level": "HTXSNV"}, *others], r366)
    assert allowed.decided_not_allowed.isna().all()


def test_decided_levels_count_in_the_pool_and_one_over_the_cap_is_flagged(r366):
    """QĐ 366: "số đảng viên được xếp loại Hoàn thành xuất sắc nhiệm vụ không vượt quá 20% số
    đảng viên được xếp loại Hoàn thành tốt nhiệm vụ". The cap binds the levels decided: a pool
    that ends at 2 HTXSNV for 7 HTTNV (28,6 %) is over it."""
    rows = [{"score": 95, **ALL_MET, "decided_level": "HTXSNV"} for _ in range(2)]
    rows += [{"score": 85, **ALL_MET} for _ in range(7)]
    out = rate(rows, r366)
    assert list(out.level[:2]) == ["HTXSNV", "HTXSNV"]
    assert list(out.computed_level[:2]) == ["HTXSNV", "HTTNV"]  # the cap lowered one
    assert list(out.decided_not_allowed[:2]) == ["over_cap", "over_cap"]
    assert out.decided_not_allowed[2:].isna().all()
    assert (
        "— cần xem lại: theo mức cấp ủy quyết định, tổ chức cơ sở đảng có 2 HTXSNV và 7 HTTNV: "
        "vượt tỷ lệ 20% (tối đa 1)" in out.reason[0]
    )
    # within the cap once counted: nothing to flag
    within = rate(rows[:1] + rows[2:], r366)
    assert within.decided_not_allowed.isna().all()


# ── conditions taken as met ────────────────────────────────────────────────────────────────────
def test_conditions_taken_as_met_are_counted_and_named(r366_nocap):
    """QĐ 366 Điều 11 names the conditions of HTXSNV (100 % of tasks, on time and of quality,
    ≥ 30 % exceeding, shortcomings fixed); a file that gives none of them rates on the score,
    each condition "coi như đạt" and counted (tcxd default `missing_condition: assume_met`)."""
    result = one({"score": 95}, r366_nocap)
    assert (result.level, result.assumed_conditions) == ("HTXSNV", 4)
    assert "nhiệm vụ vượt yêu cầu: không có số liệu, coi như đạt" in result.reason


# ── leaders ────────────────────────────────────────────────────────────────────────────────────
def test_a_leader_whose_unit_missed_its_targets_cannot_be_htxsnv(r366_nocap):
    """QĐ 366 Điều 11: a member holding a leadership post is rated also on the results of the
    unit they lead: HTXSNV needs the unit to complete 100 % of its tasks, on time and of
    quality, ≥ 30 % beyond; under 70 % the leader is "Không hoàn thành nhiệm vụ"."""
    leader = {"score": 95, **ALL_MET, "leader": True}
    assert one({**leader, **UNIT_MET}, r366_nocap).level == "HTXSNV"
    missed = one({**leader, **UNIT_MET, "led_unit_tasks_completed_pct": 85}, r366_nocap)
    assert missed.level == "HTNV"
    assert "chưa đạt HTXSNV: đơn vị do đảng viên lãnh đạo, quản lý hoàn thành nhiệm vụ 85%" in (
        missed.reason
    )
    below = one({**leader, **UNIT_MET, "led_unit_tasks_completed_pct": 65}, r366_nocap)
    assert (below.level, below.kht_cause) == ("KHTNV", "other")
    # the same figures on a member who leads nothing are not read
    assert one(
        {**leader, "leader": False, "led_unit_tasks_completed_pct": 65}, r366_nocap
    ).level == ("HTXSNV")


@pytest.mark.parametrize(
    "trigger",
    [
        {"low_confidence_votes_pct": 51},
        {"locality_targets_met": False},
        {"remit_corruption_disciplined": True},
    ],
)
def test_leaders_extra_triggers(r366_nocap, trigger):
    """QĐ 366 Điều 11, leaders: "Không hoàn thành nhiệm vụ" also when more than 50 % of the
    confidence votes are low, when the locality they lead misses its socio-economic targets,
    or when corruption or waste within their remit is disciplined."""
    leader = one({"score": 95, **ALL_MET, **UNIT_MET, "leader": True, **trigger}, r366_nocap)
    assert (leader.level, leader.kht_cause) == ("KHTNV", "other")
    assert leader.reason.startswith("Căn cứ xếp loại Không hoàn thành nhiệm vụ: ")
    member = one({"score": 95, **ALL_MET, "leader": False, **trigger}, r366_nocap)
    assert member.level == "HTXSNV"


# ── discipline timing and place ────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("place", "words"),
    [
        ({"violation_year": 2024}, "vi phạm xảy ra năm 2024, trước kỳ xếp loại"),
        (
            {"violation_elsewhere": True, "violation_unit": "Chi bộ thôn 3"},
            "vi phạm xảy ra tại đơn vị cũ (Chi bộ thôn 3)",
        ),
    ],
)
def test_a_violation_of_an_earlier_year_or_a_previous_unit_needs_a_decision(
    r366_nocap, place, words
):
    """HD 43: a member disciplined this year for a violation committed in an earlier year, or
    at the unit they were in before, is not automatically "Không hoàn thành nhiệm vụ": the
    competent level decides, the rules' proposal beside it."""
    row = {"score": 95, **ALL_MET, "discipline": "khien_trach", "discipline_on": IN_YEAR}
    result = one({**row, **place}, r366_nocap)
    assert (result.status, result.needs_decision_cause) == ("needs_decision", "earlier_violation")
    assert result.computed_level == "HTXSNV"  # the proposal
    assert words in result.reason
    assert result.reason.endswith(
        "→ Cấp có thẩm quyền xem xét, quyết định (đề xuất: Hoàn thành xuất sắc nhiệm vụ)"
    )
    # a violation of this year at this unit stays KHTNV; so does one with another trigger
    assert one(row, r366_nocap).level == "KHTNV"
    both = one({**row, **place, "degradation_concluded": True}, r366_nocap)
    assert (both.status, both.level) == ("rated", "KHTNV")


# ── organisations ──────────────────────────────────────────────────────────────────────────────
ORG_MET = {
    "score": 95,
    "tasks_completed_pct": 100,
    "tasks_on_time": True,
    "tasks_exceeding_pct": 40,
    "tasks_late_pct": 0,
    "prior_shortcomings_fixed": True,
    "leadership_member_disciplined": False,
    "leadership_member_any_discipline": False,
    "subordinate_unit_disciplined": False,
}
NO_MEMBERS = pd.DataFrame({"member_id": [], "chi_bo_id": [], "level": [], "status": []})


def rate_org(org: dict, ruleset) -> pd.Series:
    row = {"org_id": "C", "org_type": "chi_bo_co_so", "parent_id": "D", **ORG_MET, **org}
    return rate_organizations(pd.DataFrame([row]), NO_MEMBERS, ruleset, START, END).iloc[0]


def test_an_organisation_blocked_from_htxsnv_is_not_khtnv(r366):
    """HD 43: an organisation with a member of its leadership disciplined (any form) cannot be
    HTXSNV; it is "Không hoàn thành nhiệm vụ" only when that member is disciplined at khiển
    trách or above for a violation tied to duty and not carried over from another unit. Two
    inputs, two rules."""
    blocked = rate_org({"leadership_member_any_discipline": True}, r366)
    assert (blocked.level, blocked.kht_cause) == ("HTTNV", None)
    trigger = rate_org({"leadership_member_disciplined": True}, r366)
    assert (trigger.level, trigger.kht_cause) == ("KHTNV", "discipline")


@pytest.mark.parametrize(
    "trigger", [{"degradation_members_concluded": True}, {"locality_targets_met": False}]
)
def test_the_organisations_missing_triggers(r366, trigger):
    """HD 43: an organisation is "Không hoàn thành nhiệm vụ" also when members are concluded to
    be degraded, and when the locality misses its targets (when the file gives them)."""
    assert rate_org(trigger, r366).level == "KHTNV"


@pytest.mark.parametrize(
    ("mitigation", "words"),
    [
        ({"self_reported_remedied": True}, "tập thể đã tự phát hiện và khắc phục"),
        ({"force_majeure": True}, "do nguyên nhân bất khả kháng"),
    ],
)
def test_an_organisations_mitigated_trigger_needs_a_decision(r366, mitigation, words):
    """HD 43: a shortcoming the collective found and fixed itself, or one due to force
    majeure, is left to the competent level rather than rated KHTNV."""
    result = rate_org({"tasks_completed_pct": 60, **mitigation}, r366)
    assert result.status == "needs_decision"
    assert words in result.reason


def test_a_dang_bo_with_khtnv_members_is_limited_whatever_its_subordinates(r366):
    """Link to members (tcxd default, no text behind the 20 %): an organisation with more than
    20 % of its rated members KHTNV cannot be above HTNV. A đảng bộ's members are all the
    members of the chi bộ below it, not only its direct subordinate organisations' levels."""
    orgs = pd.DataFrame(
        [
            {"org_id": "D", "org_type": "dang_bo_co_so", "parent_id": "H", **ORG_MET},
            # the committee decided HTXSNV for both chi bộ, whatever their members
            *[
                {"org_id": c, "org_type": "chi_bo_truc_thuoc", "parent_id": "D", **ORG_MET,
                 "decided_level": "HTXSNV"}
                for c in ("A", "B")
            ],
        ]
    )  # fmt: skip
    levels = ["KHTNV"] * 3 + ["HTTNV"] * 2 + ["HTTNV"] * 5
    members = pd.DataFrame(
        {
            "member_id": range(10),
            "chi_bo_id": ["A"] * 5 + ["B"] * 5,
            "level": levels,
            "status": "rated",
        }
    )
    out = rate_organizations(orgs, members, r366, START, END).set_index("org_id")
    assert out.loc["D", "link_kht_pct"] == pytest.approx(30.0)
    assert out.loc["D", "level"] == "HTNV"
    assert "đảng viên được xếp loại Không hoàn thành nhiệm vụ 30%" in out.loc["D", "reason"]


# ── quarters ───────────────────────────────────────────────────────────────────────────────────
def test_the_years_reason_shows_the_quarter_results(r366_nocap):
    """QĐ 366 Điều 15: quarterly ratings are a basis of the year's rating; the year's reason
    shows them. No link beyond that unless the province adopts one."""
    year = rate([{"score": 95, **ALL_MET}], r366_nocap)
    quarters = pd.DataFrame(
        {"member_id": [1, 1, 1], "quarter": [2, 1, 3], "level": ["HTXSNV", "HTTNV", None],
         "status": ["rated", "rated", "needs_decision"]}
    )  # fmt: skip
    out = apply_quarter_link(year, quarters, r366_nocap)
    assert out.level[0] == "HTXSNV"
    assert out.reason[0].endswith(
        "; kết quả các quý: quý I HTTNV, quý II HTXSNV, quý III chờ quyết định"
    )


# ── text values ────────────────────────────────────────────────────────────────────────────────
def test_khong_co_in_a_shortcomings_column_means_none_were_named(r366_nocap):
    """QĐ 366 Điều 11, HTXSNV: "khắc phục hạn chế, khuyết điểm đã được chỉ ra". "Không có" in
    that column says none were named: the condition is met. "Không" says they were not fixed."""
    none_named = one({"score": 95, **ALL_MET, "prior_shortcomings_fixed": "Không có"}, r366_nocap)
    assert none_named.level == "HTXSNV"
    not_fixed = one({"score": 95, **ALL_MET, "prior_shortcomings_fixed": "Không"}, r366_nocap)
    assert not_fixed.level == "HTTNV"


@pytest.mark.parametrize("name", ["prior_shortcomings_fixed", "tasks_on_time"])
def test_the_engine_and_the_importer_read_yes_no_words_alike(name):
    words = ["có", "x", "không", "Không có", "chưa", "Đã khắc phục", "không có hạn chế", "ừ"]
    imported = to_bools(words, none_named_met=name == "prior_shortcomings_fixed").values
    as_engine = tristate(
        pd.Series(words, dtype=object),
        len(words),
        none_named_met=name == "prior_shortcomings_fixed",
    )
    expected = np.array([np.nan if v is None else float(v) for v in imported])
    np.testing.assert_array_equal(as_engine, expected)
