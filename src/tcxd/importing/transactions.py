"""The write transactions of a run of `tcxd import`: consecutive files share one transaction,
each file in its own savepoint, and the spells of the members they touched are rebuilt once,
in that transaction, just before it commits.

Why: a file's own transaction (begin, commit: the WAL pages it dirtied written again by every
file) and the rebuild of its members' spells were a fixed cost per file that files of ≈ 150
rows pay many times over (docs/benchmarks.md, "write13c").

What stays true:
- A file is whole or absent: a refused or deferred file rolls back to its savepoint; the files
  before it in the transaction stay.
- Whatever a reader sees was committed with its spells: the rebuild of every member a file of
  the transaction touched runs in the same transaction, before the commit. (The spells are
  rebuilt from what the database holds then, as when they are rebuilt file by file: a later
  file of the same transaction is seen, which only makes the result less dependent on the
  files' order.)
- A run that stops (Ctrl-C, a failure of the database) keeps the files written before: they
  are committed with their spells; a file being written is rolled back first. If that cannot
  be done cleanly, the whole open transaction is rolled back: whole files only, as after a
  crash (`kill -9`, a power cut), which loses at most the open transaction's files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, NestedTransaction
from sqlalchemy.exc import SQLAlchemyError

from tcxd.core import pause_hook
from tcxd.core.errors import TcxdError
from tcxd.db import history

# A transaction commits after this many files, or once its files hold this many rows: the
# gain is mostly had by 16 files (measured, docs/benchmarks.md "write13c"); a crash loses at
# most these; another writer (a second `tcxd import`) waits at most this long. (The tests that
# kill an import set fewer, to see more commits: TCXD_FILES_PER_TRANSACTION.)
FILES_PER_TRANSACTION = int(os.environ.get("TCXD_FILES_PER_TRANSACTION") or 16)

ROWS_PER_TRANSACTION = 20_000

# On a server (PostgreSQL) another import may run at the same time, each writer in its own
# transactions: a file one imports must be seen by the other as soon as it is written (it then
# finds it "đã có"), not several files later; so one file a transaction there, as before. On
# SQLite one writer holds the database from BEGIN IMMEDIATE to the commit: nobody interleaves.
SERVER_FILES_PER_TRANSACTION = 1


class Transactions:
    """The run's transactions: `file()` gives a file its savepoint in the open transaction
    (opened if none is), `touched()` notes the members whose spells it changed, `written()`
    commits when the transaction is full, `end()` commits the rest.

    With `conn` (a dry run, or all or nothing: the run is one transaction, the caller's), the
    files take savepoints in it and `end()` only rebuilds the spells."""

    def __init__(
        self,
        engine: Engine | None = None,
        conn: Connection | None = None,
        on_rollback: Callable[[], None] = lambda: None,
        prepare: Callable[[Connection], None] = lambda conn: None,
    ) -> None:
        self.engine = engine
        self.borrowed = conn  # the caller's transaction: never committed here
        self.conn: Connection | None = conn
        self.on_rollback = on_rollback  # (the run's caches learnt what is rolled back)
        self.prepare = prepare  # (a new connection's settings, before its transaction begins)
        self.spells_due: set[int] = set()
        self.files = 0
        self.rows = 0
        # a file's savepoint not yet released nor rolled back
        self.savepoint: NestedTransaction | None = None

    @contextmanager
    def file(self) -> Iterator[Connection]:
        """One file written in its savepoint: released when the body ends, rolled back when it
        raises (a refused or deferred file, an error)."""
        if self.conn is not None and self.borrowed is None and pause_hook.will_pause():
            self.commit()  # (tests: the files before the one held are committed, as documented)
        if self.conn is None:
            assert self.engine is not None
            self.conn = self.engine.execution_options(write=True).connect()
            self.prepare(self.conn)
            self.conn.begin()  # (BEGIN IMMEDIATE on SQLite: `db.engine.write_transaction`)
        conn = self.conn
        savepoint = self.savepoint = conn.begin_nested()
        try:
            yield conn
        except BaseException:
            try:
                savepoint.rollback()
                self.savepoint = None
            except Exception:
                pass  # (left set: `end` rolls the whole transaction back)
            raise
        savepoint.commit()
        self.savepoint = None

    def touched(self, member_ids: Iterable[int]) -> None:
        """Members whose spells a file being written changed (noted inside its savepoint: a
        file released is never left out; one rolled back only costs a rebuild that finds the
        spells as they are)."""
        self.spells_due.update(member_ids)

    def written(self, rows: int) -> None:
        """A file was released: commit once the transaction holds enough."""
        self.files += 1
        self.rows += rows
        if self.borrowed is None and (
            self.files >= self._files_per_transaction() or self.rows >= ROWS_PER_TRANSACTION
        ):
            self.commit()

    def _files_per_transaction(self) -> int:
        assert self.engine is not None
        if self.engine.dialect.name == "sqlite":
            return FILES_PER_TRANSACTION
        return SERVER_FILES_PER_TRANSACTION

    def settle(self) -> None:
        """Rebuild the spells due, in the open transaction."""
        if self.spells_due and self.conn is not None:
            history.rebuild_spells(self.conn, self.spells_due)
        self.spells_due = set()

    def commit(self) -> None:
        """Rebuild the spells due and commit. A failure rolls back every file of the
        transaction: it is the run's (`CommitFailed`, or the database's own error), never the
        file that happened to be written last."""
        conn = self.conn
        if conn is None or self.borrowed is not None:
            return
        try:
            self.settle()
            conn.commit()
        except SQLAlchemyError:
            self._roll_back()
            raise
        except Exception as error:
            self._roll_back()
            raise CommitFailed(COMMIT_FAILED) from error
        except BaseException:
            self._roll_back()
            raise
        finally:
            self._close()

    def end(self, failed: bool = False) -> None:
        """The run ends: commit what is written (with the spells). After a failure (`failed`:
        Ctrl-C, a database error) the files written before are kept the same way, unless a
        file's savepoint could not be closed; nothing here hides the run's own error."""
        if self.borrowed is not None:
            if not failed:
                self.settle()
            return
        if self.conn is None:
            return
        if not failed:
            self.commit()
            return
        try:
            if self.savepoint is None:
                self.commit()
        except BaseException:
            pass  # (the run's own error is the one raised; `commit` rolled back)
        if self.conn is not None:  # a file's savepoint left open: nothing here is trusted
            try:
                self._roll_back()
            except BaseException:
                pass  # (as above: the run's own error is the one raised)
            finally:
                self._close()

    def _roll_back(self) -> None:
        try:
            if self.conn is not None:
                self.conn.rollback()
        finally:
            self.spells_due = set()
            self.on_rollback()

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        self.savepoint = None
        self.files = 0
        self.rows = 0


class CommitFailed(TcxdError):
    """The spells of a shared transaction could not be rebuilt (a bug of tcxd): its files are
    rolled back and the run stops, as on a failure of the database."""


COMMIT_FAILED = (
    "Không dựng lại được quá trình sinh hoạt đảng của các tệp vừa ghi (lỗi của tcxd): các tệp "
    "đó chưa được nhập. Hãy báo lỗi này; chạy lại với --debug để xem chi tiết."
)
