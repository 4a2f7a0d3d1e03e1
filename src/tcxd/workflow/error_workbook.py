"""The error workbook a clerk sends back to a unit (spec inputs.md, "What a bad file gets").

For each refused file: a first sheet "Danh sách lỗi" listing the problems (file, sheet, row,
column, value, what was expected), then a copy of each of the file's sheets that has a problem,
as the unit wrote it, with every bad cell highlighted and a Vietnamese comment on it. Nothing
else goes in: no other sheet of the file, no other file, nothing from the database, so the
workbook holds only the unit's own data. Written with xlsxwriter, every text as text (never a
formula or a link), 0600 like every file tcxd writes that holds members' data.

Only files that reading could open get one: a file refused before parsing (not what its
extension says, a zip bomb…) is not opened again. A problem of the whole file
(`Problem.of_whole_file`: refused outright, a count of problems not listed) marks nothing and is
not listed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import xlsxwriter

from tcxd.core.outputs import write_atomically
from tcxd.reading.problems import Problem

ERRORS_FOLDER = "tep-loi"
LIST_SHEET = "Danh sách lỗi"
LIST_HEADER = ["STT", "Tệp", "Trang", "Dòng", "Cột", "Giá trị", "Lỗi, cần sửa"]
LIST_WIDTHS = [5, 30, 20, 7, 24, 24, 70]
HEADER_ROWS_SEARCHED = 40  # where to look for a problem's column header above its row
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class ErrorWorkbook:
    source: Path  # the refused file
    path: Path  # the workbook written


def write_error_workbooks(refused: list[tuple[Path, list[Problem]]], folder: Path):
    """One workbook per refused file that has problems in its data; the ones written."""
    written: list[ErrorWorkbook] = []
    used: set[str] = set()
    for source, all_problems in refused:
        problems = [p for p in all_problems if not p.of_whole_file]
        if not problems:
            continue
        grids = _grids(source)
        if grids is None:
            continue
        target = folder / _file_name(source, used)
        write_atomically(target, partial(_write, source=source, problems=problems, grids=grids))
        target.chmod(0o600)
        written.append(ErrorWorkbook(source, target))
    return written


def _grids(source: Path):
    """The file's sheets as read, or None when it cannot be read (refused before parsing)."""
    from tcxd.reading import guards, workbook
    from tcxd.reading.problems import ReadingError

    try:
        return {grid.sheet: grid for grid in workbook.read_grids(source, guards.check_file(source))}
    except (ReadingError, OSError):
        return None


def _file_name(source: Path, used: set[str]) -> str:
    """ "<file name> - loi.xlsx"; a number added when two refused files share a name."""
    stem = f"{source.stem} - loi"
    name, number = f"{stem}.xlsx", 1
    while name.casefold() in used:
        number += 1
        name = f"{stem} ({number}).xlsx"
    used.add(name.casefold())
    return name


def _write(temporary: str, *, source: Path, problems: list[Problem], grids: dict) -> None:
    book = xlsxwriter.Workbook(temporary, WORKBOOK_OPTIONS)
    styles = {
        "header": book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "bad": book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1}),
        "bad_date": book.add_format(
            {
                "bg_color": "#FFC7CE",
                "font_color": "#9C0006",
                "border": 1,
                "num_format": "dd/mm/yyyy",
            }
        ),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
    }
    _write_list(book, styles, source, problems)
    names: set[str] = {LIST_SHEET.casefold()}
    for sheet in dict.fromkeys(p.sheet for p in problems if p.sheet in grids):
        _write_copy(book, styles, grids[sheet], [p for p in problems if p.sheet == sheet], names)
    book.close()


