"""Crafted workbooks whose sheet lives in a part the guard might not look at: a worksheet part
renamed (`.bin`, `.XML`, `.png`, another folder), reached only through the workbook's own
relationships, with one cell far away. Built with zipfile from a small honest roster."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.reliability.conftest import AN, roster_rows
from tests.sheets import write_xlsx

SHEET_PART = "xl/worksheets/sheet1.xml"
HEADER_CELL = '<c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'


def far_sheet(reference: str) -> bytes:
    row = re.sub(r"[A-Z]+", "", reference)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{HEADER_CELL}</row>'
        f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def renamed_sheet_part(path: Path, target: str, sheet_xml: bytes | None = None) -> Path:
    """A roster whose worksheet is stored as `target` (a relationship target, relative to xl/
    or absolute with a leading /), the relationship and the content types pointing there;
    `sheet_xml` replaces the roster's own sheet."""
    source = write_xlsx(path.with_name("src-" + path.name), roster_rows([AN]))
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == SHEET_PART:
                new.writestr(part, data if sheet_xml is None else sheet_xml)
                continue
            data = data.replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
            data = data.replace(b'PartName="/' + SHEET_PART.encode(), f'PartName="/{part}'.encode())
            new.writestr(info.filename, data)
    source.unlink()
    return path


def tall_narrow_sheet(path: Path, rows: int) -> Path:
    """A roster of `rows` rows (header included) and 4 columns, written straight into the sheet
    part (xlsxwriter would take minutes for a million rows)."""
    header = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>'
        for c, t in zip(
            "ABCD", ["Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Ngày vào Đảng"], strict=True
        )
    )

    def body():
        yield (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'<row r="1">{header}</row>'
        ).encode()
        for n in range(2, rows + 1):
            yield (
                b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Nguy\xe1\xbb\x85n V\xc4\x83n %d'
                b'</t></is></c><c r="B%d"><v>29285</v></c><c r="C%d" t="inlineStr"><is><t>'
                b'%08d</t></is></c><c r="D%d"><v>38384</v></c></row>'
            ) % (n, n, n, n, n, n, n)
        yield b"</sheetData></worksheet>"

    source = write_xlsx(path.with_name("src-" + path.name), roster_rows([AN]))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename == SHEET_PART:
                with new.open(SHEET_PART, "w", force_zip64=True) as stream:
                    for block in body():
                        stream.write(block)
            else:
                new.writestr(info.filename, old.read(info.filename))
    source.unlink()
    return path
