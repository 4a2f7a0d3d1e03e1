"""What reading a file gives the importer (docs/design.md, "reading → importing")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from tcxd.reading.problems import Problem

MAX_PROBLEMS = 50


@dataclass
class SheetTable:
    """One recognised sheet: canonical columns (aliases.yaml `columns`) + `source_row` + `extra`.

    Dtypes: text, codes and IDs are `object` (str or None); dates are `object` (datetime.date or
    None); numbers are float64 (NaN when empty); marks (`youth_union`, `exempt`, `exemplary`,
    `birth_year_only`) are bool; rule conditions given as yes/no are pandas "boolean" (NA when the
    file leaves them empty); `extra` holds a dict of the unknown columns' texts, or None.
    """

    sheet: str
    kind: str
    rows: pd.DataFrame
    unit_names: list[str] = field(default_factory=list)
    folder_names: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    year: int | None = None
    quarter: int | None = None
    period: str | None = None  # q1…q4, h1, 9m, year (from the title or file name)
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    column_headers: dict[str, str] = field(default_factory=dict)  # field → header as written
    header_row: int = 0  # Excel row number of the (first) header row
    # How each column was understood: (header as written, field label or "", how, in Vietnamese)
    understood: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class FileReading:
    path: str
    sha256: str
    format: str
    sheets: list[SheetTable] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, Vietnamese reason)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # problems found beyond the first MAX_PROBLEMS
    warnings: list[str] = field(default_factory=list)
    unit: str | None = None  # the --unit given, passed through

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages(self) -> list[str]:
        lines = [problem.message() for problem in self.problems]
        if self.more_problems:
            lines.append(f'Tệp "{self.path}": còn {self.more_problems} lỗi khác chưa liệt kê.')
        return lines


class Collector:
    """Problems of one file, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(problem)
        else:
            self.more += 1

    def __len__(self) -> int:
        return len(self.problems) + self.more
