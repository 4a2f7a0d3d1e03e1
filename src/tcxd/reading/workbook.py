"""File → raw grid per sheet: a list of rows of cell values, row 0 being Excel row 1.

Workbooks (.xlsx/.xlsm/.xls/.ods) are read with python-calamine, from A1 (`skip_empty_area=False`),
so that a grid index + 1 is the row number the clerk sees. Calamine gives `datetime.date` for date
cells, `datetime.datetime` for date-time cells, `float` for numbers in xlsx/ods (`int` for some in
xls), `bool`, and `""` for an empty cell. Merged cells hold their value in the top-left cell only;
the merged ranges are kept (xlsx, xls; calamine gives none for ods).

CSV/TSV files are text: every cell is a `str` (IDs keep their leading zeros). The encoding is found
in this order: a BOM (UTF-8, UTF-16 LE/BE); strict UTF-8; strict Windows-1258 (the Vietnamese code
page, which writes tone marks as combining characters, hence the NFC normalisation); else what
charset-normalizer proposes; else Latin-1. The delimiter is the one of `;` `,` tab that splits the
first lines into the most rows of one same width (TSV files: tab).
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tcxd.reading.problems import CorruptFile, EmptyFile

Cell = Any
Merge = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Grid:
    """One sheet as read: `rows[i][j]` is the cell of Excel row i+1, column j+1."""

    sheet: str
    rows: list[list[Cell]]
    merged: list[Merge] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def read_grids(path: Path, fmt: str) -> list[Grid]:
    if fmt in ("csv", "tsv"):
        return [read_text_grid(path, fmt)]
    return read_workbook_grids(path)


def read_workbook_grids(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types and sometimes ValueError
        raise CorruptFile(path, _calamine_reason(error)) from None
    grids = []
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = list(sheet.merged_cell_ranges or [])
            except Exception as error:
                raise CorruptFile(path, f'trang "{name}": {_calamine_reason(error)}') from None
            grids.append(Grid(sheet=name, rows=rows, merged=merged))
    finally:
        workbook.close()
    return grids


def _calamine_reason(error: Exception) -> str:
    name = type(error).__name__
    if name == "PasswordError":
        return "tệp được đặt mật khẩu; hãy bỏ mật khẩu rồi gửi lại"
    return f"tệp bị hỏng hoặc không trọn vẹn, không đọc được ({name}: {str(error)[:200]})"


# ---------------------------------------------------------------- CSV / TSV


def read_text_grid(path: Path, fmt: str) -> Grid:
    data = path.read_bytes()
    text, encoding = decode(data)
    if not text.strip():
        raise EmptyFile(path, "tệp không có dữ liệu")
    delimiter = "\t" if fmt == "tsv" else sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise CorruptFile(path, f"tệp CSV không đọc được ({error})") from None
    return Grid(sheet=path.stem, rows=rows, encoding=encoding, delimiter=delimiter)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> tuple[str, str]:
    """Bytes of a text file → (NFC text, encoding name used)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _nfc(data.decode(encoding, errors="replace")), encoding
    for encoding in ("utf-8", "cp1258"):
        try:
            return _nfc(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 256 * 1024]).best()
        if best is not None and best.encoding:
            return _nfc(data.decode(best.encoding, errors="replace")), best.encoding
    except (LookupError, ImportError):
        pass
    return _nfc(data.decode("latin-1")), "latin-1"


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def sniff_delimiter(text: str) -> str:
    """`;`, `,` or tab: the one giving most sample rows of one same width (> 1 column)."""
    lines = [line for line in text[: 64 * 1024].splitlines()[:60] if line.strip()]
    sample = "\n".join(lines)
    best, best_score = ",", (0, 0)
    for delimiter in (";", "\t", ","):
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter)]
        except csv.Error:
            continue
        counts = Counter(width for width in widths if width > 1)
        if not counts:
            continue
        width, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
