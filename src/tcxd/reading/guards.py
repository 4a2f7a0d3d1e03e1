"""Checks made before a spreadsheet is parsed, so that a hostile file costs bounded memory and time.

- the content matches the extension (xlsx/xlsm/ods are zip archives with the right parts; xls is an
  OLE2 compound file `D0 CF 11 E0 A1 B1 1A E1`; csv/tsv are text);
- zip archives: member count, total uncompressed size and per-member compression ratio read from
  the central directory (nothing expanded), then every XML member streamed in bounded chunks and
  refused if it holds `<!DOCTYPE` or `<!ENTITY` (billion laughs, external entities); the stream
  also checks each member's CRC, so a member whose real size differs from the declared one is
  caught before the spreadsheet reader sees it;
- a worksheet whose cells reach far beyond its data (one cell at XFD1048576) would make the reader
  allocate a dense grid: the used area (last row × last column) is bounded;
- empty files.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tcxd.reading.problems import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    UnsupportedFormat,
    WrongFileType,
    XmlEntities,
    ZipBomb,
)

FORMATS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "tsv",
}

MAX_FILE_BYTES = 512 * 1024**2
MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED_BYTES = 512 * 1024**2
MAX_RATIO = 200  # per member larger than RATIO_FLOOR; real sheet XML compresses 5–50×
RATIO_FLOOR = 1024**2
MAX_CELLS = 10_000_000  # last row × last column of one sheet (the reader builds a dense grid)
CHUNK = 1024**2

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

_BINARY_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".emf",
    ".wmf",
    ".tif",
    ".tiff",
    ".bin",
)
# `<!DOCTYPE` / `<!ENTITY` in any case, in UTF-8 and in UTF-16 (either byte order).
_DECLARATION = re.compile(
    rb"<!(?i:doctype|entity)"
    rb"|<\x00!\x00[DdEe]\x00"
    rb"|\x00<\x00!\x00[DdEe]"
)
_OVERLAP = 16


def file_format(path: Path) -> str:
    """The reading format of a path from its extension, or UnsupportedFormat."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFormat(
            path, "không đọc được loại tệp này (chỉ nhận .xlsx, .xlsm, .xls, .ods, .csv, .tsv)"
        )
    return fmt


