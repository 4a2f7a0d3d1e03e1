"""Several files a transaction (`importing.transactions`): the same database as one file a
transaction, spells rebuilt before every commit, and a run that stops (a refused last file,
Ctrl-C, an interrupt inside a file's rollback) leaves whole files with their spells right."""

from __future__ import annotations

import pytest
from sqlalchemy import NestedTransaction, text

import tcxd.importing.run as run
import tcxd.importing.transactions as transactions
from tcxd.core.settings import load_province_config
from tcxd.db import history
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import import_paths
from tcxd.importing.context import Deferred, FileRefused
from tcxd.importing.results import ImportOptions
from tcxd.sample import generate
from tests.conftest import fresh_database

# (what a file writes; the spells' and notes' own ids follow the order they are rebuilt in)
TABLES = {
    "member": "id",
    "roster_entry": "id",
    "membership_event": "id",
    "membership": "member_id, org_id, start_on, end_on, start_kind, start_scope, end_kind, "
    "end_scope, start_event_id, end_event_id, implied_start, implied_end",
    "history_note": 'member_id, "check", code, "on", org_id, detail, batch_id, source_sheet, '
    "source_row",
    "member_evaluation": "id",
    "organization": "id",
    "import_batch": "id",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample") / "files"
    generate(folder, members=120, seed=5)
    return folder


def _per_transaction(monkeypatch, files: int) -> None:
    """This many files a transaction, on either engine (PostgreSQL's default is one)."""
    monkeypatch.setattr(transactions, "FILES_PER_TRANSACTION", files)
    monkeypatch.setattr(transactions, "SERVER_FILES_PER_TRANSACTION", files)


def _engine(url, files):
    initialize(url, load_province_config(files / "tinh.yaml"))
    return open_database(url)


def _contents(engine) -> dict[str, list]:
    """Every table a file writes, rows sorted (the spells and notes without their ids)."""
    found = {}
    with engine.connect() as conn:
        for table, columns in TABLES.items():
            if columns == "id":
                names = [c for c in _columns(conn, table) if c not in ("imported_at", "created_at")]
                columns = ", ".join(f'"{c}"' for c in names)
            rows = conn.execute(text(f"SELECT {columns} FROM {table}")).all()
            found[table] = sorted((tuple(map(str, row)) for row in rows), key=repr)
    return found


def _columns(conn, table) -> list[str]:
    return list(conn.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys())


def _spells_as_rebuilt(engine) -> bool:
    """Whether the stored spells and notes are what rebuilding every member's gives."""
    stored = _contents(engine)
    with engine.connect() as conn, conn.begin():
        members = conn.execute(text("SELECT id FROM member")).scalars().all()
        history.rebuild_spells(conn, members)
        again = {}
        for table in ("membership", "history_note"):
            rows = conn.execute(text(f"SELECT {TABLES[table]} FROM {table}")).all()
            again[table] = sorted((tuple(map(str, row)) for row in rows), key=repr)
        conn.rollback()
    return all(stored[table] == again[table] for table in again)


@pytest.fixture(scope="module")
def reference(files, tmp_path_factory):
    """An uninterrupted import of the sample, one file a transaction (the spells rebuilt file
    by file, as before): its contents, and the files `write_file` was called for, in order,
    each with whether it was deferred and whether it holds an organisation list."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'tcxd.db'}"
    engine = _engine(url, files)
    original, calls = run.write_file, []

    def write_file(file, last_try):
        holds_list = any(table.kind == "organizations" for table in file.reading.sheets)
        try:
            original(file, last_try)
        except Deferred:
            calls.append((file.path, True, holds_list))
            raise
        calls.append((file.path, False, holds_list))

    with pytest.MonkeyPatch.context() as patch:
        _per_transaction(patch, 1)
        patch.setattr(run, "write_file", write_file)
        result = import_paths(engine, [files], ImportOptions(read_workers=0))
    assert not result.refused
    contents = _contents(engine)
    engine.dispose()
    return {"contents": contents, "calls": calls}


@pytest.fixture
def baseline_url(db_url, tmp_path):
    """A second empty database on the same engine: the same run, one file a transaction."""
    engine = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    folder = tmp_path / "baseline"
    folder.mkdir()
    with fresh_database(engine, folder) as url:
        yield url


def _imported(url, files, per_transaction: int, failing=None, error=None):
    """The sample imported with `per_transaction` files a transaction, `write_file` raising
    `error` for the file at `failing` (after writing its rows): (engine, result or None)."""
    engine = _engine(url, files)
    with pytest.MonkeyPatch.context() as patch:
        _per_transaction(patch, per_transaction)
        if failing is not None:
            _failing(patch, failing, error)
        try:
            return engine, import_paths(engine, [files], ImportOptions(read_workers=0))
        except KeyboardInterrupt:
            return engine, None


def test_several_files_a_transaction_store_what_one_file_a_transaction_does(
    files, reference, db_url, baseline_url
):
    engine, result = _imported(db_url, files, 4)
    assert len(reference["calls"]) > 8 and not result.refused  # (several transactions)
    baseline, _ = _imported(baseline_url, files, 1)
    assert _contents(engine) == _contents(baseline)
    assert _spells_as_rebuilt(engine)
    if db_url.startswith("sqlite"):
        assert _contents(engine) == reference["contents"]
    engine.dispose()
    baseline.dispose()


def _failing(monkeypatch, path, error: BaseException) -> None:
    """`write_file` raises `error` for the file at `path`, after writing its rows."""
    original = run.write_file

    def write_file(file, last_try):
        original(file, last_try)
        if file.path == path:
            raise error

    monkeypatch.setattr(run, "write_file", write_file)


def _stored(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT file_path FROM import_batch")).scalars())


def _written(reference) -> list:
    """The files written (not deferred), in order, that hold no organisation list."""
    calls = reference["calls"]
    return [path for path, deferred, holds_list in calls if not (deferred or holds_list)]


@pytest.mark.parametrize("which", [6, -1])
def test_a_refused_file_after_files_whose_spells_wait(
    files, reference, db_url, baseline_url, which
):
    """A file refused after writing its rows, in the middle of a transaction or last of the
    run: the files before it stay, with their spells rebuilt as one file a transaction gives;
    nothing of it does."""
    path = _written(reference)[which]
    assert len(_written(reference)) > 10
    refused = FileRefused(["refused by the test"])
    engine, result = _imported(db_url, files, 5, path, refused)
    assert [f.path for f in result.files if f.status == "refused"] == [str(path)]
    stored = _stored(engine)
    assert str(path) not in stored
    assert len(stored) == sum(1 for f in result.files if f.status == "imported")
    baseline, _ = _imported(baseline_url, files, 1, path, refused)
    assert _contents(engine) == _contents(baseline)
    engine.dispose()
    baseline.dispose()


@pytest.mark.parametrize("at", [0, 5, 9])
def test_ctrl_c_keeps_the_whole_files_written_before_with_their_spells(
    files, reference, db_url, baseline_url, at
):
    """KeyboardInterrupt inside a file (its rows written, in a transaction shared with files
    before it): those files are committed with their spells, nothing of that one; the import
    run again completes the database."""
    path = reference["calls"][at][0]
    engine, result = _imported(db_url, files, 4, path, KeyboardInterrupt())
    assert result is None  # (interrupted)
    before = {str(p) for p, deferred, _ in reference["calls"][:at] if not deferred}
    assert _stored(engine) == before
    baseline, _ = _imported(baseline_url, files, 1, path, KeyboardInterrupt())
    assert _contents(engine) == _contents(baseline)
    result = import_paths(engine, [files], ImportOptions(read_workers=0))
    assert not result.refused
    assert len(_stored(engine)) == len(reference["contents"]["import_batch"])
    assert _spells_as_rebuilt(engine)
    engine.dispose()
    baseline.dispose()


def test_postgresql_commits_each_file_sqlite_several(db_url, files):
    """Another import may write at the same time on a server: there each file is committed as
    soon as it is written; SQLite's single writer lets files share a transaction."""
    engine = _engine(db_url, files)
    shared = transactions.Transactions(engine)
    with shared.file():
        pass
    shared.written(1)
    assert (shared.conn is None) == (not db_url.startswith("sqlite"))
    shared.end()
    engine.dispose()


def test_an_interrupt_inside_a_files_rollback_rolls_the_open_transaction_back(
    db_url, files, monkeypatch
):
    """A savepoint that could not be rolled back (an interrupt inside its rollback): what the
    open transaction holds cannot be trusted, so all of it is rolled back (whole files only,
    as after a crash), and the run's caches are dropped."""
    _per_transaction(monkeypatch, 16)
    engine = _engine(db_url, files)
    dropped = []
    shared = transactions.Transactions(engine, on_rollback=lambda: dropped.append(True))
    with shared.file() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('a', '1')"))
    shared.written(1)
    original = NestedTransaction.rollback

    def interrupted(self):
        monkeypatch.setattr(NestedTransaction, "rollback", original)
        raise KeyboardInterrupt

    monkeypatch.setattr(NestedTransaction, "rollback", interrupted)
    # (the run's own interrupt, as Ctrl-C, then another inside the savepoint's rollback)
    with pytest.raises(KeyboardInterrupt), shared.file() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('b', '2')"))
        raise KeyboardInterrupt
    shared.end(failed=True)
    with engine.connect() as conn:
        keys = set(conn.execute(text("SELECT key FROM meta")).scalars())
    assert not {"a", "b"} & keys and dropped == [True]
    engine.dispose()


def test_spells_that_cannot_be_rebuilt_stop_the_run_and_roll_its_transaction_back(
    files, db_url, monkeypatch
):
    """A failure of the rebuild when a shared transaction commits is the run's: the files of
    that transaction are rolled back (none is left marked imported by a run that goes on);
    those committed before stay."""
    _per_transaction(monkeypatch, 4)
    engine = _engine(db_url, files)
    original, commits, committed = history.rebuild_spells, [], []

    def rebuild_spells(conn, member_ids):
        commits.append(True)
        if len(commits) == 3:
            committed.extend(_stored(engine))  # (another connection: what is committed)
            raise ValueError("a bug")
        return original(conn, member_ids)

    monkeypatch.setattr(history, "rebuild_spells", rebuild_spells)
    with pytest.raises(transactions.CommitFailed) as stopped:
        import_paths(engine, [files], ImportOptions(read_workers=0))
    assert str(stopped.value.__cause__) == "a bug" and "lỗi của tcxd" in str(stopped.value)
    assert len(committed) >= 8  # (two transactions of four files at least)
    assert _stored(engine) == set(committed)
    monkeypatch.undo()
    assert _spells_as_rebuilt(engine)
    engine.dispose()
