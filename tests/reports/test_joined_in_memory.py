"""What the report joins in memory instead of asking the database: the members on a date
(`figures.History.members_on`, from the spells) and check 4's evaluations with names and
roster presence (`checks._evaluations`). The same rows as the queries they replace, and on
SQLite in the same order (the order of check rows that sort alike follows it)."""

from __future__ import annotations

from datetime import date

import pytest

from tcxd.core.periods import Period
from tcxd.db import history
from tcxd.db.bulk import read_frame
from tcxd.reports import checks
from tcxd.reports.figures import History, PeriodFigures

DATES = [
    date(2020, 1, 1),
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 3, 31),
    date(2025, 6, 30),
    date(2025, 12, 31),
    date(2026, 6, 30),
]


@pytest.fixture
def engine(sample_engine):
    return sample_engine


def test_members_on_a_date_from_memory_are_the_querys(engine):
    flagged = {"probationary": 0, "exempt": 0, "suspended": 0}
    with engine.connect() as conn:
        shared = History(conn)
        for on in DATES:
            made = shared.members_on(conn, on)
            read = history.members_on(conn, on)
            assert list(made.columns) == list(read.columns)
            assert list(made.dtypes) == list(read.dtypes)
            _assert_same_rows(engine, made, read, ["member_id", "org_id"])
            for flag in flagged:
                flagged[flag] += int(read[flag].sum())
    assert all(flagged.values()), f"the sample has no member of each kind: {flagged}"


def test_evaluations_joined_in_memory_are_the_querys(engine):
    with engine.connect() as conn:
        figures = PeriodFigures(conn, Period.parse("year", 2025))
        made = checks._evaluations(figures, 0)
        read = read_frame(
            conn,
            "SELECT e.member_id, e.org_id, e.batch_id, e.source_row, m.full_name, "
            "EXISTS (SELECT 1 FROM roster_entry r WHERE r.member_id = e.member_id) AS in_roster "
            "FROM member_evaluation e JOIN member m ON m.id = e.member_id "
            "WHERE e.year = :y AND e.quarter = :q",
            {"y": 2025, "q": 0},
        )
        read["in_roster"] = read["in_roster"].astype("int64")  # PostgreSQL: a boolean
        assert len(read) > 0 and (read["in_roster"] == 1).any()
        _assert_same_rows(engine, made, read, ["member_id"])
        assert checks._evaluations(figures, 1).empty  # rated by year: no quarter's


def _assert_same_rows(engine, made, read, key: list[str]) -> None:
    assert list(made.columns) == list(read.columns)
    assert list(made.dtypes) == list(read.dtypes)
    if engine.dialect.name == "sqlite":  # same rows, same order
        assert made.equals(read)
    else:  # PostgreSQL's order is its plan's: the same rows
        made = made.sort_values(key).reset_index(drop=True)
        read = read.sort_values(key).reset_index(drop=True)
        assert made.equals(read)
