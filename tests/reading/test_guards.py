"""Files refused before parsing: wrong type, corrupt, empty, zip bombs, XML entities."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest
from builders import write

from tcxd.reading import guards, read_file
from tcxd.reading.problems import (
    CorruptFile,
    EmptyFile,
    ReadingError,
    UnsupportedFormat,
    WrongFileType,
    XmlEntities,
    ZipBomb,
)

GRID = [["Họ và tên", "Ngày sinh", "Ngày vào Đảng"], ["Nguyễn Văn An", "05/03/1980", "19/05/2005"]]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods", ".csv"])
def test_good_files_pass(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"ds{suffix}", GRID)
    assert (
        guards.check_file(path)
        == {".xlsx": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv"}[suffix]
    )


def test_text_behind_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_text("Họ và tên;Ngày sinh\nAn;1980\n", encoding="utf-8")
    with pytest.raises(WrongFileType) as error:
        read_file(path)
    assert str(error.value).startswith(f'Tệp "{path}": nội dung không đúng với đuôi .xlsx')


def test_xls_renamed_xlsx_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    xls = write(tmp_path / "ds.xls", GRID)
    renamed = tmp_path / "ds.xlsx"
    renamed.write_bytes(xls.read_bytes())
    with pytest.raises(WrongFileType, match=r"Excel 97-2003 \(\.xls\)"):
        read_file(renamed)


def test_html_saved_as_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>", "utf-8")
    with pytest.raises(WrongFileType, match="HTML"):
        read_file(path)


def test_workbook_behind_csv_is_refused(tmp_path: Path) -> None:
    xlsx = write(tmp_path / "a.xlsx", GRID)
    path = tmp_path / "a.csv"
    path.write_bytes(xlsx.read_bytes())
    with pytest.raises(WrongFileType):
        read_file(path)


def test_ods_behind_xlsx_is_refused(tmp_path: Path) -> None:
    ods = write(tmp_path / "a.ods", GRID)
    path = tmp_path / "a.xlsx"
    path.write_bytes(ods.read_bytes())
    with pytest.raises(WrongFileType, match="OpenDocument"):
        read_file(path)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormat, match=r"chỉ nhận \.xlsx"):
        read_file(path)


def test_truncated_zip_is_corrupt(tmp_path: Path) -> None:
    full = write(tmp_path / "full.xlsx", GRID).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(CorruptFile, match="bị hỏng hoặc không trọn vẹn"):
        read_file(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile, match=r"tệp rỗng \(0 byte\)"):
        read_file(path)


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "rong.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    with pytest.raises(EmptyFile):
        read_file(path)


def test_empty_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "rong.xlsx", {"Sheet1": [], "Sheet2": []})
    with pytest.raises(EmptyFile, match="không có ô nào có dữ liệu"):
        read_file(path)


def _rezip(
    source: Path, target: Path, replace: dict[str, bytes], extra: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    path = _rezip(source, tmp_path / "lol.xlsx", {"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    with pytest.raises(XmlEntities, match="DOCTYPE/ENTITY"):
        read_file(path)


def test_entity_declaration_in_utf16_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    xml = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    data = b"\xff\xfe" + xml.encode("utf-16-le")
    path = _rezip(source, tmp_path / "lol16.xlsx", {"xl/sharedStrings.xml": data})
    with pytest.raises(XmlEntities):
        read_file(path)


def test_entity_in_a_late_chunk_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "CHUNK", 64)  # the declaration straddles chunk boundaries
    source = write(tmp_path / "src.xlsx", GRID)
    padded = b'<?xml version="1.0"?>' + b" " * 1000 + b"<!ENTITY x 'y'>"
    path = _rezip(source, tmp_path / "late.xlsx", {"docProps/app.xml": padded})
    with pytest.raises(XmlEntities):
        guards.check_file(path)


def test_highly_compressible_member_is_a_zip_bomb(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        with new.open("xl/media/padding.xml", "w") as member:  # streaming: 64 MB of zeros
            block = b"\0" * (1024 * 1024)
            for _ in range(64):
                member.write(block)
    started = time.perf_counter()
    with pytest.raises(ZipBomb, match="tỷ lệ nén bất thường"):
        read_file(path)
    assert time.perf_counter() - started < 1.0  # refused from the directory, nothing expanded


def _patch_declared_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size of every central-directory entry (no data is added)."""
    out = bytearray(data)
    position = out.find(b"PK\x01\x02")
    while position != -1:
        struct.pack_into("<I", out, position + 24, size)
        position = out.find(b"PK\x01\x02", position + 4)
    return bytes(out)


