"""A run of `tcxd import`: the files in an order that does not matter (organisation lists
first, files whose unit is not known yet deferred), each file whole or not at all (a savepoint
each in transactions that several files share on SQLite: `importing.transactions`), the reading
workers reading ahead of the writer, and the caches kept for the whole run."""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import pickle
import sqlite3
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from tcxd.core import pause_hook
from tcxd.core.filestatus import FileStatus
from tcxd.core.outputs import SKIP_REASON, is_output
from tcxd.db.bulk import table_of
from tcxd.db.engine import write_transaction
from tcxd.db.identities import MemberKeys
from tcxd.db.models import (
    ImportBatch,
)
from tcxd.db.units import OrgIndex
from tcxd.importing.bad_rows import leave_out_bad_rows
from tcxd.importing.context import MAX_PROBLEMS, Deferred, FileContext, FileRefused
from tcxd.importing.files import (
    Resolver,
    find_inputs,
    not_a_spreadsheet,
    once_each,
    outside,
    refused_path,
    sha256_of,
    unreadable,
    unwritable_reason,
)
from tcxd.importing.resolve.members import add_identity_columns
from tcxd.importing.results import FileOutcome, ImportOptions, ImportResult, reading_problems
from tcxd.importing.transactions import CommitFailed, Transactions
from tcxd.importing.writers import _BATCH, write_file
from tcxd.reading.guards import Passed
from tcxd.reading.problems import Problem


