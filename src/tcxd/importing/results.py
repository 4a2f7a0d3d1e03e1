"""What an import run is asked (options) and what it gives back (outcomes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tcxd.reading.problems import Problem

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
