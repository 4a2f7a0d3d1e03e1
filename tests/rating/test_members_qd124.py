"""Members under qd124-2023 (rating years 2023, 2024): decided level, else the proposed one."""

from __future__ import annotations

from datetime import date

import pytest
from rating_helpers import one, rate

END = date(2024, 12, 31)


@pytest.mark.parametrize(
    ("inputs", "status", "level", "from_proposal", "cause"),
    [
        ({"decided_level": "HTTNV"}, "rated", "HTTNV", False, None),
        ({"decided_level": "HTNV", "proposed_level": "HTTNV"}, "rated", "HTNV", False, None),
        ({"proposed_level": "Tốt"}, "rated", "HTTNV", True, None),
        ({}, "needs_decision", None, False, "no_level"),
        ({"score": 95}, "needs_decision", None, False, "no_level"),  # no scale in 2023
    ],
)
def test_decided_else_proposed(r124, inputs, status, level, from_proposal, cause):
    result = one(inputs, r124, END)
    assert (result.status, result.level, result.from_proposal) == (status, level, from_proposal)
    assert result.needs_decision_cause == cause
    assert result.rule_set == "qd124-2023"


def test_reason_says_where_the_level_comes_from(r124):
    assert one({"proposed_level": "HTTNV"}, r124, END).reason == (
        "Tự xếp loại/chi bộ đề xuất: Hoàn thành tốt nhiệm vụ (chưa có mức cấp ủy quyết định) "
        "→ Hoàn thành tốt nhiệm vụ"
    )
    assert one({"decided_level": "HTNV"}, r124, END).reason.startswith(
        "Cấp ủy quyết định: Hoàn thành nhiệm vụ → Hoàn thành nhiệm vụ"
    )


@pytest.mark.parametrize("form", ["khien_trach", "canh_cao", "cach_chuc", "khai_tru", "Khác lạ"])
def test_any_discipline_in_the_year_is_khtnv(r124, form):
    result = one({"decided_level": "HTTNV", "discipline": form}, r124, END)
    assert result.computed_level == "KHTNV"
    assert result.kht_cause is None  # the decided level is used…
    assert result.level == "HTTNV"
    assert result.differs  # …and the difference is listed
    result = one({"proposed_level": "HTTNV", "discipline": form}, r124, END)
    assert (result.level, result.kht_cause) == ("KHTNV", "discipline")


def test_discipline_of_another_year_does_not_count(r124):
    result = one(
        {"proposed_level": "HTTNV", "discipline": "canh_cao", "discipline_on": date(2023, 6, 1)},
        r124,
        END,
    )
    assert result.level == "HTTNV"


def test_self_reported_needs_a_decision(r124):
    result = one(
        {"proposed_level": "HTTNV", "discipline": "canh_cao", "self_reported_remedied": True},
        r124,
        END,
    )
    assert (result.status, result.computed_level) == ("needs_decision", "HTTNV")
    assert result.needs_decision_cause == "self_reported"


@pytest.mark.parametrize(
    ("admitted_on", "status"),
    [(date(2024, 6, 30), "rated"), (date(2024, 7, 1), "not_reviewed")],
)
def test_not_reviewed_as_in_2025(r124, admitted_on, status):
    result = one({"proposed_level": "HTTNV", "admitted_on": admitted_on}, r124, END)
    assert result.status == status


def test_cap_20_percent_per_tccsd(r124):
    rows = (
        [{"proposed_level": "HTXSNV", "score": 9}, {"proposed_level": "HTXSNV", "score": 8}]
        + [{"decided_level": "HTXSNV", "score": 7}]
        + [{"proposed_level": "HTTNV"}] * 5
    )
    result = rate(rows, r124, END)
    # X = 3, T = 5: keep 1 (1 ≤ 0,2 × 7)
    assert list(result.computed_level[:3]) == ["HTXSNV", "HTTNV", "HTTNV"]
    assert list(result.capped[:3]) == [False, True, True]
    # the decided level stays what reports use; the difference is flagged
    assert (result.level[2], result.differs[2]) == ("HTXSNV", True)
    assert result.level[1] == "HTTNV"


def test_cap_without_scores_lists_all_tied(r124):
    rows = [{"proposed_level": "HTXSNV"}] * 2 + [{"proposed_level": "HTTNV"}] * 5
    result = rate(rows, r124, END)
    assert list(result.status[:2]) == ["needs_decision", "needs_decision"]
    assert (result.computed_level == "HTXSNV").sum() == 1
