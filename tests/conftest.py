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
