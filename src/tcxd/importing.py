"""Clean tables → database: units, identities, upserts, events, batches; one transaction per file.

`import_paths` is the library entry of `tcxd import`. Each file is read by `tcxd.reading` (pure),
then written in one transaction (or one for the whole run with `all_or_nothing`): a file with any
problem writes nothing. Identities are resolved set-wise (one query per identity kind per file,
never one per row) and rows go in with Core bulk inserts. After the rows, the spells of the
members the file touched are rebuilt (`tcxd.db.history`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from tcxd.db import history
from tcxd.db.engine import write_transaction
from tcxd.db.models import (
    CONDITION_COLUMNS,
    ORG_CONDITION_COLUMNS,
    ImportBatch,
    Member,
    MemberEvaluation,
    MembershipEvent,
    Organization,
    OrganizationEvaluation,
    OrganizationParent,
    RosterEntry,
)
from tcxd.outputs import SKIP_REASON, is_output
from tcxd.text import clean, fold, key
from tcxd.units import MEMBER_HOLDING_TYPES, OrgIndex, accented_words, folded_words

SUPPORTED = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv"}
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


class FileRefused(Exception):
    """Problems found while writing a file: the caller rolls the file back."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "")
        self.problems = problems


class _Rollback(Exception):
    """Raised to undo a dry run or an all-or-nothing run that had a refused file."""


# --------------------------------------------------------------------------- files


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Spreadsheets under the given paths, shallowest folder first, then by name."""
    found: list[tuple[int, str, Path]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for item in path.rglob("*"):
                if item.is_file() and _is_spreadsheet(item):
                    rel = item.relative_to(path)
                    found.append((len(rel.parts), str(rel).casefold(), item))
        elif path.exists():
            found.append((0, path.name.casefold(), path))
        else:
            found.append((0, path.name.casefold(), path))  # reported as missing
    return [item for _, _, item in sorted(found, key=lambda t: (t[0], t[1]))]


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.startswith(("~$", ".~lock", "."))


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
    files = find_files(paths)
    result = ImportResult(dry_run=options.dry_run)
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
    index: OrgIndex | None = None
    deferred: list[Path] = []
    for number, path in enumerate(files, start=1):
        if on_file:
            on_file(path, number, len(files))
        outcome = _import_one_file(conn, engine, path, options, savepoints, index)
        if outcome.status == "deferred":
            deferred.append(path)
            continue
        result.files.append(outcome)
    # Files whose unit was unknown may name organisations another file of this run created.
    for path in deferred:
        result.files.append(
            _import_one_file(conn, engine, path, options, savepoints, None, last_try=True)
        )


def _import_one_file(conn, engine, path, options, savepoints, _index, last_try=False):
    from tcxd.reading import read_file
    from tcxd.reading.problems import ReadingError

    outcome = FileOutcome(path=str(path))
    if not path.exists():
        outcome.status = "refused"
        outcome.problems = [f'Không tìm thấy tệp hoặc thư mục "{path}".']
        return outcome
    if is_output(path):
        outcome.status = "skipped"
        outcome.warnings = [f"Bỏ qua: {SKIP_REASON}."]
        return outcome
    digest = sha256_of(path)
    if _seen(conn, engine, digest):
        outcome.status = "unchanged"  # the same content was imported before: nothing to do
        return outcome
    try:
        reading = read_file(
            path,
            kind=options.kind,
            unit=options.unit,
            as_of=options.as_of,
            year=options.year,
            quarter=options.quarter,
        )
    except ReadingError as error:
        outcome.status = "refused"
        outcome.problems = [error.message]
        return outcome
    outcome.kinds = [table.kind for table in reading.sheets]
    outcome.unknown_columns = sorted({c for t in reading.sheets for c in t.unknown_columns})
    outcome.warnings = list(reading.warnings) + [w for t in reading.sheets for w in t.warnings]
    outcome.warnings += [f'Bỏ qua trang "{sheet}": {reason}' for sheet, reason in reading.skipped]
    if reading.problems:
        outcome.status = "refused"
        outcome.problems = reading.messages()
        return outcome
    if not reading.sheets:
        outcome.status = "refused"
        outcome.problems = [f'Tệp "{path}": không có trang tính nào nhận ra được để nhập.']
        return outcome

    def write(connection: Connection) -> None:
        if _already_imported(connection, digest):
            outcome.status = "unchanged"
            return
        index = OrgIndex.load(connection)
        writer = _FileWriter(connection, index, path, digest, reading, options, outcome)
        writer.write(last_try)

    try:
        if conn is not None:
            with conn.begin_nested() if savepoints else _null():
                write(conn)
        else:
            with write_transaction(engine) as own:
                write(own)
    except _Deferred:
        outcome.status = "deferred"
    except FileRefused as refused:
        outcome.status = "refused"
        outcome.problems = refused.problems[:MAX_PROBLEMS]
    except IntegrityError:
        # A conflict the checks above did not foresee: refuse this file, keep the run going.
        outcome.status = "refused"
        outcome.problems = [
            f'Tệp "{path.name}": có dữ liệu trùng với dữ liệu đã có hoặc trùng trong tệp, '
            "không ghi được. Chạy lại với --debug để xem chi tiết."
        ]
    return outcome


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Deferred(Exception):
    """The file's unit is unknown for now; try again after the other files of the run."""


