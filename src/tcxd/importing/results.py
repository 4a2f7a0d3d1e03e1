"""What an import run is asked (options) and what it gives back (outcomes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tcxd.core.filestatus import FileStatus
from tcxd.reading.problems import Problem


@dataclass
class FileOutcome:
    path: str
    status: FileStatus = FileStatus.IMPORTED
    kinds: list[str] = field(default_factory=list)
    unit: str | None = None
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    # why the file was refused: problems in its data, or one of the whole file (`Problem.code`)
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    # how the columns were understood, per sheet: (sheet, [(header, field label, how)])
    columns: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)  # by --create-units
    left_out_rows: list[str] = field(default_factory=list)  # by --skip-bad-rows

    def __setattr__(self, name: str, value) -> None:
        # A status given as its code is the enum member: a misspelt status fails here.
        super().__setattr__(name, FileStatus(value) if name == "status" else value)

    @property
    def refused(self) -> bool:
        return self.status == FileStatus.REFUSED


def reading_problems(reading) -> list[Problem]:
    """The problems reading found in a file (`reading.FileReading`), then, when there were more
    than it lists, one problem of the whole file that counts them."""
    more = reading.messages()[len(reading.problems) :]
    return [*reading.problems, *(Problem.of_file(reading.path, m, "more_problems") for m in more)]


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
