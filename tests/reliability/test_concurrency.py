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

from tcxd.core.errors import INTERRUPTED_MESSAGE, LOCKED_MESSAGE
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

MEMBERS = 1500  # enough files that an interrupt lands while the (fast) import runs


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
    """Reports made again and again (in process, and one through the CLI) while the import runs:
    each balances on every workbook, whatever moment it read the database at."""
    from tcxd.core.errors import UserInputError
    from tcxd.core.periods import Period
    from tcxd.db.engine import open_database
    from tcxd.reports.build import build_reports

    db = _fresh(sample, tmp_path)
    importer = Child(["import", sample["files"], "--db", db], measure=False)
    # A report of a period no file is of yet is refused (reports.md), and the organisation lists
    # go in first: the CLI report starts once the first files with members are in.
    engine = open_database(sqlite_url(db))
    year = Period.parse("year", 2025)
    _wait_until(importer, lambda: _covering(engine, year) > 0)
    cli_report = Child(
        ["report", "--period", "year", "--year", "2025", "--format", "json",
         "--out", tmp_path / "cli", "--db", db],
        measure=False,
    )  # fmt: skip
    seen = set()
    try:
        while importer.poll() is None:
            out = tmp_path / f"bao-cao-{len(seen)}"
            files = _covering(engine, year)  # (imports only add: a later read sees as many)
            try:
                build_reports(engine, year, out, fmt="json")
            except UserInputError as refused:  # read before any file of 2025 was in
                assert files == 0 and "Không có số liệu cho năm 2025" in refused.message
                assert not out.exists()
                continue
            assert _balanced(out) >= 1
            seen.add(scalar(sqlite_url(db), "SELECT count(*) FROM import_batch"))
    finally:
        engine.dispose()
        run = importer.wait(600) if importer.process.returncode is None else None
    report = cli_report.wait(600)
    assert report.code == 0, report.output
    assert _balanced(tmp_path / "cli") >= 1
    _integrity(db)
    print(f"reports made after these numbers of files: {sorted(seen)}")
    assert run is None or run.code == 0


def _covering(engine, period) -> int:
    """How many imported files hold data of the period (the rule reports refuse by)."""
    from tcxd.db.coverage import batches_covering

    with engine.connect() as conn:
        return len(batches_covering(conn, period))


def _wait_until(child: Child, ready) -> bool:
    """Wait until `ready()` (the import still running); False if the import ended first."""
    while child.poll() is None:
        if ready():
            return True
        time.sleep(0.01)
    return False


def _wait_for_files(child: Child, db: Path, count: int) -> bool:
    """Wait until `count` files are in (the import still running); False if it ended first."""
    while child.poll() is None:
        if scalar(sqlite_url(db), "SELECT count(*) FROM import_batch") >= count:
            return True
        time.sleep(0.01)
    return False


# --------------------------------------------------------------------------- Ctrl-C


@pytest.mark.parametrize("after", [0, 5, 20])
def test_ctrl_c_during_import_exits_130_and_keeps_whole_files(sample, tmp_path, after):
    """SIGINT once `after` files are in: exit 130, the Vietnamese message, no traceback, every
    file wholly in or wholly out, and running the import again completes it."""
    db = _fresh(sample, tmp_path)
    child = Child(["import", sample["files"], "--db", db], measure=False)
    if after == 0:
        time.sleep(0.8 * run_tcxd("--version").seconds + 0.3)  # during start-up or the first file
    elif not _wait_for_files(child, db, after):
        pytest.skip("the import finished before the interrupt")
    child.signal(signal.SIGINT)
    run = child.wait(120)
    if run.code == 0:
        pytest.skip("the import finished before the interrupt")
    assert run.code == 130, run.output
    assert TRACEBACK not in run.output
    assert INTERRUPTED_MESSAGE in run.stderr
    _integrity(db)
    reference = _per_file(sample["reference"])
    for sha, counts in _per_file(db).items():
        assert counts == reference[sha], "a file is half in"
    again = run_tcxd("import", sample["files"], "--db", db, timeout=600)
    assert again.code == 0, again.output
    assert _per_file(db) == reference
