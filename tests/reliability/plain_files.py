"""Files that make a library raise while tcxd reads them (issue 16, item 7), and text files in
the encodings a clerk's software may write: built by code for the CLI tests."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path

from tests.reliability.conftest import AN, BINH, roster_rows
from tests.sheets import write_xlsx

SHEET_PART = "xl/worksheets/sheet1.xml"


def roster_text(members: list[list] | None = None) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        roster_rows(members or [AN], as_of="31/12/2025")
    )
    return out.getvalue()


def text_roster(path: Path, encoding: str, bom: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + roster_text().encode(encoding))
    return path


def bad_character_reference(path: Path) -> Path:
    """An inline string holding `&#0;`, a character XML forbids: the XML parser refuses it."""
    source = write_xlsx(path.with_name("src-" + path.name), roster_rows([AN]))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == SHEET_PART:
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="20"><c r="A20" t="inlineStr">'
                    b"<is><t>x&#0;y</t></is></c></row></sheetData>",
                )
            new.writestr(info.filename, data)
    source.unlink()
    return path


def bad_crc(path: Path) -> Path:
    """A roster stored without compression, one byte of its sheet changed afterwards: sizes are
    right, the CRC is not."""
    source = write_xlsx(path.with_name("src-" + path.name), roster_rows([AN, BINH]))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
    source.unlink()
    data = bytearray(path.read_bytes())
    start = data.index(b"<sheetData>")
    at = data.index(b"<v>", start) + 3
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    return path


def unclosed_quote_csv(path: Path, rows: int = 3000) -> Path:
    """A member row whose note opens a quote that is never closed: the rest of the file (more
    than the CSV module's field limit of 131,072 characters) becomes one cell."""
    text = roster_text([AN]).rstrip("\r\n")
    lines = text.split("\r\n")
    lines.append('2;"Trần Thị Bình;12/07/1975;Nữ;00234568')
    lines += [f"{n};Người thứ {n};01/01/1980;Nam;{n:08d}" for n in range(3, rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def random_after_bom(path: Path, megabytes: float = 2, bom: bytes = b"\xff\xfe") -> Path:
    generator = random.Random(16)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + generator.randbytes(int(megabytes * 1024 * 1024)))
    return path


def empty_cells_csv(path: Path, megabytes: float, width: int = 1000) -> Path:
    """Lines of `width` empty cells (`;;;…`), `megabytes` of them."""
    line = b";" * (width - 1) + b"\r\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(roster_text().encode())
        for _ in range(int(megabytes * 1024 * 1024) // len(line)):
            handle.write(line)
    return path