def import_paths(
    engine: Engine,
    paths: list[Path],
    options: ImportOptions | None = None,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> ImportResult:
    """Import files and folders; `on_file(path, index, total)` reports progress."""
    options = options or ImportOptions()
    # (the error workbooks of earlier runs are no one's input, wherever they were written)
    to_read, others = find_inputs(paths)
    resolve = Resolver()  # (each folder of the run resolved once)
    files = once_each(outside(to_read, options.errors_out, resolve), resolve)
    result = ImportResult(dry_run=options.dry_run)
    result.files.extend(
        not_a_spreadsheet(path) for path in outside(others, options.errors_out, resolve)
    )
    single_transaction = options.dry_run or options.all_or_nothing
    index = _IndexCache()
    if single_transaction:
        try:
            with write_transaction(engine) as conn, index.writing(conn=conn):
                _import_all(conn, files, options, result, on_file, engine, index)
                if options.dry_run or result.refused:
                    raise _Rollback
        except _Rollback:
            pass
        if options.all_or_nothing and result.refused and not options.dry_run:
            for outcome in result.files:
                if outcome.status == "imported":
                    outcome.status = FileStatus.ROLLED_BACK
        if options.dry_run:
            for outcome in result.files:
                if outcome.status == "imported":
                    outcome.status = FileStatus.DRY_RUN
    else:
        with index.writing(engine=engine):  # (several files a transaction: `Transactions`)
            _import_all(None, files, options, result, on_file, engine, index)
    return result


class _Rollback(Exception):
    """Raised to undo a dry run or an all-or-nothing run that had a refused file."""


def _import_all(conn, files, options, result, on_file, engine, index: _IndexCache) -> None:
    """Write the files so that their order does not matter (spec inputs.md, "Order"): the files
    holding organisation lists first, in the files' order; then the others, in the files'
    order; then, round after round while a round imports something, the files whose unit or
    chi bộ was not known yet. The summary keeps the files' own order.

    When workers read the files, they first sniff each one (`reading.sniff`: may it hold an
    organisation list?), then read those that may first: once these are written (or held), the
    others are written as their readings come, while the workers read on. Otherwise every file
    is read before any but the lists is written. Each file is written in its savepoint of the
    run's transactions (`index.writing`, `importing.transactions`)."""
    outcomes: dict[Path, FileOutcome] = {}
    prepared_files: dict[Path, _Prepared] = {}
    held: list[_Prepared] = []
    positions = {path: number for number, path in enumerate(files)}
    prepared_count = 0

    def write(prepared: _Prepared, last_try: bool) -> None:
        try:
            outcomes[prepared.path] = _import_one_file(prepared, options, index, last_try)
        except (SQLAlchemyError, CommitFailed):
            raise  # the database's failure is the run's, not this file's
        except Exception as error:  # the file's transaction was rolled back: the run goes on
            outcomes[prepared.path] = refused_path(
                prepared.path, unwritable_reason(prepared.path, error), "unwritable"
            )
        if reader is not None and outcomes[prepared.path].status == "imported":
            reader.done(prepared.digest)
        if outcomes[prepared.path].status != FileStatus.DEFERRED:
            prepared.content = None  # (written or refused: its reading is not needed again)

    def prepare(path: Path, seen: Callable[[str], bool] | None = None) -> _Prepared | None:
        """The file read (None when there is nothing to write: its outcome is known)."""
        nonlocal prepared_count
        prepared_count += 1
        if on_file:
            on_file(path, prepared_count, len(files))
        try:
            prepared = _prepare_file(conn, engine, path, options, reader, seen)
        except SQLAlchemyError:
            raise  # the database's failure is the run's, not this file's
        except Exception as error:  # anything else is this file's refusal, never the run's
            prepared = unreadable(path, error)
        if isinstance(prepared, FileOutcome):
            outcomes[path] = prepared
            return None
        prepared_files[path] = prepared
        return prepared

    def lists_first(paths: list[Path]) -> None:
        """Read `paths` in order, writing the organisation lists as read, holding the others."""
        for path in paths:
            prepared = prepare(path)
            if prepared is None:
                continue
            if _holds_list(prepared):
                write(prepared, last_try=False)
            else:
                held.append(prepared)  # (packed: about 11 MB per thousand files)

    with _Reader(files, options, conn, engine) as reader:
        sniffed = reader.sniff()
        if sniffed is None:
            lists_first(files)
        else:
            # 1. The files that may hold a list, read first: as ever, the lists written as read.
            maybe = [path for path in files if sniffed.get(path)]
            reader.reorder(maybe + [path for path in files if not sniffed.get(path)])
            lists_first(maybe)
            # A file is "imported before" as it would be when every file is read before any
            # other is written: with the lists before it in the files' order, not after.
            first_seen = {
                prepared_files[path].digest: positions[path]
                for path in maybe
                if path in prepared_files and outcomes.get(path, _NOT_WRITTEN).status == "imported"
            }
            # 2. The others, in the files' order, each written as soon as it is read.
            for number, path in enumerate(files):
                if path in outcomes:
                    continue  # (a list written above, or a file with nothing to write)
                if path in prepared_files:  # (read above: not a list, held)
                    write(prepared_files[path], last_try=False)
                    continue
                prepared = prepare(path, _seen_before(reader, first_seen, number))
                if prepared is None:
                    continue
                if not _holds_list(prepared):
                    write(prepared, last_try=False)
                    continue
                # A list the sniff said could not be one: write it now and every later file as
                # when all are read first (lists as read, the others held), and say so.
                write(prepared, last_try=False)
                outcomes[path].warnings.append(LATE_LIST)
                known = prepared_files.keys() | outcomes.keys()
                lists_first([later for later in files[number + 1 :] if later not in known])
                break
    held.sort(key=lambda prepared: positions[prepared.path])
    for prepared in held:
        if prepared.path not in outcomes:
            write(prepared, last_try=False)
    deferred = [prepared_files[p] for p in files if outcomes[p].status == "deferred"]
    while deferred:
        for prepared in deferred:
            write(prepared, last_try=False)
        waiting = [p for p in deferred if outcomes[p.path].status == "deferred"]
        if len(waiting) == len(deferred):  # nothing more came in: each file says why
            for prepared in waiting:
                write(prepared, last_try=True)
            break
        deferred = waiting
    result.files.extend(outcomes[path] for path in files)


# (a file found to hold an organisation list after other files were written: a bug of the sniff)
LATE_LIST = (
    "Tệp có danh sách tổ chức đảng nhưng được ghi sau một số tệp khác của lần nhập "
    "(lỗi sắp thứ tự của tcxd): hãy báo lỗi này và kiểm tra kết quả nhập."
)

_NOT_WRITTEN = FileOutcome(path="", status=FileStatus.DEFERRED)


def _holds_list(prepared: _Prepared) -> bool:
    return "organizations" in prepared.outcome.kinds


def _seen_before(reader: _Reader, first_seen: dict[str, int], number: int) -> Callable:
    """Whether a content was imported before the file at `number` would be read if every file
    were read before any but the lists is written: before the run, or by a list before it."""
    initial = reader.initially_imported()

    def seen(digest: str) -> bool:
        return digest in initial or first_seen.get(digest, number) < number

    return seen


POOL_MIN_FILES = 8  # fewer files to read than this: read them in this process

READ_AHEAD_PER_WORKER = 3


def read_workers(configured: int | None = None) -> int:
    """Processes that read the files: `configured` (0 = none; the CLI takes it from
    TCXD_READ_WORKERS), else one per CPU, at most three: this process waits while the files are
    sniffed and the lists read (lowering the readers' priority once it writes left it waiting
    for them on a loaded machine: measured, docs/benchmarks.md "overlap13")."""
    if configured is not None:
        return configured
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 3))


