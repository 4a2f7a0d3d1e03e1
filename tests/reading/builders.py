"""Write test spreadsheets programmatically: the same grid as xlsx, xls, ods or csv.

A grid is a list of rows; a cell is a str, int, float, date/datetime, None (empty), or
`Merge(text, width, height)` for a merged cell (the covered cells must be None in the grid).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Merge:
    text: str
    width: int = 1
    height: int = 1


Sheets = dict[str, list[list[Any]]]


def write(path: Path, sheets: Sheets | list[list[Any]], **options: Any) -> Path:
    if isinstance(sheets, list):
        sheets = {"DS": sheets}
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        write_xlsx(path, sheets, **options)
    elif suffix == ".xls":
        write_xls(path, sheets)
    elif suffix == ".ods":
        write_ods(path, sheets)
    elif suffix in (".csv", ".tsv"):
        write_csv(path, next(iter(sheets.values())), **options)
    else:
        raise ValueError(suffix)
    return path


def write_xlsx(path: Path, sheets: Sheets, *, text_ids: bool = True) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Merge):
                    if value.width > 1 or value.height > 1:
                        sheet.merge_range(
                            r, c, r + value.height - 1, c + value.width - 1, value.text
                        )
                    else:
                        sheet.write_string(r, c, value.text)
                elif isinstance(value, (dt.date, dt.datetime)):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    book.close()


def write_xls(path: Path, sheets: Sheets) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Merge):
                    sheet.write_merge(r, r + value.height - 1, c, c + value.width - 1, value.text)
                elif isinstance(value, (dt.date, dt.datetime)):
                    if not isinstance(value, dt.datetime):
                        value = dt.datetime(value.year, value.month, value.day)
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))


def write_ods(path: Path, sheets: Sheets) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        covered: set[tuple[int, int]] = set()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, Merge):
                    for dr in range(value.height):
                        for dc in range(value.width):
                            if dr or dc:
                                covered.add((r + dr, c + dc))
        for r, row in enumerate(rows):
            element = TableRow()
            for c, value in enumerate(row):
                if (r, c) in covered:
                    element.addElement(CoveredTableCell())
                    continue
                if value is None:
                    cell = TableCell()
                elif isinstance(value, Merge):
                    cell = TableCell(
                        valuetype="string",
                        numbercolumnsspanned=value.width,
                        numberrowsspanned=value.height,
                    )
                    cell.addElement(P(text=value.text))
                elif isinstance(value, (dt.date, dt.datetime)):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.strftime("%d/%m/%Y")))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                element.addElement(cell)
            table.addElement(element)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def write_csv(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.text if isinstance(v, Merge) else _csv_text(v)) for v in row]
        )
    path.write_bytes(buffer.getvalue().encode(encoding))


def _csv_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


# ---------------------------------------------------------------- a typical messy roster

TITLE_ROWS = [
    [
        Merge("ĐẢNG BỘ XÃ PHÚ AN", 3),
        None,
        None,
        None,
        Merge("ĐẢNG CỘNG SẢN VIỆT NAM", 4),
        None,
        None,
        None,
    ],
    [Merge("CHI BỘ THÔN 3", 3), None, None, None, None, None, None, None],
    [],
    [Merge("DANH SÁCH ĐẢNG VIÊN", 8), None, None, None, None, None, None, None],
    [Merge("Tính đến ngày 30/9/2026", 8), None, None, None, None, None, None, None],
]


def roster_rows(members: list[list[Any]]) -> list[list[Any]]:
    """Title rows, a one-row header and member rows [name, birth, card, admitted, official]."""
    header = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Số thẻ đảng viên",
        "Ngày vào Đảng",
        "Ngày chính thức",
    ]
    rows: list[list[Any]] = [*TITLE_ROWS, header]
    for number, member in enumerate(members, start=1):
        rows.append([number, *member])
    return rows


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letters precomposed, tone marks combining."""
    import unicodedata

    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
            base = unicodedata.normalize(
                "NFC", "".join(mark for mark in decomposed if mark not in TONE_MARKS)
            )
            out += (base + tones).encode("cp1258")
    return bytes(out)
