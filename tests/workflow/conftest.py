"""Fixtures of the clerk commands' library tests: `world`, a small province (workflow_world.py)."""

from __future__ import annotations

import pytest
from workflow_world import World, build_world


@pytest.fixture
def world(db_url, tmp_path) -> World:
    built = build_world(db_url, tmp_path / "files")
    yield built
    built.engine.dispose()