def _read_options(options: ImportOptions) -> dict:
    return {
        "kind": options.kind,
        "unit": options.unit,
        "as_of": options.as_of,
        "year": options.year,
        "quarter": options.quarter,
        "sheet": options.sheet,
        "aliases": options.aliases,
    }


def _read(path: Path, options: dict):
    """read_file, with a refusal as a value: ("ok", reading) | ("refused", Problem)."""
    from tcxd.reading import read_file
    from tcxd.reading.problems import ReadingError

    try:
        reading = read_file(path, **options)
    except ReadingError as error:
        return "refused", Problem.refusal(error)
    add_identity_columns(reading)  # (in the reading worker: off the writer)
    return "ok", reading


def _pool_sniff(path: Path, options: dict):
    """`reading.sniff` in a worker process: may the file hold an organisation list, and the
    guards it passed (`Sniffed`)?"""
    from tcxd.reading.sniff import sniff_file

    return sniff_file(path, **options)


def _pool_read(path: Path, options: dict, skip_bad_rows: bool):
    """`_read` and `examine` in a worker process: ("examined", (outcome, packed reading)) |
    ("refused", Problem); any other failure is re-run (and raised) by the importer. The reading
    goes back packed (`_Packed`): the importer may hold it until every file is read."""
    try:
        status, value = _read(path, options)
        if status != "ok":
            return status, value
        outcome = examine(path, value, skip_bad_rows)
        return "examined", (outcome, None if outcome.refused else _Packed.of(value))
    except Exception:
        return "failed", None


