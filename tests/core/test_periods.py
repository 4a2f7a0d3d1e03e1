from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tcxd.core.errors import UserInputError
from tcxd.core.periods import CODES, Period, default_period, default_year, short_date


@pytest.mark.parametrize(
    ("code", "start", "end", "title"),
    [
        ("q1", date(2026, 1, 1), date(2026, 3, 31), "QUÝ I NĂM 2026"),
        ("q2", date(2026, 4, 1), date(2026, 6, 30), "QUÝ II NĂM 2026"),
        ("q3", date(2026, 7, 1), date(2026, 9, 30), "QUÝ III NĂM 2026"),
        ("q4", date(2026, 10, 1), date(2026, 12, 31), "QUÝ IV NĂM 2026"),
        ("h1", date(2026, 1, 1), date(2026, 6, 30), "6 THÁNG ĐẦU NĂM 2026"),
        ("9m", date(2026, 1, 1), date(2026, 9, 30), "9 THÁNG NĂM 2026"),
        ("year", date(2026, 1, 1), date(2026, 12, 31), "NĂM 2026"),
    ],
)
def test_parse_dates_and_titles(code, start, end, title):
    period = Period.parse(code, 2026)
    assert (period.code, period.year, period.start, period.end) == (code, 2026, start, end)
    assert period.title == title
    assert period.slug == f"2026-{code}"
    assert period.day_before_start == start - timedelta(days=1)


def test_labels_and_as_of_line():
    assert Period.parse("q1", 2026).label == "Quý I năm 2026"
    assert Period.parse("h1", 2026).label == "6 tháng đầu năm 2026"
    assert Period.parse("q1", 2026).as_of_line == "(Số liệu tính đến ngày 31/3/2026)"
    assert Period.parse("year", 2025).as_of_line == "(Số liệu tính đến ngày 31/12/2025)"
    assert short_date(date(2026, 1, 5)) == "5/1/2026"


def test_parse_is_lenient_on_spelling_and_strict_on_unknown_codes():
    assert Period.parse("Q1", "2026") == Period.parse("q1", 2026)
    assert Period.parse(" YEAR ", 2026).code == "year"
    with pytest.raises(UserInputError, match="Kỳ báo cáo không hợp lệ"):
        Period.parse("q5", 2026)
    with pytest.raises(UserInputError):
        Period.parse("h2", 2026)


def test_quarter_and_months():
    assert Period.parse("q3", 2026).quarter == 3
    assert Period.parse("9m", 2026).quarter is None
    assert [Period.parse(c, 2026).months for c in CODES] == [3, 3, 3, 3, 6, 9, 12]


def test_previous():
    assert Period.parse("q1", 2026).previous() == Period.parse("q4", 2025)
    assert Period.parse("q3", 2026).previous() == Period.parse("q2", 2026)
    assert Period.parse("year", 2026).previous() == Period.parse("year", 2025)
    # h1 and 9m start on 1 January: what ends the day before is last year.
    assert Period.parse("h1", 2026).previous() == Period.parse("year", 2025)
    assert Period.parse("9m", 2026).previous() == Period.parse("year", 2025)


@given(st.sampled_from(CODES), st.integers(1950, 2100))
def test_previous_chains_and_same_period_last_year(code, year):
    period = Period.parse(code, year)
    assert period.previous().end + timedelta(days=1) == period.start
    last = period.same_period_last_year()
    assert (last.code, last.year) == (code, year - 1)
    assert last.end.month == period.end.month and last.end.day == period.end.day
    assert Period.from_dict(period.as_dict()) == period
    assert period.contains(period.start) and period.contains(period.end)
    assert not period.contains(period.end + timedelta(days=1))


def test_next_of_a_quarter_wraps():
    assert Period.parse("q4", 2025).next() == Period.parse("q1", 2026)
    assert Period.parse("q1", 2026).next() == Period.parse("q2", 2026)
    assert Period.parse("year", 2025).next() == Period.parse("year", 2026)


@pytest.mark.parametrize(
    ("code", "today", "year"),
    [
        ("q1", date(2026, 4, 1), 2026),
        ("q1", date(2026, 3, 31), 2025),  # q1 2026 ends today: not ended yet
        ("q4", date(2026, 1, 1), 2025),
        ("year", date(2026, 2, 10), 2025),
        ("year", date(2026, 12, 31), 2025),
        ("h1", date(2026, 7, 1), 2026),
        ("9m", date(2026, 6, 1), 2025),
    ],
)
def test_default_period_is_the_latest_ended(code, today, year):
    assert default_period(code, today) == Period.parse(code, year)
    assert default_year(code, today) == year


def test_as_dict_is_the_twin_shape():
    assert Period.parse("q1", 2026).as_dict() == {
        "code": "q1",
        "year": 2026,
        "start": "2026-01-01",
        "end": "2026-03-31",
    }
