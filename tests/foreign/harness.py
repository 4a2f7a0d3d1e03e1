"""Running the corpus through the real `tcxd` entry point and judging each file.

A verdict is one of: `imported` (imported, and the database holds what the file says), `refused`
(refused, for the reason the file has), `wrong` (anything else, with what went wrong).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.foreign.generate import COUNTED, INIT_ARGS, Expect, write_templates

HERE = Path(__file__).parent
KNOWN_GAPS = HERE / "known_gaps.yaml"


def known_gaps() -> dict[str, str]:
    return yaml.safe_load(KNOWN_GAPS.read_text(encoding="utf-8")) or {}


def run_cli(*args) -> tuple[int, str]:
    """The real entry point in-process: exit code and everything it printed."""
    from tcxd import cli

    out = io.StringIO()
    widths = cli.out.width, cli.err.width
    cli.out.width = cli.err.width = 400
    try:
        with (
            tempfile.TemporaryDirectory() as here,
            contextlib.chdir(here),  # (error workbooks go to ./tep-loi: not into the repo)
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(out),
        ):
            try:
                cli.main([str(a) for a in args])
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        cli.out.width, cli.err.width = widths
    return code, out.getvalue()


def url(db: Path) -> str:
    return f"sqlite:///{db}"


def checkpoint(db: Path) -> None:
    """Fold the WAL into the main file so that a plain copy of it is the whole database."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def build_templates(folder: Path) -> dict[str, Path]:
    """The two starting databases: `bare` (tcxd init) and `units` (+ base organisations, roster)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = write_templates(folder / "inputs")
    bare, units = folder / "bare.db", folder / "units.db"
    for db in (bare, units):
        code, output = run_cli(*INIT_ARGS, "--db", url(db))
        assert code == 0, output
    for source in (files["orgs"], files["roster"]):
        code, output = run_cli("import", source, "--db", url(units))
        assert code == 0, output
    for db in (bare, units):
        checkpoint(db)
    return {"bare": bare, "units": units}


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass
class Verdict:
    status: str  # imported | refused | wrong
    detail: str = ""
    output: str = ""

    @property
    def correct(self) -> bool:
        return self.status != "wrong"


def counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


def max_ids(conn) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
        for t in (*COUNTED, "import_batch")
    }


def judge(expect: Expect, corpus: Path, templates: dict[str, Path], work: Path) -> Verdict:
    work.mkdir(parents=True, exist_ok=True)
    db = work / "tcxd.db"
    shutil.copyfile(templates[expect.setup], db)
    for needed in expect.needs:
        run_cli("import", corpus / needed, "--db", url(db))
    with contextlib.closing(sqlite3.connect(db)) as conn:
        before, ids = counts(conn), max_ids(conn)
    code, output = run_cli("import", corpus / expect.file, *expect.args, "--db", url(db))
    output = output.replace(f"{corpus}/", "")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        after = counts(conn)
        added = {t: after[t] - before[t] for t in COUNTED}
        problems = _problems(expect, code, output, added, conn, ids)
    if problems:
        return Verdict("wrong", "; ".join(problems), output)
    return Verdict("imported" if expect.outcome == "imported" else "refused", "", output)


def _first_message(output: str) -> str:
    """The first problem a refusal lists, else the first line that is not part of the table."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    listed = [line[2:] for line in lines if line.startswith("- ")]
    plain = [line for line in lines if line[0] not in "┏┃┡│└" and not line.startswith("Kết quả")]
    return (listed or plain or [""])[0][:160]


def _problems(expect, code, output, added, conn, ids) -> list[str]:
    if expect.outcome != "imported":
        problems = []
        if code == 0:
            return [f"imported ({_added(added)}) instead of refused"]
        if code != 3:
            problems.append(f"exit code {code}: {_first_message(output)}")
        if any(added.values()):
            problems.append(f"refused but wrote {_added(added)}")
        # What the message says, not the file's own name (which may hold a telling extension).
        said = fold(output.replace(expect.file, "").replace(Path(expect.file).name, ""))
        missing = [m for m in expect.message if fold(m) not in said]
        if missing:
            problems.append(f"refused, message lacks {missing}: {_first_message(output)}")
        return problems
    if code != 0:
        return [f"refused (exit {code}): {_first_message(output)}"]
    problems = []
    wrong_counts = {t: n for t, n in added.items() if n != expect.counts.get(t, 0)}
    if wrong_counts:
        want = {t: expect.counts.get(t, 0) for t in wrong_counts}
        problems.append(f"added {wrong_counts}, expected {want}")
    problems += _people(expect, conn, ids)
    problems += _orgs(expect, conn)
    problems += _events(expect, conn, ids)
    problems += _evaluations(expect, conn)
    if expect.warnings:
        stored = " ".join(
            json.dumps(w, ensure_ascii=False)
            for (w,) in conn.execute(
                "SELECT warnings FROM import_batch WHERE id > ?", (ids["import_batch"],)
            )
        )
        missing = [w for w in expect.warnings if fold(w) not in fold(stored + output)]
        if missing:
            problems.append(f"warnings lack {missing}")
    return problems


