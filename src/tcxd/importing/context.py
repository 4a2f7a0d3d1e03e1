"""The small context one file's writing shares between the parts of the import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Connection

from tcxd.importing.values import column_cells

if TYPE_CHECKING:
    from tcxd.db.units import OrgIndex
    from tcxd.importing.results import FileOutcome, ImportOptions
from tcxd.reading.problems import Problem

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


class FileRefused(Exception):
    """Problems found while writing a file: the caller rolls the file back."""

    def __init__(self, problems: list[str], issues: list[Problem] | None = None):
        super().__init__(problems[0] if problems else "")
        self.problems = problems
        self.issues = issues or []


class Deferred(Exception):
    """The file's unit is unknown for now; try again after the other files of the run."""


class FileContext:
    """What the parts writing one self share: the connection, the run's caches, the self and
    its reading, the options, the outcome being filled, and the problems found so far."""

    def __init__(self, conn, cache, path, digest, reading, options, outcome):
        self.conn: Connection = conn
        self.cache = cache  # the run's caches (run._IndexCache)
        self.index: OrgIndex = cache.get(conn)
        self.path: Path = path
        self.digest = digest
        self.reading = reading
        self.options: ImportOptions = options
        self.outcome: FileOutcome = outcome
        self.problems: list[str] = []
        self.issues: list[Problem] = []  # the same, as fields (for the error workbook)
        self.touched_members: set[int] = set()
        # the run rebuilds the touched members' spells before the transaction commits
        # (`importing.transactions`), not `write_file`
        self.spells_later = False
        self.batch_id: int | None = None
        self.renamed: list[tuple] = []
        self.cells_of: dict[tuple[int, str], list] = {}  # (frame, column) → its cells
        self.frames: list[pd.DataFrame] = []  # frames made here, alive while their ids are keys
        self.last_try = True  # False: a unit not known yet defers the file (`Deferred`)
        self.created: list[int] = []  # organisations made by --create-units
        self.names_tried: list[str] = []  # the unit names the file's unit was looked for by
        self.org_rows: dict[int, int] = {}  # organisation → the row of this file that gave it

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

    def cells(self, rows: pd.DataFrame, column: str) -> list:
        """`values.column_cells` of a sheet's column, once per file: new and known members, the
        duplicate check and the evaluations read the same columns."""
        held = self.cells_of.get((id(rows), column))
        if held is None:
            held = self.cells_of[(id(rows), column)] = column_cells(rows, column)
        return held

    def column_label(self, table, field_name: str) -> str:
        labels = table.column_headers or {}
        return labels.get(field_name, field_name)
