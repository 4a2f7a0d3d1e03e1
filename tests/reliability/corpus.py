"""The bad-file corpus: broken, wrong-type, truncated and hostile spreadsheets, built by code.

Every builder takes the folder and returns the path it wrote. `CASES` lists them with what the
refusal message must say (a regular expression, searched in the command's stderr) and whether the
file is hostile (a claim of size or an XML trick, for which peak memory is checked too).
"""

from __future__ import annotations

import os
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from tests.reliability.conftest import AN, BINH, ROSTER_HEADER, roster_rows
from tests.sheets import write_xlsx

SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MB = 1024 * 1024


def _roster(path: Path, members: list[list]) -> Path:
    return write_xlsx(path, roster_rows(members))


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
    source.unlink()
    return target


def _with_sheet(folder: Path, name: str, sheet_xml: bytes) -> Path:
    return _rezip(
        _roster(folder / f"src-{name}", [AN]),
        folder / name,
        {"xl/worksheets/sheet1.xml": sheet_xml},
    )


def _sheet(rows: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><sheetData>{rows}</sheetData></worksheet>'.encode()  # noqa: E501


HEADER_CELL = '<c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'


# --------------------------------------------------------------------------- wrong type, broken


def wrong_type(folder: Path) -> Path:
    path = folder / "ds-van-ban.xlsx"
    path.write_text("Họ và tên;Ngày sinh\nNguyễn Văn An;05/03/1980\n", encoding="utf-8")
    return path


def xls_renamed_xlsx(folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("DS").write(0, 0, "Họ và tên")
    path = folder / "ds-cu.xlsx"
    book.save(str(path))
    return path


def pdf_as_xls(folder: Path) -> Path:
    path = folder / "bao-cao.xls"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def truncated_zip(folder: Path) -> Path:
    source = _roster(folder / "src-truncated.xlsx", [AN, BINH])
    data = source.read_bytes()
    source.unlink()
    path = folder / "ds-cat-do.xlsx"
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "rong.xlsx"
    path.write_bytes(b"")
    return path


def empty_workbook(folder: Path) -> Path:
    path = folder / "so-trang.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("DS")
    workbook.close()
    return path


def header_only(folder: Path) -> Path:
    return _roster(folder / "chi-tieu-de.xlsx", [])


def missing_column(folder: Path) -> Path:
    """No column that tells who a member is: no birth date, card or CCCD."""
    drop = {ROSTER_HEADER.index(h) for h in ("Ngày sinh", "Số thẻ đảng viên", "Số CCCD")}
    rows = roster_rows([AN, BINH])
    for number in range(4, len(rows)):
        rows[number] = [cell for i, cell in enumerate(rows[number]) if i not in drop]
    return write_xlsx(folder / "thieu-cot.xlsx", rows)


def impossible_date(folder: Path) -> Path:
    member = list(AN)
    member[1] = "31/02/1980"
    return _roster(folder / "ngay-sai.xlsx", [BINH, member])


def duplicate_cards(folder: Path) -> Path:
    twin = list(BINH)
    twin[3] = AN[3]  # Bình written with An's card number
    twin[4] = "003175012347"
    return _roster(folder / "trung-the.xlsx", [AN, twin])


# --------------------------------------------------------------------------- hostile


def zip_bomb(folder: Path, gigabytes: float = 1.1) -> Path:
    """A valid xlsx whose sheet XML inflates to more than `gigabytes` GB, written streaming."""
    source = _roster(folder / "src-bomb.xlsx", [AN])
    path = folder / "bom-nen.xlsx"
    row = b'<row r="2"><c r="B2" t="inlineStr"><is><t>Nguyen Van An</t></is></c></row>'
    block = row * (MB // len(row))
    head = f'<?xml version="1.0"?><worksheet {SHEET_NS}><sheetData><row r="1">{HEADER_CELL}</row>'
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, old.read(info.filename))
        with new.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            for _ in range(int(gigabytes * 1024)):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    source.unlink()
    return path


def lying_zip(folder: Path) -> Path:
    """A sheet of 64 MB whose directory entries claim 2 KB: only the CRC check catches it."""
    source = _roster(folder / "src-liar.xlsx", [AN])
    inflated = folder / "src-liar-big.xlsx"
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x{n % 97}</t></is></c></row>'
        for n in range(2, 200_000)
    )
    big = _sheet(f'<row r="1">{HEADER_CELL}</row>' + rows)
    big = big * max(1, 64 * MB // len(big))
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(inflated, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = big if info.filename == "xl/worksheets/sheet1.xml" else old.read(info.filename)
            new.writestr(info.filename, data)
    source.unlink()
    data = bytearray(inflated.read_bytes())
    inflated.unlink()
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),  # local headers
        (b"PK\x01\x02", 24, 28, 46),  # central directory
    ):
        position = data.find(signature)
        while position != -1:
            length = struct.unpack_from("<H", data, position + name_length_at)[0]
            name = bytes(data[position + name_at : position + name_at + length])
            if name == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", data, position + size_at, 2048)
            position = data.find(signature, position + 4)
    path = folder / "khai-gian.xlsx"
    path.write_bytes(bytes(data))
    return path


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + f']>\n<worksheet {SHEET_NS}><sheetData><row r="1">'
    '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def billion_laughs(folder: Path) -> Path:
    return _with_sheet(folder, "cuoi-ty-lan.xlsx", BILLION_LAUGHS.encode())


def external_entity(folder: Path) -> Path:
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
    )
    source = folder / "src-xxe.xlsx"
    workbook = xlsxwriter.Workbook(str(source))  # shared strings (the default)
    sheet = workbook.add_worksheet("DS")
    sheet.write_string(0, 0, "Họ và tên")
    workbook.close()
    return _rezip(source, folder / "thuc-the-ngoai.xlsx", {"xl/sharedStrings.xml": strings})


