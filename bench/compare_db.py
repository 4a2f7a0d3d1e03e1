"""Two SQLite databases of tcxd compared table by table, ids replaced by what they point to.

    bench/compare_db.py BEFORE.db AFTER.db

Used to show that a change to the import keeps what it writes: every table that holds data is
dumped with its ids replaced by natural keys (a member by card number, else name key and birth
date; an organisation by name; a batch by its file's hash) and its rows sorted; what tells how a
run went rather than what the database holds (timestamps, file paths) is left out. Prints one
line per table (rows, same or differs, and the first differing rows) and exits 1 if any differs.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from pathlib import Path

MEMBER = (
    "(SELECT coalesce(card_number, name_key || '|' || coalesce(birth_date, ''))"
    " FROM member m WHERE m.id = {})"
)
ORG = "(SELECT name FROM organization o WHERE o.id = {})"
BATCH = "(SELECT sha256 FROM import_batch b WHERE b.id = {})"
DUMPS = {
    "organization": f"SELECT name, name_key, name_fold, org_type, code, kind_of_place, founded_on,"
    f" dissolved_on, source_sheet, source_row, {BATCH.format('t.batch_id')} FROM organization t",
    "organization_parent": f"SELECT {ORG.format('org_id')}, {ORG.format('parent_id')}, valid_from,"
    f" valid_to, {BATCH.format('t.batch_id')} FROM organization_parent t",
    "member": "SELECT card_number, citizen_id, profile_number, full_name, name_key, birth_date,"
    " birth_year, birth_year_only, gender, ethnicity, religion, occupation, school_level, degree,"
    " theory_level, youth_union, admitted_on, official_on, exempt, exempt_on, note, extra,"
    f" attributes_as_of, source_sheet, source_row, {BATCH.format('t.batch_id')} FROM member t",
    "roster_entry": f"SELECT {MEMBER.format('member_id')}, {ORG.format('org_id')},"
    f" {ORG.format('unit_id')}, as_of, source_sheet, source_row, {BATCH.format('t.batch_id')}"
    " FROM roster_entry t",
    "membership_event": f"SELECT {MEMBER.format('member_id')}, kind, event_on,"
    f" {ORG.format('org_id')}, scope, place, decision, source_sheet, source_row,"
    f" {BATCH.format('t.batch_id')} FROM membership_event t",
    "membership": f"SELECT {MEMBER.format('member_id')}, {ORG.format('org_id')}, start_on, end_on,"
    " start_kind, start_scope, end_kind, end_scope, implied_start, implied_end FROM membership",
    "history_note": f'SELECT {MEMBER.format("member_id")}, "check", code, "on",'
    f" {ORG.format('org_id')}, detail, source_sheet, source_row FROM history_note",
    "member_evaluation": f"SELECT {MEMBER.format('member_id')}, {ORG.format('org_id')}, year,"
    " quarter, score, general_score, task_score, discipline, proposed_level, decided_level,"
    " exemplary, extra, source_sheet, source_row,"
    f" {BATCH.format('t.batch_id')} FROM member_evaluation t",
    "organization_evaluation": f"SELECT {ORG.format('org_id')}, year, quarter, score,"
    " decided_level, exemplary, extra, source_sheet, source_row,"
    f" {BATCH.format('t.batch_id')} FROM organization_evaluation t",
    "import_batch": f"SELECT file_name, sha256, kind, status, {ORG.format('unit_id')}, as_of,"
    " period_year, period_quarter, rows_new, rows_updated, rows_unchanged, rows_total, warnings"
    " FROM import_batch",
}


def dump(db: Path) -> dict[str, list]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        out = {}
        for table, sql in DUMPS.items():
            try:
                out[table] = sorted(conn.execute(sql).fetchall(), key=repr)
            except sqlite3.OperationalError as error:  # a column this version does not have
                out[table] = [("error", str(error))]
        return out


def main(argv: list[str]) -> int:
    before, after = dump(Path(argv[0])), dump(Path(argv[1]))
    differs = 0
    for table in DUMPS:
        a, b = before[table], after[table]
        if a == b:
            print(f"{table}: {len(a)} rows, same")
            continue
        differs += 1
        only_a = sorted(set(a) - set(b), key=repr)[:3]
        only_b = sorted(set(b) - set(a), key=repr)[:3]
        print(
            f"{table}: {len(a)} → {len(b)} rows, DIFFERS; before only {only_a}; after only {only_b}"
        )
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
