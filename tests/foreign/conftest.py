"""The foreign corpus is written once per test session (per worker) into a temporary folder."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.foreign.generate import generate
from tests.foreign.harness import build_templates

_ROOT = Path(tempfile.mkdtemp(prefix="tcxd-foreign-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)
CORPUS = _ROOT / "corpus"
EXPECTS = generate(CORPUS)


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def templates() -> dict[str, Path]:
    """Initialised databases shared by every test: each test works on its own copy."""
    return build_templates(_ROOT / "templates")
