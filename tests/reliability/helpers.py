"""Running the real `tcxd` console script as a subprocess, measuring it, and fingerprinting a
database, for the reliability suite.

Peak memory: Linux carries a process's RSS high-water mark across fork and exec, so a child
spawned by the (large) pytest process reports at least pytest's own RSS. `run_tcxd` therefore
starts a small launcher (a bare Python, ~10 MB) that spawns `tcxd` and reports the `os.wait4`
resource usage of that one grandchild: its true peak RSS. `Child(..., measure=False)` spawns `tcxd`
directly, for the tests that signal it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

BIN = Path(sys.executable).parent
TCXD = BIN / "tcxd"
TRACEBACK = "Traceback"
# Timestamps differ between two runs that store the same facts.
VOLATILE_COLUMNS = {"imported_at", "created_at", "computed_at"}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    max_rss_mb: float
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TCXD_DB", "TCXD_DEBUG")}
    env.update({"COLUMNS": "250", "PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8"})
    env.update(extra)
    return env


LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
sys.exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
"""


class Child:
    """A running `tcxd`: `signal()` it, then `wait()` for its Run (exit code, output, peak RSS).

    A child killed by a signal gets the shell's convention as code: 128 + signal number. With
    `measure` (the default) it runs under the launcher and `max_rss_mb` is exact; without, the
    child is `tcxd` itself (its pid can be signalled) and `max_rss_mb` is not measured (NaN)."""

    def __init__(self, args, env=None, cwd=None, measure: bool = True):
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _done)
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self.measure = measure
        command = [str(TCXD), *map(str, args)]
        if measure:
            handle, self._rss_file = tempfile.mkstemp(prefix="tcxd-rss-")
            os.close(handle)
            command = [sys.executable, "-S", "-c", LAUNCHER, self._rss_file, *command]
        # A folder of its own by default: what tcxd writes to its working folder (./tep-loi/)
        # stays out of the project.
        self._home = tempfile.TemporaryDirectory(prefix="tcxd-cwd-") if cwd is None else None
        cwd = self._home.name if self._home is not None else cwd
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            stdout=self._out,
            stderr=self._err,
            stdin=subprocess.DEVNULL,
            env=env or cli_env(),
            cwd=cwd,
            start_new_session=True,  # a timeout kills the launcher and tcxd together
        )
        self.pid = self.process.pid

    def signal(self, number: int) -> None:
        if self.process.returncode is None:
            os.kill(self.pid, number)

    def poll(self) -> Run | None:
        pid, status, usage = os.wait4(self.pid, os.WNOHANG)
        return None if pid == 0 else self._done(status, usage)

    def wait(self, timeout: float = 300) -> Run:
        deadline = time.monotonic() + timeout
        while True:
            run = self.poll()
            if run is not None:
                return run
            if time.monotonic() > deadline:
                os.killpg(self.pid, signal.SIGKILL)
                _, status, usage = os.wait4(self.pid, 0)
                run = self._done(status, usage)
                raise AssertionError(f"tcxd did not finish in {timeout} s: {run.output[-2000:]}")
            time.sleep(0.02)

    def _done(self, status, usage) -> Run:
        seconds = time.monotonic() - self.started
        signalled = os.WIFSIGNALED(status)
        code = 128 + os.WTERMSIG(status) if signalled else os.WEXITSTATUS(status)
        self.process.returncode = code  # reaped here: keep Popen from waiting again
        outputs = []
        for handle in (self._out, self._err):
            handle.seek(0)
            outputs.append(handle.read().decode("utf-8", errors="replace"))
            handle.close()
        if self._home is not None:
            self._home.cleanup()
        rss = float("nan")
        if self.measure:
            measured = Path(self._rss_file).read_text()
            Path(self._rss_file).unlink()
            rss = int(measured) / 1024 if measured else rss
        return Run(code, outputs[0], outputs[1], rss, seconds)


def run_tcxd(*args, env=None, cwd=None, timeout: float = 300) -> Run:
    """Run `tcxd ARGS…` to the end, measuring its peak RSS."""
    return Child(args, env=env, cwd=cwd).wait(timeout)


# --------------------------------------------------------------------------- database fingerprints


def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def table_checksums(url: str, *, skip_volatile: bool = False) -> dict[str, str]:
    """A checksum of every table's content (rows in primary-key order).

    With `skip_volatile`, timestamp columns (when a row was written) are left out, so that two
    databases holding the same facts written at different times compare equal."""
    engine = create_engine(url)
    sums = {}
    try:
        inspector = inspect(engine)
        with engine.connect() as conn:
            for name in sorted(inspector.get_table_names()):
                columns = [c["name"] for c in inspector.get_columns(name)]
                if skip_volatile:
                    columns = [c for c in columns if c not in VOLATILE_COLUMNS]
                keys = inspector.get_pk_constraint(name).get("constrained_columns") or columns
                order = ", ".join(f'"{c}"' for c in keys)
                select = ", ".join(f'"{c}"' for c in columns)
                rows = conn.execute(text(f'SELECT {select} FROM "{name}" ORDER BY {order}'))
                digest = hashlib.sha256()
                for row in rows:
                    digest.update(repr(tuple(_canonical(v) for v in row)).encode())
                sums[name] = digest.hexdigest()
    finally:
        engine.dispose()
    return sums


def _canonical(value):
    """The same value read from SQLite and from PostgreSQL gives the same text."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def scalar(url: str, sql: str, **params):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def rows(url: str, sql: str, **params) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def assert_clean_failure(run: Run, code: int) -> None:
    """A refused command: the expected exit code and no traceback anywhere in its output."""
    assert run.code == code, f"exit {run.code}, expected {code}:\n{run.output[-3000:]}"
    assert TRACEBACK not in run.output, run.output[-3000:]


def checkpoint(path: Path) -> Path:
    """Fold the WAL into the database file, so that copying the file alone copies everything."""
    import gc
    import sqlite3

    gc.collect()  # engines nobody disposed close their pooled connections
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path
