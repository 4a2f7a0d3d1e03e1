"""Two tcxd at once on one SQLite file, a report while an import runs, Ctrl-C during an import
(spec quality.md: concurrent use; no traceback; atomic import)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tcxd.core.errors import INTERRUPTED_MESSAGE, LOCKED_MESSAGE, WAITING_MESSAGE
from tcxd.core.settings import load_province_config
from tcxd.db.province import initialize
from tcxd.sample import generate
from tests.reliability.helpers import (
    TRACEBACK,
    Child,
    checkpoint,
    cli_env,
    rows,
    run_tcxd,
    scalar,
    sqlite_url,
    table_checksums,
)

MEMBERS = 1500  # files enough for reports to be made at several moments of the import


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("concurrent")
    files = root / "files"
    generate(files, members=MEMBERS, seed=11)
    template = root / "empty.db"
    initialize(sqlite_url(template), load_province_config(files / "tinh.yaml"))
    checkpoint(template)
    reference = root / "reference.db"
    shutil.copyfile(template, reference)
    run = run_tcxd("import", files, "--db", reference, timeout=600)
    assert run.code == 0, run.output
    return {"files": files, "template": template, "reference": reference, "seconds": run.seconds}


def _fresh(sample, tmp_path: Path, name: str = "tcxd.db") -> Path:
    db = tmp_path / name
    shutil.copyfile(sample["template"], db)
    os.chmod(db, 0o600)
    return db


def _per_file(db: Path) -> dict[str, tuple]:
    """For each imported file (by content hash): its rows in the fact tables."""
    counts: dict[str, list[int]] = {}
    for table in (
        "roster_entry",
        "membership_event",
        "member_evaluation",
        "organization_evaluation",
    ):
        for sha, count in rows(
            sqlite_url(db),
            f"SELECT b.sha256, count(t.id) FROM import_batch b LEFT JOIN {table} t "
            "ON t.batch_id = b.id GROUP BY b.sha256",
        ):
            counts.setdefault(sha, []).append(count)
    return {sha: tuple(c) for sha, c in counts.items()}


def _integrity(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_two_imports_at_once_both_finish_and_agree_with_one(sample, tmp_path):
    """Both import the whole province into the same file at the same moment: each file goes in
    once (the second sees it is there), nobody fails, the result equals a single import."""
    db = _fresh(sample, tmp_path)
    first = Child(["import", sample["files"], "--db", db], measure=False)
    second = Child(["import", sample["files"], "--db", db], measure=False)
    runs = [first.wait(600), second.wait(600)]
    for run in runs:
        assert run.code == 0, run.output
        assert TRACEBACK not in run.output
    _integrity(db)
    files = len(_per_file(sample["reference"]))
    imported = [int(r.stdout.split("tệp: ")[1].split(" nhập được")[0]) for r in runs]
    assert sum(imported) == files, [r.stdout[-300:] for r in runs]
    assert _per_file(db) == _per_file(sample["reference"])
    for table in ("member", "organization", "membership", "roster_entry", "membership_event"):
        sql = f"SELECT count(*) FROM {table}"
        assert scalar(sqlite_url(db), sql) == scalar(sqlite_url(sample["reference"]), sql), table


def test_a_held_lock_makes_the_second_wait_then_stop_with_a_message(sample, tmp_path):
    """Another program holds the write lock longer than the busy timeout: the import waits
    that long, then stops with the Vietnamese message, exit code 4, nothing written."""
    db = _fresh(sample, tmp_path)
    before = table_checksums(sqlite_url(db))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        env = cli_env(TCXD_BUSY_TIMEOUT_MS="1500")
        run = run_tcxd("import", sample["files"], "--db", db, env=env, timeout=120)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.code == 4, run.output
    assert TRACEBACK not in run.output
    assert WAITING_MESSAGE.format(seconds=1) in run.stderr  # said after a second of waiting
    assert LOCKED_MESSAGE in run.stderr
    assert waited >= 1.5
    _integrity(db)
    assert table_checksums(sqlite_url(db)) == before


def test_a_lock_released_in_time_only_delays_the_import(sample, tmp_path):
    db = _fresh(sample, tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    child = Child(["import", sample["files"], "--db", db], env=cli_env(), measure=False)
    time.sleep(2.0)
    assert child.poll() is None  # waiting on the lock (busy timeout 30 s)
    holder.execute("ROLLBACK")
    holder.close()
    run = child.wait(600)
    assert run.code == 0, run.output
    assert _per_file(db) == _per_file(sample["reference"])


def _balanced(folder: Path) -> int:
    """D = A + B − C in Biểu 1 of every JSON twin of a report run; the number of twins."""
    twins = list(folder.rglob("*.json"))
    for twin in twins:
        forms = json.loads(twin.read_text("utf-8"))["forms"]
        f = forms["bieu1"]
        assert f["B"] == f["B1"] + f["B2"] + f["B3"], (twin.name, f)
        assert f["C"] == f["C1"] + f["C2"] + f["C3"] + f["C4"] + f["C5"], (twin.name, f)
        assert f["D"] == f["A"] + f["B"] - f["C"], (twin.name, f)
    return len(twins)


def test_a_report_during_an_import_sees_a_consistent_state(sample, tmp_path):
    """Reports made while the import is held inside a file's transaction (half of the files
    in), in process and through the CLI, then again and again while it goes on: each balances
    on every workbook, whatever moment it read the database at; the import then completes."""
    from tcxd.core.periods import Period
    from tcxd.db.engine import open_database
    from tcxd.reports.build import build_reports

    db = _fresh(sample, tmp_path)
    files = scalar(sqlite_url(sample["reference"]), "SELECT count(*) FROM import_batch")
    held_at = files // 2 + 1
    importer, marker = _start_paused(sample, db, tmp_path, held_at)
    engine = open_database(sqlite_url(db))
    year = Period.parse("year", 2025)
    try:
        # Held: half of the files committed, the next one written but not committed.
        assert scalar(sqlite_url(db), "SELECT count(*) FROM import_batch") == held_at - 1
        assert _covering(engine, year) > 0
        build_reports(engine, year, tmp_path / "held", fmt="json")
        assert _balanced(tmp_path / "held") >= 1
        cli_report = run_tcxd(
            "report", "--period", "year", "--year", "2025", "--format", "json",
            "--out", tmp_path / "cli", "--db", db, timeout=600,
        )  # fmt: skip
        assert cli_report.code == 0, cli_report.output
        assert _balanced(tmp_path / "cli") >= 1
        marker.unlink()  # the import goes on; reports go on being made while it runs
        seen = {held_at - 1}
        while importer.poll() is None:
            out = tmp_path / f"bao-cao-{len(seen)}"
            build_reports(engine, year, out, fmt="json")  # (files of 2025 are in: never refused)
            assert _balanced(out) >= 1
            seen.add(scalar(sqlite_url(db), "SELECT count(*) FROM import_batch"))
    finally:
        engine.dispose()
        marker.unlink(missing_ok=True)
    run = importer.wait(600) if importer.process.returncode is None else importer.finished
    assert run.code == 0, run.output
    _integrity(db)
    assert _per_file(db) == _per_file(sample["reference"])
    print(f"reports made after these numbers of files: {sorted(seen)}")


def _covering(engine, period) -> int:
    """How many imported files hold data of the period (the rule reports refuse by)."""
    from tcxd.db.coverage import batches_covering

    with engine.connect() as conn:
        return len(batches_covering(conn, period))


class _Held(Child):
    """An import that stops inside the N-th file's write transaction (TCXD_TEST_PAUSE) until
    its marker is deleted; `finished` is its Run if it ended while watched."""

    finished = None

    def poll(self):
        run = super().poll()
        if run is not None:
            self.finished = run
        return run


def _start_paused(sample, db: Path, tmp_path: Path, at_file: int) -> tuple[_Held, Path]:
    """Start an import that holds inside file `at_file`; return once it holds there. An import
    that ends before is a failure, never a skip: the test would not test what it says."""
    marker = tmp_path / "import-held.marker"
    env = cli_env(TCXD_TEST_PAUSE=f"{at_file}:{marker}")
    child = _Held(["import", sample["files"], "--db", db], env=env, measure=False)
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert child.poll() is None, f"the import ended first: {child.finished.output[-800:]}"
        assert time.monotonic() < deadline, "the import never reached the file"
        time.sleep(0.01)
    return child, marker


# --------------------------------------------------------------------------- Ctrl-C


@pytest.mark.parametrize("after", [0, 5, 20])
def test_ctrl_c_during_import_exits_130_and_keeps_whole_files(sample, tmp_path, after):
    """SIGINT while the import holds inside a file's transaction, `after` files in: exit 130,
    the Vietnamese message, no traceback, exactly those files wholly in and nothing of the one
    being written, and running the import again completes it."""
    db = _fresh(sample, tmp_path)
    child, _marker = _start_paused(sample, db, tmp_path, after + 1)
    child.signal(signal.SIGINT)
    run = child.wait(120)
    assert run.code == 130, run.output
    assert TRACEBACK not in run.output
    assert INTERRUPTED_MESSAGE in run.stderr
    _integrity(db)
    reference = _per_file(sample["reference"])
    stored = _per_file(db)
    assert len(stored) == after, "a file is in that was not committed before the interrupt"
    for sha, counts in stored.items():
        assert counts == reference[sha], "a file is half in"
    again = run_tcxd("import", sample["files"], "--db", db, timeout=600)
    assert again.code == 0, again.output
    assert _per_file(db) == reference