def check_file(path: Path) -> str:
    """Refuse a file that is not safe or not what its extension says; return its format."""
    fmt = file_format(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise CorruptFile(path, f"không mở được tệp ({error.strerror or error})") from None
    if size == 0:
        raise EmptyFile(path, "tệp rỗng (0 byte)")
    if size > MAX_FILE_BYTES:
        raise FileTooLarge(
            path, f"tệp quá lớn ({size // 1024**2} MB; tối đa {MAX_FILE_BYTES // 1024**2} MB)"
        )
    actual = _sniff(head)
    if fmt in ("xlsx", "ods"):
        if actual == "zip-empty":
            raise EmptyFile(path, "tệp nén không có nội dung nào")
        if actual != "zip":
            raise WrongFileType(path, _wrong_type(path, actual))
        check_zip(path, fmt)
    elif fmt == "xls":
        if actual != "ole2":
            raise WrongFileType(path, _wrong_type(path, actual))
    elif actual in ("zip", "zip-empty", "ole2"):
        raise WrongFileType(path, _wrong_type(path, actual))
    return fmt


def _sniff(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(EMPTY_ZIP_MAGIC):
        return "zip-empty"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doc", b"<?xml", b"<table", b"<meta")):
        return "html"
    if head.startswith(b"%PDF"):
        return "pdf"
    return "text"


_KNOWN = {
    "zip": "một tệp nén zip (không phải bảng tính của loại này)",
    "zip-empty": "một tệp nén zip rỗng",
    "ole2": "một tệp Excel 97-2003 (.xls), hoặc tệp Excel đã đặt mật khẩu",
    "html": "một trang HTML/XML (thường do phần mềm xuất ra rồi đặt đuôi .xls)",
    "pdf": "một tệp PDF",
    "text": "văn bản thường hoặc dữ liệu không rõ loại",
}


def _wrong_type(path: Path, actual: str) -> str:
    return (
        f"nội dung không đúng với đuôi {path.suffix} (thực chất là {_KNOWN[actual]}); "
        "hãy mở tệp bằng Excel và lưu lại đúng định dạng"
    )


def check_zip(path: Path, fmt: str) -> None:
    """Zip bomb limits from the central directory, required parts, then a bounded XML scan."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CorruptFile(
            path, f"tệp bị hỏng hoặc không trọn vẹn (không đọc được tệp nén: {error})"
        ) from None
    with archive:
        infos = archive.infolist()
        if not infos:
            raise EmptyFile(path, "tệp nén không có nội dung nào")
        if len(infos) > MAX_MEMBERS:
            raise ZipBomb(
                path,
                f"tệp nén có {len(infos)} thành phần (tối đa {MAX_MEMBERS}); từ chối để an toàn",
            )
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ZipBomb(
                path,
                f"tệp nén khi giải nén sẽ chiếm {total // 1024**2} MB "
                f"(tối đa {MAX_UNCOMPRESSED_BYTES // 1024**2} MB); từ chối để an toàn",
            )
        for info in infos:
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise ZipBomb(
                    path,
                    f'thành phần "{info.filename}" có tỷ lệ nén bất thường '
                    f"({info.file_size // max(info.compress_size, 1)}:1); từ chối để an toàn",
                )
        names = {info.filename for info in infos}
        if fmt == "xlsx" and "xl/workbook.xml" not in names:
            what = (
                "bảng tính OpenDocument (.ods)"
                if "mimetype" in names
                else "tài liệu không phải Excel"
            )
            if "xl/workbook.bin" in names:
                what = "bảng tính Excel nhị phân (.xlsb)"
            raise WrongFileType(
                path, f"nội dung không đúng với đuôi {path.suffix} (thực chất là {what})"
            )
        if fmt == "ods":
            try:
                mime = archive.read("mimetype")[:100] if "mimetype" in names else b""
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                raise CorruptFile(path, f"tệp bị hỏng hoặc không trọn vẹn ({error})") from None
            if not mime.startswith(ODS_MIME):
                raise WrongFileType(
                    path,
                    f"nội dung không đúng với đuôi {path.suffix} "
                    "(không phải bảng tính OpenDocument)",
                )
        for info in infos:
            if info.is_dir() or info.filename.lower().endswith(_BINARY_SUFFIXES):
                continue
            _scan_member(path, archive, info)


def _scan_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream one member in bounded chunks: no entity declarations, honest size, bounded grid."""
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    max_row = 0
    max_col = 1
    tail = b""
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                window = tail + chunk
                if (b"<!" in window or b"<\x00!" in window) and _DECLARATION.search(window):
                    raise XmlEntities(
                        path,
                        f'thành phần "{info.filename}" khai báo DOCTYPE/ENTITY trong XML '
                        "(có thể là tệp độc hại); từ chối để an toàn",
                    )
                if is_sheet:
                    max_row = max(max_row, _max_row(window))
                    max_col = max(max_col, _column_bound(window))
                tail = window[-_OVERLAP:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise CorruptFile(path, f"tệp bị hỏng hoặc không trọn vẹn ({error})") from None
    except RuntimeError as error:  # encrypted member
        raise CorruptFile(path, f"tệp được đặt mật khẩu hoặc mã hóa ({error})") from None
    if is_sheet and max_row * max_col > MAX_CELLS:
        raise ZipBomb(
            path,
            f'trang "{info.filename}" trải trên vùng ô quá lớn '
            f"(tới dòng {max_row}, cột {max_col}); từ chối để an toàn",
        )


_ROW_REF = re.compile(rb'<row r="(\d{1,8})"')
_FAR_COLUMN = re.compile(rb'<c r="((?:[D-Z][A-Z])|(?:[A-Z]{3,}))\d')


def _max_row(window: bytes) -> int:
    """Largest row number named in the window (rows need not be sorted in a hostile file)."""
    numbers = _ROW_REF.findall(window)
    return max(map(int, numbers)) if numbers else 0


def _column_bound(window: bytes) -> int:
    """An upper bound of the columns used, exact only when columns beyond CZ appear (rare)."""
    far = _FAR_COLUMN.findall(window)
    if far:
        return max(_column_number(letters) for letters in set(far))
    for first, bound in ((b"C", 104), (b"B", 78), (b"A", 52)):
        if b'<c r="' + first in window and re.search(rb'<c r="' + first + rb"[A-Z]\d", window):
            return bound
    return 26


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + (byte - 64)
    return number
