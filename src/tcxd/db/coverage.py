"""Which imported files hold data for a report period: the rule of "đã gửi / chưa nộp" that
`tcxd status` and the reports' check share (docs/clerk-setup.md, "A file counts for the period its
data cover").

A file counts for a period by the dates its rows carry, never by the day it was imported:
- a roster, by its as-of date ("tính đến ngày"): inside [start, end]. A roster as of 31/12/2025 is
  the year 2025's closing list, not data of Q1 2026;
- a changes file, by its events: one event dated inside [start, end];
- an evaluation file, by the period its ratings are for: a year's ratings count for that year, a
  quarter's for every period that holds the quarter.
A file with no such rows (an empty changes list: "no change this quarter") counts by the period
its title states.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, bindparam, text

from tcxd.core.periods import Period

_WITH_ROWS = """
    SELECT batch_id FROM roster_entry
    UNION SELECT batch_id FROM membership_event
    UNION SELECT batch_id FROM member_evaluation
    UNION SELECT batch_id FROM organization_evaluation
"""
_ROWS_IN_PERIOD = text(
    """
    SELECT batch_id FROM roster_entry WHERE as_of BETWEEN :start AND :end
    UNION SELECT batch_id FROM membership_event WHERE event_on BETWEEN :start AND :end
    UNION SELECT batch_id FROM member_evaluation WHERE year = :year AND quarter IN :quarters
    UNION SELECT batch_id FROM organization_evaluation
        WHERE year = :year AND quarter IN :quarters
    """
).bindparams(bindparam("quarters", expanding=True))
_ROWLESS_IN_PERIOD = text(
    f"""
    SELECT id FROM import_batch
    WHERE status = 'imported' AND id NOT IN (SELECT batch_id FROM ({_WITH_ROWS}) AS with_rows
                                             WHERE batch_id IS NOT NULL)
      AND kind <> 'organizations'
      AND ((as_of BETWEEN :start AND :end)
           OR (period_year = :year AND COALESCE(period_quarter, 0) IN :quarters))
    """
).bindparams(bindparam("quarters", expanding=True))


def quarters_within(period: Period) -> list[int]:
    """The evaluation periods that lie inside `period`: its quarters, and 0 (the whole year) for
    a year."""
    quarters = [
        q
        for q in (1, 2, 3, 4)
        if period.start <= date(period.year, 3 * q - 2, 1)
        and date(period.year, 3 * q, 28) <= period.end
    ]
    return quarters + ([0] if period.code == "year" else [])


def batches_covering(conn: Connection, period: Period) -> set[int]:
    """Ids of the imported files that hold data of `period` (the module's rule)."""
    params = {
        "start": period.start,
        "end": period.end,
        "year": period.year,
        "quarters": quarters_within(period),
    }
    found = {row[0] for row in conn.execute(_ROWS_IN_PERIOD, params) if row[0] is not None}
    found |= {row[0] for row in conn.execute(_ROWLESS_IN_PERIOD, params)}
    return found
