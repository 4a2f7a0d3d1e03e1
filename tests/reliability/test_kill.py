"""Atomic import: `tcxd import` of a whole sample province, killed with SIGKILL at random moments
(3 times here, 20 with TCXD_STRESS=1), must leave a database that passes `PRAGMA integrity_check`
and holds every file wholly or not at all; re-running the import must then finish at the very state
of an import that was never interrupted (spec quality.md, "atomic import").

"Wholly or not at all" is checked exactly: a reference import of the same folder (same code, in
process) records the content checksum of every table after each file it handles. Files are taken in
a fixed order, each whole in a transaction (several files a transaction: importing.transactions), so
after a kill the database must equal one of those recorded states: the state after some number of
whole files. A half-written file would give a state that is
in no list (a batch row without its roster entries, spells not rebuilt, a member without its
batch…). Timestamps (`imported_at`, `created_at`) are left out of the comparison.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import stat
import time
from pathlib import Path

import pytest

import tcxd.importing.run as importing_run
import tcxd.importing.transactions as transactions
from tcxd.core.settings import load_province_config
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import import_paths
from tcxd.sample import generate
from tests.reliability.helpers import (
    Child,
    checkpoint,
    cli_env,
    run_tcxd,
    scalar,
    sqlite_url,
    table_checksums,
)

MEMBERS = 150
SEED = 3
# (few files a transaction: many commits, so many states a kill may leave)
FILES_PER_TRANSACTION = 3
ENV = cli_env(TCXD_FILES_PER_TRANSACTION=str(FILES_PER_TRANSACTION))


def _state(path: Path) -> tuple:
    return tuple(sorted(table_checksums(sqlite_url(path), skip_volatile=True).items()))


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The sample province's files, an initialised empty database, and the reference states."""
    root = tmp_path_factory.mktemp("kill")
    files = root / "files"
    generate(files, members=MEMBERS, seed=SEED)
    template = root / "empty.db"
    initialize(sqlite_url(template), load_province_config(files / "tinh.yaml"))
    checkpoint(template)

    reference = root / "reference.db"
    shutil.copyfile(template, reference)
    engine = open_database(sqlite_url(reference))
    states = [_state(reference)]
    original = importing_run._import_one_file

    def recording(*args, **kwargs):
        outcome = original(*args, **kwargs)
        states.append(_state(reference))
        return outcome

    importing_run._import_one_file = recording
    per_transaction = transactions.FILES_PER_TRANSACTION
    transactions.FILES_PER_TRANSACTION = FILES_PER_TRANSACTION
    try:
        result = import_paths(engine, [files])
        states.append(_state(reference))  # (the run's last files are committed as it ends)
    finally:
        importing_run._import_one_file = original
        transactions.FILES_PER_TRANSACTION = per_transaction
        engine.dispose()
    assert not result.refused, [f.problems for f in result.refused]
    # (files that share a transaction leave the state unchanged until it commits)
    states = [state for i, state in enumerate(states) if i == 0 or state != states[i - 1]]
    imported = sum(1 for outcome in result.files if outcome.status == "imported")
    return {
        "files": files,
        "template": template,
        "states": states,
        "final": states[-1],
        "imported": imported,
    }


def _check_after_kill(db: Path, states: list[tuple]) -> int:
    """Integrity, foreign keys, 0600, and the state is one of the recorded ones; its index."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    state = _state(db)
    assert state in states, "the database is in a state no sequence of whole files gives"
    return states.index(state)


def _kill_rounds(province, tmp_path, kills: int, seed: int) -> list[str]:
    files, states = province["files"], province["states"]
    db = tmp_path / "tcxd.db"
    shutil.copyfile(province["template"], db)
    os.chmod(db, 0o600)
    # An uninterrupted run through the CLI: its time scales the kill moments, its end state is
    # the reference one.
    started = time.monotonic()
    clean = tmp_path / "clean.db"
    shutil.copyfile(province["template"], clean)
    run = run_tcxd("import", files, "--db", clean, env=ENV, timeout=600)
    assert run.code == 0, run.output
    duration = time.monotonic() - started
    assert _state(clean) == province["final"]

    empty = tmp_path / "empty-folder"
    empty.mkdir()
    startup = run_tcxd(
        "import", empty, "--db", clean, env=ENV
    ).seconds  # start-up before the first file
    rng = random.Random(seed)
    total = province["imported"]
    log = []
    done = 0
    attempts = 0
    while done < kills:
        attempts += 1
        assert attempts < kills * 4, f"could not kill the import mid-way: {log}"
        committed = scalar(sqlite_url(db), "SELECT count(*) FROM import_batch")
        if committed >= total:  # everything is in: start again from the empty province
            shutil.copyfile(province["template"], db)
            for suffix in ("-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            committed = 0
        remaining = max(duration - startup, 0.5) * (total - committed) / total
        moment = startup * rng.uniform(0.7, 1.0) + rng.uniform(0, remaining)
        child = Child(["import", files, "--db", db], env=ENV, measure=False)
        time.sleep(moment)
        finished = child.poll()
        if finished is not None:
            assert finished.code == 0, finished.output
            log.append(f"finished before {moment:.2f} s")
            continue
        child.signal(signal.SIGKILL)
        run = child.wait(60)
        if run.code == 0:  # it finished between the look and the kill
            log.append(f"finished at {moment:.2f} s")
            continue
        assert run.code == 128 + signal.SIGKILL, run.output
        index = _check_after_kill(db, states)
        done += 1
        log.append(f"killed at {moment:.2f} s after {index}/{len(states) - 1} commits")
    # Re-running finishes the job, at the state of the uninterrupted import.
    run = run_tcxd("import", files, "--db", db, env=ENV, timeout=600)
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    assert _check_after_kill(db, states) == len(states) - 1
    assert _state(db) == province["final"]
    return log


def test_sigkill_during_import_leaves_whole_files(province, tmp_path):
    seed = int(os.environ.get("TCXD_KILL_SEED", "20251"))
    log = _kill_rounds(province, tmp_path, kills=3, seed=seed)
    print("\n".join(log))


@pytest.mark.stress
def test_sigkill_during_import_20_times(province, tmp_path):
    seed = int(os.environ.get("TCXD_KILL_SEED", str(random.randrange(1 << 30))))
    print(f"TCXD_KILL_SEED={seed}")
    log = _kill_rounds(province, tmp_path, kills=20, seed=seed)
    print("\n".join(log))


def test_states_are_distinct_per_commit(province):
    """The check above is only as good as the recorded states: each commit changes the
    database, and the import commits several times."""
    states = province["states"]
    assert len(set(states)) == len(states)
    assert len(states) > 10