def _seen(conn: Connection | None, engine: Engine | None, digest: str) -> bool:
    if conn is not None:
        return _already_imported(conn, digest)
    with engine.connect() as own:
        return _already_imported(own, digest)


def _already_imported(conn: Connection, digest: str) -> bool:
    batch = ImportBatch.__table__
    return (
        conn.execute(
            select(batch.c.id).where(batch.c.sha256 == digest, batch.c.status == "imported")
        ).first()
        is not None
    )


# --------------------------------------------------------------------------- one file


def _folder_candidates(path: Path) -> list[str]:
    """Folder names above the file, outermost first (clerks keep a folder per unit)."""
    parts = list(path.resolve().parent.parts)[-4:]
    return [p for p in parts if p not in ("/", "")]


class _FileWriter:
    def __init__(self, conn, index, path, digest, reading, options, outcome):
        self.conn: Connection = conn
        self.index: OrgIndex = index
        self.path: Path = path
        self.digest = digest
        self.reading = reading
        self.options: ImportOptions = options
        self.outcome: FileOutcome = outcome
        self.problems: list[str] = []
        self.touched_members: set[int] = set()
        self.batch_id: int | None = None

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

    def write(self, last_try: bool) -> None:
        tables = sorted(self.reading.sheets, key=lambda t: KIND_ORDER.index(t.kind))
        units = []
        for table in tables:
            unit = self._file_unit(table, last_try)
            units.append(unit)
        if self.problems:
            raise FileRefused(self.problems)
        first = tables[0]
        self.batch_id = self._insert_batch(first, units[0])
        for table, unit in zip(tables, units, strict=True):
            writer = getattr(self, f"_write_{table.kind}")
            writer(table, unit)
            if len(self.problems) >= MAX_PROBLEMS:
                break
        if self.problems:
            raise FileRefused(self.problems)
        if self.touched_members:
            history.rebuild_spells(self.conn, self.touched_members)
        self.conn.execute(
            update(ImportBatch.__table__)
            .where(ImportBatch.__table__.c.id == self.batch_id)
            .values(
                rows_new=self.outcome.rows_new,
                rows_updated=self.outcome.rows_updated,
                rows_unchanged=self.outcome.rows_unchanged,
                rows_total=sum(len(t.rows) for t in tables),
                warnings=self.outcome.warnings,
            )
        )
        self.outcome.unit = self.index.names.get(units[0]) if units[0] else None

    def _file_unit(self, table, last_try: bool) -> int | None:
        """The unit of a sheet: title rows, then --unit, then folders, then the file name."""
        candidates = [*table.unit_names]
        if self.options.unit:
            candidates.append(self.options.unit)
        candidates += [*_folder_candidates(self.path), self.path.stem]
        unit, tried = self.index.resolve_path(candidates)
        if unit is not None:
            return unit
        if table.kind == "organizations":
            return None  # rows name their parents; the province is the default
        has_row_units = "branch" in table.rows.columns and table.rows["branch"].notna().any()
        if table.kind == "organization_evaluations" or has_row_units:
            return None  # rows name their unit
        if not last_try:
            raise _Deferred
        names = "; ".join(f'"{t}"' for t in tried) or "(không có)"
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

    def _insert_batch(self, table, unit: int | None) -> int:
        batch = ImportBatch.__table__
        return self.conn.execute(
            insert(batch)
            .values(
                file_name=self.path.name,
                file_path=str(self.path),
                sha256=self.digest,
                kind=",".join(dict.fromkeys(t.kind for t in self.reading.sheets)),
                unit_id=unit,
                as_of=table.as_of,
                period_year=table.year,
                period_quarter=table.quarter,
                warnings=[],
            )
            .returning(batch.c.id)
        ).scalar_one()

    def _column_label(self, table, field_name: str) -> str:
        labels = table.column_headers or {}
        return labels.get(field_name, field_name)

    # ----------------------------------------------------------------- units of rows
    def _row_units(self, table, unit: int | None, holding_only: bool) -> pd.Series:
        """The organisation of each row: its branch column under the file's unit, or the unit."""
        rows = table.rows
        result = pd.Series([unit] * len(rows), index=rows.index, dtype=object)
        if "branch" in rows.columns:
            cache: dict[str, int | None] = {}
            for position, value in rows["branch"].items():
                if (
                    value is None
                    or (isinstance(value, float) and pd.isna(value))
                    or not str(value).strip()
                ):
                    continue
                name = str(value)
                if name not in cache:
                    cache[name] = self._find_branch(name, unit)
                found = cache[name]
                if found is None:
                    where = self.index.names.get(unit, "tỉnh") if unit else "tỉnh"
                    self.problem(
                        table.sheet,
                        rows.at[position, "source_row"],
                        self._column_label(table, "branch"),
                        name,
                        f'không khớp chi bộ / tổ chức nào thuộc "{where}".',
                    )
                result.at[position] = found
        if holding_only:
            has_branch = "branch" in rows.columns and rows["branch"].notna().any()
            if not has_branch:
                if unit is not None and self.index.types.get(unit) not in MEMBER_HOLDING_TYPES:
                    self.problem(
                        table.sheet,
                        None,
                        None,
                        None,
                        f'tệp thuộc "{self.index.names[unit]}", là đảng bộ chứ không phải chi bộ: '
                        'cần cột "Chi bộ" ghi chi bộ sinh hoạt của từng đảng viên.',
                    )
                return result
            for position, org in result.items():
                if org is None:
                    self.problem(
                        table.sheet,
                        rows.at[position, "source_row"],
                        self._column_label(table, "branch"),
                        None,
                        "thiếu tên chi bộ sinh hoạt.",
                    )
                elif self.index.types.get(org) not in MEMBER_HOLDING_TYPES:
                    self.problem(
                        table.sheet,
                        rows.at[position, "source_row"],
                        self._column_label(table, "branch"),
                        self.index.names[org],
                        "là đảng bộ, không phải chi bộ: cần tên chi bộ sinh hoạt.",
                    )
                if len(self.problems) >= MAX_PROBLEMS:
                    break
        return result

    def _link(self, org_id: int, parent: int, valid_from, valid_to) -> None:
        self.conn.execute(
            insert(OrganizationParent.__table__).values(
                org_id=org_id,
                parent_id=parent,
                valid_from=valid_from,
                valid_to=valid_to,
                batch_id=self.batch_id,
            )
        )

    def _record_move(self, table, row, org_id: int, parent: int) -> None:
        """ "Chuyển từ đảng bộ" + "Ngày chuyển về": the organisation belonged to another parent
        before that day (spec: a report for a past period uses the tree as it was then)."""
        moved_from, moved_on = _plain(row.get("moved_from")), _plain(row.get("moved_on"))
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
        found = self.index.find(name, unit, exact=True)
        if found is None and not fold(name).startswith(("chi bo", "dang bo")):
            found = self.index.find(f"Chi bộ {name}", unit, exact=True)
        return found

    # ----------------------------------------------------------------- members
    def _resolve_members(self, rows: pd.DataFrame, orgs: pd.Series) -> pd.Series:
        """Member id per row (None = new): card number, then CCCD, then name + birth date."""
        member = Member.__table__
        ids = pd.Series([None] * len(rows), index=rows.index, dtype=object)
        for column in ("card_number", "citizen_id"):
            if column not in rows.columns:
                continue
            wanted = rows[column].dropna()
            wanted = wanted[wanted.astype(str).str.len() > 0]
            if wanted.empty:
                continue
            found: dict[str, int] = {}
            for chunk in _chunks(sorted(set(wanted.astype(str)))):
                for value, member_id in self.conn.execute(
                    select(member.c[column], member.c.id).where(member.c[column].in_(chunk))
                ):
                    found[value] = member_id
            missing = ids.isna()
            ids[missing] = rows.loc[missing, column].map(
                lambda v, f=found: f.get(str(v)) if v is not None and v == v else None
            )
        missing = ids.isna()
        if missing.any():
            keys = rows.loc[missing, "full_name"].map(lambda v: key(str(v)))
            found_by_name: dict[tuple, list[int]] = {}
            for chunk in _chunks(sorted(set(keys))):
                for name_key, birth_date, birth_year, member_id in self.conn.execute(
                    select(
                        member.c.name_key, member.c.birth_date, member.c.birth_year, member.c.id
                    ).where(member.c.name_key.in_(chunk))
                ):
                    found_by_name.setdefault(
                        (name_key, _birth_key(birth_date, birth_year)), []
                    ).append(member_id)
            for position in rows.index[missing]:
                row = rows.loc[position]
                candidates = found_by_name.get(
                    (
                        key(str(row["full_name"])),
                        _birth_key(row.get("birth_date"), row.get("birth_year")),
                    )
                )
                if candidates and len(candidates) == 1:
                    ids.at[position] = candidates[0]
                elif candidates:
                    # Same name and birth date: the chi bộ decides (spec: "(+ chi bộ)").
                    here = self._members_in_org(candidates, orgs.at[position])
                    ids.at[position] = here[0] if len(here) == 1 else None
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

    def _member_values(self, row: pd.Series) -> dict:
        values = {}
        for column in MEMBER_ATTRIBUTES:
            if column in row.index:
                value = row[column]
                if value is not None and value == value:  # not NaN
                    values[column] = value.item() if hasattr(value, "item") else value
        if "birth_date" in values and isinstance(values["birth_date"], date):
            values.setdefault("birth_year", values["birth_date"].year)
        name = clean(str(values.get("full_name", "")))
        values["full_name"] = name
        values["name_key"] = key(name)
        if "extra" in row.index and isinstance(row["extra"], dict) and row["extra"]:
            values["extra"] = row["extra"]
        return values

    def _upsert_members(
        self, table, orgs: pd.Series, as_of: date | None, attributes_authoritative: bool
    ) -> pd.Series:
        """Insert new members, update attributes from a roster not older than the last one."""
        rows = table.rows
        ids = self._resolve_members(rows, orgs)
        member = Member.__table__
        new_rows, new_positions = [], []
        for position in rows.index[ids.isna()]:
            values = self._member_values(rows.loc[position])
            values.update(
                batch_id=self.batch_id,
                source_sheet=table.sheet,
                source_row=int(rows.at[position, "source_row"]),
                attributes_as_of=as_of,
            )
            new_rows.append(values)
            new_positions.append(position)
        if new_rows:
            columns = sorted({c for r in new_rows for c in r})
            normalized = [{c: r.get(c, _default(c)) for c in columns} for r in new_rows]
            inserted = (
                self.conn.execute(
                    insert(member).returning(member.c.id, sort_by_parameter_order=True), normalized
                )
                .scalars()
                .all()
            )
            ids[new_positions] = inserted
            self.outcome.rows_new += len(inserted)
        known = rows.index[~rows.index.isin(new_positions)]
        if attributes_authoritative and len(known):
            self._update_members(table, rows.loc[known], ids[known], as_of)
        elif len(known):
            self.outcome.rows_unchanged += len(known)
        self.touched_members.update(int(i) for i in ids)
        return ids

    def _update_members(self, table, rows: pd.DataFrame, ids: pd.Series, as_of) -> None:
        member = Member.__table__
        current = {}
        for chunk in _chunks(sorted(set(int(i) for i in ids))):
            for record in self.conn.execute(
                select(member).where(member.c.id.in_(chunk))
            ).mappings():
                current[record["id"]] = record
        updates = []
        for position, member_id in ids.items():
            record = current[int(member_id)]
            stored_as_of = _to_date(record["attributes_as_of"])
            if stored_as_of and as_of and as_of < stored_as_of:
                self.outcome.rows_unchanged += 1  # an older roster: the newest wins
                continue
            values = self._member_values(rows.loc[position])
            changed = {
                c: v
                for c, v in values.items()
                if c not in ("name_key",) and _differs(record.get(c), v)
            }
            if changed:
                changed["name_key"] = values["name_key"]
                updates.append({"_id": int(member_id), **changed, "attributes_as_of": as_of})
            else:
                self.outcome.rows_unchanged += 1
        for group in _group_by_columns(updates):
            columns = [c for c in group[0] if c != "_id"]
            statement = (
                update(member)
                .where(member.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in columns})
            )
            self.conn.execute(statement, group)
            self.outcome.rows_updated += len(group)

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
        # A corrected roster of the same unit and date replaces the earlier one.
        entry = RosterEntry.__table__
        unit_ids = sorted({int(o) for o in orgs})
        self.conn.execute(
            entry.delete()
            .where(entry.c.org_id.in_(unit_ids), entry.c.as_of == as_of)
            .where(entry.c.batch_id != self.batch_id)
        )
        self.conn.execute(
            insert(entry),
            [
                {
                    "batch_id": self.batch_id,
                    "member_id": int(ids[p]),
                    "org_id": int(orgs[p]),
                    "unit_id": unit,
                    "as_of": as_of,
                    "source_sheet": table.sheet,
                    "source_row": int(table.rows.at[p, "source_row"]),
                }
                for p in table.rows.index
            ],
        )

    def _check_duplicates(self, table, orgs) -> None:
        """The same person twice in one file is an error naming both rows."""
        rows = table.rows
        for column in ("card_number", "citizen_id"):
            if column not in rows.columns:
                continue
            values = rows[column].dropna().astype(str)
            values = values[values.str.len() > 0]
            for value, positions in values.groupby(values).groups.items():
                if len(positions) > 1:
                    numbers = [int(rows.at[p, "source_row"]) for p in positions]
                    self.problem(
                        table.sheet,
                        numbers[1],
                        self._column_label(table, column),
                        value,
                        f"trùng với dòng {numbers[0]} (một người chỉ được ghi một lần).",
                    )

    # ----------------------------------------------------------------- changes
    def _write_changes(self, table, unit: int | None) -> None:
        orgs = self._row_units(table, unit, holding_only=False)
        if self.problems:
            return
        for position, org in orgs.items():
            if org is None:
                self.problem(
                    table.sheet,
                    table.rows.at[position, "source_row"],
                    self._column_label(table, "branch"),
                    None,
                    "không xác định được chi bộ của biến động.",
                )
        if self.problems:
            return
        ids = self._upsert_members(table, orgs, None, attributes_authoritative=False)
        event = MembershipEvent.__table__
        existing = set()
        for chunk in _chunks(sorted({int(i) for i in ids})):
            for member_id, kind, on, org_id in self.conn.execute(
                select(event.c.member_id, event.c.kind, event.c.event_on, event.c.org_id).where(
                    event.c.member_id.in_(chunk)
                )
            ):
                existing.add((member_id, kind, _to_date(on), org_id))
        new_events = []
        rows = table.rows
        for position in rows.index:
            values = {
                "member_id": int(ids[position]),
                "kind": rows.at[position, "change"],
                "event_on": rows.at[position, "date"],
                "org_id": int(orgs[position]),
            }
            identity = (values["member_id"], values["kind"], values["event_on"], values["org_id"])
            if identity in existing:
                continue  # the same event from another copy of the file
            existing.add(identity)
            for column in ("scope", "place", "decision"):
                value = rows.at[position, column] if column in rows.columns else None
                values[column] = None if value is None or value != value else value
            values.update(
                batch_id=self.batch_id,
                source_sheet=table.sheet,
                source_row=int(rows.at[position, "source_row"]),
            )
            new_events.append(values)
        if new_events:
            self.conn.execute(insert(event), new_events)
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
        ids = self._upsert_members(table, orgs, None, attributes_authoritative=False)
        columns = (
            "score",
            "general_score",
            "task_score",
            "discipline",
            "discipline_on",
            "proposed_level",
            "decided_level",
            "exemplary",
            *CONDITION_COLUMNS,
        )
        rows = table.rows
        records = []
        for position in rows.index:
            values = {c: _plain(rows.at[position, c]) for c in columns if c in rows.columns}
            values["exemplary"] = bool(values.get("exemplary") or False)
            org = orgs[position]
            values.update(
                member_id=int(ids[position]),
                year=year,
                quarter=quarter,
                org_id=int(org) if org is not None else None,
                batch_id=self.batch_id,
                source_sheet=table.sheet,
                source_row=int(rows.at[position, "source_row"]),
            )
            records.append(values)
        self._replace_evaluations(MemberEvaluation.__table__, "member_id", records, year, quarter)

    def _write_organization_evaluations(self, table, unit: int | None) -> None:
        year, quarter = self._period(table)
        rows = table.rows
        records = []
        seen: dict[int, int] = {}
        for position in rows.index:
            parent = unit
            if "parent" in rows.columns and _plain(rows.at[position, "parent"]):
                parent = self._find_parent(str(rows.at[position, "parent"]), unit) or parent
            org = self.index.find(str(rows.at[position, "name"]), parent, exact=True)
            row_number = int(rows.at[position, "source_row"])
            if org is not None and org in seen:
                self.problem(
                    table.sheet,
                    row_number,
                    self._column_label(table, "name"),
                    rows.at[position, "name"],
                    f"trùng với dòng {seen[org]} (một tổ chức chỉ được ghi một lần).",
                )
                continue
            if org is not None:
                seen[org] = row_number
            if org is None:
                self.problem(
                    table.sheet,
                    rows.at[position, "source_row"],
                    self._column_label(table, "name"),
                    rows.at[position, "name"],
                    "không khớp tổ chức đảng nào đã có.",
                )
                continue
            columns = (
                "score",
                "decided_level",
                "proposed_level",
                "exemplary",
                *ORG_CONDITION_COLUMNS,
            )
            values = {c: _plain(rows.at[position, c]) for c in columns if c in rows.columns}
            values["exemplary"] = bool(values.get("exemplary") or False)
            values.update(
                org_id=org,
                year=year,
                quarter=quarter,
                batch_id=self.batch_id,
                source_sheet=table.sheet,
                source_row=int(rows.at[position, "source_row"]),
            )
            records.append(values)
        if self.problems:
            return
        self._replace_evaluations(
            OrganizationEvaluation.__table__, "org_id", records, year, quarter
        )

    def _replace_evaluations(self, table, id_column, records, year, quarter) -> None:
        if not records or year is None:
            return
        ids = sorted({r[id_column] for r in records})
        existing = set()
        for chunk in _chunks(ids):
            existing.update(
                self.conn.execute(
                    select(table.c[id_column]).where(
                        table.c[id_column].in_(chunk),
                        table.c.year == year,
                        table.c.quarter == quarter,
                    )
                ).scalars()
            )
            self.conn.execute(
                table.delete().where(
                    table.c[id_column].in_(chunk), table.c.year == year, table.c.quarter == quarter
                )
            )
        for group in _group_by_columns(records):
            self.conn.execute(insert(table), group)
        updated = sum(1 for r in records if r[id_column] in existing)
        self.outcome.rows_updated += updated
        if id_column == "org_id":
            self.outcome.rows_new += len(records) - updated

    # ----------------------------------------------------------------- organisations
    def _write_organizations(self, table, unit: int | None) -> None:
        """Build or change the tree: a row is matched by code, else by name under its parent."""
        rows = table.rows
        pending = list(rows.index)
        scope = unit if unit is not None else self.index.province_id
        change_date = table.as_of or self.options.as_of or date.today()
        for _round in range(6):  # parents listed below their children need another pass
            waiting = []
            for position in pending:
                if not self._write_organization(
                    table, rows.loc[position], scope, change_date, final=False
                ):
                    waiting.append(position)
            if len(waiting) == len(pending):
                break
            pending = waiting
        for position in pending:
            self._write_organization(table, rows.loc[position], scope, change_date, final=True)

    def _write_organization(self, table, row, scope, change_date, final: bool) -> bool:
        org_type = _plain(row.get("org_type"))
        name = clean(str(row["name"]))
        parent_name = _plain(row.get("parent"))
        if org_type == "province":
            return True
        if parent_name:
            parent = self._find_parent(str(parent_name), scope)
        else:
            parent = scope if org_type != "district" else self.index.province_id
        if parent is None:
            if final:
                self.problem(
                    table.sheet,
                    row["source_row"],
                    self._column_label(table, "parent"),
                    parent_name,
                    "không khớp tổ chức cấp trên nào đã có.",
                )
            return False
        code = _plain(row.get("code"))
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
            "kind_of_place": _plain(row.get("kind_of_place")),
            "code": str(code) if code else None,
            "founded_on": _plain(row.get("founded_on")),
            "dissolved_on": _plain(row.get("dissolved_on")),
        }
        organization = Organization.__table__
        if existing is None:
            org_id = self.conn.execute(
                insert(organization)
                .values(
                    **values,
                    batch_id=self.batch_id,
                    source_sheet=table.sheet,
                    source_row=int(row["source_row"]),
                )
                .returning(organization.c.id)
            ).scalar_one()
            self._link(org_id, parent, None, None)
            self.index.add(org_id, name, org_type, parent, values["code"])
            self._record_move(table, row, org_id, parent)
            self.outcome.rows_new += 1
            return True
        changed = {k: v for k, v in values.items() if v is not None}
        self.conn.execute(
            update(organization).where(organization.c.id == existing).values(**changed)
        )
        if self.index.parent.get(existing) != parent:
            moved_on = _plain(row.get("moved_on")) or change_date
            link = OrganizationParent.__table__
            self.conn.execute(
                update(link)
                .where(link.c.org_id == existing, link.c.valid_to.is_(None))
                .values(valid_to=moved_on)
            )
            self._link(existing, parent, moved_on, None)
            self.index.move(existing, parent)
            self.outcome.rows_updated += 1
        else:
            self.outcome.rows_unchanged += 1
        return True


# --------------------------------------------------------------------------- small helpers


def _chunks(values: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plain(value):
    """numpy / pandas scalars to Python; NaN and NA to None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def _to_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _birth_key(birth_date, birth_year) -> str:
    birth_date = _plain(birth_date)
    if isinstance(birth_date, str):
        birth_date = _to_date(birth_date)
    if isinstance(birth_date, date):
        return birth_date.isoformat()
    birth_year = _plain(birth_year)
    return str(int(birth_year)) if birth_year else ""


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


def _group_by_columns(records: list[dict]) -> list[list[dict]]:
    """executemany needs one column set per statement."""
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(tuple(sorted(record)), []).append(record)
    return list(groups.values())
