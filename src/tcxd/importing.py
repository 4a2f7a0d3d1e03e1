"""Clean tables → database: units, identities, upserts, events, batches; one transaction per file.

`import_paths` is the library entry of `tcxd import`. Each file is read by `tcxd.reading` (pure),
then written in one transaction (or one for the whole run with `all_or_nothing`): a file with any
problem writes nothing. Identities are resolved set-wise (one query per identity kind per file,
never one per row) and rows go in with Core bulk inserts. After the rows, the spells of the
members the file touched are rebuilt (`tcxd.db.history`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from tcxd.core import vocab
from tcxd.core.encodings import decode
from tcxd.core.outputs import SKIP_REASON, is_output
from tcxd.core.text import clean, fold, key
from tcxd.core.vocab import is_branch_name, org_type_in_tree, org_type_under
from tcxd.db import history
from tcxd.db.bulk import bulk_insert, bulk_update, chunks, insert_one, plain
from tcxd.db.engine import write_transaction
from tcxd.db.identities import (
    IDENTITY_COLUMNS,
    KEY_COLUMNS,
    MemberKeys,
    stored_birth_key,
)
from tcxd.db.models import (
    MEMBER_EVALUATION_COLUMNS,
    ORGANIZATION_EVALUATION_COLUMNS,
    ImportBatch,
    Member,
    MemberEvaluation,
    MembershipEvent,
    Organization,
    OrganizationEvaluation,
    OrganizationParent,
    RosterEntry,
)
from tcxd.db.units import MEMBER_HOLDING_TYPES, OrgIndex, accented_words, folded_words
from tcxd.reading.problems import Problem

SUPPORTED_ORDER = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")
SUPPORTED = set(SUPPORTED_ORDER)
MAX_PROBLEMS = 50
# Sheets of these kinds are written in this order inside a file; files are taken shallowest
# folder first, so the organisation lists that the level above keeps beside its units' folders
# come before the units' own files.
KIND_ORDER = [
    "organizations",
    "members",
    "changes",
    "member_evaluations",
    "organization_evaluations",
]
MEMBER_ATTRIBUTES = (
    "full_name",
    "birth_date",
    "birth_year",
    "birth_year_only",
    "gender",
    "ethnicity",
    "religion",
    "card_number",
    "citizen_id",
    "profile_number",
    "occupation",
    "school_level",
    "degree",
    "theory_level",
    "youth_union",
    "admitted_on",
    "official_on",
    "exempt",
    "exempt_on",
    "note",
)
# Marks read as False where the sheet has no such column: given only when the sheet has the
# column (mark → the column it is read from).
MARK_COLUMNS = {"youth_union": "youth_union", "exempt": "exempt", "exempt_on": "exempt"}
KIND_LABELS = {
    "organizations": "Danh sách tổ chức đảng",
    "members": "Danh sách đảng viên",
    "changes": "Biến động đảng viên",
    "member_evaluations": "Xếp loại đảng viên",
    "organization_evaluations": "Xếp loại tổ chức đảng",
}


@dataclass
class FileOutcome:
    path: str
    status: str = "imported"  # imported | unchanged | refused | dry_run | skipped
    kinds: list[str] = field(default_factory=list)
    unit: str | None = None
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    # how the columns were understood, per sheet: (sheet, [(header, field label, how)])
    columns: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)  # by --create-units
    left_out_rows: list[str] = field(default_factory=list)  # by --skip-bad-rows
    issues: list[Problem] = field(default_factory=list)  # the problems, for the error workbook

    @property
    def refused(self) -> bool:
        return self.status == "refused"


@dataclass
class ImportResult:
    files: list[FileOutcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused(self) -> list[FileOutcome]:
        return [f for f in self.files if f.refused]


@dataclass
class ImportOptions:
    kind: str | None = None
    unit: str | None = None
    as_of: date | None = None
    year: int | None = None
    quarter: int | None = None
    dry_run: bool = False
    all_or_nothing: bool = False
    sheet: str | None = None  # read this sheet of each file only (--sheet)
    aliases: dict = field(default_factory=dict)  # vocabulary spellings of the province config
    create_units: bool = False  # chi bộ named on rows but unknown are created under the unit
    skip_bad_rows: bool = False  # the good rows of a file are imported, the others listed
    errors_out: Path | None = None  # where error workbooks go (None: none are written)
    read_workers: int | None = None  # processes reading ahead (None: one per spare CPU)


class FileRefused(Exception):
    """Problems found while writing a file: the caller rolls the file back."""

    def __init__(self, problems: list[str], issues: list[Problem] | None = None):
        super().__init__(problems[0] if problems else "")
        self.problems = problems
        self.issues = issues or []


class _Rollback(Exception):
    """Raised to undo a dry run or an all-or-nothing run that had a refused file."""


# --------------------------------------------------------------------------- files


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Spreadsheets under the given paths, shallowest folder first, then by name; a file named
    on the command line whatever it is (reading says what it is if it is not a spreadsheet)."""
    return [path for path, named in _found(paths) if named or _is_spreadsheet(path)]


def find_other_files(paths: Iterable[Path]) -> list[Path]:
    """Files in the given folders that tcxd does not read (Word, PDF, text…), in the same order:
    the summary lists them as skipped, so a clerk sees what a unit sent besides its lists."""
    return [path for path, named in _found(paths) if not named and not _is_spreadsheet(path)]


