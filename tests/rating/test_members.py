"""Members under qd366-2025: every step of rules.md, table-driven, boundaries included."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from rating_helpers import ALL_MET, YEAR_END, one, policy_rules, rate, ruleset_with

from tcxd.rating.members import OUTPUT_COLUMNS, rate_members


# ── step 3: bands ───────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("score", "level"),
    [
        (100, "HTXSNV"),
        (90, "HTXSNV"),
        (89.99, "HTTNV"),
        (70, "HTTNV"),
        (69.99, "HTNV"),
        (50, "HTNV"),
        (49.99, "KHTNV"),
        (0, "KHTNV"),
    ],
)
def test_score_bands(r366_nocap, score, level):
    result = one({"score": score, **ALL_MET}, r366_nocap)
    assert result.status == "rated"
    assert result.computed_level == level
    assert result.level == level
    assert result.kht_cause == ("score" if level == "KHTNV" else None)


def test_score_from_its_two_parts(r366_nocap):
    result = one({"general_score": 28, "task_score": 64, **ALL_MET}, r366_nocap)
    assert result.level == "HTXSNV"
    assert "Điểm 92/100 (≥ 90)" in result.reason


def test_no_score_needs_a_decision(r366_nocap):
    result = one({"score": None, **ALL_MET}, r366_nocap)
    assert result.status == "needs_decision"
    assert result.needs_decision_cause == "no_score"
    assert result.computed_level is None and result.level is None
    assert "Không có điểm đánh giá" in result.reason


# each condition of HTXSNV: met / missing / failed, under each missing_condition policy.
# expected (status, computed level, assumed conditions) with score 95 and everything else met.
CONDITION_CASES = [
    # field, failing value, level when failed, level when missing under `fail`
    ("tasks_completed_pct", 99, "KHTNV", "KHTNV"),
    ("tasks_on_time", False, "HTNV", "HTNV"),
    ("tasks_exceeding_pct", 29.99, "HTTNV", "HTTNV"),
    ("prior_shortcomings_fixed", False, "HTTNV", "HTTNV"),
]


@pytest.mark.parametrize("policy", ["assume_met", "flag", "fail"])
@pytest.mark.parametrize(("field", "bad", "failed_level", "fail_missing_level"), CONDITION_CASES)
def test_conditions_met_missing_failed(
    rules_dir, policy, field, bad, failed_level, fail_missing_level
):
    rules = policy_rules(rules_dir, policy)
    met = one({"score": 95, **ALL_MET}, rules)
    assert (met.status, met.computed_level, met.assumed_conditions) == ("rated", "HTXSNV", 0)

    failed = one({"score": 95, **ALL_MET, field: bad}, rules)
    assert (failed.status, failed.computed_level) == ("rated", failed_level)
    assert "cần" in failed.reason

    inputs = {k: v for k, v in ALL_MET.items() if k != field}
    missing = one({"score": 95, **inputs}, rules)
    if policy == "assume_met":
        assert (missing.status, missing.computed_level) == ("rated", "HTXSNV")
        assert missing.assumed_conditions == 1
        assert "không có số liệu, coi như đạt" in missing.reason
    elif policy == "flag":
        assert (missing.status, missing.computed_level) == ("needs_decision", "HTXSNV")
        assert missing.needs_decision_cause == "missing_condition"
        assert missing.level == "HTXSNV"  # the proposal, until the committee decides
        assert "không có số liệu, cần cấp có thẩm quyền xem xét" in missing.reason
    else:
        assert (missing.status, missing.computed_level) == ("rated", fail_missing_level)
        assert missing.assumed_conditions == 0


def test_conditions_all_missing_assumed_and_counted(r366_nocap):
    result = one({"score": 91}, r366_nocap)
    assert result.level == "HTXSNV"
    assert result.assumed_conditions == 4
    assert result.reason.count("coi như đạt") == 4


def test_missing_conditions_count_only_the_level_given(r366_nocap):
    result = one({"score": 60}, r366_nocap)
    assert result.level == "HTNV"
    assert result.assumed_conditions == 2


@pytest.mark.parametrize(
    ("inputs", "status", "level", "cause"),
    [
        # 100 % done but late beyond 20 %: the texts are silent -> needs a decision (default)
        (
            {"tasks_completed_pct": 100, "tasks_late_pct": 21},
            "needs_decision",
            "HTNV",
            "condition_failed",
        ),
        ({"tasks_completed_pct": 100, "tasks_late_pct": 20}, "rated", "HTNV", None),
        (
            {"tasks_completed_pct": 100, "tasks_late_pct": 20.01},
            "needs_decision",
            "HTNV",
            "condition_failed",
        ),
        # not only late: KHTNV by the table
        ({"tasks_completed_pct": 90, "tasks_late_pct": 30}, "rated", "KHTNV", None),
    ],
)
def test_late_beyond_limit(r366_nocap, inputs, status, level, cause):
    result = one({"score": 95, "tasks_on_time": False, **inputs}, r366_nocap)
    assert (result.status, result.computed_level, result.needs_decision_cause) == (
        status,
        level,
        cause,
    )


def test_late_with_a_low_score_is_khtnv(r366_nocap):
    result = one({"score": 40, "tasks_completed_pct": 100, "tasks_late_pct": 30}, r366_nocap)
    assert (result.status, result.level, result.kht_cause) == ("rated", "KHTNV", "score")


def test_late_tasks_mean_not_on_time(r366_nocap):
    # tasks_on_time not given, 10 % late: not "all on time" -> HTNV, not HTXSNV
    result = one({"score": 95, "tasks_completed_pct": 100, "tasks_late_pct": 10}, r366_nocap)
    assert result.level == "HTNV"


def test_reason_names_every_rule_with_the_values(r366):
    rows = [{"score": 92, **ALL_MET}] + [{"score": 80, **ALL_MET}] * 5
    result = rate(rows, r366).iloc[0]
    assert result.reason == (
        "Điểm 92/100 (≥ 90); nhiệm vụ hoàn thành 100% (≥ 100%); hoàn thành đúng tiến độ, bảo đảm "
        "chất lượng: có; nhiệm vụ vượt yêu cầu 35% (≥ 30%); khắc phục hạn chế, khuyết điểm đã được "
        "chỉ ra: có; trong tỷ lệ 20% → Hoàn thành xuất sắc nhiệm vụ"
    )


def test_reason_names_the_failed_condition_of_a_better_level(r366_nocap):
    result = one({"score": 92.5, **ALL_MET, "tasks_exceeding_pct": 20}, r366_nocap)
    assert result.level == "HTTNV"
    assert result.reason.startswith(
        "Điểm 92,5/100 (≥ 90); chưa đạt HTXSNV: nhiệm vụ vượt yêu cầu 20%"
    )
    assert result.reason.endswith("→ Hoàn thành tốt nhiệm vụ")


# ── step 1: not reviewed ────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("period_end", "admitted_on", "status"),
    [
        # year 2025: admitted after 30/6/2025 is not rated
        (date(2025, 12, 31), date(2025, 6, 29), "rated"),
        (date(2025, 12, 31), date(2025, 6, 30), "rated"),
        (date(2025, 12, 31), date(2025, 7, 1), "not_reviewed"),
        (date(2025, 12, 31), date(2025, 12, 31), "not_reviewed"),
        (date(2025, 12, 31), date(2020, 1, 1), "rated"),
        (date(2025, 12, 31), None, "rated"),  # no admission date: member since before records
        # Q1 2026 (31/3): six months back is 30/9/2025
        (date(2026, 3, 31), date(2025, 9, 30), "rated"),
        (date(2026, 3, 31), date(2025, 10, 1), "not_reviewed"),
        # Q2 2025 (30/6): 30/12/2024
        (date(2025, 6, 30), date(2024, 12, 30), "rated"),
        (date(2025, 6, 30), date(2024, 12, 31), "not_reviewed"),
        # Q3 2025 (30/9): 30/3/2025
        (date(2025, 9, 30), date(2025, 3, 30), "rated"),
        (date(2025, 9, 30), date(2025, 3, 31), "not_reviewed"),
    ],
)
def test_admitted_less_than_six_months_before(r366_nocap, period_end, admitted_on, status):
    result = one({"score": 80, **ALL_MET, "admitted_on": admitted_on}, r366_nocap, period_end)
    assert result.status == status
    if status == "not_reviewed":
        assert result.not_reviewed_cause == "new"
        assert result.level is None and result.computed_level is None
        assert "chưa đủ 6 tháng" in result.reason
    else:
        assert result.level == "HTTNV"


def test_admitted_threshold_in_the_reason(r366_nocap):
    result = one({"score": 80, "admitted_on": date(2025, 7, 1)}, r366_nocap)
    assert result.reason == (
        "Kết nạp ngày 1/7/2025, chưa đủ 6 tháng đến ngày xếp loại 31/12/2025 "
        "(kết nạp sau 30/6/2025) → Không đánh giá, xếp loại"
    )


@pytest.mark.parametrize(
    ("flags", "cause"),
    [
        ({"exempt": True}, "exempt"),
        ({"suspended": True}, "suspended"),
        ({"exempt": True, "suspended": True}, "exempt"),
        ({"suspended": True, "admitted_on": date(2025, 9, 1)}, "suspended"),
        ({"not_reviewed": True}, "other"),
        ({"exempt": False, "suspended": False}, None),
        ({"exempt": "x"}, "exempt"),
        ({"exempt": None}, None),
    ],
)
def test_not_reviewed_causes(r366_nocap, flags, cause):
    result = one({"score": 80, **ALL_MET, **flags}, r366_nocap)
    assert result.not_reviewed_cause == cause
    assert result.status == ("not_reviewed" if cause else "rated")


def test_not_reviewed_wins_over_triggers(r366_nocap):
    result = one({"score": 80, "exempt": True, "discipline": "canh_cao"}, r366_nocap)
    assert result.status == "not_reviewed"
    assert result.kht_cause is None


def test_province_may_rate_exempt_members(rules_dir):
    rules = ruleset_with(
        rules_dir, "members:\n  not_reviewed: {exempt: false}\n", name="exempt.yaml"
    )
    assert one({"score": 80, **ALL_MET, "exempt": True}, rules).status == "rated"


# ── step 2: KHTNV triggers ──────────────────────────────────────────────────────────────────────
IN_YEAR = date(2025, 5, 12)


@pytest.mark.parametrize(
    ("inputs", "kht", "cause"),
    [
        ({"discipline": "khien_trach", "discipline_on": IN_YEAR}, True, "discipline"),
        ({"discipline": "Cảnh cáo", "discipline_on": IN_YEAR}, True, "discipline"),
        ({"discipline": "khai_tru", "discipline_on": IN_YEAR}, True, "discipline"),
        ({"discipline": "khien_trach"}, True, "discipline"),  # "Kỷ luật trong năm", no date
        ({"discipline": "khien_trach", "discipline_on": date(2024, 12, 31)}, False, None),
        ({"discipline": "khien_trach", "discipline_on": date(2025, 1, 1)}, True, "discipline"),
        ({"discipline": "khien_trach", "discipline_on": date(2026, 1, 1)}, False, None),
        ({"discipline": "canh_cao", "discipline_duty_related": False}, False, None),
        ({"discipline": None}, False, None),
        ({"degradation_concluded": True}, True, "other"),
        ({"degradation_concluded": False}, False, None),
        ({"forbidden_acts_violation": True}, True, "other"),
        ({"example_duty_violation": True}, True, "other"),
        ({"tasks_not_completed_pct": 51}, True, "other"),
        ({"tasks_not_completed_pct": 50}, False, None),
        ({"leader": True, "led_unit_tasks_completed_pct": 69.99}, True, "other"),
        # (70 % is no trigger, but the leader's unit must do 100 % for HTXSNV: see
        # test_rules_from_texts.py; here the unit met every condition)
        (
            {
                "leader": True,
                "led_unit_tasks_completed_pct": 100,
                "led_unit_tasks_on_time": True,
                "led_unit_tasks_exceeding_pct": 30,
            },
            False,
            None,
        ),
        ({"leader": False, "led_unit_tasks_completed_pct": 50}, False, None),
        ({"led_unit_tasks_completed_pct": 50}, False, None),  # leader not given: not a leader
        ({"leader": True, "led_units_kht_share": 50.01}, True, "other"),
        ({"leader": True, "led_units_kht_share": 50}, False, None),
        ({"leader": False, "led_units_kht_share": 80}, False, None),
    ],
)
def test_triggers(r366_nocap, inputs, kht, cause):
    result = one({"score": 95, **ALL_MET, **inputs}, r366_nocap)
    if kht:
        assert (result.status, result.level, result.kht_cause) == ("rated", "KHTNV", cause)
        assert result.reason.startswith("Căn cứ xếp loại Không hoàn thành nhiệm vụ: ")
    else:
        assert (result.status, result.level) == ("rated", "HTXSNV")


def test_tasks_not_completed_is_derived_from_tasks_completed(r366_nocap):
    result = one({"score": 95, "tasks_completed_pct": 49}, r366_nocap)
    assert (result.level, result.kht_cause) == ("KHTNV", "other")
    assert "nhiệm vụ không hoàn thành 51% (> 50%)" in result.reason
    # 50 % done = 50 % not done: not over 50 %; KHTNV by the table (not 100 % done)
    result = one({"score": 95, "tasks_completed_pct": 50}, r366_nocap)
    assert (result.level, result.kht_cause) == ("KHTNV", "score")


def test_discipline_reason_names_form_and_date(r366_nocap):
    result = one({"score": 95, "discipline": "khien_trach", "discipline_on": IN_YEAR}, r366_nocap)
    assert result.reason == (
        "Căn cứ xếp loại Không hoàn thành nhiệm vụ: kỷ luật trong kỳ: Khiển trách ngày 12/5/2025 "
        "(từ Khiển trách trở lên) → Không hoàn thành nhiệm vụ"
    )


def test_discipline_in_the_quarter_only(r366_nocap):
    row = {"score": 95, **ALL_MET, "discipline": "khien_trach", "discipline_on": date(2025, 5, 2)}
    q1 = one(row, r366_nocap, date(2025, 3, 31), period_start=date(2025, 1, 1))
    q2 = one(row, r366_nocap, date(2025, 6, 30), period_start=date(2025, 4, 1))
    assert q1.level == "HTXSNV"
    assert q2.level == "KHTNV"


@pytest.mark.parametrize(
    ("score", "proposal"), [(95, "HTXSNV"), (80, "HTTNV"), (60, "HTNV"), (30, "KHTNV")]
)
def test_self_reported_and_remedied_needs_a_decision(r366_nocap, score, proposal):
    result = one(
        {"score": score, **ALL_MET, "discipline": "canh_cao", "self_reported_remedied": True},
        r366_nocap,
    )
    assert (result.status, result.needs_decision_cause) == ("needs_decision", "self_reported")
    assert result.computed_level == proposal
    assert "đã tự giác nhận khuyết điểm và khắc phục hậu quả" in result.reason
    assert "Cấp có thẩm quyền xem xét, quyết định (đề xuất: " in result.reason


def test_self_reported_without_trigger_is_plain(r366_nocap):
    result = one({"score": 95, **ALL_MET, "self_reported_remedied": True}, r366_nocap)
    assert (result.status, result.level) == ("rated", "HTXSNV")


# ── step 4: the cap ─────────────────────────────────────────────────────────────────────────────
def pool(x: int, t: int, *, start: float = 99, step: float = 0.5, **extra) -> list[dict]:
    """x members proposed HTXSNV with distinct decreasing scores, t members HTTNV."""
    xs = [{"score": start - i * step, **ALL_MET, **extra} for i in range(x)]
    ts = [{"score": 80, **ALL_MET, **extra} for _ in range(t)]
    return xs + ts


@pytest.mark.parametrize(
    ("x", "t", "kept"),
    [
        (0, 10, 0),
        (1, 5, 1),  # 1 ≤ 0,2 × 5
        (1, 4, 0),  # 1 > 0,8 → lowered: 0 ≤ 0,2 × 5
        (2, 5, 1),  # 1 ≤ 0,2 × 6
        (3, 10, 2),  # 2 ≤ 0,2 × 11
        (6, 24, 5),  # 5 ≤ 0,2 × 25 exactly
        (5, 20, 4),
        (4, 20, 4),
        (5, 0, 0),
        (1, 0, 0),
        (12, 50, 10),  # 10 ≤ 0,2 × 52 = 10,4; 11 > 0,2 × 51 = 10,2
    ],
)
def test_cap_lowers_the_fewest(r366, x, t, kept):
    result = rate(pool(x, t), r366)
    cand = result.iloc[:x]
    assert (cand.computed_level == "HTXSNV").sum() == kept
    assert cand.capped.sum() == x - kept
    assert (result.iloc[x:].computed_level == "HTTNV").all()
    # the highest scores are kept
    assert list(cand.computed_level) == ["HTXSNV"] * kept + ["HTTNV"] * (x - kept)
    assert (result.status == "rated").all()


def test_cap_reason_gives_the_pool_numbers(r366):
    result = rate(pool(3, 10), r366)
    lowered = result.iloc[2]
    assert lowered.capped
    assert lowered.reason.endswith(
        "vượt tỷ lệ 20% của tổ chức cơ sở đảng (3 đạt HTXSNV, 10 HTTNV: chỉ được giữ 2 người "
        "điểm cao nhất vì 2 ≤ 20% × 11; hạ 1 người xuống HTTNV) → Hoàn thành tốt nhiệm vụ"
    )
    kept = result.iloc[0]
    assert "trong tỷ lệ 20% của tổ chức cơ sở đảng (3 đạt HTXSNV, 10 HTTNV; giữ 2" in kept.reason


@pytest.mark.parametrize(("outstanding", "kept"), [(False, 1), (True, 2)])
def test_cap_outstanding_unit_25_percent(r366, outstanding, kept):
    result = rate(pool(2, 8, outstanding_pool=outstanding), r366)
    assert (result.computed_level == "HTXSNV").sum() == kept
    if outstanding:
        assert "trong tỷ lệ 25%" in result.iloc[0].reason


def test_cap_outstanding_units_from_the_province_file(rules_dir):
    rules = ruleset_with(
        rules_dir, "members:\n  cap:\n    outstanding_units: [T]\n", name="outstanding.yaml"
    )
    result = rate(pool(2, 8), rules)
    assert (result.computed_level == "HTXSNV").sum() == 2


def test_cap_tie_at_the_boundary(r366):
    # X = 3, T = 10: keep 2; scores 99, 92, 92: the cut falls between the two 92s
    rows = [{"score": s, **ALL_MET} for s in (99, 92, 92)] + pool(0, 10)
    result = rate(rows, r366)
    top, a, b = result.iloc[0], result.iloc[1], result.iloc[2]
    assert (top.status, top.computed_level, top.cap_tie) == ("rated", "HTXSNV", False)
    for tied in (a, b):
        assert tied.status == "needs_decision"
        assert tied.needs_decision_cause == "cap_tie"
        assert tied.cap_tie
        assert "bằng nhau ở ranh giới tỷ lệ 20%" in tied.reason
    # the lowest card number is kept for the count
    assert (a.computed_level, a.capped) == ("HTXSNV", False)
    assert (b.computed_level, b.capped) == ("HTTNV", True)
    assert (result.computed_level == "HTXSNV").sum() == 2


def test_cap_tie_uses_card_numbers_not_row_order(r366):
    rows = [
        {"score": 99, **ALL_MET},
        {"score": 92, **ALL_MET, "card_number": "00000900"},
        {"score": 92, **ALL_MET, "card_number": "00000100"},
        *pool(0, 10),
    ]
    frame = pd.DataFrame([{"member_id": i, "tccsd_id": "T", **r} for i, r in enumerate(rows)])
    frame["card_number"] = frame["card_number"].fillna("00000050")
    result = rate_members(frame, r366, YEAR_END).set_index("member_id")
    assert result.loc[2, "computed_level"] == "HTXSNV"  # card 00000100
    assert result.loc[1, "computed_level"] == "HTTNV"  # card 00000900
    shuffled = rate_members(frame.sample(frac=1, random_state=3), r366, YEAR_END)
    pd.testing.assert_frame_equal(shuffled.set_index("member_id").sort_index(), result.sort_index())


def test_cap_ties_away_from_the_boundary_are_no_tie(r366):
    rows = [{"score": s, **ALL_MET} for s in (99, 99, 91)] + pool(0, 10)
    result = rate(rows, r366)
    assert not result.cap_tie.any()
    assert list(result.iloc[:3].computed_level) == ["HTXSNV", "HTXSNV", "HTTNV"]


def test_cap_all_tied(r366):
    rows = [{"score": 95, **ALL_MET} for _ in range(4)] + pool(0, 5)
    result = rate(rows, r366)
    assert result.iloc[:4].cap_tie.all()
    assert (result.iloc[:4].status == "needs_decision").all()
    assert (result.computed_level == "HTXSNV").sum() == 1


def test_cap_flag_mode_keeps_levels_and_lists_the_excess(r366_nocap):
    result = rate(pool(3, 10), r366_nocap)
    assert (result.iloc[:3].computed_level == "HTXSNV").all()
    assert not result.capped.any()
    assert list(result.iloc[:3].cap_excess) == [False, False, True]
    assert "giữ mức, cần xem xét" in result.iloc[2].reason


def test_cap_pools_are_separate(r366):
    rows = pool(1, 5, tccsd_id="A") + pool(1, 0, tccsd_id="B")
    result = rate(rows, r366)
    assert result.iloc[0].computed_level == "HTXSNV"
    assert result.iloc[6].computed_level == "HTTNV"


def test_cap_pool_chosen_by_the_rules(rules_dir):
    rules = ruleset_with(rules_dir, "members:\n  cap: {pool: chi_bo}\n", name="chibo.yaml")
    rows = pool(1, 5, chi_bo_id="C1") + pool(1, 0, chi_bo_id="C2")
    result = rate(rows, rules)
    assert list(result.pool_id.unique()) == ["C1", "C2"]
    assert result.iloc[0].computed_level == "HTXSNV"
    assert result.iloc[6].computed_level == "HTTNV"


def test_cap_pool_id_column_when_no_specific_column(r366):
    frame = pd.DataFrame(pool(1, 0) + pool(1, 5))
    frame["member_id"] = range(len(frame))
    frame["pool_id"] = ["A"] + ["B"] * 6
    result = rate_members(frame, r366, YEAR_END)
    assert list(result.computed_level[:2]) == ["HTTNV", "HTXSNV"]


def test_cap_ignores_pending_results(r366):
    # a proposal of HTXSNV that needs a decision does not count in X
    rows = [
        *pool(1, 5),
        {"score": 95, **ALL_MET, "discipline": "canh_cao", "self_reported_remedied": True},
    ]
    result = rate(rows, r366)
    assert result.iloc[0].computed_level == "HTXSNV"
    assert result.iloc[6].computed_level == "HTXSNV"
    assert result.iloc[6].status == "needs_decision"


# ── step 5: decided level ───────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("decided", "level", "differs"),
    [
        (None, "HTXSNV", False),
        ("HTXSNV", "HTXSNV", False),
        ("HTTNV", "HTTNV", True),
        ("Hoàn thành nhiệm vụ", "HTNV", True),
        ("KHT", "KHTNV", True),
    ],
)
def test_decided_level_is_used_and_compared(r366_nocap, decided, level, differs):
    result = one({"score": 95, **ALL_MET, "decided_level": decided}, r366_nocap)
    assert result.computed_level == "HTXSNV"
    assert result.level == level
    assert result.differs == differs
    if differs:
        assert "(khác kết quả tính: Hoàn thành xuất sắc nhiệm vụ)" in result.reason


def test_decided_level_resolves_a_pending_result(r366_nocap):
    row = {"score": 95, **ALL_MET, "discipline": "canh_cao", "self_reported_remedied": True}
    result = one({**row, "decided_level": "HTNV"}, r366_nocap)
    assert (result.status, result.level, result.computed_level) == ("rated", "HTNV", "HTXSNV")
    assert result.needs_decision_cause == "self_reported"


def test_decided_level_of_a_member_not_reviewed_is_not_used(r366_nocap):
    result = one({"score": 95, "exempt": True, "decided_level": "HTTNV"}, r366_nocap)
    assert (result.status, result.level, result.differs) == ("not_reviewed", None, True)
    assert "không dùng" in result.reason


def test_decided_kht_without_a_trigger_has_cause_other(r366_nocap):
    result = one({"score": 95, **ALL_MET, "decided_level": "KHTNV"}, r366_nocap)
    assert (result.level, result.kht_cause) == ("KHTNV", "other")


@pytest.mark.parametrize(("proposed", "differs"), [("HTXSNV", False), ("Tốt", True), (None, False)])
def test_proposed_level_is_only_compared(r366_nocap, proposed, differs):
    result = one({"score": 95, **ALL_MET, "proposed_level": proposed}, r366_nocap)
    assert result.level == "HTXSNV"
    assert result.proposed_differs == differs
    assert not result.from_proposal


# ── the output ──────────────────────────────────────────────────────────────────────────────────
def test_output_columns_and_order(r366):
    frame = pd.DataFrame(pool(2, 5))
    frame["member_id"] = [f"m{i}" for i in range(len(frame))]
    frame.index = [10 * i for i in range(len(frame))]
    result = rate_members(frame, r366, YEAR_END)
    assert list(result.columns) == OUTPUT_COLUMNS
    assert list(result.member_id) == list(frame.member_id)
    assert set(result.rule_set) == {"qd366-2025"}
    assert set(result.rule_version) == {"1"}


def test_inputs_are_json_of_what_was_used(r366_nocap):
    row = {"score": 92.5, **ALL_MET, "discipline": None, "admitted_on": date(2001, 1, 1)}
    inputs = json.loads(one(row, r366_nocap).inputs)
    assert inputs == {
        "score": 92.5,
        "tasks_completed_pct": 100,
        "tasks_on_time": True,
        "tasks_exceeding_pct": 35,
        "tasks_late_pct": 0,
        "prior_shortcomings_fixed": True,
    }
    new = json.loads(one({**row, "admitted_on": date(2025, 9, 1)}, r366_nocap).inputs)
    assert new["admitted_on"] == "2025-09-01"


def test_empty_frame(r366):
    frame = pd.DataFrame({"member_id": [], "score": []})
    result = rate_members(frame, r366, YEAR_END)
    assert list(result.columns) == OUTPUT_COLUMNS
    assert len(result) == 0


def test_text_and_numbers_as_files_give_them(r366_nocap):
    row = {
        "score": "92,5",
        "tasks_completed_pct": "100%",
        "tasks_on_time": "có",
        "tasks_exceeding_pct": "35",
        "prior_shortcomings_fixed": "x",
        "decided_level": np.nan,
    }
    result = one(row, r366_nocap)
    assert result.level == "HTXSNV"
    assert result.assumed_conditions == 0


def test_inputs_json_is_written_as_json_dumps_writes_it(r366_nocap):
    """Stored as is, the text must be what SQLAlchemy's JSON type would write for the same
    object: a migrated copy is then byte for byte the source."""
    row = {"score": 92.5, **ALL_MET, "discipline": "Khiển trách", "admitted_on": date(2025, 9, 1)}
    text = one(row, r366_nocap).inputs
    assert json.dumps(json.loads(text)) == text
    assert "Khi\\u1ec3n tr\\u00e1ch" in text
