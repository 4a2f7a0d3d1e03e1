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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tcxd.reading.failures import reading_refusal
from tcxd.reading.problems import EmptyFile
from tcxd.reading.text_bytes import BOMS as _BOMS
from tcxd.reading.text_bytes import wide_encoding

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


def read_grids(path: Path, fmt: str, nrows: int | None = None) -> list[Grid]:
    """Every sheet's grid (a text file's one grid is read whole; `read_workbook_grids`)."""
    if fmt in ("csv", "tsv"):
        return [read_text_grid(path, fmt)]
    return read_workbook_grids(path, nrows)


def read_workbook_grids(path: Path, nrows: int | None = None) -> list[Grid]:
    """Every sheet's grid; its first `nrows` rows only when given (reading.sniff: the header
    area; calamine still parses the whole sheet, but makes Python cells of those rows only)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except _INTERRUPTS:
        raise
    except BaseException as error:  # see _INTERRUPTS
        raise reading_refusal(path, error) from None
    grids = []
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
                merged = list(sheet.merged_cell_ranges or [])
            except _INTERRUPTS:
                raise
            except BaseException as error:
                raise reading_refusal(path, error, sheet=name) from None
            grids.append(Grid(sheet=name, rows=rows, merged=merged))
    finally:
        workbook.close()
    return grids


# Calamine raises its own error types, sometimes ValueError, and a Rust panic as pyo3's
# PanicException, which derives from BaseException: all are the file's fault, except these.
_INTERRUPTS = (KeyboardInterrupt, SystemExit, GeneratorExit)


# ---------------------------------------------------------------- CSV / TSV


def read_text_grid(path: Path, fmt: str) -> Grid:
    """The text is decoded line by line as the CSV reader asks for it (never held whole as a
    string, nor copied into a StringIO's 4-byte-per-character buffer): memory stays near the
    file's bytes plus the cells that hold something."""
    data = path.read_bytes()
    encoding = text_encoding(data)
    with io.TextIOWrapper(io.BytesIO(data), encoding, errors="replace", newline="") as stream:
        sample = stream.read(64 * 1024)
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(_nfc(sample))
        stream.seek(0)
        rows = _text_rows(path, map(_nfc, stream), delimiter)
    if not any(cell.strip() for row in rows for cell in row):
        raise EmptyFile(path, "tệp không có dữ liệu")
    return Grid(sheet=path.stem, rows=rows, encoding=encoding, delimiter=delimiter)


# Every row of empty cells is this one (never changed: nothing writes into a cell past a row's
# end), so that blank lines cost a pointer each, and only those followed by a row with data.
_BLANK_ROW: list[Cell] = []
_CHECK_EVERY = 65_536  # rows between two checks of the area against the cells present


def _text_rows(path: Path, lines: Iterable[str], delimiter: str) -> list[list[Cell]]:
    """The rows of a CSV/TSV text, trailing empty cells and blank lines at the end dropped,
    refused (as a workbook sheet would be, `guards.check_extent`) when its rows × widest row is
    vast and mostly empty: memory follows the cells the file holds, not the separators."""
    from tcxd.reading.guards import check_extent

    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[list[Cell]] = []
    blank = width = cells = 0
    try:
        for row in reader:
            if not any(row):
                blank += 1
                continue
            while not row[-1]:
                row.pop()
            cells += len(row) - row.count("")
            if blank or len(row) > width or len(rows) % _CHECK_EVERY == 0:
                width = max(width, len(row))
                check_extent(path, path.stem, len(rows) + blank + 1, width, cells)
                rows.extend([_BLANK_ROW] * blank)
                blank = 0
            rows.append(row)
    except csv.Error as error:
        raise reading_refusal(path, error, line=_line_after(rows) + blank) from None
    return rows


def _line_after(rows: list[list[Cell]]) -> int:
    """The line where the record after `rows` starts (a quoted cell may span lines)."""
    return 1 + sum(1 + sum(cell.count("\n") for cell in row) for row in rows)


def decode(data: bytes) -> tuple[str, str]:
    """Bytes of a text file → (NFC text, encoding name used)."""
    encoding = text_encoding(data)
    return _nfc(data.decode(encoding, errors="replace")), encoding


def text_encoding(data: bytes) -> str:
    """The encoding of a text file: its BOM; UTF-32/16 told by its NUL bytes; strict UTF-8;
    strict Windows-1258; what charset-normalizer proposes; else Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    wide = wide_encoding(data[:4096])
    if wide is not None:
        return wide
    for encoding in ("utf-8", "cp1258"):
        if _decodes(data, encoding):
            return encoding
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 256 * 1024]).best()
        if best is not None and best.encoding:
            codecs.lookup(best.encoding)
            return best.encoding
    except (LookupError, ImportError):
        pass
    return "latin-1"


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether `data` is valid in `encoding`, decoded a megabyte at a time (no whole copy)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), 1024**2):
            decoder.decode(data[start : start + 1024**2])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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
