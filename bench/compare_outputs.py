"""Compare what two versions of tcxd wrote: ratings row by row, report workbooks cell by cell.

    bench/compare_outputs.py ratings BEFORE.db AFTER.db [--year 2025]
    bench/compare_outputs.py reports BEFORE_DIR AFTER_DIR

`ratings`: every member and organisation rating of every period, as a clerk meets it: status,
levels, flags, the reason as shown and the inputs (parsed JSON), keyed by member / organisation
id (both databases come from importing the same files, so the ids agree). Works on a database of
schema 2 (reason and inputs in each rating row) and of schema 3 (reasons and inputs stored once
per period in rating_reason / rating_inputs). The computation time is left out.

`reports`: every file under both folders: each cell of every sheet of each .xlsx (read with
python-calamine) and each JSON twin (parsed), and the same set of file names.

Prints the differences (at most 20 per kind) and exits 1 when there are any.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

SHOWN = (
    "status", "level", "computed_level", "decided_level", "proposed_level", "capped",
    "kht_cause", "not_reviewed_cause", "needs_decision_cause", "differs", "proposed_differs",
    "from_proposal", "cap_tie", "cap_excess", "assumed_conditions", "pool_id", "rule_set",
    "rule_version",
)  # fmt: skip


def _ratings(path: str, table: str, key: str) -> dict:
    conn = sqlite3.connect(path)
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    shown = [c for c in (*SHOWN, "exemplary") if c in columns]
    if "reason_id" in columns:
        reason, inputs = "t.text", "i.inputs"
        joins = (
            " LEFT JOIN rating_reason t ON t.id = r.reason_id"
            " LEFT JOIN rating_inputs i ON i.id = r.inputs_id"
        )
    else:
        reason, inputs, joins = "r.reason", "r.inputs", ""
    sql = (
        f"SELECT r.{key}, r.year, r.quarter, {reason}, {inputs}, "
        f"{', '.join('r.' + c for c in shown)} FROM {table} r{joins}"
    )
    rows = {}
    for row in conn.execute(sql):
        rows[tuple(row[:3])] = {
            **dict(zip(shown, row[5:], strict=True)),
            "reason": row[3] or "",
            "inputs": json.loads(row[4]) if row[4] else {},
        }
    conn.close()
    return rows


def compare_ratings(before: str, after: str) -> int:
    problems = 0
    for table, key in (("member_rating", "member_id"), ("organization_rating", "org_id")):
        old, new = _ratings(before, table, key), _ratings(after, table, key)
        print(f"{table}: {len(old)} rows before, {len(new)} after")
        for ident in sorted(old.keys() ^ new.keys())[:20]:
            print(f"  only {'before' if ident in old else 'after'}: {ident}")
            problems += 1
        differing = [i for i in sorted(old.keys() & new.keys()) if old[i] != new[i]]
        for ident in differing[:20]:
            fields = {k: (old[ident].get(k), new[ident].get(k)) for k in old[ident]
                      if old[ident].get(k) != new[ident].get(k)}  # fmt: skip
            print(f"  differs {ident}: {fields}")
        problems += len(differing) + len(old.keys() ^ new.keys())
    return problems


def _cells(path: Path) -> dict:
    workbook = CalamineWorkbook.from_path(str(path))
    return {
        name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in workbook.sheet_names
    }


def compare_reports(before: Path, after: Path) -> int:
    old = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    new = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    problems = len(old ^ new)
    for name in sorted(old ^ new):
        print(f"  only {'before' if name in old else 'after'}: {name}")
    compared = 0
    for name in sorted(old & new):
        if name.suffix == ".xlsx":
            a, b = _cells(before / name), _cells(after / name)
        elif name.suffix == ".json":
            a, b = (json.loads((d / name).read_text()) for d in (before, after))
        else:
            continue
        compared += 1
        if a != b:
            problems += 1
            print(f"  differs: {name}")
    print(f"{compared} files compared, {problems} differences")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("ratings", "reports"):
        print(__doc__)
        return 2
    if argv[0] == "ratings":
        problems = compare_ratings(argv[1], argv[2])
    else:
        problems = compare_reports(Path(argv[1]), Path(argv[2]))
    print("identical" if not problems else f"{problems} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
