"""Write a grid of cells (a `Sheet`) as .xlsx, .xls, .ods or .csv, deterministically.

A cell is a str, an int or float, a `DateCell` (a real date cell: a serial with a date format)
or None. Text is always written as text (never a formula), whatever it starts with.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from tcxd.sample.dates import EXCEL_OFFSET, to_date


@dataclass(frozen=True, slots=True)
class DateCell:
    days: int  # days since 1970-01-01

    def text(self) -> str:
        d = to_date(self.days)
        return f"{d.day:02d}/{d.month:02d}/{d.year}"


Cell = str | int | float | DateCell | None


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    bold_rows: set[int] = field(default_factory=set)
    header_rows: set[int] = field(default_factory=set)
    widths: list[int] = field(default_factory=list)


FIXED_TIME = datetime(2026, 1, 5, 8, 0, 0)
LARGE_SHEET = 3000  # rows above which xlsx sheets are written in constant_memory mode


def write(path: Path, sheets: list[Sheet], fmt: str) -> None:
    if fmt == "xlsx":
        write_xlsx(path, sheets)
    elif fmt == "xls":
        write_xls(path, sheets)
    elif fmt == "ods":
        write_ods(path, sheets)
    elif fmt.startswith("csv"):
        _, _, enc = fmt.partition(":")
        write_csv(path, sheets[0], enc or "utf-8-sig")
    else:
        raise ValueError(fmt)


# -------------------------------------------------------------------------------------------- xlsx


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    import xlsxwriter

    big = sum(len(sh.rows) for sh in sheets) > LARGE_SHEET
    # small sheets: in memory (no temporary files); large ones: constant_memory, rows streamed
    mode = {"constant_memory": True} if big else {"in_memory": True}
    wb = xlsxwriter.Workbook(
        str(path),
        {
            **mode,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": FIXED_TIME, "author": "", "title": ""})
    base = {"font_name": "Times New Roman", "font_size": 12}
    f_text = wb.add_format(base)
    f_bold = wb.add_format(
        {**base, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter"}
    )
    f_head = wb.add_format(
        {
            **base,
            "bold": True,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
        }
    )
    f_date = wb.add_format({**base, "num_format": "dd/mm/yyyy"})
    for sh in sheets:
        ws = wb.add_worksheet(sh.name[:31])
        for c, w in enumerate(sh.widths):
            ws.set_column(c, c, w)
        merge_at: dict[int, list[tuple[int, int, int, int]]] = {}
        for m in sh.merges:
            merge_at.setdefault(m[0], []).append(m)
        for r, row in enumerate(sh.rows):
            head = r in sh.header_rows
            bold = r in sh.bold_rows
            for m in merge_at.get(r, []):
                # register the merge without formatted blanks (constant_memory writes rows in order)
                ws.merge_range(m[0], m[1], m[2], m[3], row[m[1]] if m[1] < len(row) else None, None)
            for c, v in enumerate(row):
                fmt = f_head if head else f_bold if bold else f_text
                if v is None or v == "":
                    if head:
                        ws.write_blank(r, c, None, f_head)
                    continue
                if isinstance(v, DateCell):
                    ws.write_number(r, c, v.days + EXCEL_OFFSET, f_date)
                elif isinstance(v, bool):
                    ws.write_string(r, c, "x" if v else "", fmt)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v, fmt)
                else:
                    ws.write_string(r, c, v, fmt)
    wb.close()


# --------------------------------------------------------------------------------------------- xls


def write_xls(path: Path, sheets: list[Sheet]) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    st_text = xlwt.easyxf("font: name Times New Roman, height 240")
    st_bold = xlwt.easyxf(
        "font: name Times New Roman, height 240, bold on; align: wrap on, horiz center, vert center"
    )
    st_date = xlwt.easyxf("font: name Times New Roman, height 240", num_format_str="DD/MM/YYYY")
    for sh in sheets:
        ws = wb.add_sheet(sh.name[:31], cell_overwrite_ok=True)
        for c, w in enumerate(sh.widths):
            ws.col(c).width = int(w * 256)
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in sh.merges:
            v = sh.rows[r1][c1] if c1 < len(sh.rows[r1]) else None
            style = st_bold if (r1 in sh.header_rows or r1 in sh.bold_rows) else st_text
            ws.write_merge(r1, r2, c1, c2, "" if v is None else v, style)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    covered.add((r, c))
        for r, row in enumerate(sh.rows):
            style = st_bold if (r in sh.header_rows or r in sh.bold_rows) else st_text
            for c, v in enumerate(row):
                if v is None or v == "" or (r, c) in covered:
                    continue
                if isinstance(v, np.generic):
                    v = v.item()
                if isinstance(v, DateCell):
                    ws.write(r, c, float(v.days + EXCEL_OFFSET), st_date)
                elif isinstance(v, bool):
                    ws.write(r, c, "x" if v else "", style)
                else:
                    ws.write(r, c, v, style)
    wb.save(str(path))


# --------------------------------------------------------------------------------------------- ods


def write_ods(path: Path, sheets: list[Sheet]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for sh in sheets:
        table = Table(name=sh.name[:31])
        span: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in sh.merges:
            span[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        covered.add((r, c))
        width = max((len(r) for r in sh.rows), default=0)
        for r, row in enumerate(sh.rows):
            tr = TableRow()
            for c in range(width):
                v = row[c] if c < len(row) else None
                if isinstance(v, np.generic):
                    v = v.item()
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                kw = {}
                if (r, c) in span:
                    rs, cs = span[(r, c)]
                    kw = {"numberrowsspanned": str(rs), "numbercolumnsspanned": str(cs)}
                if v is None or v == "":
                    tr.addElement(TableCell(**kw))
                elif isinstance(v, DateCell):
                    cell = TableCell(valuetype="date", datevalue=to_date(v.days).isoformat(), **kw)
                    cell.addElement(P(text=v.text()))
                    tr.addElement(cell)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    cell = TableCell(valuetype="float", value=str(v), **kw)
                    cell.addElement(P(text=str(v)))
                    tr.addElement(cell)
                else:
                    text = ("x" if v else "") if isinstance(v, bool) else str(v)
                    cell = TableCell(valuetype="string", **kw)
                    cell.addElement(P(text=text))
                    tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and no volatile metadata (deterministic output)."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "meta.xml":
                body = re.sub(rb"<meta:creation-date>[^<]*</meta:creation-date>", b"", body)
                body = re.sub(rb"<dc:date>[^<]*</dc:date>", b"", body)
            if info.filename.endswith(".xml"):
                body = _sorted_namespaces(body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 5, 8, 0, 0))
            zi.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _sorted_namespaces(body: bytes) -> bytes:
    """odfpy declares the namespaces a process has seen so far, in that order: sort them and keep
    only those the part uses, so that the output does not depend on what was written before."""
    import re

    m = re.search(rb"<([A-Za-z:-]+)((?:\s+xmlns:[A-Za-z0-9-]+=\"[^\"]*\")+)", body)
    if not m:
        return body
    decls = re.findall(rb'xmlns:([A-Za-z0-9-]+)="([^"]*)"', m.group(2))
    rest = body[m.end() :]
    used = [
        (p, u)
        for p, u in sorted(set(decls))
        if re.search(rb"[<\s/]" + re.escape(p) + rb":", m.group(1) + b" " + rest)
        or p == m.group(1).split(b":")[0]
    ]
    new = b"<" + m.group(1) + b"".join(b" xmlns:" + p + b'="' + u + b'"' for p, u in used)
    return body[: m.start()] + new + rest


# --------------------------------------------------------------------------------------------- csv


def to_cp1258(text: str) -> str:
    """Windows-1258 form of Vietnamese text: base letters precomposed, tone marks combining
    where cp1258 has no precomposed letter (what Excel writes)."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(p for p in parts if p not in tones)
        tone = "".join(p for p in parts if p in tones)
        base = unicodedata.normalize("NFC", base)
        cand = base + tone
        try:
            cand.encode("cp1258")
            out.append(cand)
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def write_csv(path: Path, sheet: Sheet, encoding: str) -> None:
    delimiter = ";" if encoding in ("cp1258", "utf-8") else ","
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in sheet.rows:
        cells = []
        for v in row:
            if isinstance(v, np.generic):
                v = v.item()
            if v is None:
                cells.append("")
            elif isinstance(v, DateCell):
                cells.append(v.text())
            elif isinstance(v, bool):
                cells.append("x" if v else "")
            elif isinstance(v, float):
                cells.append(repr(v) if v != int(v) else str(int(v)))
            else:
                cells.append(str(v))
        w.writerow(cells)
    text = buf.getvalue()
    if encoding == "cp1258":
        path.write_bytes(to_cp1258(text).encode("cp1258"))
    elif encoding == "utf-16":
        path.write_bytes(text.encode("utf-16"))  # with BOM, little-endian
    else:
        path.write_bytes(text.encode(encoding))