def _added(added: dict[str, int]) -> str:
    return ", ".join(f"{n} {t}" for t, n in added.items() if n) or "nothing"


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _people(expect, conn, ids) -> list[str]:
    problems = []
    for person, unit in expect.people:
        row = conn.execute(
            "SELECT id, full_name, birth_date, admitted_on, official_on, gender, birth_year,"
            " birth_year_only FROM member"
            " WHERE card_number = ?",
            (person.card,),
        ).fetchone()
        if row is None:
            problems.append(f"no member with card {person.card} ({person.full_name})")
            continue
        member_id, name, born, admitted, official, gender, year, year_only = row
        got = {"name": name, "birth": born, "admitted": admitted}
        want = {
            "name": person.full_name,
            "birth": _iso(person.birth),
            "admitted": _iso(person.admitted),
        }
        if person.card in expect.year_only:
            got["birth"], want["birth"] = (year, bool(year_only)), (person.birth.year, True)
        if "official" in expect.fields:
            got["official"], want["official"] = official, _iso(person.official)
        if "gender" in expect.fields:
            got["gender"], want["gender"] = gender, person.gender
        for key in want:
            if (got[key] or None) != want[key]:
                problems.append(f"card {person.card}: {key} {got[key]!r}, expected {want[key]!r}")
        entries = [
            n
            for (n,) in conn.execute(
                "SELECT o.name FROM roster_entry r JOIN organization o ON o.id = r.org_id"
                " WHERE r.member_id = ? AND r.id > ?",
                (member_id, ids["roster_entry"]),
            )
        ]
        if unit and [fold(n) for n in entries] != [fold(unit)]:
            problems.append(f"card {person.card}: roster entries {entries}, expected [{unit!r}]")
    return problems[:6]


def _orgs(expect, conn) -> list[str]:
    problems = []
    for name, org_type, parent in expect.orgs:
        rows = conn.execute(
            "SELECT o.org_type, p.name FROM organization o"
            " LEFT JOIN organization_parent op ON op.org_id = o.id AND op.valid_to IS NULL"
            " LEFT JOIN organization p ON p.id = op.parent_id"
            " WHERE o.name = ?",
            (name,),
        ).fetchall()
        if rows != [(org_type, parent if org_type != "province" else None)]:
            problems.append(f"organisation {name!r}: {rows}, expected {[(org_type, parent)]}")
    return problems


def _events(expect, conn, ids) -> list[str]:
    problems = []
    for card, kind, day in expect.events:
        rows = conn.execute(
            "SELECT e.kind, e.event_on FROM membership_event e JOIN member m ON m.id = e.member_id"
            " WHERE m.card_number = ? AND e.id > ?",
            (card, ids["membership_event"]),
        ).fetchall()
        if (kind, day.isoformat()) not in rows:
            problems.append(f"card {card}: events {rows}, expected ({kind}, {day})")
    return problems


def _evaluations(expect, conn) -> list[str]:
    problems = []
    for card, score, year, quarter in expect.evaluations:
        rows = conn.execute(
            "SELECT e.year, e.quarter, e.score FROM member_evaluation e"
            " JOIN member m ON m.id = e.member_id WHERE m.card_number = ?",
            (card,),
        ).fetchall()
        if not any(
            (y, q) == (year, quarter) and s is not None and abs(s - score) < 1e-9
            for y, q, s in rows
        ):
            problems.append(
                f"card {card}: evaluations {rows}, expected ({year}, {quarter}, {score})"
            )
    for name, score, year, quarter in expect.org_evaluations:
        rows = conn.execute(
            "SELECT e.year, e.quarter, e.score FROM organization_evaluation e"
            " JOIN organization o ON o.id = e.org_id WHERE o.name = ?",
            (name,),
        ).fetchall()
        if not any(
            (y, q) == (year, quarter) and s is not None and abs(s - score) < 1e-9
            for y, q, s in rows
        ):
            problems.append(f"{name}: evaluations {rows}, expected ({year}, {quarter}, {score})")
    return problems