def external_dtd(folder: Path) -> Path:
    xml = _sheet(f'<row r="1">{HEADER_CELL}</row>').replace(
        b"?><worksheet", b'?><!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/x.dtd"><worksheet'
    )
    return _with_sheet(folder, "dtd-ngoai.xlsx", xml)


def junk_csv(folder: Path, megabytes: int = 16) -> Path:
    """Random bytes behind .csv (written in blocks: no big buffer in the test either)."""
    path = folder / "rac.csv"
    generator = random.Random(7)
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(generator.randbytes(MB))
    return path


def text_junk_csv(folder: Path, megabytes: int = 2) -> Path:
    """Printable junk: lines of random words, commas and quotes, no header anywhere. Its memory
    is that of its cells (a CSV is read whole, like any honest file), bounded by the size cap."""
    path = folder / "rac-chu.csv"
    generator = random.Random(11)
    words = ["abc", "xyz", '"q,w"', "123", "ĐƯỜNG", "??", "=1+1", "@x", ""]
    with path.open("w", encoding="utf-8") as handle:
        while handle.tell() < megabytes * MB:
            handle.write(",".join(generator.choice(words) for _ in range(12)) + "\n")
    return path


def million_empty_rows(folder: Path) -> Path:
    """A header, one member, then rows 7 … 1,048,576 all present and empty."""
    head = (
        f'<row r="1">{HEADER_CELL}</row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Nguyễn Văn An</t></is></c></row>'
    ).encode()
    body = b"".join(b'<row r="%d"/>' % n for n in range(3, 1_048_577))
    xml = _sheet("").replace(
        b"<sheetData></sheetData>", b"<sheetData>" + head + body + b"</sheetData>"
    )
    return _with_sheet(folder, "trieu-dong-trong.xlsx", xml)


def million_empty_styled_cells(folder: Path) -> Path:
    """As above, but every row holds an empty formatted cell (what 'format whole column' leaves)."""
    head = f'<row r="1">{HEADER_CELL}</row>'.encode()
    body = b"".join(b'<row r="%d"><c r="A%d" s="0"/></row>' % (n, n) for n in range(2, 1_048_577))
    xml = _sheet("").replace(
        b"<sheetData></sheetData>", b"<sheetData>" + head + body + b"</sheetData>"
    )
    return _with_sheet(folder, "trieu-o-dinh-dang.xlsx", xml)


def far_cell(folder: Path, name: str, template: str) -> Path:
    return _with_sheet(folder, name, _sheet(f'<row r="1">{HEADER_CELL}</row>' + template))


def far_cell_attribute_order(folder: Path) -> Path:
    return far_cell(
        folder,
        "o-xa-thu-tu.xlsx",
        '<row spans="1:26" r="1048576"><c t="inlineStr" r="Z1048576"><is><t>x</t></is></c></row>',
    )


def far_cell_single_quotes(folder: Path) -> Path:
    return far_cell(
        folder,
        "o-xa-nhay-don.xlsx",
        "<row r='1048576'><c r='Z1048576' t='inlineStr'><is><t>x</t></is></c></row>",
    )