def _found(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Every file under the given paths, with whether it was named itself (a path named but
    missing too, to be reported), shallowest folder first, then by name. Lock files of Excel
    and LibreOffice and hidden files in folders are no one's input and never listed."""
    found: list[tuple[int, str, Path, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for item in path.rglob("*"):
                if item.is_file() and not item.name.startswith(("~$", ".~lock", ".")):
                    rel = item.relative_to(path)
                    found.append((len(rel.parts), str(rel).casefold(), item, False))
        else:
            found.append((0, path.name.casefold(), path, True))
    return [(item, named) for _, _, item, named in sorted(found, key=lambda t: (t[0], t[1]))]


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def _once_each(files: list[Path]) -> list[Path]:
    """A file named twice (a folder and a file in it) is one file of the run."""
    seen: set[Path] = set()
    kept = []
    for path in files:
        try:
            same = path.resolve()
        except OSError:
            same = path
        if same not in seen:
            seen.add(same)
            kept.append(path)
    return kept


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    return Path(folder).resolve() in Path(path).resolve().parents


def _not_a_spreadsheet(path: Path) -> FileOutcome:
    suffix = path.suffix.lower() or "không có đuôi"
    return FileOutcome(
        path=str(path),
        status="skipped",
        warnings=[
            f'Bỏ qua "{path.name}": không phải bảng tính ({suffix}); tcxd chỉ nhập '
            + ", ".join(SUPPORTED_ORDER)
            + "."
        ],
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- entry point


def import_paths(
    engine: Engine,
    paths: list[Path],
    options: ImportOptions | None = None,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> ImportResult:
    """Import files and folders; `on_file(path, index, total)` reports progress."""
    options = options or ImportOptions()
    # (the error workbooks of earlier runs are no one's input, wherever they were written)
    files = [path for path in find_files(paths) if not _inside(path, options.errors_out)]
    files = _once_each(files)
    result = ImportResult(dry_run=options.dry_run)
    result.files.extend(
        _not_a_spreadsheet(path)
        for path in find_other_files(paths)
        if not _inside(path, options.errors_out)
    )
    single_transaction = options.dry_run or options.all_or_nothing
    if single_transaction:
        try:
            with write_transaction(engine) as conn:
                _import_all(conn, files, options, result, on_file, savepoints=True)
                if options.dry_run or result.refused:
                    raise _Rollback
        except _Rollback:
            pass
        if options.all_or_nothing and result.refused and not options.dry_run:
            for outcome in result.files:
                if outcome.status == "imported":
                    outcome.status = "rolled_back"
        if options.dry_run:
            for outcome in result.files:
                if outcome.status == "imported":
                    outcome.status = "dry_run"
    else:
        _import_all(None, files, options, result, on_file, savepoints=False, engine=engine)
    return result


def _import_all(conn, files, options, result, on_file, savepoints, engine=None) -> None:
    """Write the files so that their order does not matter (spec inputs.md, "Order"): the files
    holding organisation lists first, as soon as they are read; the others once every file has
    been read; then, round after round while a round imports something, the files whose unit or
    chi bộ was not known yet. The summary keeps the files' own order."""
    index = _IndexCache()
    outcomes: dict[Path, FileOutcome] = {}
    prepared_files: dict[Path, _Prepared] = {}
    held: list[_Prepared] = []

    def write(prepared: _Prepared, last_try: bool) -> None:
        outcomes[prepared.path] = _import_one_file(
            conn, engine, prepared.path, options, savepoints, index, last_try, prepared=prepared
        )
        if reader is not None and outcomes[prepared.path].status == "imported":
            reader.done(prepared.digest)

    with _Reader(files, options, conn, engine) as reader:
        for number, path in enumerate(files, start=1):
            if on_file:
                on_file(path, number, len(files))
            prepared = _prepare_file(conn, engine, path, options, reader)
            if isinstance(prepared, FileOutcome):
                outcomes[path] = prepared
                continue
            prepared_files[path] = prepared
            if any(table.kind == "organizations" for table in prepared.reading.sheets):
                write(prepared, last_try=False)
            else:
                held.append(prepared)  # (a run's tables: a few MB per thousand files)
    for prepared in held:
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


# --------------------------------------------------------------------------- bad rows

IDENTITY_FIELDS = ("card_number", "citizen_id")


def _leave_out_bad_rows(reading) -> list[str]:
    """--skip-bad-rows: take the rows that reading found problems on out of the tables, and with
    them every row that shares a card number or CCCD with one of them (of two rows with the same
    card, tcxd cannot tell which is right); the file's problems are then cleared. A problem of a
    whole sheet or file (a missing column), or more problems than were listed, keeps the file
    refused, as does a sheet left with no row. Returns the lines that list the rows left out."""
    problems = reading.problems
    if reading.more_problems or any(p.row is None for p in problems):
        return []
    reasons: dict[tuple[str, int], list[str]] = {}  # (sheet, Excel row) → why it is left out
    for problem in problems:
        reasons.setdefault((problem.sheet, int(problem.row)), []).append(_reason(problem))
    kept_tables = {}
    for table in reading.sheets:
        rows = table.rows
        source = rows["source_row"].astype(int)
        out = source.isin({row for sheet, row in reasons if sheet == table.sheet})
        for column in (c for c in IDENTITY_FIELDS if c in rows.columns):
            shared = set(rows.loc[out, column].dropna()) - {""}
            also = rows[column].isin(shared) & ~out
            header = table.column_headers.get(column, column)
            for row, value in zip(source[also], rows.loc[also, column], strict=True):
                reasons.setdefault((table.sheet, int(row)), []).append(
                    f'cột "{header}": giá trị "{value}" cũng có ở dòng bị bỏ (không biết dòng '
                    "nào đúng)"
                )
            out |= also
        if out.all():
            return []  # nothing of the sheet would be left: the file stays refused
        kept_tables[id(table)] = rows[~out].reset_index(drop=True)
    for table in reading.sheets:
        table.rows = kept_tables[id(table)]
    reading.problems = []
    return [
        f'Trang "{sheet}", dòng {row}: ' + "; ".join(why) + "."
        for (sheet, row), why in sorted(
            reasons.items(), key=lambda item: (str(item[0][0]), item[0][1])
        )
    ]


def _reason(problem) -> str:
    """A reading problem without the file, sheet and row a listing of left-out rows gives."""
    what = problem.expected.rstrip(".")
    if problem.value is not None:
        what = f'giá trị "{problem.value}" {what}'
    return f'cột "{problem.column}": {what}' if problem.column else what


# --------------------------------------------------------------------------- reading ahead

POOL_MIN_FILES = 8  # fewer files to read than this: read them in this process
READ_AHEAD_PER_WORKER = 3


def read_workers(configured: int | None = None) -> int:
    """Processes that read files while this one writes: `configured` (0 = none; the CLI takes it
    from TCXD_READ_WORKERS), else one per CPU beyond the one writing, at least one, at most
    three."""
    if configured is not None:
        return configured
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus - 1, 3))


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
    """read_file, with a refusal as a value: ("ok", reading) | ("refused", message)."""
    from tcxd.reading import read_file
    from tcxd.reading.problems import ReadingError

    try:
        return "ok", read_file(path, **options)
    except ReadingError as error:
        return "refused", error.message


def _pool_read(path: Path, options: dict):
    """`_read` in a worker process; any other failure is re-run (and raised) by the importer."""
    try:
        return _read(path, options)
    except Exception:
        return "failed", None


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
        self.conn = conn
        self.engine = engine
        self.workers = read_workers(options.read_workers)
        self.pool = None
        self.digests: dict[Path, str] = {}
        self.pending: dict[Path, object] = {}  # path → Future
        self.positions = {path: number for number, path in enumerate(files)}
        self.position = 0  # next file to consider for reading ahead
        self.broken = False
        self.imported: set[str] | None = None  # contents imported before or during this run

    def seen(self, digest: str) -> bool:
        """Whether this content was imported already: one query for the whole run instead of
        one per file (the write transaction checks again, against other processes)."""
        if self.imported is None:
            batch = ImportBatch.__table__
            query = select(batch.c.sha256).where(batch.c.status == "imported")
            if self.conn is not None:
                self.imported = set(self.conn.execute(query).scalars())
            else:
                with self.engine.connect() as own:
                    self.imported = set(own.execute(query).scalars())
        return digest in self.imported

    def done(self, digest: str) -> None:
        if self.imported is not None:
            self.imported.add(digest)

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc) -> bool:
        if self.pool is not None:
            for future in self.pending.values():
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        return False

    def digest(self, path: Path) -> str:
        if path not in self.digests:
            self.digests[path] = sha256_of(path)
        return self.digests[path]

    def _start_pool(self) -> bool:
        if self.pool is not None:
            return True
        if self.broken or self.workers < 1:
            return False
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        import tcxd.reading  # noqa: F401  (imported once, here: the forked workers share it)

        try:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_worker_start
            )
        except (OSError, ValueError):
            self.broken = True
            return False
        return True

    def _ahead(self, current: int) -> None:
        """Keep the next files being read (those not imported before)."""
        window = self.workers * READ_AHEAD_PER_WORKER
        self.position = max(self.position, current)
        while self.position < len(self.files) and self.position < current + window:
            path = self.files[self.position]
            self.position += 1
            if path in self.pending or not path.exists():
                continue
            if self.seen(self.digest(path)):
                continue
            if self.pool is None and (
                len(self.files) - current < POOL_MIN_FILES or not self._start_pool()
            ):
                return
            try:
                self.pending[path] = self.pool.submit(_pool_read, path, self.options)
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
        """("ok", reading) | ("refused", message) for a file about to be written."""
        current = self.positions.get(path)
        if current is not None and not self.broken:
            self._ahead(current + 1)
        future = self.pending.pop(path, None)
        if future is not None:
            try:
                status, value = future.result()
            except Exception:  # a worker died: read the rest here
                self._give_up()
                status, value = "failed", None
            if status != "failed":
                return status, value
        return _read(path, self.options)  # here: an unexpected failure is raised as before


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
        self.marks: list[tuple[object, int]] = []  # (index, its version) when the file began

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
    reading: object  # reading.FileReading
    outcome: FileOutcome  # what reading found: kinds, warnings, unknown columns


def _prepare_file(
    conn, engine, path: Path, options: ImportOptions, reader: _Reader
) -> FileOutcome | _Prepared:
    """Read a file; a `FileOutcome` when there is nothing to write (missing, imported before,
    an output of tcxd, refused by reading)."""
    outcome = FileOutcome(path=str(path))
    if not path.exists():
        outcome.status = "refused"
        outcome.problems = [f'Không tìm thấy tệp hoặc thư mục "{path}".']
        return outcome
    digest = reader.digest(path)
    if reader.seen(digest):
        outcome.status = "unchanged"  # the same content was imported before: nothing to do
        return outcome
    # (after the hash: an output is never imported, and a re-import opens no workbook)
    if is_output(path):
        outcome.status = "skipped"
        outcome.warnings = [f"Bỏ qua: {SKIP_REASON}."]
        return outcome
    status, reading = reader.read(path)
    if status == "refused":
        outcome.status = "refused"
        outcome.problems = [reading]
        return outcome
    outcome.kinds = [table.kind for table in reading.sheets]
    outcome.unknown_columns = sorted({c for t in reading.sheets for c in t.unknown_columns})
    outcome.columns = [(t.sheet, t.understood) for t in reading.sheets if t.understood]
    outcome.warnings = list(reading.warnings) + [
        f'Trang "{t.sheet}": {w}' for t in reading.sheets for w in t.warnings
    ]
    outcome.warnings += [f'Bỏ qua trang "{sheet}": {reason}' for sheet, reason in reading.skipped]
    if reading.problems and options.skip_bad_rows:
        outcome.left_out_rows = _leave_out_bad_rows(reading)
    if reading.problems:
        outcome.status = "refused"
        outcome.problems = reading.messages()
        outcome.issues = list(reading.problems)
        return outcome
    if not reading.sheets:
        outcome.status = "refused"
        outcome.problems = [f'Tệp "{path}": không có trang tính nào nhận ra được để nhập.']
        return outcome
    return _Prepared(path, digest, reading, outcome)


def _import_one_file(
    conn,
    engine,
    path,
    options,
    savepoints,
    cache,
    last_try=False,
    reader: _Reader | None = None,
    prepared: _Prepared | None = None,
):
    """Read (unless `prepared`) and write one file in its own transaction (or savepoint)."""
    if prepared is None:
        if reader is None:
            reader = _Reader([path], options, conn, engine)
        prepared = _prepare_file(conn, engine, path, options, reader)
        if isinstance(prepared, FileOutcome):
            return prepared
    digest, reading = prepared.digest, prepared.reading
    outcome = replace(prepared.outcome, warnings=list(prepared.outcome.warnings))
    cache = cache if cache is not None else _IndexCache()
    done = False

    def write(connection: Connection) -> None:
        _tune_sqlite(connection)
        if _already_imported(connection, digest):
            outcome.status = "unchanged"
            return
        cache.begin(connection)
        writer = _FileWriter(
            connection,
            cache,
            path,
            digest,
            reading,
            options,
            outcome,
        )
        writer.write(last_try)
        cache.written(connection)

    try:
        if conn is not None:
            with conn.begin_nested() if savepoints else _null():
                write(conn)
        else:
            with write_transaction(engine) as own:
                write(own)
        done = True
    except _Deferred:
        outcome.status = "deferred"
    except FileRefused as refused:
        outcome.status = "refused"
        outcome.problems = refused.problems[:MAX_PROBLEMS]
        outcome.issues = refused.issues[:MAX_PROBLEMS]
    except IntegrityError:
        # A conflict the checks above did not foresee: refuse this file, keep the run going.
        outcome.status = "refused"
        outcome.problems = [
            f'Tệp "{path.name}": có dữ liệu trùng với dữ liệu đã có hoặc trùng trong tệp, '
            "không ghi được. Chạy lại với --debug để xem chi tiết."
        ]
    finally:
        # A file that changed the indexes and was rolled back (or failed) leaves them stale.
        if not done or outcome.status not in ("imported", "unchanged"):
            cache.failed()
    return outcome


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Deferred(Exception):
    """The file's unit is unknown for now; try again after the other files of the run."""


# A province's database outgrows SQLite's default 2 MB page cache: lookups by name, card and
# member then read pages through the OS on every file. A bigger cache and memory-mapped reads
# (per connection; nothing about the file changes) keep them in memory.
SQLITE_CACHE_KB = 64 * 1024
SQLITE_MMAP_BYTES = 512 * 1024 * 1024
SQLITE_CHECKPOINT_PAGES = 10_000  # checkpoint (and sync) the WAL every ~40 MB, not every 4 MB


def _tune_sqlite(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    info = conn.connection.info
    if info.get("tcxd_import_tuned"):
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
    conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
    info["tcxd_import_tuned"] = True


_BATCH = ImportBatch.__table__
# The statements every file runs, built once (see _INSERT_ORGANIZATION).
_IMPORTED_WITH = select(_BATCH.c.id).where(
    _BATCH.c.sha256 == bindparam("digest"), _BATCH.c.status == "imported"
)
_INSERT_BATCH = insert(_BATCH).returning(_BATCH.c.id)
_COUNT_BATCH = update(_BATCH).where(_BATCH.c.id == bindparam("_id"))


def _already_imported(conn: Connection, digest: str) -> bool:
    return conn.execute(_IMPORTED_WITH, {"digest": digest}).first() is not None


# --------------------------------------------------------------------------- one file


def _folder_candidates(path: Path) -> list[str]:
    """The three folders above the file, outermost first (clerks keep a folder per district
    and one per unit inside it; folders higher up are the clerk's own filing, not units)."""
    parts = list(path.resolve().parent.parts)[-3:]
    return [p for p in parts if p not in ("/", "")]


# Statements built once: one made per call (`select(...).where(...)`) is compiled-cache keyed
# per call, which costs more than running it.
_IDS = bindparam("ids", expanding=True)
_ENTRY, _EVENT = RosterEntry.__table__, MembershipEvent.__table__
_DELETE_ROSTERS = _ENTRY.delete().where(
    _ENTRY.c.org_id.in_(_IDS),
    _ENTRY.c.as_of == bindparam("as_of"),
    _ENTRY.c.batch_id != bindparam("batch"),
)
_EVENTS_OF = select(_EVENT.c.member_id, _EVENT.c.kind, _EVENT.c.event_on, _EVENT.c.org_id).where(
    _EVENT.c.member_id.in_(_IDS)
)


class _FileWriter:
    def __init__(self, conn, cache, path, digest, reading, options, outcome):
        self.conn: Connection = conn
        self.cache: _IndexCache = cache
        self.index: OrgIndex = cache.get(conn)
        self.path: Path = path
        self.digest = digest
        self.reading = reading
        self.options: ImportOptions = options
        self.outcome: FileOutcome = outcome
        self.problems: list[str] = []
        self.issues: list[Problem] = []  # the same, as fields (for the error workbook)
        self.touched_members: set[int] = set()
        self.batch_id: int | None = None
        self.renamed: list[tuple] = []
        self.cells_of: dict[tuple[int, str], list] = {}  # (frame, column) → its cells
        self.frames: list[pd.DataFrame] = []  # frames made here, alive while their ids are keys
        self.last_try = True  # False: a unit not known yet defers the file (`_Deferred`)
        self.created: list[int] = []  # organisations made by --create-units

    # ----------------------------------------------------------------- helpers
    def problem(self, sheet, row, column, value, expected) -> None:
        where = f'Tệp "{self.path.name}"'
        if sheet:
            where += f', trang "{sheet}"'
        if row:
            where += f", dòng {row}"
        if column:
            where += f', cột "{column}"'
        what = f': giá trị "{value}" {expected}' if value not in (None, "") else f": {expected}"
        self.problems.append(where + what)
        shown = None if value in (None, "") else str(value)
        column = None if column in (None, "") else str(column)
        self.issues.append(
            Problem(self.path.name, sheet, int(row) if row else None, column, shown, expected)
        )

    def write(self, last_try: bool) -> None:
        self.last_try = last_try
        tables = sorted(self.reading.sheets, key=lambda t: KIND_ORDER.index(t.kind))
        units = []
        for table in tables:
            unit = self._file_unit(table, last_try)
            units.append(unit)
        if self.problems:
            raise FileRefused(self.problems, self.issues)
        first = tables[0]
        self.batch_id = self._insert_batch(first, units[0])
        if self.created:  # (chi bộ created from a title, before the batch row existed)
            organization = Organization.__table__
            self.conn.execute(
                update(organization)
                .where(organization.c.id.in_(self.created))
                .values(batch_id=self.batch_id)
            )
        for table, unit in zip(tables, units, strict=True):
            writer = getattr(self, f"_write_{table.kind}")
            writer(table, unit)
            if len(self.problems) >= MAX_PROBLEMS:
                break
        if self.problems:
            raise FileRefused(self.problems, self.issues)
        if self.touched_members:
            history.rebuild_spells(self.conn, self.touched_members)
        self.conn.execute(
            _COUNT_BATCH,
            {
                "_id": self.batch_id,
                "rows_new": self.outcome.rows_new,
                "rows_updated": self.outcome.rows_updated,
                "rows_unchanged": self.outcome.rows_unchanged,
                "rows_total": sum(len(t.rows) for t in tables),
                # (the units this file created stay on record with the file)
                "warnings": self.outcome.warnings
                + [
                    f"Đã tạo tổ chức đảng (--create-units): {u}" for u in self.outcome.created_units
                ],
            },
        )
        self.outcome.unit = self.index.names.get(units[0]) if units[0] else None
        for org_id, name, org_type, code in self.renamed:
            self.index.update(org_id, name, org_type, code)

    def _file_unit(self, table, last_try: bool) -> int | None:
        """The unit of a sheet: title rows, then --unit, then folders, then the file name."""
        candidates = [*table.unit_names]
        if self.options.unit:
            candidates.append(self.options.unit)
        candidates += [*_folder_candidates(self.path), self.path.stem]
        unit, tried = self.index.resolve_path(candidates)
        self.names_tried = tried
        has_row_units = "branch" in table.rows.columns and table.rows["branch"].notna().any()
        if unit is not None and self.options.create_units and not has_row_units:
            return self._title_unit(table, unit)
        if unit is not None:
            return unit
        if table.kind == "organizations":
            return None  # rows name their parents; the province is the default
        if table.kind == "organization_evaluations" or has_row_units:
            return None  # rows name their unit
        if not last_try:
            raise _Deferred
        names = _quoted(tried)
        self.problem(
            table.sheet,
            None,
            None,
            None,
            f"không xác định được đơn vị của tệp. Đã thử các tên: {names}. "
            "Hãy nhập tổ chức đảng trước (tcxd init hoặc danh sách tổ chức), "
            "hoặc chỉ rõ bằng --unit.",
        )
        return None

    def _title_unit(self, table, unit: int) -> int:
        """--create-units for a file whose title names a chi bộ the database does not hold:
        the chi bộ (as the title writes it) under the unit the folder, --unit or the title
        found. Only for lists of members, and only when no organisation anywhere has the name."""
        if table.kind not in ("members", "changes", "member_evaluations"):
            return unit
        if not self._can_hold_chi_bo(unit):
            return unit
        named = [
            name
            for name in table.unit_names
            if fold(name).startswith("chi bo") and self.index.find(name, None, exact=True) is None
        ]
        if not named:
            return unit
        return self._create_unit(table, named[-1], unit, table.header_row or 1)

    def _insert_batch(self, table, unit: int | None) -> int:
        return self.conn.execute(
            _INSERT_BATCH,
            {
                "file_name": self.path.name,
                "file_path": str(self.path),
                "sha256": self.digest,
                "kind": ",".join(dict.fromkeys(t.kind for t in self.reading.sheets)),
                "unit_id": unit,
                "as_of": table.as_of,
                "period_year": table.year,
                "period_quarter": table.quarter,
                "warnings": [],
            },
        ).scalar_one()

    def _cells(self, rows: pd.DataFrame, column: str) -> list:
        """`_cells` of a sheet's column, once per file: new and known members, the duplicate
        check and the evaluations read the same columns."""
        held = self.cells_of.get((id(rows), column))
        if held is None:
            held = self.cells_of[(id(rows), column)] = _cells(rows, column)
        return held

    def _column_label(self, table, field_name: str) -> str:
        labels = table.column_headers or {}
        return labels.get(field_name, field_name)

    # ----------------------------------------------------------------- units of rows
    def _row_units(self, table, unit: int | None, holding_only: bool) -> list[int | None]:
        """The organisation of each row (by position): its branch column under the file's
        unit, or the unit. Chi bộ the database does not know yet get one message for the file
        (or are created, with --create-units)."""
        rows = table.rows
        result: list[int | None] = [unit] * len(rows)
        source_rows = rows["source_row"].tolist()
        has_branch = "branch" in rows.columns
        if has_branch:
            cache: dict[str, int | None] = {}
            branches = rows["branch"].tolist()
            has_branch = any(not _missing(value) for value in branches)
            unknown: dict[str, list[int]] = {}  # name as written → its Excel rows
            for position, value in enumerate(branches):
                if _missing(value) or not str(value).strip():
                    continue
                name = clean(str(value))
                if name not in cache:
                    cache[name] = self._find_branch(name, unit)
                found = cache[name]
                if found is None:
                    unknown.setdefault(name, []).append(int(source_rows[position]))
                result[position] = found
            if unknown:
                created = self._unknown_units(table, unit, unknown)
                if created is None:
                    return result
                result = [
                    created.get(clean(str(value)), org)
                    if org is None and not _missing(value)
                    else org
                    for value, org in zip(branches, result, strict=True)
                ]
        if holding_only:
            if not has_branch:
                if unit is not None and self.index.types.get(unit) not in MEMBER_HOLDING_TYPES:
                    if not self.last_try:
                        raise _Deferred  # an organisation list of this run may name its chi bộ
                    self.problem(
                        table.sheet,
                        None,
                        None,
                        None,
                        f'tệp thuộc "{self.index.names[unit]}", là đảng bộ chứ không phải chi '
                        "bộ, và không tên nào ở tiêu đề, thư mục, tên tệp khớp một chi bộ của "
                        f"đảng bộ này (đã thử: {_quoted(getattr(self, 'names_tried', []))}). Hãy "
                        "nhập danh sách tổ chức đảng của đơn vị trước, hoặc ghi đúng tên chi bộ "
                        'ở tiêu đề, hoặc thêm cột "Chi bộ" cho từng đảng viên; nếu chi bộ ghi ở '
                        "tiêu đề là chi bộ mới, chạy lại với --create-units để tạo nó trực thuộc "
                        f'"{self.index.names[unit]}".',
                    )
                return result
            types = self.index.types
            for position, org in enumerate(result):
                if org is not None and types.get(org) in MEMBER_HOLDING_TYPES:
                    continue
                if org is None:
                    self.problem(
                        table.sheet,
                        source_rows[position],
                        self._column_label(table, "branch"),
                        None,
                        "thiếu tên chi bộ sinh hoạt.",
                    )
                else:
                    self.problem(
                        table.sheet,
                        source_rows[position],
                        self._column_label(table, "branch"),
                        self.index.names[org],
                        "là đảng bộ, không phải chi bộ: cần tên chi bộ sinh hoạt.",
                    )
                if len(self.problems) >= MAX_PROBLEMS:
                    break
        return result

    def _unknown_units(self, table, unit: int | None, unknown: dict[str, list[int]]):
        """Chi bộ named on rows that the database does not hold: created under the file's unit
        with --create-units ({name: id}); else the file waits for the run's other files, then
        gets one problem that names them and says how to go on (None)."""
        if self.options.create_units and unit is not None and self._can_hold_chi_bo(unit):
            return {
                name: self._create_unit(table, name, unit, rows[0])
                for name, rows in unknown.items()
            }
        if not self.last_try:
            raise _Deferred  # an organisation list of this run may name them
        where = self.index.names[unit] if unit is not None else None
        listed = "; ".join(f'"{name}" (dòng {_row_ranges(rows)})' for name, rows in unknown.items())
        said = (
            f"chưa có trong cơ sở dữ liệu các chi bộ: {listed}"
            + (f', trong "{where}"' if where else "")
            + ". Hãy nhập danh sách tổ chức đảng của đơn vị trước rồi nhập lại tệp này"
        )
        if unit is None:
            said += (
                "; hoặc, nếu đây là các chi bộ mới, chạy lại với --create-units --unit "
                '"<tên đảng bộ cấp trên của các chi bộ>" để tạo chúng.'
            )
        elif not self._can_hold_chi_bo(unit):
            said += f'; "{where}" là chi bộ, không có chi bộ trực thuộc: hãy chỉ rõ --unit.'
        else:
            said += f'; hoặc chạy lại với --create-units để tạo chúng trực thuộc "{where}".'
        self.problem(table.sheet, None, self._column_label(table, "branch"), None, said)
        return None

    def _can_hold_chi_bo(self, unit: int) -> bool:
        return self.index.types.get(unit) not in (*MEMBER_HOLDING_TYPES, "province")

    def _create_unit(self, table, name: str, parent: int, source_row: int) -> int:
        """A chi bộ the rows name, created under `parent` (--create-units); recorded with the
        file's batch and the first row naming it, and listed in the import summary."""
        parent_type = self.index.types.get(parent)
        org_type = (
            "chi_bo_co_so" if parent_type in ("district", "province") else ("chi_bo_truc_thuoc")
        )
        values = {
            "name": name,
            "name_key": key(name),
            "name_fold": fold(name),
            "org_type": org_type,
        }
        org_id = insert_one(
            self.conn,
            Organization.__table__,
            {
                **values,
                "batch_id": self.batch_id,
                "source_sheet": table.sheet,
                "source_row": int(source_row),
            },
        )
        self._link(org_id, parent, None, None)
        self.index.add(org_id, name, org_type, parent, None)
        self.created.append(org_id)
        self.outcome.created_units.append(f"{name} (trực thuộc {self.index.names[parent]})")
        return org_id

    def _link(self, org_id: int, parent: int, valid_from, valid_to) -> None:
        bulk_insert(
            self.conn,
            OrganizationParent.__table__,
            [
                {
                    "org_id": org_id,
                    "parent_id": parent,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "batch_id": self.batch_id,
                }
            ],
        )

    def _record_move(self, table, row, org_id: int, parent: int) -> None:
        """ "Chuyển từ đảng bộ" + "Ngày chuyển về": the organisation belonged to another parent
        before that day (spec: a report for a past period uses the tree as it was then)."""
        moved_from, moved_on = plain(row.get("moved_from")), plain(row.get("moved_on"))
        if not moved_from or not moved_on:
            return
        old_parent = self._find_parent(str(moved_from), None)
        if old_parent is None or old_parent == parent:
            self.problem(
                table.sheet,
                row["source_row"],
                self._column_label(table, "moved_from"),
                moved_from,
                "không khớp tổ chức cấp trên cũ nào đã có.",
            )
            return
        link = OrganizationParent.__table__
        self.conn.execute(
            update(link)
            .where(link.c.org_id == org_id, link.c.valid_from.is_(None), link.c.valid_to.is_(None))
            .values(valid_from=moved_on)
        )
        self._link(org_id, old_parent, None, moved_on)

    def _find_parent(self, name: str, unit: int | None) -> int | None:
        """A parent named in a row: the file's unit itself, something under it, or elsewhere."""
        if unit is not None and accented_words(name) == accented_words(self.index.names[unit]):
            return unit
        if unit is not None and folded_words(name) == folded_words(self.index.names[unit]):
            return unit
        return self.index.find(name, unit, exact=True) or self.index.find(name, None, exact=True)

    def _find_branch(self, name: str, unit: int | None) -> int | None:
        if unit is not None and fold(name) == fold(self.index.names.get(unit, "")):
            return unit  # a chi bộ's own file naming itself on every row
        for candidate in _spellings(name):
            found = self.index.find(candidate, unit, exact=True)
            if found is None and not fold(candidate).startswith(("chi bo", "dang bo")):
                found = self.index.find(f"Chi bộ {candidate}", unit, exact=True)
            if found is not None:
                return found
        return None

    # ----------------------------------------------------------------- members
    def _resolve_members(self, rows: pd.DataFrame, orgs: list) -> list[int | None]:
        """Member id per row position (None = new): card number, then CCCD, then name + birth
        date (+ chi bộ when namesakes share a birth date), from the run's identity keys."""
        keys = self.cache.members(self.conn, lambda: _wanted_keys(rows))
        ids: list[int | None] = [None] * len(rows)
        for column, lookup in (("card_number", keys.by_card), ("citizen_id", keys.by_citizen_id)):
            if column not in rows.columns:
                continue
            for position, value in enumerate(rows[column].tolist()):
                if ids[position] is None and not _missing(value):
                    ids[position] = lookup(str(value))
        missing = [position for position, found in enumerate(ids) if found is None]
        if not missing:
            return ids
        names = rows["full_name"].tolist()
        births = _column_values(rows, "birth_date")
        years = _column_values(rows, "birth_year")
        cards = _column_values(rows, "card_number")
        cccds = _column_values(rows, "citizen_id")
        for position in missing:
            # A namesake born the same day whose card or CCCD differs is another person.
            candidates = [
                member_id
                for member_id, card, cccd in keys.namesakes(
                    key(str(names[position])), _birth_key(births[position], years[position])
                )
                if not _conflicts(card, cards[position]) and not _conflicts(cccd, cccds[position])
            ]
            if len(candidates) == 1:
                ids[position] = candidates[0]
            elif candidates:
                # Same name and birth date: the chi bộ decides (spec: "(+ chi bộ)").
                here = self._members_in_org(candidates, orgs[position])
                ids[position] = here[0] if len(here) == 1 else None
        return ids

    def _members_in_org(self, member_ids: list[int], org_id) -> list[int]:
        if org_id is None:
            return []
        rows = self.conn.execute(
            text(
                "SELECT DISTINCT member_id FROM roster_entry "
                "WHERE org_id = :o AND member_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"o": org_id, "ids": member_ids},
        )
        return [r[0] for r in rows]

    def _member_records(
        self, rows: pd.DataFrame, positions: list[int], headers: dict | None = None
    ) -> list[dict]:
        """The member attributes of these row positions (None / NaN left out), name cleaned.
        A mark column the sheet does not have (read as all False) gives nothing."""
        columns = [c for c in MEMBER_ATTRIBUTES if c in rows.columns]
        if headers is not None:
            columns = [
                c for c in columns if MARK_COLUMNS.get(c, c) in headers or c not in MARK_COLUMNS
            ]
        data = [(c, self._cells(rows, c)) for c in columns]
        extras = rows["extra"].tolist() if "extra" in rows.columns else None
        records = []
        for position in positions:
            values = {c: cells[position] for c, cells in data if cells[position] is not None}
            birth_date = values.get("birth_date")
            if birth_date is not None and isinstance(birth_date, date):
                values.setdefault("birth_year", birth_date.year)
            if birth_date is None and values.get("birth_year") is None:
                values.pop("birth_year_only", None)  # (a mark of the birth date not given)
            name = clean(str(values.get("full_name", "")))
            values["full_name"] = name
            values["name_key"] = key(name)
            if extras is not None:
                extra = extras[position]
                if isinstance(extra, dict) and extra:
                    values["extra"] = extra
            records.append(values)
        return records

    def _upsert_members(
        self,
        table,
        orgs: list,
        as_of: date | None,
        attributes_authoritative: bool,
        touches_history: bool = True,
        count: bool = True,
    ) -> list[int]:
        """Insert new members, update attributes from a roster not older than the last one.
        `touches_history`: the file's rows bear on the members' spells (rosters, changes);
        `count`: the summary counts these members (else the caller counts what it writes)."""
        rows = table.rows
        ids = self._resolve_members(rows, orgs)
        self._check_identities(table, ids)
        if self.problems:
            return ids  # (the file is refused: nothing of it is written)
        new_positions = [position for position, found in enumerate(ids) if found is None]
        if new_positions:
            source_rows = rows["source_row"].tolist()
            new_rows = self._member_records(rows, new_positions)
            for position, values in zip(new_positions, new_rows, strict=True):
                values.update(
                    batch_id=self.batch_id,
                    source_sheet=table.sheet,
                    source_row=int(source_rows[position]),
                    attributes_as_of=as_of,
                )
            columns = sorted({c for r in new_rows for c in r})
            defaults = {c: _default(c) for c in columns}
            normalized = [{**defaults, **r} for r in new_rows]
            inserted = self._insert_members(normalized)
            for position, member_id in zip(new_positions, inserted, strict=True):
                ids[position] = member_id
            if count:
                self.outcome.rows_new += len(inserted)
        new = set(new_positions)
        known = [position for position in range(len(ids)) if position not in new]
        if attributes_authoritative and known:
            self._update_members(table, known, ids, as_of)
        elif known and count:
            self.outcome.rows_unchanged += len(known)
        if touches_history:
            self.touched_members.update(int(i) for i in ids)
        return ids  # type: ignore[return-value]

    def _check_identities(self, table, ids: list) -> None:
        """A card number or CCCD the database holds for another person is a conflict naming
        the row and the member it clashes with: matched by card or CCCD, a row whose name and
        birth date both differ from the member's is someone else, and a CCCD held by another
        member than the row's is not the row's to take. Nothing is overwritten."""
        rows = table.rows
        known = sorted({int(i) for i in ids if i is not None})
        given_cccds = sorted(
            {str(v) for v in _column_values(rows, "citizen_id") if not _missing(v)}
        )
        if not known and not given_cccds:
            return
        member = Member.__table__
        columns = (
            member.c.id,
            member.c.full_name,
            member.c.name_key,
            member.c.birth_date,
            member.c.birth_year,
            member.c.card_number,
            member.c.citizen_id,
        )
        stored: dict[int, dict] = {}
        holders: dict[str, dict] = {}
        for chunk in chunks(known):
            for row in self.conn.execute(select(*columns).where(member.c.id.in_(chunk))):
                stored[row.id] = row._asdict()
        for chunk in chunks(given_cccds):
            for row in self.conn.execute(select(*columns).where(member.c.citizen_id.in_(chunk))):
                holders.setdefault(row.citizen_id, row._asdict())
        cards = _column_values(rows, "card_number")
        cccds = _column_values(rows, "citizen_id")
        names = rows["full_name"].tolist()
        births = _column_values(rows, "birth_date")
        years = _column_values(rows, "birth_year")
        source_rows = rows["source_row"].tolist()
        for position, member_id in enumerate(ids):
            card = None if _missing(cards[position]) else str(cards[position])
            cccd = None if _missing(cccds[position]) else str(cccds[position])
            person = (clean(str(names[position])), _birth_key(births[position], years[position]))
            clash = None
            held = stored.get(int(member_id)) if member_id is not None else None
            if held is None or _same_person(held, person):
                pass
            elif card and card == held["card_number"]:
                clash = ("card_number", card, "số thẻ đảng viên", held)
            elif cccd and cccd == held["citizen_id"]:
                clash = ("citizen_id", cccd, "số CCCD", held)
            if clash is None and cccd and cccd in holders:
                holder = holders[cccd]
                if member_id is None or holder["id"] != int(member_id):
                    clash = ("citizen_id", cccd, "số CCCD", holder)
            if clash is None:
                continue
            column, value, what, other = clash
            self.problem(
                table.sheet,
                source_rows[position],
                self._column_label(table, column),
                value,
                f'đã là {what} của "{other["full_name"]}" '
                f"(sinh {_shown_birth(stored_birth_key(other['birth_date'], other['birth_year']))}"
                f'), người khác với "{person[0]}" (sinh {_shown_birth(person[1])}) ở dòng này; '
                "không ghi đè thông tin của đảng viên đã có.",
            )
            if len(self.problems) >= MAX_PROBLEMS:
                return

    def _insert_members(self, records: list[dict]) -> list[int]:
        """Insert new members; their ids in the order of `records` (all of one sheet). Their
        identity keys, read back with the ids, go into the run's keys."""
        member = Member.__table__
        rows = {r["source_row"] for r in records}
        if self.conn.dialect.name != "sqlite" or len(rows) != len(records):
            written = self.conn.execute(
                insert(member).returning(*KEY_COLUMNS, sort_by_parameter_order=True), records
            ).all()
            self.cache.learn(written)
            return [row[0] for row in written]
        # SQLite: one executemany, then the new ids by (sheet, row): this transaction holds
        # the write lock, so the rows above the highest id before are exactly these.
        before = self.conn.execute(select(func.max(member.c.id))).scalar() or 0
        bulk_insert(self.conn, member, records)
        written = self.conn.execute(
            select(member.c.source_sheet, member.c.source_row, *KEY_COLUMNS).where(
                member.c.id > before
            )
        ).all()
        self.cache.learn(row[2:] for row in written)
        found = {(sheet, row): member_id for sheet, row, member_id, *_keys in written}
        return [found[(r["source_sheet"], r["source_row"])] for r in records]

    def _update_members(self, table, known: list[int], ids: list, as_of) -> None:
        member = Member.__table__
        records = self._member_records(table.rows, known, table.column_headers)
        # The columns the file gives are compared; all attributes are read for an older roster.
        given = {c for r in records for c in r}
        columns = ["id", "attributes_as_of", *sorted(given.union(MEMBER_ATTRIBUTES))]
        query = select(*(member.c[c] for c in columns))
        current = {}
        for chunk in chunks(sorted({int(ids[p]) for p in known})):
            for row in self.conn.execute(query.where(member.c.id.in_(chunk))):
                current[row[0]] = dict(zip(columns, row, strict=True))
        updates = []
        rekeyed = []  # members whose card, CCCD, name or birth changes
        source_rows = table.rows["source_row"].tolist()
        for position, values in zip(known, records, strict=True):
            member_id = int(ids[position])
            record = current[member_id]
            stored_as_of = _to_date(record["attributes_as_of"])
            source = {
                "attributes_as_of": as_of,
                "batch_id": self.batch_id,
                "source_sheet": table.sheet,
                "source_row": int(source_rows[position]),
            }
            if stored_as_of and as_of and as_of < stored_as_of:
                changed = _from_older_roster(record, values, source)
            else:
                changed = {
                    c: v
                    for c, v in values.items()
                    if c != "name_key" and _differs(record.get(c), v)
                }
                if changed:  # the attributes now come from this roster
                    changed.update(source, name_key=values["name_key"])
            if IDENTITY_COLUMNS.intersection(changed):
                rekeyed.append(member_id)
                self._say_identity_change(table, position, record, changed)
            if changed:
                updates.append({"_id": member_id, **changed})
            if not set(MEMBER_ATTRIBUTES).intersection(changed):
                self.outcome.rows_unchanged += 1
        for group in _group_by_columns(updates):
            bulk_update(self.conn, member, group)
            self.outcome.rows_updated += sum(
                1 for u in group if set(MEMBER_ATTRIBUTES).intersection(u)
            )
        if rekeyed:
            self.cache.refresh(self.conn, rekeyed)

    def _say_identity_change(self, table, position: int, stored: dict, changed: dict) -> None:
        """A newer roster that corrects a member's name or birth date (the card or CCCD and the
        other of the two still match) does so in the open: a warning per change."""
        row = int(table.rows["source_row"].iloc[position])
        card = stored.get("card_number") or changed.get("card_number")
        who = f"đảng viên có số thẻ {card}" if card else f'đảng viên "{stored.get("full_name")}"'
        shown = {"full_name": ("họ tên", str), "birth_date": ("ngày sinh", _shown_date)}
        for column, (label, show) in shown.items():
            if column in changed and stored.get(column) is not None:
                self.outcome.warnings.append(
                    f'Trang "{table.sheet}", dòng {row}: {label} của {who} đổi từ '
                    f'"{show(stored[column])}" thành "{show(changed[column])}".'
                )

    def _write_members(self, table, unit: int | None) -> None:
        orgs = self._row_units(table, unit, holding_only=True)
        if self.problems:
            return
        as_of = table.as_of or self.options.as_of
        if as_of is None:
            as_of = date.today()
            self.outcome.warnings.append(
                f'Trang "{table.sheet}": không thấy ngày "tính đến" ở tiêu đề; '
                f"lấy ngày nhập {as_of:%d/%m/%Y}. Dùng --as-of để chỉ rõ."
            )
        self._check_duplicates(table, orgs)
        if self.problems:
            return
        ids = self._upsert_members(table, orgs, as_of, attributes_authoritative=True)
        if self.problems:
            return  # an identity clash: the file is refused, nothing of it is written
        if self._check_same_member(table, ids):
            return
        # A corrected roster of the same unit and date replaces the earlier one.
        entry = RosterEntry.__table__
        unit_ids = sorted({int(o) for o in orgs})
        self.conn.execute(
            _DELETE_ROSTERS, {"ids": unit_ids, "as_of": as_of, "batch": self.batch_id}
        )
        bulk_insert(
            self.conn,
            entry,
            [
                {
                    "batch_id": self.batch_id,
                    "member_id": int(member_id),
                    "org_id": int(org),
                    "unit_id": unit,
                    "as_of": as_of,
                    "source_sheet": table.sheet,
                    "source_row": int(source_row),
                }
                for member_id, org, source_row in zip(
                    ids, orgs, table.rows["source_row"].tolist(), strict=True
                )
            ],
        )

    def _check_same_member(self, table, ids: list) -> bool:
        """Two rows that name one member in different ways (card on one, name and birth date
        on the other) are an error naming both rows, like the same card twice. True if any."""
        first: dict[int, int] = {}
        source_rows = table.rows["source_row"].tolist()
        names = table.rows["full_name"].tolist()
        found = False
        for position, member_id in enumerate(ids):
            row = int(source_rows[position])
            if member_id not in first:
                first[member_id] = row
                continue
            found = True
            self.problem(
                table.sheet,
                row,
                self._column_label(table, "full_name"),
                names[position],
                f"là cùng một đảng viên với dòng {first[member_id]} (mỗi đảng viên chỉ được ghi "
                "một lần trong tệp).",
            )
        return found

    def _check_duplicates(self, table, orgs) -> None:
        """The same person twice in one file is an error naming both rows."""
        rows = table.rows
        source_rows = rows["source_row"].tolist()
        for column in ("card_number", "citizen_id"):
            if column not in rows.columns:
                continue
            texts = [None if v is None else str(v) for v in self._cells(rows, column)]
            given = [t for t in texts if t]
            if len(set(given)) == len(given):
                continue  # (the common case: no one twice)
            groups: dict[str, list[int]] = {}
            for position, shown in enumerate(texts):
                if shown:
                    groups.setdefault(shown, []).append(position)
            for value in sorted(groups):
                positions = groups[value]
                if len(positions) > 1:
                    numbers = [int(source_rows[p]) for p in positions]
                    self.problem(
                        table.sheet,
                        numbers[1],
                        self._column_label(table, column),
                        value,
                        f"trùng với dòng {numbers[0]} (một người chỉ được ghi một lần).",
                    )
        self._check_namesakes(table, orgs)

    def _check_namesakes(self, table, orgs) -> None:
        """Two rows with no card and no CCCD, of one name and one birth date in one chi bộ,
        are one person written twice (identity by name + birth date, spec README "Identity")."""
        rows = table.rows
        source_rows, names = rows["source_row"].tolist(), rows["full_name"].tolist()
        first: dict[tuple, int] = {}
        for position, (card, cccd, name, birth) in enumerate(_wanted_keys(rows)):
            if card or cccd or not birth:
                continue
            person = (name, birth, orgs[position])
            if person not in first:
                first[person] = int(source_rows[position])
                continue
            self.problem(
                table.sheet,
                source_rows[position],
                self._column_label(table, "full_name"),
                clean(str(names[position])),
                f"trùng họ tên và ngày sinh với dòng {first[person]}, không có số thẻ hay CCCD "
                "để phân biệt (một người chỉ được ghi một lần).",
            )

    # ----------------------------------------------------------------- changes
    def _write_changes(self, table, unit: int | None) -> None:
        orgs = self._row_units(table, unit, holding_only=False)
        if self.problems:
            return
        rows = table.rows
        source_rows = rows["source_row"].tolist()
        for position, org in enumerate(orgs):
            if org is None:
                self.problem(
                    table.sheet,
                    source_rows[position],
                    self._column_label(table, "branch"),
                    None,
                    "không xác định được chi bộ của biến động.",
                )
        if self.problems:
            return
        ids = self._upsert_members(table, orgs, None, attributes_authoritative=False)
        if self.problems:
            return  # an identity clash: the file is refused, nothing of it is written
        event = MembershipEvent.__table__
        existing = set()
        for chunk in chunks(sorted({int(i) for i in ids})):
            for member_id, kind, on, org_id in self.conn.execute(_EVENTS_OF, {"ids": chunk}):
                existing.add((member_id, kind, _to_date(on), org_id))
        new_events = []
        kinds, dates = rows["change"].tolist(), rows["date"].tolist()
        extra = {
            column: rows[column].tolist() if column in rows.columns else None
            for column in ("scope", "place", "decision")
        }
        for position in range(len(rows)):
            values = {
                "member_id": int(ids[position]),
                "kind": kinds[position],
                "event_on": dates[position],
                "org_id": int(orgs[position]),
            }
            identity = (values["member_id"], values["kind"], values["event_on"], values["org_id"])
            if identity in existing:
                continue  # the same event from another copy of the file
            existing.add(identity)
            for column, cells in extra.items():
                value = cells[position] if cells is not None else None
                values[column] = None if value is None or value != value else value
            values.update(
                batch_id=self.batch_id,
                source_sheet=table.sheet,
                source_row=int(source_rows[position]),
            )
            new_events.append(values)
        bulk_insert(self.conn, event, new_events)
        self._apply_status_events(new_events)

    def _apply_status_events(self, events: list[dict]) -> None:
        """Events that change a member's attributes (official date, admission date)."""
        member = Member.__table__
        official = [
            {"_id": e["member_id"], "on": e["event_on"]}
            for e in events
            if e["kind"] == "made_official"
        ]
        if official:
            self.conn.execute(
                update(member)
                .where(member.c.id == bindparam("_id"))
                .values(official_on=bindparam("on")),
                official,
            )
        admitted = [
            {"_id": e["member_id"], "on": e["event_on"]}
            for e in events
            if e["kind"] in ("admitted", "readmitted")
        ]
        if admitted:
            self.conn.execute(
                update(member)
                .where(member.c.id == bindparam("_id"), member.c.admitted_on.is_(None))
                .values(admitted_on=bindparam("on")),
                admitted,
            )

    # ----------------------------------------------------------------- evaluations
    def _period(self, table) -> tuple[int | None, int]:
        year = table.year or self.options.year
        quarter = table.quarter or self.options.quarter or 0
        if year is None:
            self.problem(
                table.sheet,
                None,
                None,
                None,
                'không xác định được năm đánh giá (tiêu đề hay tên tệp cần có "NĂM 2025"); '
                "dùng --year.",
            )
        return year, quarter

    def _write_member_evaluations(self, table, unit: int | None) -> None:
        year, quarter = self._period(table)
        orgs = self._row_units(table, unit, holding_only=False)
        if self.problems:
            return
        self._check_duplicates(table, orgs)
        if self.problems:
            return
        # A row that carries nothing but a member's identity (a pre-filled template's row left
        # as it was) changes nothing: no evaluation, and no member made from it.
        given = _rows_giving(table.rows, MEMBER_EVALUATION_COLUMNS)
        self.outcome.rows_unchanged += len(given) - sum(given)
        if not any(given):
            return
        table = _only_rows(table, given)
        self.frames.append(table.rows)  # (held: `_cells` caches by the frame's id)
        orgs = [org for org, keep in zip(orgs, given, strict=True) if keep]
        # Evaluations do not bear on membership history: their members' spells stay as they are.
        # The summary counts evaluations here, not the members they name.
        ids = self._upsert_members(
            table, orgs, None, attributes_authoritative=False, touches_history=False, count=False
        )
        if self.problems:
            return  # an identity clash: the file is refused, nothing of it is written
        if self._check_same_member(table, ids):
            return
        rows = table.rows
        # Column by column (pandas turns the missing cells to None), then one dict per row.
        data = {c: self._cells(rows, c) for c in MEMBER_EVALUATION_COLUMNS if c in rows.columns}
        data["member_id"] = [int(i) for i in ids]
        data["org_id"] = [int(o) if o is not None else None for o in orgs]
        data["source_row"] = [int(r) for r in rows["source_row"].tolist()]
        names = list(data)
        records = [
            dict(zip(names, cells, strict=True)) for cells in zip(*data.values(), strict=True)
        ]
        self._merge_evaluations(
            MemberEvaluation.__table__, "member_id", records, table.sheet, year, quarter
        )

    def _write_organization_evaluations(self, table, unit: int | None) -> None:
        year, quarter = self._period(table)
        rows = table.rows
        given = _rows_giving(rows, ORGANIZATION_EVALUATION_COLUMNS)
        records = []
        seen: dict[int, int] = {}
        for row, gives in zip(rows.to_dict("records"), given, strict=True):  # (plain dicts)
            parent = unit
            if plain(row.get("parent")):
                parent = self._find_parent(str(row["parent"]), unit) or parent
            org = self.index.find(str(row["name"]), parent, exact=True)
            row_number = int(row["source_row"])
            if org is not None and org in seen:
                self.problem(
                    table.sheet,
                    row_number,
                    self._column_label(table, "name"),
                    row["name"],
                    f"trùng với dòng {seen[org]} (một tổ chức chỉ được ghi một lần).",
                )
                continue
            if org is not None:
                seen[org] = row_number
            if org is None:
                self.problem(
                    table.sheet,
                    row["source_row"],
                    self._column_label(table, "name"),
                    row["name"],
                    "không khớp tổ chức đảng nào đã có.",
                )
                continue
            if not gives:
                self.outcome.rows_unchanged += 1  # nothing but the organisation's name
                continue
            values = {c: plain(row[c]) for c in ORGANIZATION_EVALUATION_COLUMNS if c in row}
            values.update(org_id=org, source_row=row_number)
            records.append(values)
        if self.problems:
            return
        self._merge_evaluations(
            OrganizationEvaluation.__table__, "org_id", records, table.sheet, year, quarter
        )

    def _merge_evaluations(self, table, id_column, records, sheet, year, quarter) -> None:
        """Write evaluations for a period, changing only what each row gives: a stored value
        is replaced by a value given in the file, never blanked by an empty cell. Counts
        evaluations: new, updated (some value differs) or unchanged."""
        if not records or year is None:
            return
        stored = self._stored_evaluations(table, id_column, records, year, quarter)
        provenance = {"batch_id": self.batch_id, "source_sheet": sheet}
        new, updates = [], []
        for record in records:
            values = _given_evaluation_values(record)
            held = stored.get(record[id_column])
            if held is None:
                new.append(
                    {
                        **values,
                        "exemplary": bool(values.get("exemplary") or False),
                        id_column: record[id_column],
                        "org_id": record.get("org_id"),
                        "year": year,
                        "quarter": quarter,
                        "source_row": record["source_row"],
                        **provenance,
                    }
                )
                continue
            changed = {c: v for c, v in values.items() if _differs(held[c], v)}
            if not changed:
                self.outcome.rows_unchanged += 1
                continue
            updates.append(
                {"_id": held["id"], **changed, "source_row": record["source_row"], **provenance}
            )
        for group in _group_by_columns(new):
            bulk_insert(self.conn, table, group)
        for group in _group_by_columns(updates):
            bulk_update(self.conn, table, group)
        self.outcome.rows_new += len(new)
        self.outcome.rows_updated += len(updates)

    def _stored_evaluations(self, table, id_column, records, year, quarter) -> dict[int, dict]:
        """The stored evaluations of these members (organisations) for the period, by id."""
        query = select(table).where(
            table.c[id_column].in_(_IDS),
            table.c.year == bindparam("year"),
            table.c.quarter == bindparam("quarter"),
        )
        stored = {}
        for chunk in chunks(sorted({r[id_column] for r in records})):
            found = self.conn.execute(query, {"ids": chunk, "year": year, "quarter": quarter})
            for row in found.mappings():
                stored[row[id_column]] = dict(row)
        return stored

    # ----------------------------------------------------------------- organisations
    def _write_organizations(self, table, unit: int | None) -> None:
        """Build or change the tree: a row is matched by code, else by name under its parent.
        One code is one unit, one unit one row, and the tree never gets a loop."""
        # Rows as plain dicts: a pandas row per organisation and pass costs more than its SQL.
        pending = table.rows.to_dict("records")
        self._check_codes(table, pending)
        if self.problems:
            return
        self.org_rows: dict[int, int] = {}  # organisation → the row of this file that gave it
        scope = unit if unit is not None else self.index.province_id
        change_date = table.as_of or self.options.as_of or date.today()
        for _round in range(6):  # parents listed below their children need another pass
            waiting = [
                row
                for row in pending
                if not self._write_organization(table, row, scope, change_date, final=False)
            ]
            if len(waiting) == len(pending):
                break
            pending = waiting
        for row in pending:
            self._write_organization(table, row, scope, change_date, final=True)

    def _check_codes(self, table, rows: list[dict]) -> None:
        """Two rows with one code would be one unit renamed and moved by the second row."""
        first: dict[str, dict] = {}
        for row in rows:
            code = plain(row.get("code"))
            if not code:
                continue
            code = str(code)
            if code not in first:
                first[code] = row
                continue
            earlier = first[code]
            self.problem(
                table.sheet,
                row["source_row"],
                self._column_label(table, "code"),
                code,
                f'trùng mã với dòng {earlier["source_row"]} ("{clean(str(earlier["name"]))}"); '
                "một mã chỉ dùng cho một tổ chức.",
            )

    def _write_organization(self, table, row, scope, change_date, final: bool) -> bool:
        org_type = plain(row.get("org_type"))
        name = clean(str(row["name"]))
        parent_name = plain(row.get("parent"))
        if org_type == "province":
            return True
        if parent_name:
            parent = self._find_parent(str(parent_name), scope)
        else:
            parent = scope if org_type != "district" else self.index.province_id
            if parent == self.index.province_id and org_type is None and is_branch_name(name):
                # Nothing says where this chi bộ belongs: under the province it would become a
                # district-level committee. The clerk names the parent (column or --unit).
                self.problem(
                    table.sheet,
                    row["source_row"],
                    self._column_label(table, "name"),
                    name,
                    "không rõ tổ chức cấp trên (chi bộ không trực thuộc thẳng tỉnh ủy): thêm cột "
                    '"Trực thuộc", hoặc nhập với --unit "<tên đảng bộ cấp trên>".',
                )
                return True
        if parent is None:
            if final and not self.last_try:
                raise _Deferred  # another organisation list of this run may hold the parent
            if final:
                self.problem(
                    table.sheet,
                    row["source_row"],
                    self._column_label(table, "parent"),
                    parent_name,
                    "không khớp tổ chức cấp trên nào đã có.",
                )
            return False
        parent_type = self.index.types.get(parent)
        if org_type is None:  # no "Loại tổ chức" column: the tree says (reading/tables.py)
            org_type = org_type_in_tree(name, parent_type)
        elif (in_tree := org_type_under(org_type, parent_type)) != org_type:
            self.outcome.warnings.append(
                f'Trang "{table.sheet}", dòng {row["source_row"]}: "{name}" ghi loại '
                f'"{vocab.label("org_types", org_type)}" nhưng trực thuộc '
                f'{vocab.label("org_types", parent_type)} "{self.index.names.get(parent, "")}": '
                f'theo vị trí trong cây, lấy loại "{vocab.label("org_types", in_tree)}".'
            )
            org_type = in_tree
        code = plain(row.get("code"))
        existing = self.index.codes.get(str(code)) if code else None
        if existing is None:
            existing = self.index.find(name, parent, exact=True)
            if existing is not None and self.index.parent.get(existing) != parent:
                existing = None  # a namesake further down, not this organisation
        values = {
            "name": name,
            "name_key": key(name),
            "name_fold": fold(name),
            "org_type": org_type,
            "kind_of_place": plain(row.get("kind_of_place")),
            "code": str(code) if code else None,
            "founded_on": plain(row.get("founded_on")),
            "dissolved_on": plain(row.get("dissolved_on")),
        }
        organization = Organization.__table__
        if existing is None:
            org_id = insert_one(
                self.conn,
                organization,
                {
                    **values,
                    "batch_id": self.batch_id,
                    "source_sheet": table.sheet,
                    "source_row": int(row["source_row"]),
                },
            )
            self._link(org_id, parent, None, None)
            self.index.add(org_id, name, org_type, parent, values["code"])
            self.org_rows[org_id] = int(row["source_row"])
            self._record_move(table, row, org_id, parent)
            self.outcome.rows_new += 1
            return True
        if not self._one_row_per_unit(table, row, existing, code, name):
            return True
        moves = self.index.parent.get(existing) != parent
        if moves and self.index.within(parent, existing):
            self._refuse_loop(table, row, existing, parent, parent_name)
            return True
        stored = (
            self.conn.execute(select(organization).where(organization.c.id == existing))
            .mappings()
            .one()
        )
        # What the row gives and differs: an empty cell changes nothing.
        changed = {k: v for k, v in values.items() if v is not None and _differs(stored[k], v)}
        if changed:
            self.conn.execute(
                update(organization).where(organization.c.id == existing).values(**changed)
            )
            # The index learns the new name, type and code after the file (as a fresh load for
            # the next file would): rows later in this file see the organisation as it was.
            self.renamed.append(
                (
                    existing,
                    changed.get("name", stored["name"]),
                    changed.get("org_type", stored["org_type"]),
                    changed.get("code", stored["code"]),
                )
            )
        if moves:
            moved_on = plain(row.get("moved_on")) or change_date
            link = OrganizationParent.__table__
            self.conn.execute(
                update(link)
                .where(link.c.org_id == existing, link.c.valid_to.is_(None))
                .values(valid_to=moved_on)
            )
            self._link(existing, parent, moved_on, None)
            self.index.move(existing, parent)
        if changed or moves:
            self.outcome.rows_updated += 1
        else:
            self.outcome.rows_unchanged += 1
        return True

    def _one_row_per_unit(self, table, row, existing: int, code, name: str) -> bool:
        """A unit already given by an earlier row of this file is a problem naming both."""
        earlier = self.org_rows.get(existing)
        row_number = int(row["source_row"])
        if earlier is None:
            self.org_rows[existing] = row_number
            return True
        column, value = ("code", str(code)) if code else ("name", name)
        self.problem(
            table.sheet,
            row_number,
            self._column_label(table, column),
            value,
            f'là cùng tổ chức "{self.index.names[existing]}" với dòng {earlier}; '
            "một tổ chức chỉ được ghi một lần.",
        )
        return False

    def _refuse_loop(self, table, row, org: int, parent: int, parent_name) -> None:
        """Putting a unit under itself or under one of its own units would make a loop."""
        names = self.index.names
        if parent == org:
            reason = f'"{names[org]}" không thể trực thuộc chính nó'
        else:
            reason = f'"{names[parent]}" là đơn vị cấp dưới của "{names[org]}"'
            given = self.org_rows.get(parent)
            if given is not None and given != int(row["source_row"]):
                reason += f" (dòng {given})"
        self.problem(
            table.sheet,
            row["source_row"],
            self._column_label(table, "parent"),
            parent_name or names[parent],
            f"{reason}: đặt như vậy sẽ tạo vòng lặp trong cây tổ chức.",
        )


# --------------------------------------------------------------------------- small helpers


def _row_ranges(rows: list[int]) -> str:
    """Excel rows as a clerk reads them: "2, 5–7, 9"."""
    parts: list[str] = []
    for row in sorted(set(rows)):
        if parts and parts[-1][1] == row - 1:
            parts[-1] = (parts[-1][0], row)
        else:
            parts.append((row, row))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in parts)


def _quoted(names: list[str]) -> str:
    return "; ".join(f'"{name}"' for name in names) or "(không có)"


def _column_values(rows: pd.DataFrame, column: str) -> list:
    return rows[column].tolist() if column in rows.columns else [None] * len(rows)


def _wanted_keys(rows: pd.DataFrame) -> list[tuple]:
    """(card, CCCD, name key, birth key) of each row, "" for a missing card or CCCD."""
    cards, cccds = (
        ["" if _missing(v) else str(v) for v in _column_values(rows, c)]
        for c in ("card_number", "citizen_id")
    )
    births, years = _column_values(rows, "birth_date"), _column_values(rows, "birth_year")
    names = [key(str(name)) for name in rows["full_name"].tolist()]
    return [
        (card, cccd, name, _birth_key(birth, year))
        for card, cccd, name, birth, year in zip(cards, cccds, names, births, years, strict=True)
    ]


def _conflicts(stored, given) -> bool:
    """Two identifiers that are both known and differ."""
    return not _missing(stored) and not _missing(given) and str(stored) != str(given)


@lru_cache(maxsize=4096)
def _spellings(name: str) -> tuple[str, ...]:
    """A name as written, then as TCVN3 or VNI text would read: a column holding nothing but
    "Chi bé 1" is too short for the reader to tell it is TCVN3 for "Chi bộ 1". (Cached: files
    of a province name the same chi bộ over and over.)"""
    readings = [name]
    if not name.isascii():
        for encoding in ("tcvn3", "vni"):
            decoded = decode(name, encoding)
            if decoded not in readings:
                readings.append(decoded)
    return tuple(readings)


def _cells(rows: pd.DataFrame, column: str) -> list:
    """A column's values as Python objects, missing cells (NaN, NaT, NA) as None."""
    series = rows[column]
    values = series.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biu":
        return values  # numpy booleans and integers are never missing (nullable ones may be)
    # (per value: a few hundred rows a file, where pandas' own missing-value masks cost more)
    return [None if v is None or v is pd.NA or v is pd.NaT or v != v else v for v in values]


def _missing(value) -> bool:
    """None, NaN or NA (a missing cell)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return value is pd.NA or value is pd.NaT


def _to_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _birth_key(birth_date, birth_year) -> str:
    birth_date = plain(birth_date)
    if isinstance(birth_date, str):
        birth_date = _to_date(birth_date)
    if isinstance(birth_date, date):
        return birth_date.isoformat()
    birth_year = plain(birth_year)
    return str(int(birth_year)) if birth_year else ""


def _same_person(stored: dict, person: tuple[str, str]) -> bool:
    """A member and a row's (name, birth key) are one person unless both differ: a corrected
    spelling keeps the birth date, a corrected birth date keeps the name."""
    same_name = key(person[0]) == stored["name_key"]
    birth = stored_birth_key(stored["birth_date"], stored["birth_year"])
    same_birth = bool(birth and person[1]) and (
        birth == person[1] or (min(len(birth), len(person[1])) == 4 and birth[:4] == person[1][:4])
    )
    return same_name or same_birth


def _shown_date(value) -> str:
    day = _to_date(value)
    return f"{day:%d/%m/%Y}" if day else ""


def _shown_birth(birth_key: str) -> str:
    """A birth key as a clerk writes it: 05/03/1980, or the year alone, or "không rõ"."""
    if len(birth_key) == 10:
        return f"{birth_key[8:10]}/{birth_key[5:7]}/{birth_key[:4]}"
    return birth_key or "không rõ"


def _from_older_roster(record: dict, values: dict, source: dict) -> dict:
    """What a roster older than the member's attributes changes, so that the newest roster wins
    whatever the order the rosters come in: it fills what the newer ones left empty (as it
    would have, had it come first); and when it then gives every attribute the member has, as
    they are, the attributes were already so on its date: they come from it (had it come first,
    the newer roster would have changed nothing)."""
    compared = {c: v for c, v in values.items() if c not in ("name_key", "extra")}
    changed = {c: v for c, v in compared.items() if record.get(c) is None}
    after = {**record, **changed}
    same = not any(_differs(after.get(c), v) for c, v in compared.items())
    covered = all(c in compared for c in MEMBER_ATTRIBUTES if _holds(after.get(c)))
    if same and covered:
        changed.update(source)
    return changed


def _holds(value) -> bool:
    """A stored attribute that says something (not empty, not a default "no")."""
    return value not in (None, False, "", {}) and not _missing(value)


def _default(column: str):
    return {"youth_union": False, "birth_year_only": False, "exempt": False, "extra": {}}.get(
        column
    )


def _differs(stored, new) -> bool:
    if isinstance(new, date) and not isinstance(stored, date) and stored is not None:
        stored = _to_date(stored)
    if isinstance(new, bool) and stored is not None:
        stored = bool(stored)
    return stored != new


def _rows_giving(rows: pd.DataFrame, columns: tuple[str, ...]) -> list[bool]:
    """Per row: whether it gives any of these values. An "exemplary" mark alone (False when
    the cell is empty) gives nothing."""
    given = np.zeros(len(rows), dtype=bool)
    for column in columns:
        if column in rows.columns and column != "exemplary":
            given |= rows[column].notna().to_numpy(dtype=bool)
    if "exemplary" in rows.columns:
        given |= rows["exemplary"].fillna(False).to_numpy(dtype=bool)
    return given.tolist()


def _only_rows(table, keep: list[bool]):
    """The table with only these rows (same sheet, headers, period)."""
    if all(keep):
        return table
    return dataclasses.replace(table, rows=table.rows[keep].reset_index(drop=True))


def _given_evaluation_values(record: dict) -> dict:
    """The evaluation values a row gives: empty cells left out. "Tiêu biểu" goes with the level
    decided: a row that gives a decided level gives its mark (set or not), else only a set mark
    counts."""
    values = {
        c: v
        for c, v in record.items()
        if c not in ("member_id", "org_id", "source_row") and not _missing(v)
    }
    exemplary = bool(values.pop("exemplary", False))
    if exemplary or "decided_level" in values:
        values["exemplary"] = exemplary
    return values


def _group_by_columns(records: list[dict]) -> list[list[dict]]:
    """executemany needs one column set per statement."""
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(tuple(sorted(record)), []).append(record)
    return list(groups.values())