def _write_list(book, styles, source: Path, problems: list[Problem]) -> None:
    sheet = book.add_worksheet(LIST_SHEET)
    for column, (label, width) in enumerate(zip(LIST_HEADER, LIST_WIDTHS, strict=True)):
        sheet.write_string(0, column, label, styles["header"])
        sheet.set_column(column, column, width)
    for number, problem in enumerate(problems, start=1):
        cells = [
            number,
            source.name,
            problem.sheet or "",
            problem.row or "",
            problem.column or "",
            problem.value or "",
            problem.expected,
        ]
        for column, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, str(value), styles["wrap"])
    sheet.freeze_panes(1, 0)


def _write_copy(book, styles, grid, problems: list[Problem], names: set[str]) -> None:
    """The unit's sheet, cell for cell, its bad cells red with a comment saying what is wrong."""
    sheet = book.add_worksheet(_sheet_name(grid.sheet, names))
    marks = _marks(grid, problems)
    for row_index, row in enumerate(grid.rows):
        for column_index, value in enumerate(row):
            comment = marks.get((row_index, column_index))
            _write_cell(sheet, styles, row_index, column_index, value, comment is not None)
    for (row_index, column_index), comment in marks.items():
        if not _inside(grid, row_index, column_index):
            sheet.write_blank(row_index, column_index, None, styles["bad"])
        sheet.write_comment(row_index, column_index, comment, {"x_scale": 2, "y_scale": 1.5})
    for (first_row, first_column), (last_row, last_column) in grid.merged:
        if (first_row, first_column) == (last_row, last_column):
            continue
        sheet.merge_range(first_row, first_column, last_row, last_column, "")
        bad = (first_row, first_column) in marks
        _write_cell(
            sheet, styles, first_row, first_column, _cell(grid, first_row, first_column), bad
        )


def _inside(grid, row: int, column: int) -> bool:
    return row < len(grid.rows) and column < len(grid.rows[row])


def _cell(grid, row: int, column: int):
    return grid.rows[row][column] if _inside(grid, row, column) else None


def _write_cell(sheet, styles, row: int, column: int, value, bad: bool) -> None:
    if value is None or value == "":
        if bad:
            sheet.write_blank(row, column, None, styles["bad"])
        return
    style = styles["bad"] if bad else None
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, column, value, styles["bad_date"] if bad else styles["date"])
    else:
        sheet.write_string(row, column, str(value), style)  # text stays text, never a formula


def _marks(grid, problems: list[Problem]) -> dict[tuple[int, int], str]:
    """(row, column) index of each bad cell → its comment. A problem of a whole column (a
    missing one) marks the first header cell; a problem of a row whose column is not found
    marks the row's first cell."""
    marks: dict[tuple[int, int], list[str]] = {}
    for problem in problems:
        if problem.row is None:
            header = _header_row(grid)
            where = (header, 0)
        else:
            row_index = problem.row - 1
            column = _column_of(grid, problem.column, row_index) if problem.column else None
            where = (row_index, column if column is not None else 0)
        text = problem.expected
        if problem.column and (problem.row is None or where[1] == 0):
            text = f'Cột "{problem.column}": {text}'
        if problem.value is not None:
            text = f'Giá trị "{problem.value}" {text}'
        marks.setdefault(where, []).append(text if text.endswith(".") else text + ".")
    return {where: "\n".join(texts) for where, texts in marks.items()}


def _column_of(grid, header: str, row_index: int) -> int | None:
    """The column whose header (in the rows above the problem's row) reads `header`, the
    nearest header row first: the header as the problem names it is the header as written."""
    wanted = _normal(header)
    top = max(0, row_index - HEADER_ROWS_SEARCHED)
    for index in range(min(row_index, len(grid.rows)) - 1, top - 1, -1):
        for column, value in enumerate(grid.rows[index]):
            if isinstance(value, str) and _normal(value) == wanted:
                return column
    return None


def _header_row(grid) -> int:
    """The first row with several filled cells: where a missing column is told."""
    for index, row in enumerate(grid.rows[:HEADER_ROWS_SEARCHED]):
        if sum(1 for value in row if value not in (None, "")) >= 3:
            return index
    return 0


def _normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", name).strip("'") or "Trang"
    candidate, number = base[:31], 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate
