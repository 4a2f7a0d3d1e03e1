"""The statuses of an import's files are the members of FileStatus, never a free string."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import tcxd
from tcxd.core.filestatus import FileStatus
from tcxd.importing import FileOutcome

SRC = Path(tcxd.__file__).parent


def _status_literals() -> list[tuple[str, int, str]]:
    """Every `x.status = "…"` (or `FileStatus.…`) and `FileOutcome(status=…)` in the modules
    that handle a FileOutcome (a rating's `status` is not a file status): (file, line, code)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text("utf-8")
        if "FileOutcome" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            values = []
            if isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in node.targets):
                    values.append(node.value)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "FileOutcome":
                values += [k.value for k in node.keywords if k.arg == "status"]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((str(path.relative_to(SRC)), node.lineno, value.value))
                elif (
                    isinstance(value, ast.Attribute)
                    and getattr(value.value, "id", "") == "FileStatus"
                ):
                    code = FileStatus[value.attr].value  # (a misspelt member fails here)
                    found.append((str(path.relative_to(SRC)), node.lineno, code))
    return found


def test_every_status_written_in_the_code_is_a_file_status():
    literals = _status_literals()
    assert literals, "the scan finds the statuses the importer sets"
    assert [(f, n, s) for f, n, s in literals if s not in set(FileStatus)] == []


def test_an_outcome_holds_the_enum_and_refuses_a_misspelt_status():
    outcome = FileOutcome(path="a.xlsx")
    assert outcome.status is FileStatus.IMPORTED
    outcome.status = "refused"
    assert outcome.status is FileStatus.REFUSED
    assert outcome.refused
    with pytest.raises(ValueError):
        outcome.status = "refuse"


def test_a_status_is_its_code_in_comparisons_and_json():
    assert FileStatus.DRY_RUN == "dry_run"
    assert json.dumps({"status": FileStatus.ROLLED_BACK}) == '{"status": "rolled_back"}'
    assert f"{FileStatus.UNCHANGED}" == "unchanged"
