"""Fixtures of the rating tests: the shipped rule sets and variants with a province file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rating_helpers import ruleset_with

from tcxd.rating.rules import RuleSet, load_rules


@pytest.fixture(scope="session")
def rules_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rules")


@pytest.fixture(scope="session")
def r366() -> RuleSet:
    return load_rules(2025)


@pytest.fixture(scope="session")
def r124() -> RuleSet:
    return load_rules(2024)


@pytest.fixture(scope="session")
def r366_nocap(rules_dir) -> RuleSet:
    """qd366 with the cap only flagged: levels are those of the bands."""
    return ruleset_with(rules_dir, "members:\n  cap: {mode: flag}\n", name="nocap.yaml")
