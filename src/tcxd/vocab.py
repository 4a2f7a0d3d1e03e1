"""Controlled vocabularies (org types, loại hình, change kinds, levels…) loaded from vocab.yaml."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from tcxd.text import fold, key


@cache
def vocabularies() -> dict[str, dict[str, dict]]:
    return yaml.safe_load(resources.files("tcxd").joinpath("vocab.yaml").read_text("utf-8"))


def label(vocabulary: str, code: str) -> str:
    """Vietnamese label of a code, e.g. label('change_kinds', 'died') == 'Từ trần'."""
    return vocabularies()[vocabulary][code]["label"]


def codes(vocabulary: str) -> list[str]:
    return list(vocabularies()[vocabulary])


@cache
def _lookup(vocabulary: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, entry in vocabularies()[vocabulary].items():
        for spelling in [code, entry["label"], *entry.get("aliases", [])]:
            table.setdefault(key(spelling), code)
            table.setdefault(fold(spelling), code)
    return table


def code_of(vocabulary: str, text: str) -> str | None:
    """The code a spelling stands for (with or without diacritics), or None if unknown."""
    table = _lookup(vocabulary)
    return table.get(key(text)) or table.get(fold(text))