class _Packed:
    """A file's reading pickled and compressed: about a twentieth of the memory its tables take
    as Python objects (the large province's 9,876 files: ≈ 110 MB instead of ≈ 2.5 GB)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    @classmethod
    def of(cls, reading) -> _Packed:
        return cls(zlib.compress(pickle.dumps(reading, protocol=pickle.HIGHEST_PROTOCOL), 1))

    def unpack(self):
        return pickle.loads(zlib.decompress(self.data))


def examine(path: Path, reading, skip_bad_rows: bool) -> FileOutcome:
    """What reading found in a file, for its outcome: kinds, warnings, unknown columns, and a
    refusal when reading found problems (after --skip-bad-rows left out the bad rows) or no
    sheet to import. Pure: run where the file was read."""
    outcome = FileOutcome(path=str(path))
    outcome.kinds = [table.kind for table in reading.sheets]
    outcome.unknown_columns = sorted({c for t in reading.sheets for c in t.unknown_columns})
    outcome.columns = [(t.sheet, t.understood) for t in reading.sheets if t.understood]
    outcome.warnings = list(reading.warnings) + [
        f'Trang "{t.sheet}": {w}' for t in reading.sheets for w in t.warnings
    ]
    outcome.warnings += [f'Bỏ qua trang "{sheet}": {reason}' for sheet, reason in reading.skipped]
    if reading.problems and skip_bad_rows:
        outcome.left_out_rows = leave_out_bad_rows(reading)
    if reading.problems:
        outcome.status = FileStatus.REFUSED
        outcome.problems = reading_problems(reading)
    elif not reading.sheets:
        outcome.status = FileStatus.REFUSED
        said = f'Tệp "{path}": không có trang tính nào nhận ra được để nhập.'
        outcome.problems = [Problem.of_file(path, said, "no_known_sheet")]
    return outcome


def _worker_start() -> None:
    """A reading worker dies with the importer (a killed import leaves no process behind)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class _Reader:
    """Reads the files of a run in worker processes, ahead of the file being written.

    Reading is pure (file → tables; it never touches the database), so the workers read the next
    files while this process writes the current one; the files are still written one at a time,
    in order, each in its own transaction, exactly as when read here. Files whose content was
    already imported are not read at all (a re-import reads nothing). With few files, or
    `TCXD_READ_WORKERS=0`, or when a worker fails, files are read in this process."""

    def __init__(self, files: list[Path], options: ImportOptions, conn, engine) -> None:
        self.files = files
        self.options = _read_options(options)
        self.skip_bad_rows = options.skip_bad_rows
        self.conn = conn
        self.engine = engine
        self.workers = read_workers(options.read_workers)
        self.pool: ProcessPoolExecutor | None = None
        self.digests: dict[Path, str] = {}
        self.pending: dict[Path, Future] = {}
        self.positions = {path: number for number, path in enumerate(files)}
        self.position = 0  # next file to consider for reading ahead
        self.broken = False
        self.imported: set[str] | None = None  # contents imported before or during this run
        self.imported_before: frozenset[str] = frozenset()  # those imported before this run
        self.sniffs: dict[Path, Future] = {}
        self.passed: dict[Path, Passed] = {}  # files whose sniff passed the guards
        self.frozen = False  # the objects alive when the pool started are frozen (`_start_pool`)

    def seen(self, digest: str) -> bool:
        """Whether this content was imported already: one query for the whole run instead of
        one per file (the write transaction checks again, against other processes)."""
        if self.imported is None:
            batch = table_of(ImportBatch)
            query = select(batch.c.sha256).where(batch.c.status == "imported")
            if self.conn is not None:
                self.imported = set(self.conn.execute(query).scalars())
            else:
                with self.engine.connect() as own:
                    self.imported = set(own.execute(query).scalars())
            self.imported_before = frozenset(self.imported)
        return digest in self.imported

    def initially_imported(self) -> frozenset[str]:
        """The contents imported before this run (as `seen` first found them)."""
        return self.imported_before

    def done(self, digest: str) -> None:
        if self.imported is not None:
            self.imported.add(digest)

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
        if self.pool is not None:
            for future in [*self.pending.values(), *self.sniffs.values()]:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def digest(self, path: Path) -> str:
        if path not in self.digests:
            self.digests[path] = sha256_of(path)
        return self.digests[path]

    def _options_of(self, path: Path) -> dict:
        """The reading options of a file, with its hash (the file is hashed once, here) and the
        guards its sniff passed (run again by the reading if the file changed since)."""
        return {**self.options, "sha256": self.digest(path), "passed": self.passed.get(path)}

    def _start_pool(self) -> bool:
        if self.pool is not None:
            return True
        if self.broken or self.workers < 1:
            return False
        import multiprocessing

        # (imported once, here: the forked workers share them)
        import tcxd.reading.sniff  # noqa: F401

        # What lives now (the modules, the run's settings) lives until the run ends: frozen, the
        # writer's garbage collections no longer walk it for every few thousand new objects
        # (≈ 0.25 s CPU on the small province), nor do the workers forked from it. Unfrozen
        # when the run ends (`__exit__`), so nothing stays exempt after it.
        gc.freeze()
        self.frozen = True
        try:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_worker_start
            )
        except (OSError, ValueError):
            self.broken = True
            return False
        return True

    def sniff(self) -> dict[Path, bool] | None:
        """For each file to read (not missing, not imported before):
        whether it may hold an organisation list (`reading.sniff`), asked of the workers. None
        when the files are read in this process (too few, no workers, no pool): then the sniff
        would only cost time. A sniff that fails says "may"."""
        to_read = (path for path in self.files if self._to_read(path))
        first = list(itertools.islice(to_read, POOL_MIN_FILES))
        if len(first) < POOL_MIN_FILES or not self._start_pool():
            return None
        assert self.pool is not None  # (started just above)
        try:
            for path in itertools.chain(first, to_read):  # (the rest hashed as workers sniff)
                self.sniffs[path] = self.pool.submit(_pool_sniff, path, self.options)
        except Exception:
            self._give_up()
            return None
        found = {}
        for path, future in self.sniffs.items():
            try:
                sniffed = future.result()
            except Exception:  # (a worker died: the reading of the file says why)
                found[path] = True
                continue
            found[path] = sniffed.may
            if sniffed.passed is not None:  # (its full reading skips the guards if unchanged)
                self.passed[path] = sniffed.passed
        self.sniffs.clear()
        return found

    def _to_read(self, path: Path) -> bool:
        try:
            # (an output of tcxd is sniffed too, as it is read ahead: `is_output` opens the
            # workbook, once per file is enough)
            return path.exists() and not self.seen(self.digest(path))
        except OSError:
            return False  # unreadable: read (and refused) in this process, with its reason

    def reorder(self, paths: list[Path]) -> None:
        """Read the files ahead in this order (from its start) instead of the files' order."""
        self.files = paths
        self.positions = {path: number for number, path in enumerate(paths)}
        self.position = 0

    def _ahead(self, current: int) -> None:
        """Keep the next files being read (those not imported before)."""
        window = self.workers * READ_AHEAD_PER_WORKER
        self.position = max(self.position, current)
        while self.position < len(self.files) and self.position < current + window:
            path = self.files[self.position]
            self.position += 1
            if path in self.pending or not path.exists():
                continue
            try:
                if self.seen(self.digest(path)):
                    continue
            except OSError:
                continue  # unreadable: read (and refused) in this process, with its reason
            if self.pool is None and (
                len(self.files) - current < POOL_MIN_FILES or not self._start_pool()
            ):
                return
            assert self.pool is not None  # (started just above)
            try:
                self.pending[path] = self.pool.submit(
                    _pool_read, path, self._options_of(path), self.skip_bad_rows
                )
            except Exception:
                self._give_up()
                return

    def _give_up(self) -> None:
        self.broken = True
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        self.pending.clear()

    def read(self, path: Path):
        """("examined", (outcome, reading or `_Packed`)) | ("refused", Problem) for a file about
        to be written."""
        current = self.positions.get(path)
        if current is not None and not self.broken:
            # (the file itself too once the workers run; before, it is read here as they start)
            self._ahead(current if self.pool is not None else current + 1)
        future = self.pending.pop(path, None)
        if future is not None:
            try:
                status, value = future.result()
            except Exception:  # a worker died: read the rest here
                self._give_up()
                status, value = "failed", None
            if status != "failed":
                return status, value
        status, value = _read(path, self._options_of(path))  # (an unexpected failure: raised)
        if status != "ok":
            return status, value
        return "examined", (examine(path, value, self.skip_bad_rows), value)


