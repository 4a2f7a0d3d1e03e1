"""Reading: a spreadsheet file → clean tables, without touching the database.

`read_file(path)` checks the file (guards), reads every sheet into a grid (workbook), finds the
title, header and data rows (layout), recognises the columns and the kind of each sheet (headers +
aliases.yaml), converts the values (values) and gathers every problem of the file (up to 50) with
the row number and the column header the clerk sees in Excel. The importer refuses a file that has
any problem; `ReadingError` subclasses refuse it before any parsing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from tcxd.core import vocab
from tcxd.core.coerce import is_missing
from tcxd.core.plausibility import implausible
from tcxd.core.text import clean, fold
from tcxd.reading import guards, workbook
from tcxd.reading.headers import normalise_kind
from tcxd.reading.layout import PeriodInfo, period_from_filename
from tcxd.reading.problems import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    Problem,
    ReadingError,
    SheetNotFound,
    UnsupportedFormat,
    WrongFileType,
    XmlEntities,
    ZipBomb,
)
from tcxd.reading.result import Collector, FileReading, SheetTable
from tcxd.reading.tables import Context, read_sheet
from tcxd.reading.values import is_empty

__all__ = [
    "CorruptFile",
    "EmptyFile",
    "FileReading",
    "FileTooLarge",
    "Problem",
    "ReadingError",
    "SheetTable",
    "UnsupportedFormat",
    "WrongFileType",
    "XmlEntities",
    "ZipBomb",
    "read_file",
]

SUPPORTED_SUFFIXES = tuple(guards.FORMATS)
_FOLDER_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.)\-_]\s*")


# Sheets of instructions that tcxd templates (and many units) put beside the table.
INSTRUCTION_SHEETS = {"huong dan", "huong dan nhap lieu", "huong dan su dung"}


def read_file(
    path: str | Path,
    *,
    kind: str | None = None,
    unit: str | None = None,
    as_of: dt.date | None = None,
    year: int | None = None,
    quarter: int | None = None,
    sheet: str | None = None,
    aliases: dict | None = None,
    sha256: str | None = None,
    passed: guards.Passed | None = None,
) -> FileReading:
    """Read one spreadsheet into clean tables; raise a `ReadingError` for a file refused outright.

    `kind` forces the kind of every sheet (members, organizations, changes, evaluations,
    member_evaluations, organization_evaluations). `as_of`, `year` and `quarter` are used only when
    neither the title rows nor the file name give them (spec inputs.md). `unit` is passed through.
    `sheet` reads that sheet only (its name, case and diacritics aside). `aliases` are the
    vocabulary spellings of the province config (vocab.set_extra_aliases). `sha256`: the file's
    hash when the caller has computed it already (the importer hashes every file once).
    `passed`: the file passed the guards already (`guards.check_file_once`), as the importer's
    sniff of it found; they run again if the file changed since.
    """
    vocab.set_extra_aliases(aliases)
    path = Path(path)
    forced = normalise_kind(kind)
    fmt = guards.check_file_once(path, passed).fmt
    digest = sha256 or _sha256(path)
    reading = FileReading(path=str(path), sha256=digest, format=fmt, unit=unit)
    grids = workbook.read_grids(path, fmt)
    if sheet is not None:
        grids = _chosen_sheet(path, grids, sheet)
    if not any(not is_empty(value) for grid in grids for row in grid.rows for value in row):
        raise EmptyFile(path, "bảng tính không có ô nào có dữ liệu")
    ctx = Context(
        file=str(path),
        file_name=path.name,
        forced_kind=forced,
        filename_period=period_from_filename(path.name),
        argument_period=PeriodInfo(
            as_of=as_of,
            year=year,
            quarter=quarter,
            period=f"q{quarter}" if quarter else ("year" if year else None),
        ),
        folder_names=folder_names(path),
    )
    problems = Collector()
    for grid in grids:
        result = read_sheet(grid, ctx, problems)
        if isinstance(result, str):
            if fold(grid.sheet) not in INSTRUCTION_SHEETS:  # the template's own guide: no news
                reading.skipped.append((grid.sheet, result))
        else:
            reading.sheets.append(result)
        if grid.encoding and grid.encoding not in ("utf-8", "utf-8-sig", "utf-16"):
            reading.warnings.append(f"Tệp văn bản được đọc theo bảng mã {grid.encoding}")
    _loud_skips(reading, grids)
    if sheet is None:
        _keep_complete_lists(reading, ctx, problems)
    for table in reading.sheets:  # before any refusal: a refused file's clerk needs them too
        table.warnings += _implausible_rows(table)
    _check_duplicates(reading.sheets, ctx, problems)
    if not reading.sheets:
        reasons = "; ".join(f'trang "{sheet}": {reason}' for sheet, reason in reading.skipped)
        problems.add(
            Problem(
                str(path),
                None,
                None,
                None,
                None,
                f"không có trang nào đọc được dữ liệu ({reasons})",
            )
        )
    reading.problems = problems.problems
    reading.more_problems = problems.more
    return reading


def _chosen_sheet(path: Path, grids: list, name: str) -> list:
    """The grid of the sheet `--sheet` names; a name no sheet has is refused, listing them."""
    wanted = fold(name)
    chosen = [grid for grid in grids if fold(grid.sheet) == wanted]
    if not chosen:
        names = ", ".join(f"“{grid.sheet}”" for grid in grids)
        raise SheetNotFound(path, f"không có trang “{name}” (các trang của tệp: {names})")
    return chosen


LOUD_ROWS = 3  # a skipped sheet with more filled rows than this held data: say so loudly


def _loud_skips(reading: FileReading, grids: list) -> None:
    """A skipped sheet that holds data is named with its number of filled rows, as a warning of
    the file (never only a line among the skipped sheets)."""
    skipped = {sheet for sheet, _reason in reading.skipped}
    filled = {
        grid.sheet: sum(1 for row in grid.rows if any(not is_empty(value) for value in row))
        for grid in grids
        if grid.sheet in skipped  # (counted for the skipped sheets only)
    }
    for position, (sheet, reason) in enumerate(reading.skipped):
        count = filled.get(sheet, 0)
        if count > LOUD_ROWS and not reason.startswith(("chỉ có dòng tiêu đề", "trông như")):
            reading.skipped[position] = (
                sheet,
                f"{reason} — CHÚ Ý: trang có {count} dòng có chữ, KHÔNG được nhập",
            )


def _identities(table: SheetTable) -> set:
    """The members of a roster sheet: card number, else CCCD, else folded name + birth date."""
    frame = table.rows
    out: set[tuple] = set()
    columns = [frame[name].tolist() for name in ("card_number", "citizen_id", "full_name")]
    births = frame["birth_date"].tolist()
    for card, citizen, name, birth in zip(*columns, births, strict=True):
        if not is_missing(card):
            out.add(("card", card))
        elif not is_missing(citizen):
            out.add(("cccd", citizen))
        elif not is_missing(name):
            out.add(("name", fold(str(name)), None if is_missing(birth) else birth))
    return out


def _keep_complete_lists(reading: FileReading, ctx: Context, problems: Collector) -> None:
    """Several roster sheets of one workbook: a sheet whose members all appear on a larger sheet
    is a partial list (per chi bộ, probationary members…) and is not imported on its own; sheets
    with no member in common are parts of one list and all are imported; sheets that share some
    members but not all leave it unclear which is the unit's list: the file is refused naming
    them (`--sheet` picks one)."""
    rosters = [table for table in reading.sheets if table.kind == "members"]
    if len(rosters) < 2:
        return
    members = {id(table): _identities(table) for table in rosters}
    rosters.sort(key=lambda table: -len(members[id(table)]))  # stable: sheet order on a tie
    kept: list[SheetTable] = []
    for table in rosters:
        mine = members[id(table)]
        container = next((big for big in kept if mine and mine < members[id(big)]), None)
        if container is not None:
            reading.sheets.remove(table)
            reading.skipped.append(
                (
                    table.sheet,
                    f"các đảng viên của trang này đều có trong trang “{container.sheet}” "
                    "(danh sách đầy đủ): trang được coi là danh sách một phần, không nhập riêng",
                )
            )
            continue
        # (two sheets with the same members are copies: the duplicate check names their rows)
        overlapping = [big for big in kept if mine & members[id(big)] and mine != members[id(big)]]
        if overlapping:
            names = ", ".join(f"“{t.sheet}”" for t in [*overlapping, table])
            problems.add(
                Problem(
                    ctx.file,
                    None,
                    None,
                    None,
                    None,
                    f"không rõ trang nào là danh sách đảng viên của đơn vị: các trang {names} "
                    "có chung một số đảng viên nhưng không trang nào chứa hết trang kia; "
                    "hãy chọn một trang bằng --sheet TÊN_TRANG",
                )
            )
            return
        kept.append(table)


def folder_names(path: Path, depth: int = 3) -> list[str]:
    """The names of the folders holding the file, outermost first, without a leading number
    ("04. Dang bo Cong an xa Phu An" → "Dang bo Cong an xa Phu An")."""
    names = []
    for parent in list(path.resolve().parents)[:depth]:
        if not parent.name:
            break
        name = _FOLDER_NUMBER.sub("", parent.name).replace("_", " ").strip()
        if name:
            names.append(name)
    return list(reversed(names))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_duplicates(sheets: list[SheetTable], ctx: Context, problems: Collector) -> None:
    """The same card number (or CCCD) twice in the members or evaluations of one file.

    One pass over plain lists, sheets in order: a file has a few hundred rows, for which
    building and concatenating DataFrames cost far more than the check itself."""
    for kind in ("members", "member_evaluations"):
        for name in ("card_number", "citizen_id"):
            first: dict[tuple[str, object], tuple[str, int]] = {}
            for sheet in sheets:
                if sheet.kind != kind or name not in sheet.column_headers:
                    continue
                period = f"{sheet.year}-{sheet.quarter}"
                rows = sheet.rows["source_row"].tolist()
                for value, row in zip(sheet.rows[name].tolist(), rows, strict=True):
                    if is_missing(value):
                        continue
                    key = (period, value)
                    if key not in first:
                        first[key] = (sheet.sheet, int(row))
                        continue
                    first_sheet, first_row = first[key]
                    where = f"dòng {first_row}" + (
                        f" của trang “{first_sheet}”" if first_sheet != sheet.sheet else ""
                    )
                    problems.add(
                        Problem(
                            ctx.file,
                            sheet.sheet,
                            int(row),
                            sheet.column_headers[name],
                            value,
                            f"trùng với {where} (mỗi đảng viên chỉ được ghi một lần trong tệp)",
                        )
                    )


def _implausible_rows(table: SheetTable) -> list[str]:
    """Implausible dates and ID lengths of a sheet of people, row by row (warnings only)."""
    rows = table.rows
    if "full_name" not in rows.columns or rows.empty:
        return []
    source_rows, names = rows["source_row"].tolist(), rows["full_name"].tolist()
    return [
        f'dòng {source_rows[p]}, "{clean(str(names[p]))}": {what}'
        for p, what in implausible(rows, dt.date.today())
    ]
