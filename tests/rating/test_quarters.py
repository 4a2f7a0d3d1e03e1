"""Quarterly ratings and the link from quarters to the year."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from rating_helpers import ALL_MET, rate, ruleset_with

from tcxd.rating import apply_quarter_link, quarter_bounds


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2026, 1, 1), date(2026, 3, 31)),
        (2, date(2026, 4, 1), date(2026, 6, 30)),
        (3, date(2026, 7, 1), date(2026, 9, 30)),
        (4, date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarter_bounds(quarter, start, end):
    assert quarter_bounds(2026, quarter) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.fixture(scope="module")
def blocking(rules_dir):
    return ruleset_with(
        rules_dir,
        "quarterly:\n  annual_from_quarters: any_kht_quarter_blocks_htxs\n"
        "members:\n  cap: {mode: flag}\n",
        name="quarters.yaml",
    )


def year_and_quarters(ruleset):
    rows = [{"score": 95, **ALL_MET}, {"score": 95, **ALL_MET}, {"score": 80, **ALL_MET}]
    year = rate(rows, ruleset)
    quarters = pd.DataFrame(
        {
            "member_id": [1, 1, 2, 3],
            "quarter": [1, 3, 2, 2],
            "level": ["KHTNV", "KHTNV", "HTXSNV", "KHTNV"],
        }
    )
    return year, quarters


def test_a_kht_quarter_blocks_htxs_for_the_year(blocking):
    year, quarters = year_and_quarters(blocking)
    out = apply_quarter_link(year, quarters, blocking)
    assert list(out.level) == ["HTTNV", "HTXSNV", "HTTNV"]
    assert list(out.quarter_blocked) == [True, False, False]
    # the link is the province's own rule, not the texts', and the reason says so
    assert out.reason[0].endswith(
        "; kết quả các quý: quý I KHTNV, quý III KHTNV; theo quy định của tỉnh: có quý 1, 3 "
        "xếp loại Không hoàn thành nhiệm vụ nên cả năm không được "
        "Hoàn thành xuất sắc nhiệm vụ → Hoàn thành tốt nhiệm vụ"
    )


def test_default_is_no_link(r366_nocap):
    year, quarters = year_and_quarters(r366_nocap)
    out = apply_quarter_link(year, quarters, r366_nocap)
    assert list(out.level) == ["HTXSNV", "HTXSNV", "HTTNV"]
    assert not out.quarter_blocked.any()


def test_decided_level_stays_and_differs(blocking):
    year = rate([{"score": 95, **ALL_MET, "decided_level": "HTXSNV"}], blocking)
    out = apply_quarter_link(year, pd.DataFrame({"member_id": [1], "level": ["KHTNV"]}), blocking)
    assert (out.computed_level[0], out.level[0], out.differs[0]) == ("HTTNV", "HTXSNV", True)
    assert "có một quý" in out.reason[0]


def test_a_quarter_is_rated_with_the_quarter_as_period(r366_nocap):
    row = {"score": 95, **ALL_MET, "admitted_on": date(2025, 10, 15)}
    start, end = quarter_bounds(2026, 1)
    q1 = rate([row], r366_nocap, end.date(), period_start=start.date()).iloc[0]
    assert q1.status == "not_reviewed"  # 15/10/2025 is after 30/9/2025
    start, end = quarter_bounds(2026, 2)
    q2 = rate([row], r366_nocap, end.date(), period_start=start.date()).iloc[0]
    assert q2.status == "rated"  # not after 31/12/2025