# Reading every member's identity keys costs about what this many tables' own lookups cost (a
# few µs a member against one or two ms a table): below it, a run looks its rows up per table.
FULL_KEYS_TABLES = 400

# Another process wrote organisations or members when one of these changed: ids only grow,
# every import writes an import_batch row, and the tree changes only by new rows (renames aside,
# which only tcxd's own import makes).
RUN_SIGNATURE_QUERY = text(
    "SELECT (SELECT MAX(id) FROM organization), (SELECT MAX(id) FROM organization_parent), "
    "(SELECT MAX(id) FROM member), (SELECT MAX(id) FROM import_batch)"
)


class _IndexCache:
    """What the files of a run look names up in, loaded once per run instead of once per file:
    the `OrgIndex` and the members' identity keys (`MemberKeys`, loaded when a file first needs
    them). Files update both in place as they write. Both are dropped (and loaded again when
    next needed) when a file that changed them is not imported (its transaction rolled back),
    and when the tables changed under them (another process imported meanwhile)."""

    def __init__(self) -> None:
        self.index: OrgIndex | None = None
        self.member_keys: MemberKeys | None = None
        self.tables = 0  # tables matched against the database's members so far
        self.signature: tuple | None = None
        self.marks: list[
            tuple[OrgIndex | MemberKeys, int]
        ] = []  # (index, its version) when the file began
        self.transactions: Transactions | None = None  # the run's, while `writing`

    @contextmanager
    def writing(self, engine: Engine | None = None, conn: Connection | None = None):
        """The run's files written through `Transactions`: in shared transactions of the
        engine (`engine`), or in the caller's one (`conn`); what is written is committed (or,
        with `conn`, has its spells rebuilt) when the run ends, also when it stops early."""
        self.transactions = Transactions(engine, conn, on_rollback=self.drop, prepare=_tune_sqlite)
        try:
            yield self
        except BaseException:
            self.transactions.end(failed=True)
            raise
        finally:
            transactions, self.transactions = self.transactions, None
        transactions.end()

    def begin(self, conn: Connection) -> None:
        """A file's transaction starts: forget what another process may have made stale."""
        signature = tuple(conn.execute(RUN_SIGNATURE_QUERY).one())
        if signature != self.signature:
            self.drop()
            self.signature = signature
        self.marks = []

    def get(self, conn: Connection) -> OrgIndex:
        if self.index is None:
            self.index = OrgIndex.load(conn)
        self._mark(self.index)
        return self.index

    def members(self, conn: Connection, wanted: Callable[[], list]) -> MemberKeys:
        """The keys to match a table's rows against: every member's, read once for the run, or
        (a few files into a large database) only those `wanted()` names, read for this table.
        Every member's keys cost about what FULL_KEYS_TABLES tables' own lookups cost."""
        if self.member_keys is None:
            self.tables += 1
            members = self.signature[2] if self.signature else None
            if self.tables * FULL_KEYS_TABLES < (members or 0):
                return MemberKeys.of_rows(conn, wanted())
            self.member_keys = MemberKeys.load(conn)
        self._mark(self.member_keys)
        return self.member_keys

    def learn(self, written) -> None:
        """New members' keys as written (rows of identities.KEY_COLUMNS)."""
        if self.member_keys is not None:
            self.member_keys.learn(written)

    def refresh(self, conn: Connection, member_ids: list[int]) -> None:
        """Members whose keys an update changed."""
        if self.member_keys is not None:
            self.member_keys.refresh(conn, member_ids)

    def _mark(self, held) -> None:
        if all(known is not held for known, _ in self.marks):
            self.marks.append((held, held.version))

    def written(self, conn: Connection) -> None:
        """The file's changes are in `conn`'s transaction: remember the tables as they are."""
        self.signature = tuple(conn.execute(RUN_SIGNATURE_QUERY).one())

    def failed(self) -> None:
        """The file was not imported: what it changed in the indexes never reached the tables."""
        if any(held.version != version for held, version in self.marks):
            self.drop()

    def drop(self) -> None:
        self.index = None
        self.member_keys = None
        self.signature = None


