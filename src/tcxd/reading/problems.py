"""Typed errors that refuse a whole file, and the per-cell `Problem` of a file that is read.

A `ReadingError` is raised before or while parsing when the file cannot be read at all (wrong
type, zip bomb, XML entities, empty, corrupt); it is a `tcxd.core.errors.BadFileError` (a Vietnamese
message, the bad-file exit code). A `Problem` is one bad value (or missing column) found while
reading: all problems of a file are collected (up to a limit) and the importer refuses the file if
there is any. A file refused as a whole (a `ReadingError`, a path not there, a conflict when
writing) is a `Problem` too, `Problem.of_file`, so that an import's outcome carries one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tcxd.core.errors import BadFileError


class ReadingError(BadFileError):
    """A file refused outright; `message` (also `str(error)`) is Vietnamese and names the file."""

    code = "unreadable"

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f'Tệp "{self.path}": {reason}')


class UnsupportedFormat(ReadingError):
    code = "unsupported_format"


class WrongFileType(ReadingError):
    """The content is not what the extension says (an .xls renamed .xlsx, HTML saved as .xls)."""

    code = "wrong_file_type"


class EmptyFile(ReadingError):
    """A file of 0 bytes, an archive without members, or a workbook with no cell filled in."""

    code = "empty_file"


class FileTooLarge(ReadingError):
    code = "file_too_large"


class ZipBomb(ReadingError):
    """An archive whose uncompressed size, compression ratio or member count is absurd."""

    code = "zip_bomb"


class XmlEntities(ReadingError):
    """An XML part that declares a DOCTYPE or entities (billion laughs, external entities)."""

    code = "xml_entities"


class CorruptFile(ReadingError):
    """A truncated or damaged file that the spreadsheet reader cannot parse."""

    code = "corrupt_file"


class SheetNotFound(ReadingError):
    """`--sheet NAME` names no sheet of the file."""

    code = "sheet_not_found"


DATA = "data"  # the code of a problem in the data: a cell, a row, a column of a sheet


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, as the clerk will find it in Excel.

    `row` is the Excel row number (1-based, counting title rows) or None for a problem of the whole
    sheet (a missing column) or file; `column` is the header text as written in the file;
    `expected` is the Vietnamese explanation, written to follow `giá trị "…"` when a value is given.

    `code` says what kind of problem it is: `DATA` for a problem in the data (the error workbook
    marks it), or, for a file refused as a whole (`of_whole_file`), why: the `code` of the
    `ReadingError` ("wrong_file_type", "zip_bomb"…), "not_found", "unreadable", "no_known_sheet",
    "conflict", "unwritable", "folder_unreadable", "more_problems" (the count of those not listed).
    Such a problem has no sheet, row, column or value, and its `expected` is the whole sentence
    (it names the file its own way: "Không tìm thấy tệp…", 'Tệp "…": nội dung không đúng…').
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    expected: str
    code: str = DATA

    @classmethod
    def of_file(cls, file: str | Path, sentence: str, code: str) -> Problem:
        """The file refused as a whole, for the reason `code`, as `sentence` says."""
        return cls(str(file), None, None, None, None, sentence, code)

    @classmethod
    def refusal(cls, error: ReadingError) -> Problem:
        """A file that reading refused outright (`error`), as a problem of the whole file."""
        return cls.of_file(error.path, error.message, error.code)

    @property
    def of_whole_file(self) -> bool:
        return self.code != DATA

    def message(self) -> str:
        """One Vietnamese line, e.g. 'Tệp "x.xlsx", trang "DS", dòng 12, cột "Ngày sinh": giá
        trị "31/02/1980" không phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980).'"""
        if self.of_whole_file:
            return self.expected
        where = [f'Tệp "{self.file}"']
        if self.sheet is not None:
            where.append(f'trang "{self.sheet}"')
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            where.append(f'cột "{self.column}"')
        what = self.expected
        if self.value is not None:
            what = f'giá trị "{self.value}" {what}'
        text = f"{', '.join(where)}: {what}"
        return text if text.endswith(".") else text + "."

    def __str__(self) -> str:
        return self.message()
