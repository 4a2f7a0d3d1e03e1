"""Shared fixtures: a fresh database URL per test, on SQLite and (when TCXD_TEST_PG_URL is set)
on PostgreSQL, in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("TCXD_TEST_PG_URL")
ENGINES = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]

# The slow tier, left out by `make test-fast` (-m "not slow"; `make test` runs everything): tests
# that generate and import a whole sample province, run the CLI in subprocesses, kill or race
# processes, read the foreign corpus, run many Hypothesis examples, or run on PostgreSQL. A folder,
# file or test of tests/ per line, from the durations of a full run (pytest --durations=80).
SLOW = (
    "end_to_end/",
    "foreign/",
    "reliability/",
    "sample/",
    "workflow/",
    "core/encodings/",
    "rating/test_properties.py",
    "rating/rules/test_loader.py::test_loader_rejects_a_wrong_value_anywhere_with_its_path",
    "reading/test_read_file.py::test_round_trip",
    "cli/test_classify_report.py",
    "cli/test_classify_out.py",
    "cli/test_clerk.py",
    "cli/test_clerk_trust.py",
    "cli/test_import_flow.py",
    "cli/test_lock.py",
    "cli/test_report_trust.py",
    "cli/test_trust_import.py",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: left out of `make test-fast` (see SLOW)")


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).parent
    for item in items:
        where = Path(item.path).relative_to(root).as_posix()
        test = where + "::" + item.name.split("[")[0]
        on_postgresql = "postgresql" in getattr(getattr(item, "callspec", None), "id", "")
        if on_postgresql or any(s in (where, test) or where.startswith(s) for s in SLOW):
            item.add_marker(pytest.mark.slow)


@contextlib.contextmanager
def fresh_database(engine: str, folder: Path):
    """A URL for an empty database (no tables yet) on the given engine."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'tcxd.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        yield url