@dataclass
class _Prepared:
    """A file read and ready to be written (or tried again)."""

    path: Path
    digest: str
    content: object  # reading.FileReading, or `_Packed` (read by a worker)
    outcome: FileOutcome  # what reading found: kinds, warnings, unknown columns

    @property
    def reading(self):
        """The file's reading (unpacked each time it is asked for: not kept in between)."""
        return self.content.unpack() if isinstance(self.content, _Packed) else self.content


def _prepare_file(
    conn,
    engine,
    path: Path,
    options: ImportOptions,
    reader: _Reader,
    seen: Callable[[str], bool] | None = None,
) -> FileOutcome | _Prepared:
    """Read a file; a `FileOutcome` when there is nothing to write (missing, imported before
    (`seen`, else the reader's), an output of tcxd, refused by reading)."""
    outcome = FileOutcome(path=str(path))
    if not path.exists():
        outcome.status = FileStatus.REFUSED
        outcome.problems = [Problem.of_file(path, _not_found(path), "not_found")]
        return outcome
    digest = reader.digest(path)
    if (reader.seen if seen is None else seen)(digest):
        outcome.status = FileStatus.UNCHANGED  # the same content was imported before: nothing to do
        return outcome
    # (after the hash: an output is never imported, and a re-import opens no workbook)
    if is_output(path):
        outcome.status = FileStatus.SKIPPED
        outcome.warnings = [f"Bỏ qua: {SKIP_REASON}."]
        return outcome
    status, value = reader.read(path)
    if status == "refused":
        outcome.status = FileStatus.REFUSED
        outcome.problems = [value]
        return outcome
    examined, reading = value
    if examined.refused:
        return examined
    return _Prepared(path, digest, reading, examined)


