"""The foreign corpus's own file writers (xlsx, xls, ods, csv, a Word file) and legacy encoders.

Written for this corpus alone: nothing here comes from `tcxd.sample` or
`tcxd.core.encodings`, so that the corpus says what other software writes, not what tcxd expects.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path


@dataclass
class Sheet:
    """One sheet: rows of cells (str, int, float, date or None), merged ranges, a font."""

    name: str
    rows: list[list]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    font: str | None = None


def write(path: Path, sheets: list[Sheet], *, encoding="utf-8", delimiter=",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _xlsx(path, sheets)
    elif suffix == ".xls":
        _xls(path, sheets)
    elif suffix == ".ods":
        _ods(path, sheets)
    elif suffix in (".csv", ".tsv", ".txt"):
        _csv(path, sheets[0], encoding, delimiter)
    elif suffix == ".docx":
        _docx(path, sheets[0])
    elif suffix == ".pdf":
        _pdf(path, sheets[0])
    else:
        raise ValueError(suffix)
    return path


def _xlsx(path: Path, sheets: list[Sheet]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        base = {"font_name": sheet.font} if sheet.font else {}
        text = book.add_format({**base, "text_wrap": True})
        day = book.add_format({**base, "num_format": "dd/mm/yyyy"})
        merged = {(r1, c1) for r1, c1, _, _ in sheet.merges}
        for r1, c1, r2, c2 in sheet.merges:
            value = sheet.rows[r1][c1] if c1 < len(sheet.rows[r1]) else ""
            ws.merge_range(r1, c1, r2, c2, "", text)
            _xlsx_cell(ws, r1, c1, value, text, day)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if (r, c) not in merged:
                    _xlsx_cell(ws, r, c, value, text, day)
    book.close()


def _xlsx_cell(ws, r, c, value, text, day) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        ws.write_string(r, c, value, text)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
    else:
        ws.write_number(r, c, value)


def _xls(path: Path, sheets: list[Sheet]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for sheet in sheets:
        ws = book.add_sheet(sheet.name, cell_overwrite_ok=True)
        font = f"font: name {sheet.font};" if sheet.font else ""
        text = xlwt.easyxf(font + "align: wrap on;")
        day = xlwt.easyxf(font, num_format_str="dd/mm/yyyy")
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                ws.write(r, c, value, day if isinstance(value, date) else text)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge(r1, r2, c1, c2)
    book.save(str(path))


def _ods(path: Path, sheets: list[Sheet]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for sheet in sheets:
        table = Table(name=sheet.name)
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in sheet.merges}
        for r, row in enumerate(sheet.rows):
            tr = TableRow()
            for c, value in enumerate(row):
                attrs = {}
                if (r, c) in spans:
                    rows, cols = spans[(r, c)]
                    attrs = {"numberrowsspanned": rows, "numbercolumnsspanned": cols}
                if value is None or value == "":
                    cell = TableCell(**attrs)
                elif isinstance(value, str):
                    cell = TableCell(valuetype="string", **attrs)
                    for line in value.split("\n"):
                        cell.addElement(P(text=line))
                elif isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat(), **attrs)
                    cell.addElement(P(text=value.strftime("%d/%m/%Y")))
                else:
                    cell = TableCell(valuetype="float", value=value, **attrs)
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _csv(path: Path, sheet: Sheet, encoding: str, delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in sheet.rows:
        writer.writerow(
            ["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row]
        )
    text = buffer.getvalue()
    if encoding == "cp1258":
        data = to_cp1258(text)
    elif encoding == "utf-16":
        data = text.encode("utf-16")  # with its byte order mark, as Excel writes it
    else:
        data = text.encode(encoding)
    path.write_bytes(data)


def _docx(path: Path, sheet: Sheet) -> None:
    """A minimal Word document holding the sheet's rows as paragraphs."""
    body = "".join(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>".format(" | ".join(str(v or "") for v in row))
        for row in sheet.rows
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", document)


def _pdf(path: Path, sheet: Sheet) -> None:
    """A one-page PDF whose text is the sheet's first cells (ASCII only, as scanners name them)."""
    text = " ".join(str(row[0]) for row in sheet.rows if row).encode("ascii", "replace")
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(body)


# --- Legacy encodings, written from the published code charts -----------------------------------

_TONES = {"\u0301": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}  # sắc huyền hỏi ngã nặng


def _split(letter: str) -> tuple[str, int | None]:
    """A letter as (letter without its tone, tone index or None): 'ấ' -> ('â', 0)."""
    parts = unicodedata.normalize("NFD", letter)
    tones = [_TONES[m] for m in parts if m in _TONES]
    base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
    return base, (tones[0] if tones else None)


def to_cp1258(text: str) -> bytes:
    """Windows-1258: precomposed â ê ô ơ ư ă đ, tones as combining marks after the letter."""
    out = []
    for letter in unicodedata.normalize("NFC", text):
        base, tone = _split(letter)
        out.append(base + ("" if tone is None else list(_TONES)[tone]))
    return "".join(out).encode("cp1258")


# VNI-Windows: ASCII base letter + modifier byte; ơ ư đ and the i/y tones are single bytes.
_VNI_TONE = "ùøûõï"
_VNI_CIRC = {None: "â", 0: "á", 1: "à", 2: "å", 3: "ã", 4: "ä"}
_VNI_BREVE = {None: "ê", 0: "é", 1: "è", 2: "ú", 3: "ü", 4: "ë"}
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "Ơ": "Ô", "Ư": "Ö", "Đ": "Ñ"}
_VNI_I = {0: "í", 1: "ì", 2: "æ", 3: "ó", 4: "ò"}


def to_vni(text: str) -> str:
    """Text as VNI-Windows bytes read in Windows-1252 (what a cell typed in VNI-Times holds)."""
    out = []
    for letter in unicodedata.normalize("NFC", text):
        base, tone = _split(letter)
        plain = unicodedata.normalize("NFD", base)[0]
        upper = plain.isupper()
        mod = ""
        if base.lower() in ("â", "ê", "ô"):
            mod = _VNI_CIRC[tone]
            tone = None
        elif base.lower() == "ă":
            mod = _VNI_BREVE[tone]
            tone = None
        elif base in _VNI_SINGLE:
            plain = _VNI_SINGLE[base]
        elif base in ("i", "I") and tone is not None:
            plain, tone = _VNI_I[tone].upper() if upper else _VNI_I[tone], None
        elif base == "y" and tone == 4:
            plain, tone = "î", None
        if tone is not None:
            mod += _VNI_TONE[tone]
        out.append(plain + (mod.upper() if upper else mod))
    return "".join(out)


# TCVN3 (VN3): one byte per letter; toned capitals are typed with the lower-case codes.
_TCVN3_BASE = {
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
}  # fmt: skip
_TCVN3_TONED = {  # letter: codes for huyền, hỏi, ngã, sắc, nặng
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE), "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}  # fmt: skip
_TCVN3_ORDER = {1: 0, 2: 1, 3: 2, 0: 3, 4: 4}  # our tone index -> position in the tuples above


def to_tcvn3(text: str) -> str:
    """Text as TCVN3 bytes read in Windows-1252 (what a cell typed in .VnTime holds)."""
    out = []
    for letter in unicodedata.normalize("NFC", text):
        base, tone = _split(letter)
        if tone is not None:
            code = _TCVN3_TONED[base.lower()][_TCVN3_ORDER[tone]]
            out.append(bytes([code]).decode("cp1252"))
        elif base in _TCVN3_BASE:
            out.append(bytes([_TCVN3_BASE[base]]).decode("cp1252"))
        else:
            out.append(base)
    return "".join(out)