def far_cell_prefixed(folder: Path) -> Path:
    xml = (
        '<?xml version="1.0"?><x:worksheet '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Họ và tên</x:t></x:is></x:c></x:row>'
        '<x:row r="1048576"><x:c r="Z1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    )
    return _with_sheet(folder, "o-xa-tien-to.xlsx", xml.encode())


def far_cell_without_reference(folder: Path) -> Path:
    """Cells without `r`: the reader places them one after another; 16,000 of them in a row
    that sits at row 900,000."""
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 16_000
    return far_cell(folder, "o-xa-khong-r.xlsx", f'<row r="900000">{cells}</row>')


def quoted_gt_attribute(folder: Path) -> Path:
    """A `>` inside an attribute value must not hide the reference that follows it."""
    return far_cell(
        folder,
        "o-xa-dau-lon.xlsx",
        '<row r="1048576"><c foo=">" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods(path: Path, rows: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="DS">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Họ và tên</text:p>'
        f"</table:table-cell></table:table-row>{rows}</table:table></office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_repeated_empty_rows(folder: Path) -> Path:
    """A million repeated empty rows of 1,024 empty cells, then one cell: a 1 KB file."""
    return _ods(
        folder / "lap-dong.ods",
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="1000"/>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>",
    )


def ods_repeated_content(folder: Path) -> Path:
    """One cell with text, repeated 1,000 times across and 100,000 times down."""
    return _ods(
        folder / "lap-o.ods",
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="string">'
        "<text:p>Nguyễn Văn An</text:p></table:table-cell></table:table-row>",
    )


def xls_far_cell(folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS")
    sheet.write(0, 0, "Họ và tên")
    sheet.write(65535, 255, "x")
    path = folder / "o-xa.xls"
    book.save(str(path))
    return path


def too_many_members(folder: Path) -> Path:
    source = _roster(folder / "src-many.xlsx", [AN])
    path = folder / "nhieu-thanh-phan.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        for number in range(6000):
            new.writestr(f"xl/media/x{number}.bin", b"")
    source.unlink()
    return path


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], Path]
    message: str  # regular expression the refusal message must match ({file} = the file name)
    hostile: bool = False


CASES: dict[str, Case] = {
    "wrong_type": Case(wrong_type, r'Tệp "[^"]*{file}": nội dung không đúng với đuôi \.xlsx'),
    "xls_renamed_xlsx": Case(xls_renamed_xlsx, r'{file}": nội dung .*Excel 97-2003'),
    "pdf_as_xls": Case(pdf_as_xls, r'{file}": nội dung không đúng .*PDF'),
    "truncated_zip": Case(truncated_zip, r'{file}": tệp bị hỏng hoặc không trọn vẹn'),
    "empty_file": Case(empty_file, r'{file}": tệp rỗng'),
    "empty_workbook": Case(empty_workbook, r'{file}": bảng tính không có ô nào có dữ liệu'),
    "header_only": Case(header_only, r'{file}": .*trang "DS": chỉ có dòng tiêu đề'),
    "missing_column": Case(
        missing_column,
        r'{file}", trang "DS", cột "Ngày sinh": thiếu cột bắt buộc để nhận ra đảng viên',
    ),
    "impossible_date": Case(
        impossible_date,
        r'{file}", trang "DS", dòng 7, cột "Ngày sinh": giá trị "31/02/1980" không phải ngày',
    ),
    "duplicate_cards": Case(
        duplicate_cards,
        r'{file}", trang "DS", dòng 7, cột "Số thẻ đảng viên": giá trị "01234567" '
        r"trùng với dòng 6",
    ),
    "zip_bomb": Case(zip_bomb, r'{file}": tệp nén khi giải nén sẽ chiếm \d+ MB', hostile=True),
    "lying_zip": Case(lying_zip, r'{file}": tệp bị hỏng hoặc không trọn vẹn', hostile=True),
    "billion_laughs": Case(
        billion_laughs,
        r'{file}": thành phần "xl/worksheets/sheet1.xml" khai báo DOCTYPE/ENTITY',
        hostile=True,
    ),
    "external_entity": Case(
        external_entity,
        r'{file}": thành phần "xl/sharedStrings.xml" khai báo DOCTYPE/ENTITY',
        hostile=True,
    ),
    "external_dtd": Case(external_dtd, r"{file}\": .*khai báo DOCTYPE/ENTITY", hostile=True),
    "junk_csv": Case(junk_csv, r'{file}": nội dung không phải văn bản', hostile=True),
    "text_junk_csv": Case(text_junk_csv, r'{file}": không có trang nào đọc được'),
    "million_empty_rows": Case(
        million_empty_rows,
        r'{file}": không có trang nào đọc được dữ liệu \(trang "DS"',
        hostile=True,
    ),
    "million_empty_styled_cells": Case(
        million_empty_styled_cells, r'{file}": .*trang "DS"', hostile=True
    ),
    "far_cell_attribute_order": Case(
        far_cell_attribute_order, r'{file}": trang "DS" có ô nằm tới dòng 1048576', hostile=True
    ),
    "far_cell_single_quotes": Case(
        far_cell_single_quotes, r'{file}": trang "DS" có ô nằm tới dòng 1048576', hostile=True
    ),
    "far_cell_prefixed": Case(
        far_cell_prefixed, r'{file}": trang "DS" có ô nằm tới dòng 1048576', hostile=True
    ),
    "far_cell_without_reference": Case(
        far_cell_without_reference, r'{file}": trang "DS" có ô nằm tới dòng 900000', hostile=True
    ),
    "quoted_gt_attribute": Case(
        quoted_gt_attribute, r'{file}": trang "DS" có ô nằm tới dòng 1048576', hostile=True
    ),
    "ods_repeated_empty_rows": Case(
        ods_repeated_empty_rows, r'{file}": trang "DS" có ô nằm tới dòng', hostile=True
    ),
    "ods_repeated_content": Case(
        ods_repeated_content, r'{file}": trang "DS" lặp lại ô có dữ liệu', hostile=True
    ),
    "xls_far_cell": Case(xls_far_cell, r'{file}": trang "DS" có ô nằm tới dòng 65536', True),
    "too_many_members": Case(too_many_members, r'{file}": tệp nén có \d+ thành phần', True),
}


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = CASES[name].build(folder)
    assert path.exists() and path.parent == folder
    return path


def file_size_mb(path: Path) -> float:
    return os.path.getsize(path) / MB