def test_absurd_declared_size_is_a_zip_bomb(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    path = tmp_path / "claims.xlsx"
    path.write_bytes(_patch_declared_size(source.read_bytes(), 0xF0000000))
    with pytest.raises(ZipBomb, match="khi giải nén sẽ chiếm"):
        read_file(path)


def test_too_many_members_is_a_zip_bomb(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    extra = {f"xl/junk/{n}.bin": b"" for n in range(guards.MAX_MEMBERS + 1)}
    path = _rezip(source, tmp_path / "many.xlsx", {}, extra)
    with pytest.raises(ZipBomb, match="thành phần"):
        read_file(path)


def test_far_away_cell_is_refused_before_a_dense_grid_is_built(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    path = _rezip(
        source,
        tmp_path / "far.xlsx",
        {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", far)},
    )
    with pytest.raises(ZipBomb, match="vùng ô quá lớn"):
        read_file(path)


def test_member_larger_than_declared_is_corrupt(tmp_path: Path) -> None:
    source = write(tmp_path / "src.xlsx", GRID)
    data = bytearray(source.read_bytes())
    # shrink the declared size of the sheet in the central directory: CRC check fails on read
    buffer = io.BytesIO(bytes(data))
    with zipfile.ZipFile(buffer) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    target = infos["xl/worksheets/sheet1.xml"]
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        if name == target.filename:
            struct.pack_into("<I", data, position + 24, 10)
        position = data.find(b"PK\x01\x02", position + 4)
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadingError):
        read_file(path)


def test_every_error_carries_a_vietnamese_message(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ReadingError) as error:
        read_file(path)
    assert error.value.code == "empty_file"
    assert error.value.message == f'Tệp "{path}": tệp rỗng (0 byte)'


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("ds.docx", "đây là một văn bản Word, không phải bảng tính"),
        ("ds scan.pdf", "đây là một tệp PDF, không phải bảng tính"),
        ("ds.xyz", "không đọc được loại tệp này (chỉ nhận .xlsx"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_named_for_what_it_is(name: str, said: str) -> None:
    with pytest.raises(UnsupportedFormat) as refused:
        guards.file_format(Path(name))
    assert said in str(refused.value)


def _rows(first: int, last: int, columns: str | list[str]) -> bytes:
    return b"".join(
        b'<row r="%d">' % n
        + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c.encode(), n) for c in columns)
        + b"</row>"
        for n in range(first, last + 1)
    )


def test_an_early_bound_does_not_stick_to_a_later_part_of_the_sheet(tmp_path: Path) -> None:
    """A 4-column sheet: the first rows (few digits) are bounded cheaply; that bound must not
    claim 26 columns once the rows reach a million (issue 16, item 6)."""
    extent = guards._XlsxExtent("DS")
    extent.feed(tmp_path, _rows(1, 50, "ABCD"))
    extent.feed(tmp_path, _rows(1_048_570, 1_048_573, "ABCD"))
    extent.close(tmp_path)
    assert (extent.rows, extent.columns) == (1_048_573, 4)


def test_a_cheap_bound_still_sees_the_widest_column(tmp_path: Path) -> None:
    extent = guards._XlsxExtent("DS")
    extent.feed(tmp_path, _rows(1, 50, "ABCQ") + _rows(51, 52, ["A", "AK"]))
    extent.close(tmp_path)
    assert extent.columns == 37
    extent = guards._XlsxExtent("DS")
    extent.feed(tmp_path, _rows(1, 50, "AB") + _rows(51, 52, "AQ"))
    extent.close(tmp_path)
    assert extent.columns == 17


def test_a_large_cheap_bound_is_placed_exactly_before_refusing(tmp_path: Path) -> None:
    """Rows 10,000–10,010 bounded cheaply as < 100,000 rows, with 30 columns earlier: the bound
    claims 3 M cells; the exact placement (10,010 × 30) is what is judged."""
    extent = guards._XlsxExtent("DS")
    columns = [guards._column_letters(n) for n in range(1, 31)]
    extent.feed(tmp_path, _rows(1, 50, columns))
    extent.feed(tmp_path, _rows(10_000, 10_010, "ABCDEFGHIJKLMNOPQRST"))
    extent.close(tmp_path)
    assert extent.area > guards.MAX_SPARSE_AREA
    calls = []
    extent.check(tmp_path, cells=lambda: 1, exact=lambda: calls.append(1) or (10_010, 30))
    assert calls == [1] and extent.area == 300_300
    extent = guards._XlsxExtent("DS")
    extent.feed(tmp_path, _rows(1, 50, columns))
    extent.feed(tmp_path, _rows(10_000, 10_010, "ABCDEFGHIJKLMNOPQRST"))
    extent.close(tmp_path)
    with pytest.raises(ZipBomb, match="dòng 99999, cột AD"):
        extent.check(tmp_path, cells=lambda: 1, exact=lambda: (99_999, 30))
