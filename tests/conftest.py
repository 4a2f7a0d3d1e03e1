"""Shared fixtures: a fresh database URL per test, on SQLite and (when TCXD_TEST_PG_URL is set)
on PostgreSQL, in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("TCXD_TEST_PG_URL")
ENGINES = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path):
    """A URL for an empty database (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tcxd.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