def _not_found(path: Path) -> str:
    """What was typed, and for a relative path the file it names: `../x` is taken from the
    folder the command runs in, which is not always the one the clerk thinks."""
    sentence = f'Không tìm thấy tệp hoặc thư mục "{path}"'
    if path.is_absolute():
        return sentence + "."
    looked_for = os.path.abspath(path)
    return f"{sentence} (tìm tệp {looked_for}, tính từ thư mục đang đứng {os.getcwd()})."


def _import_one_file(
    prepared: _Prepared, options: ImportOptions, cache: _IndexCache, last_try: bool
) -> FileOutcome:
    """Write one file read in its savepoint of the run's transactions (`cache.transactions`)."""
    path, run = prepared.path, cache.transactions
    assert run is not None  # (`import_paths` writes every file inside `cache.writing`)
    digest, reading = prepared.digest, prepared.reading
    outcome = replace(prepared.outcome, warnings=list(prepared.outcome.warnings))
    done = False

    def write(connection: Connection) -> None:
        _tune_sqlite(connection)
        if _already_imported(connection, digest):
            outcome.status = FileStatus.UNCHANGED
            return
        cache.begin(connection)
        file = FileContext(
            connection,
            cache,
            path,
            digest,
            reading,
            options,
            outcome,
        )
        file.spells_later = True  # (the run's transaction rebuilds them before it commits)
        write_file(file, last_try)
        pause_hook.file_written()  # (tests only: TCXD_TEST_PAUSE)
        cache.written(connection)
        run.touched(file.touched_members)  # (inside the file's savepoint: `Transactions.touched`)

    try:
        with run.file() as own:  # files share a transaction, their spells rebuilt once
            write(own)
        run.written(sum(len(table.rows) for table in reading.sheets))
        done = True
    except Deferred:
        outcome.status = FileStatus.DEFERRED
    except FileRefused as refused:
        outcome.status = FileStatus.REFUSED
        outcome.problems = refused.issues[:MAX_PROBLEMS]
    except IntegrityError:
        # A conflict the checks above did not foresee: refuse this file, keep the run going.
        outcome.status = FileStatus.REFUSED
        said = (
            f'Tệp "{path.name}": có dữ liệu trùng với dữ liệu đã có hoặc trùng trong tệp, '
            "không ghi được. Chạy lại với --debug để xem chi tiết."
        )
        outcome.problems = [Problem.of_file(path.name, said, "conflict")]
    finally:
        # A file that changed the indexes and was rolled back (or failed) leaves them stale.
        if not done or outcome.status not in ("imported", "unchanged"):
            cache.failed()
    return outcome


# A province's database outgrows SQLite's default 2 MB page cache: lookups by name, card and
# member then read pages through the OS on every file. A bigger cache and memory-mapped reads
# (per connection; nothing about the file changes) keep them in memory.
SQLITE_CACHE_KB = 64 * 1024

SQLITE_MMAP_BYTES = 512 * 1024 * 1024

SQLITE_CHECKPOINT_PAGES = 10_000  # checkpoint (and sync) the WAL every ~40 MB, not every 4 MB

# Each file writes inside a savepoint of a transaction shared with other files
# (`importing.transactions`): SQLite copies every page the file changes to a statement journal,
# which past 64 KB goes to a temporary file. Kept in memory (one file's pages: a few MB at
# most), it cost ≈ 0.1 s less CPU on the small province (docs/benchmarks.md, "write13c").


def _tune_sqlite(conn: Connection) -> None:
    """The import's settings of a SQLite connection, once per connection; through the driver,
    so that a connection about to begin its transaction does not begin one here."""
    if conn.dialect.name != "sqlite":
        return
    info = conn.connection.info
    if info.get("tcxd_import_tuned"):
        return
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
        # (the statement journals: above; SQLite refuses the setting inside a transaction
        # that used temporary storage already, where it is left as it is)
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA temp_store=MEMORY")
    finally:
        cursor.close()
    info["tcxd_import_tuned"] = True


# The statements every file runs, built once (see _INSERT_ORGANIZATION).
_IMPORTED_WITH = select(_BATCH.c.id).where(
    _BATCH.c.sha256 == bindparam("digest"), _BATCH.c.status == "imported"
)


def _already_imported(conn: Connection, digest: str) -> bool:
    return conn.execute(_IMPORTED_WITH, {"digest": digest}).first() is not None
