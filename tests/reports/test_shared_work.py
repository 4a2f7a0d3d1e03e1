"""The work every report shares, split between two processes before the writers start
(`reports.build._share_the_work`): the same files as one process writes, and a helper that
reads nothing (its reads would not see the report's snapshot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tcxd.core.periods import Period
from tcxd.db.province import load_province
from tcxd.reports import build
from tcxd.reports.figures import PeriodFigures, Scope

YEAR = 2025


@pytest.fixture
def engine(sample_engine):
    return sample_engine


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.rglob("*.json"))}


@pytest.mark.parametrize("code", ["year", "q1"])
def test_two_processes_write_what_one_writes(engine, tmp_path, monkeypatch, code):
    period = Period.parse(code, YEAR)
    build.build_reports(engine, period, tmp_path / "one", fmt="json", workers=1)
    monkeypatch.setattr(build, "POOL_MIN_UNITS", 1)  # the small province gets its processes
    shared = []
    monkeypatch.setattr(build, "_share_the_work", _recording(build._share_the_work, shared))
    build.build_reports(engine, period, tmp_path / "two", fmt="json", workers=2)
    assert shared, "the work was not shared"
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(one) > 2
    assert one == two


def _recording(function, calls: list):
    def record(*args):
        calls.append(args)
        return function(*args)

    return record


def test_the_helper_reads_nothing(engine, tmp_path):
    """What the helper computes needs no read once `_read_ahead` has read (it would raise)."""
    province = load_province(engine)
    with engine.connect() as conn:
        figures = PeriodFigures(conn, Period.parse("year", YEAR))
        previous = PeriodFigures(conn, Period.parse("year", YEAR - 1), figures.shared)
        targets = [
            (Scope("district", org_id), name, "x") for org_id, name in build._districts(figures)
        ]
        targets.append((Scope("province", province["org_id"]), province["name"], "tinh"))
        job = build._Job(figures, previous, province, tmp_path, "json", targets)
        build._read_ahead(job)
        computed = build._helper_compute(engine, job, [t[0] for t in targets])
    assert ("per_unit", "bieu3", "district") in computed["figures"]
    assert any(key[0] == "by_unit" for key in computed["figures"])
    assert any(key[0] == "per_unit" for key in computed["previous"])
