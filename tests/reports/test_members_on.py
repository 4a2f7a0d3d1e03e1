"""The members on a date as the report makes them from the spells in memory
(`figures.History.members_on`): the rows of `history.members_on`'s query, with the same
flags, and on SQLite in the same order (the order of check rows that sort alike follows it)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import ENGINES, fresh_database

from tcxd.core.settings import load_province_config
from tcxd.db import history
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import ImportOptions, import_paths
from tcxd.reports.figures import History
from tcxd.sample import generate

DATES = [
    date(2020, 1, 1),
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 3, 31),
    date(2025, 6, 30),
    date(2025, 12, 31),
    date(2026, 6, 30),
]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"members-on-{request.param}")
    sample = folder / "sample"
    generate(sample, members=600, seed=11, mess=True)
    with fresh_database(request.param, folder) as url:
        initialize(url, load_province_config(sample / "tinh.yaml"))
        engine = open_database(url)
        import_paths(engine, [sample], ImportOptions())
        yield engine
        engine.dispose()


def test_members_on_a_date_from_memory_are_the_querys(engine):
    flagged = {"probationary": 0, "exempt": 0, "suspended": 0}
    with engine.connect() as conn:
        shared = History(conn)
        for on in DATES:
            made = shared.members_on(conn, on)
            read = history.members_on(conn, on)
            assert list(made.columns) == list(read.columns)
            assert list(made.dtypes) == list(read.dtypes)
            if engine.dialect.name == "sqlite":  # same rows, same order
                assert made.equals(read), on
            else:  # PostgreSQL's order is its plan's: the same rows
                key = ["member_id", "org_id"]
                made = made.sort_values(key).reset_index(drop=True)
                read = read.sort_values(key).reset_index(drop=True)
                assert made.equals(read), on
            for flag in flagged:
                flagged[flag] += int(read[flag].sum())
    assert all(flagged.values()), f"the sample has no member of each kind: {flagged}"
