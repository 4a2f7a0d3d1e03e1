"""Condition kinds: the small registry of tests a rule file may name (`op: ge`, `op: is_true`…).

A condition of a rule file is `{field: tasks_completed_pct, op: ge, value: 100}`. The field is
one of `texts.yaml`'s fields; the op is a key of `KINDS`. Every kind tests a float array in which
a missing input is NaN (booleans are 1.0/0.0, discipline forms are their rank), and is only applied
to the given values: the engine decides what a missing input means (rules.md: `missing_condition`).
A new regime that needs a new kind of test adds one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from tcxd.core import vocab


@dataclass(frozen=True)
class ConditionKind:
    name: str
    symbol: str  # how the reason writes the test: "≥", "≤"…
    value_kind: str | None  # "number", "form" or None (the op takes no value)
    field_kinds: frozenset[str]  # field kinds the op applies to
    test: Callable[[np.ndarray, Any], np.ndarray]


_NUMERIC = frozenset({"score", "pct", "number"})


def form_rank(code: str) -> int:
    """Rank of a discipline form (khien_trach = 1 … khai_tru = 4), from vocab.yaml."""
    return int(vocab.vocabularies()["discipline_forms"][code]["rank"])


KINDS: dict[str, ConditionKind] = {
    kind.name: kind
    for kind in [
        ConditionKind("ge", "≥", "number", _NUMERIC, lambda x, v: x >= v),
        ConditionKind("gt", ">", "number", _NUMERIC, lambda x, v: x > v),
        ConditionKind("le", "≤", "number", _NUMERIC, lambda x, v: x <= v),
        ConditionKind("lt", "<", "number", _NUMERIC, lambda x, v: x < v),
        ConditionKind("eq", "=", "number", _NUMERIC, lambda x, v: x == v),
        ConditionKind("is_true", "", None, frozenset({"bool"}), lambda x, _v: x == 1.0),
        ConditionKind("is_false", "", None, frozenset({"bool"}), lambda x, _v: x == 0.0),
        ConditionKind(
            "form_at_least", "từ", "form", frozenset({"form"}), lambda x, v: x >= form_rank(v)
        ),
        ConditionKind("present", "", None, frozenset({"form"}), lambda x, _v: ~np.isnan(x)),
    ]
}


@cache
def texts() -> dict[str, Any]:
    return yaml.safe_load(
        resources.files("tcxd.rating.rules").joinpath("texts.yaml").read_text("utf-8")
    )


def fields() -> dict[str, dict[str, str]]:
    """The inputs a rule may test: code -> {kind, subject, text}."""
    return texts()["fields"]


def evaluate(op: str, values: np.ndarray, value: Any) -> tuple[np.ndarray, np.ndarray]:
    """(given, passed) boolean arrays; `passed` is False where the input is missing."""
    given = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        passed = KINDS[op].test(values, value) & given
    return given, passed
