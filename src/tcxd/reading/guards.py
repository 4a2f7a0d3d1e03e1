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
- xls (OLE2 compound file): the BIFF records of each sheet are walked (no cell is decoded) for
  the same bounded-area check, since a single cell record at row 65535 can make the reader build a
  grid of millions of cells;
- csv/tsv: size bounded (the text is read whole), and a file whose start is binary (NUL or
  control bytes, as in random junk) is refused before it is decoded;
- empty files.
"""

from __future__ import annotations

import codecs
import html
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tcxd.reading.failures import SEND_AGAIN, library_reason, reading_refusal
from tcxd.reading.problems import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    UnsupportedFormat,
    WrongFileType,
    XmlEntities,
    ZipBomb,
)
from tcxd.reading.text_bytes import wide_encoding

FORMATS = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "tsv",
}

MAX_FILE_BYTES = 512 * 1024**2
# A CSV is read whole into memory (~20 bytes of RAM per byte of small cells): 50 MB is some
# 150,000 members, far more than one unit's list.
MAX_TEXT_BYTES = 50 * 1024**2
TEXT_SAMPLE = 64 * 1024
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


# What a file that is not a spreadsheet is, said to the clerk who will ask the unit again.
NOT_SPREADSHEETS = {
    (".doc", ".docx", ".odt", ".rtf"): "một văn bản Word",
    (".pdf",): "một tệp PDF",
    (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".heic"): "một ảnh",
    (".zip", ".rar", ".7z"): "một tệp nén",
    (".txt",): "một tệp văn bản thường",
}


def file_format(path: Path) -> str:
    """The reading format of a path from its extension, or UnsupportedFormat."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        accepted = "chỉ nhận .xlsx, .xlsm, .xls, .ods, .csv, .tsv"
        what = next((w for ends, w in NOT_SPREADSHEETS.items() if path.suffix.lower() in ends), "")
        raise UnsupportedFormat(
            path,
            f"đây là {what}, không phải bảng tính ({accepted}); đề nghị đơn vị gửi lại bảng tính"
            if what
            else f"không đọc được loại tệp này ({accepted})",
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
        raise CorruptFile(path, f"không mở được tệp ({library_reason(error)})") from None
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
        check_xls(path, size)
    elif actual in ("zip", "zip-empty", "ole2"):
        raise WrongFileType(path, _wrong_type(path, actual))
    else:
        check_text(path, size)
    return fmt


@dataclass(frozen=True)
class Passed:
    """A file that passed `check_file`: its format, and the file as it was then (device, inode,
    size, modification and change times; None when it changed during the check)."""

    fmt: str
    stamp: tuple[int, ...] | None


def check_file_once(path: Path, passed: Passed | None = None) -> Passed:
    """`check_file`, unless `passed` says that this very file passed it and has not changed
    since: the importer sniffs a file, then reads it in full, maybe in another process, and the
    checks cost a third of the sniff. Any write to the file moves its change time, which no
    program can set back, so an unchanged stamp is an unchanged file."""
    if passed is not None and passed.stamp is not None and _stamp(path) == passed.stamp:
        return passed
    before = _stamp(path)  # (before the checks: a change while they run is seen)
    fmt = check_file(path)
    after = _stamp(path)
    return Passed(fmt, before if before is not None and before == after else None)


def _stamp(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


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
        if isinstance(error, OSError) and not isinstance(error, zipfile.BadZipFile):
            raise reading_refusal(path, error) from None
        raise CorruptFile(
            path,
            "tệp bị hỏng hoặc không trọn vẹn (không đọc được phần nén của tệp, thường do tệp "
            f"chép hoặc tải về chưa xong); {SEND_AGAIN}",
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
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as error:
                raise reading_refusal(path, error, part="mimetype") from None
            if not mime.startswith(ODS_MIME):
                raise WrongFileType(
                    path,
                    f"nội dung không đúng với đuôi {path.suffix} "
                    "(không phải bảng tính OpenDocument)",
                )
        whole: dict[str, bytes] = {}  # the parts read whole (and CRC-checked) for their references
        sheet_parts = _xlsx_sheet_parts(archive, names, whole) if fmt == "xlsx" else {}
        for info in infos:
            sheet = sheet_parts.get(info.filename)
            if info.is_dir() or (
                sheet is None and info.filename.lower().endswith(_BINARY_SUFFIXES)
            ):
                continue
            data = whole.get(info.filename) if sheet is None else None
            if data is not None and len(data) == info.file_size:
                _check_declarations(path, info, data)  # already read: not read again
                continue
            _scan_member(path, archive, info, sheet)


def _check_declarations(path: Path, info: zipfile.ZipInfo, data: bytes) -> None:
    if (b"<!" in data or b"<\x00!" in data) and _DECLARATION.search(data):
        raise XmlEntities(
            path,
            f'thành phần "{info.filename}" khai báo DOCTYPE/ENTITY trong XML '
            "(có thể là tệp độc hại); từ chối để an toàn",
        )


def _scan_member(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None
) -> None:
    """Stream one member in bounded chunks: no entity declarations, honest size, bounded grid
    (`sheet`: the name of the worksheet this part holds, if it holds one)."""
    extent: _XlsxExtent | _OdsExtent | None = None
    if sheet is not None:
        extent = _XlsxExtent(sheet)
    elif info.filename == "content.xml":
        extent = _OdsExtent()
    tail = b""
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                window = tail + chunk
                _check_declarations(path, info, window)
                tail = window[-_OVERLAP:]
                if extent is not None:
                    extent.feed(path, chunk)
            if extent is not None:
                extent.close(path)
        if isinstance(extent, _XlsxExtent):
            extent.check(
                path,
                cells=lambda: _count_values(path, archive, info),
                exact=lambda: _exact_extent(path, archive, info, extent.sheet),
            )
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        RuntimeError,  # an encrypted member
        zlib.error,
    ) as error:
        raise reading_refusal(path, error, part=info.filename) from None


def _exact_extent(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str
) -> tuple[int, int]:
    extent = _XlsxExtent(sheet, exact=True)
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            extent.feed(path, chunk)
    extent.close(path)
    return extent.rows, extent.columns


def _count_values(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    counter = _ValueCount()
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            counter.feed(path, chunk)
    counter.close(path)
    return counter.cells


# --------------------------------------------------------------------------- grid extents
#
# The spreadsheet reader builds a dense grid from A1 to the last cell of a sheet, so a sheet's cost
# is (last row × last column), whatever the file holds. A hostile file claims a vast area cheaply:
# one cell at XFD1048576 (xlsx), a row repeated a million times (ods), a cell record at row 65535,
# column 65535 (xls). The scans below find the area each sheet would take, the way the reader will
# place its cells, and how many cells really hold something; `_check_extent` refuses a sheet whose
# area is absurd, or large and mostly empty.

MAX_SPARSE_AREA = 2_000_000  # a mostly empty area up to this is fine (~70 MB of grid)
SPARSE_RATIO = 20  # above it, the area may be at most this many times the cells with data
MAX_EXPANSION = 1_000_000  # ods: cells with data made by repeat counts, beyond those written
MAX_TAG = 4 * 1024**2  # one XML tag longer than this is not a spreadsheet

_NAME = rb"[A-Za-z_][\w.\-]*"
# An attribute, quoted (XML) or not (a lenient reader might accept it): a quoted ">" stays inside.
_ATTR = rb"""\s+[^\s=<>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?"""
_XLSX_TAG = re.compile(
    rb"<(/?)(?:" + _NAME + rb":)?(row|c)(?=[\s/>])((?:" + _ATTR + rb")*)\s*(/?)>"
)
_XLSX_CELL = re.compile(rb"<(?:" + _NAME + rb":)?c(?=[\s/>])")
# `<c` not followed by a space (a cell without attributes, or with odd spacing); elements whose
# name merely starts with c (col, cfRule, color, customSheetView…) are let through.
_XLSX_ODD_CELL = re.compile(rb"<c(?![ eofu])")
_XLSX_SIMPLE_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_XLSX_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"')
_XLSX_WIDE_REF = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_XLSX_LONGER_ROW = [re.compile(rb'<c r="[A-Z]{1,3}[0-9]{%d}' % (n + 1)) for n in range(8)]
_XLSX_PREFIXED_VALUE = re.compile(rb"<" + _NAME + rb":(?:v|is)>")
_XLSX_VALUE = re.compile(rb"<(?:" + _NAME + rb":)?(?:v|is)>")
_XLSX_CELL_REF = re.compile(
    rb"<(?:" + _NAME + rb":)?c(?:(?!\s+r\s*=)" + _ATTR + rb")*"
    rb"""\s+r\s*=\s*["']?\$?([A-Za-z]{0,3})\$?([0-9]{0,7})"""
)
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']?\$?([A-Za-z]{0,3})\$?([0-9]{0,7})""")
_ODS_TAG = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])((?:"
    + _ATTR
    + rb")*)\s*(/?)>"
)
_ODS_ROWS = re.compile(rb"""\stable:number-rows-repeated\s*=\s*["'](\d{1,18})["']""")
_ODS_COLUMNS = re.compile(rb"""\stable:number-columns-repeated\s*=\s*["'](\d{1,18})["']""")
_ODS_NAME = re.compile(rb"""\stable:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def check_extent(path: Path, sheet: str, rows: int, columns: int, cells: int) -> None:
    area = rows * columns
    if area <= MAX_SPARSE_AREA:
        return
    if area > MAX_CELLS or area > SPARSE_RATIO * max(cells, 1):
        raise ZipBomb(
            path,
            f'trang "{sheet}" có ô nằm tới dòng {rows}, cột {_column_letters(columns)} '
            f"trong khi chỉ có {cells} ô có dữ liệu (vùng ô quá lớn, bảng tính sẽ chiếm "
            "bộ nhớ bất thường); từ chối để an toàn. Hãy xóa các dòng, cột thừa ở cuối trang "
            "rồi lưu lại",
        )


class _TagStream:
    """Feeds the complete tags of a streamed XML part to `_window` (a tag cut by the chunk
    boundary waits for the next chunk; one longer than MAX_TAG is refused)."""

    def __init__(self) -> None:
        self.carry = b""

    def feed(self, path: Path, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut == -1:
            self.carry = b""
            self._window(data)
            return
        self._window(data[:cut])
        self.carry = data[cut:]
        if len(self.carry) > MAX_TAG:
            match = self._tag().match(self.carry)
            if match is None and b">" not in self.carry:
                raise CorruptFile(path, "tệp chứa một thẻ XML dài bất thường; từ chối để an toàn")
            self._window(self.carry)  # a complete tag followed by long text without "<"
            self.carry = b""

    def close(self, path: Path) -> None:
        self._window(self.carry)
        self.carry = b""

    def _tag(self) -> re.Pattern[bytes]:
        raise NotImplementedError

    def _window(self, data: bytes) -> None:
        raise NotImplementedError


class _XlsxExtent(_TagStream):
    """Where the reader puts the cells of a worksheet: at the cell's `r` reference, else next to
    the previous cell of the row (a row's `r`, else the row after the previous one)."""

    def __init__(self, sheet: str, exact: bool = False) -> None:
        super().__init__()
        self.sheet = sheet
        self.exact = exact  # no cheap bound: every window placed exactly
        self.row_bound = 0  # rows claimed by the cheap bound (≥ the true rows of its windows)
        self.row = 0  # 1-based number of the current row (an upper bound after a fast window)
        self.column = 0
        self.rows = 0
        self.columns = 0
        self.area = 0

    def _tag(self) -> re.Pattern[bytes]:
        return _XLSX_TAG

    def _window(self, data: bytes) -> None:
        if b"<" not in data:
            return
        simple = data.count(b'<c r="')
        if (
            not self.exact
            and simple == data.count(b"<c ")
            and not _XLSX_ODD_CELL.search(data)
            and b":c" not in data  # a namespace prefix (x:c)
        ):
            # Every cell starts `<c r="A1"` (what Excel, LibreOffice and xlsxwriter write). A cheap
            # bound first: rows below 10^k when no cell row has more digits than the largest row
            # tag (k digits); columns exactly, from the few cells past Z or the last letter used.
            # The row bound is kept apart from the rows placed exactly, so that it never
            # combines with a wider or longer part of the sheet into an area the sheet lacks.
            if not simple:
                return
            tops = _XLSX_ROW_REF.findall(data)
            digits = len(max(tops, key=len)) if tops else 0
            if digits and not _XLSX_LONGER_ROW[digits].search(data):
                wide = set(_XLSX_WIDE_REF.findall(data))
                columns = max(map(_column_number, wide)) if wide else _last_letter(data)
                rows = 10**digits - 1
                if rows * columns <= MAX_SPARSE_AREA:
                    self.row_bound = max(self.row_bound, rows)
                    self.row = max(self.row, rows)  # an upper bound for a cell without a place
                    self.columns = max(self.columns, columns)
                    self.column = max(self.column, columns)
                    return
            references = _XLSX_SIMPLE_REF.findall(data)
            if len(references) == simple:
                self._place(references)
                return
        every = len(_XLSX_CELL.findall(data))
        references = _XLSX_CELL_REF.findall(data)
        if len(references) == every and all(c and r for c, r in references):
            if references:
                self._place(references)
            return
        for closing, name, attributes, _ in _XLSX_TAG.findall(data):
            if closing:
                continue
            reference = _R_ATTR.search(attributes)
            letters, number = reference.groups() if reference else (b"", b"")
            if name == b"row":
                self.row = int(number) if number else self.row + 1
                self.column = 0
                continue
            self.column = _column_number(letters.upper()) if letters else self.column + 1
            row = int(number) if number else self.row
            self.rows = max(self.rows, row)
            self.columns = max(self.columns, self.column)

    def _place(self, references: list[tuple[bytes, bytes]]) -> None:
        """Cells that all name their place: no state needed, only the largest row and column."""
        rows = max(map(int, {r for _, r in references}))
        columns = max(_column_number(c.upper()) for c in {c for c, _ in references})
        self._bound(rows, columns)

    def _bound(self, rows: int, columns: int) -> None:
        self.rows = max(self.rows, rows)
        self.columns = max(self.columns, columns)
        self.row = max(self.row, rows)  # an upper bound for a later cell without a place
        self.column = max(self.column, columns)

    def close(self, path: Path) -> None:
        super().close(path)
        self.area = max(self.rows, self.row_bound) * self.columns

    def check(
        self,
        path: Path,
        cells: Callable[[], int],
        exact: Callable[[], tuple[int, int]],
    ) -> None:
        """Refuse an absurd area; `cells()` counts the cells with data and `exact()` places
        every cell without the cheap bound (second passes over the part, made only for a large
        area, the latter only when the cheap bound made it large)."""
        if self.area <= MAX_SPARSE_AREA:
            return
        if self.row_bound > self.rows:
            self.rows, self.columns = exact()
            self.row_bound = 0
            self.area = self.rows * self.columns
            if self.area <= MAX_SPARSE_AREA:
                return
        check_extent(path, self.sheet, self.rows, self.columns, cells())


class _ValueCount(_TagStream):
    """Cells of a worksheet that hold something: a value <v> or an inline string <is>."""

    def __init__(self) -> None:
        super().__init__()
        self.cells = 0

    def _tag(self) -> re.Pattern[bytes]:
        return _XLSX_VALUE

    def _window(self, data: bytes) -> None:
        self.cells += data.count(b"<v>") + data.count(b"<is>")
        if b":v>" in data or b":is>" in data:
            self.cells += len(_XLSX_PREFIXED_VALUE.findall(data))


class _OdsExtent(_TagStream):
    """Rows and cells of each table of an OpenDocument content.xml, with their repeat counts.

    A repeated empty row or cell takes no room unless something comes after it; a repeated cell
    with content is as many cells with data, which must stay few (MAX_EXPANSION)."""

    def __init__(self) -> None:
        super().__init__()
        self.sheet = "?"
        self._reset()
        self.path: Path | None = None

    def _reset(self) -> None:
        self.row = 0
        self.rows = 0
        self.columns = 0
        self.cells = 0
        self.expanded = 0
        self.row_repeat = 1
        self.column = 0
        self.row_end = 0
        self.row_cells = 0
        self.row_written = 0

    def _tag(self) -> re.Pattern[bytes]:
        return _ODS_TAG

    def feed(self, path: Path, chunk: bytes) -> None:
        self.path = path
        super().feed(path, chunk)

    def _window(self, data: bytes) -> None:
        if b"<" not in data:
            return
        for closing, name, attributes, self_closing in _ODS_TAG.findall(data):
            if name == b"table":
                if closing:
                    self._finish_table()
                else:
                    found = _ODS_NAME.search(attributes)
                    raw = (found.group(1) or found.group(2)) if found else b"?"
                    self.sheet = html.unescape(raw.decode("utf-8", "replace"))
                    self._reset()
                continue
            if name == b"table-row":
                if closing:
                    self._finish_row()
                    continue
                found = _ODS_ROWS.search(attributes)
                self.row_repeat = int(found.group(1)) if found else 1
                self.column = self.row_end = self.row_cells = self.row_written = 0
                if self_closing:
                    self.row += self.row_repeat
                continue
            if closing:
                continue
            found = _ODS_COLUMNS.search(attributes)
            repeat = int(found.group(1)) if found else 1
            if not self_closing or b"value-type" in attributes:
                self.row_end = self.column + repeat
                self.row_cells += repeat
                self.row_written += 1
            self.column += repeat

    def _finish_row(self) -> None:
        if self.row_end:
            self.rows = self.row + self.row_repeat
            self.columns = max(self.columns, self.row_end)
            self.cells += self.row_written
            self.expanded += self.row_repeat * self.row_cells - self.row_written
        self.row += self.row_repeat
        self.row_repeat = 1

    def _finish_table(self) -> None:
        assert self.path is not None
        if self.expanded > MAX_EXPANSION:
            raise ZipBomb(
                self.path,
                f'trang "{self.sheet}" lặp lại ô có dữ liệu thành {self.expanded} ô '
                "(bảng tính sẽ chiếm bộ nhớ bất thường); từ chối để an toàn",
            )
        check_extent(self.path, self.sheet, self.rows, self.columns, self.cells + self.expanded)
        self._reset()


_WORKSHEET_TYPES = ("worksheet", "chartsheet", "dialogsheet", "macrosheet")


def _xlsx_sheet_parts(
    archive: zipfile.ZipFile, names: set[str], whole: dict[str, bytes] | None = None
) -> dict[str, str]:
    """Every part that the reader may read as a worksheet → the sheet name for messages.

    The reader finds a sheet through the workbook's own relationships, whatever the part is called
    (`sheet1.bin`, `.XML`, `xl/media/x.png`, an absolute target), so every target of
    `xl/_rels/workbook.xml.rels` is a sheet part here, whatever its type, as is every part that
    `[Content_Types].xml` declares a worksheet (by name or by extension) and every part under
    `xl/worksheets/`. A target is resolved both relative to `xl/` and from the root, in any case
    of letters, so that no reading of it escapes the scan; a part that is not a sheet costs a
    cheap scan with nothing to find."""
    by_lower = {name.lower(): name for name in names}
    parts: dict[str, str] = {}

    def add(target: str, sheet: str) -> None:
        target = target.replace("\\", "/")
        for candidate in (target.lstrip("/"), "xl/" + target.lstrip("/"), "xl/" + target):
            found = by_lower.get(posixpath.normpath(candidate).lower())
            if found is not None and found not in parts:
                parts[found] = sheet

    workbook = _read_part(archive, names, "xl/workbook.xml", whole)
    relations = _read_part(archive, names, "xl/_rels/workbook.xml.rels", whole)
    targets = {}
    for attributes in re.findall(rb"<(?:" + _NAME + rb":)?Relationship\b([^>]*)>", relations):
        found = dict(_attributes(attributes))
        if "Target" in found:
            targets[found.get("Id", "")] = found["Target"]
    for attributes in re.findall(rb"<(?:" + _NAME + rb":)?sheet\b([^>]*)>", workbook):
        pairs = _attributes(attributes)
        sheet = next((v for k, v in pairs if k == "name"), None)
        relation = next((v for k, v in pairs if k.endswith(":id")), None)
        if sheet and relation in targets:
            add(targets[relation], sheet)
    for target in targets.values():
        add(target, target)
    for name in names:
        if name.lower().startswith("xl/worksheets/") and not name.endswith("/"):
            parts.setdefault(name, name)
    types = _read_part(archive, names, "[Content_Types].xml", whole)
    sheet_extensions = set()
    for attributes in re.findall(rb"<(?:" + _NAME + rb":)?(?:Override|Default)\b([^>]*)>", types):
        found = dict(_attributes(attributes))
        kind = found.get("ContentType", "").lower()
        if not any(f"{word}+xml" in kind or kind.endswith(word) for word in _WORKSHEET_TYPES):
            continue
        if "PartName" in found:
            add(found["PartName"], found["PartName"])
        elif "Extension" in found:
            sheet_extensions.add("." + found["Extension"].lower())
    for name in names:
        if not name.endswith("/") and posixpath.splitext(name)[1].lower() in sheet_extensions:
            parts.setdefault(name, name)
    return parts


def _read_part(
    archive: zipfile.ZipFile, names: set[str], name: str, whole: dict[str, bytes] | None = None
) -> bytes:
    """A small part read for its references (best effort: a broken one is reported by the scan
    of every member). A part read to its end (its CRC checked by the zip reader) is kept in
    `whole`, so that the scan of every member does not read it again."""
    if name not in names:
        return b""
    try:
        data = _read_small(archive, name)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return b""
    if whole is not None and len(data) == archive.getinfo(name).file_size:
        whole[name] = data
    return data


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 8 * 1024**2) -> bytes:
    with archive.open(name) as stream:
        return stream.read(limit)


def _attributes(data: bytes) -> list[tuple[str, str]]:
    pairs = re.findall(rb"""([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", data)
    return [
        (k.decode("utf-8", "replace"), html.unescape((a or b).decode("utf-8", "replace")))
        for k, a, b in pairs
    ]


def _last_letter(data: bytes) -> int:
    """The largest one-letter column that a `<c r="X…` cell of `data` uses (1 = A), or 0.

    Each search looks for a letter past the largest found so far, from where that one was found
    (nothing before it was larger): one pass over the window in all."""
    largest, position = 0, 0
    while largest < 26:
        found = _LETTER_PAST[largest].search(data, position)
        if found is None:
            break
        largest, position = found.group(1)[0] - 64, found.start()
    return largest


_LETTER_PAST = [re.compile(rb'<c r="([%c-Z])' % (65 + n)) for n in range(26)]


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + (byte - 64)
    return number


# --------------------------------------------------------------------------- text files


def check_text(path: Path, size: int) -> None:
    """A CSV/TSV: not larger than can be read whole, and text rather than binary junk."""
    if size > MAX_TEXT_BYTES:
        raise FileTooLarge(
            path,
            f"tệp văn bản quá lớn ({size // 1024**2} MB; tối đa {MAX_TEXT_BYTES // 1024**2} MB "
            "cho tệp .csv/.tsv); hãy chia nhỏ tệp hoặc lưu thành .xlsx",
        )
    with path.open("rb") as handle:
        sample = handle.read(TEXT_SAMPLE)
    if _looks_binary(sample):
        raise WrongFileType(
            path,
            f"nội dung không phải văn bản (dữ liệu nhị phân) dù tệp có đuôi {path.suffix}; "
            "hãy mở tệp bằng Excel và lưu lại đúng định dạng",
        )


def _looks_binary(sample: bytes) -> bool:
    """NUL or many control characters. A UTF-16/UTF-32 text (with a BOM or without, as
    `wide_encoding` tells) is judged on its characters, once decoded strictly: random bytes
    behind a BOM are not valid UTF-16/32 for long."""
    encoding = wide_encoding(sample)
    if encoding is None:
        controls = sum(sample.count(bytes([byte])) for byte in _CONTROL_BYTES)
        return b"\x00" in sample or controls > max(8, len(sample) // 200)
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return True
    controls = sum(text.count(chr(byte)) for byte in _CONTROL_BYTES)
    return "\x00" in text or controls > max(8, len(text) // 200)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


# --------------------------------------------------------------------------- xls (BIFF in OLE2)

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
# Cell records that the reader places on the grid (BIFF2–8); the first two fields are row, column.
_BIFF_CELLS = {0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD,
               0x00D6, 0x0206, 0x0406}  # fmt: skip
_BIFF_MULRK = 0x00BD
_BIFF_BOF = {0x0809, 0x0009, 0x0209, 0x0409}
_BIFF_EOF = 0x000A
_BIFF_BOUNDSHEET = 0x0085


def check_xls(path: Path, size: int) -> None:
    """Walk the BIFF records of an .xls and bound the area of each sheet (`_check_extent`)."""
    try:
        stream = _ole_stream(path, size, ("workbook", "book"))
    except (struct.error, IndexError, ValueError, OSError) as error:
        raise reading_refusal(path, error) from None
    if stream is None:
        return  # no workbook stream: the reader will say what it is
    names: dict[int, str] = {}
    sheet: str | None = None
    rows = columns = cells = 0
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind in _BIFF_BOF:
            sheet = names.get(position, "?")
            rows = columns = cells = 0
        elif kind == _BIFF_BOUNDSHEET and length >= 8:
            offset = struct.unpack_from("<I", stream, body)[0]
            names[offset] = _biff_sheet_name(stream[body + 6 : body + length])
        elif kind in _BIFF_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            rows, columns, cells = max(rows, row + 1), max(columns, column + 1), cells + 1
        elif kind == _BIFF_MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, body + length - 2)[0]
            if last >= first:
                rows, columns = max(rows, row + 1), max(columns, last + 1)
                cells += last - first + 1
        elif kind == _BIFF_EOF and sheet is not None:
            check_extent(path, sheet, rows, columns, cells)
            sheet = None
        position = body + length
    if sheet is not None:
        check_extent(path, sheet, rows, columns, cells)


def _biff_sheet_name(data: bytes) -> str:
    if len(data) < 2:
        return "?"
    count, flags = data[0], data[1]
    if flags & 1:
        return data[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    return data[2 : 2 + count].decode("cp1252", "replace")


def _bad_compound_file(path: Path, what: str) -> CorruptFile:
    """The refusal of an .xls whose OLE2 structure is wrong (`what`, in Vietnamese)."""
    return CorruptFile(path, f"tệp .xls bị hỏng hoặc không trọn vẹn ({what})")


def _ole_stream(path: Path, size: int, wanted: tuple[str, ...]) -> bytes | None:
    """The bytes of the first stream named one of `wanted` (case-insensitive) in an OLE2 file.

    Every sector chain is followed with a bound (no more links than sectors in the file), so a
    crafted file with a loop or an absurd size cannot make this run long or allocate much."""
    with path.open("rb") as handle:
        data = handle.read()  # bounded by MAX_FILE_BYTES; the stream is most of the file anyway
    header = data[:512]
    sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", header, 0x20)[0]
    if sector_size not in (512, 4096) or mini_size > sector_size:
        raise _bad_compound_file(path, "kích thước sector không hợp lệ")
    (fat_count, directory_start, _, cutoff, minifat_start, _, difat_start, difat_count) = (
        struct.unpack_from("<IIIIIIII", header, 0x2C)
    )
    sectors = max(0, (len(data) - sector_size) // sector_size)

    def sector(number: int) -> bytes:
        if number >= sectors:
            raise _bad_compound_file(path, "liên kết sector ra ngoài tệp")
        start = (number + 1) * sector_size
        return data[start : start + sector_size]

    per_sector = sector_size // 4
    fat_sectors = list(struct.unpack_from("<109I", header, 0x4C))
    next_difat, seen = difat_start, 0
    while next_difat not in (_FREE, _END_OF_CHAIN) and seen < difat_count and seen <= sectors:
        block = struct.unpack(f"<{per_sector}I", sector(next_difat))
        fat_sectors += block[:-1]
        next_difat, seen = block[-1], seen + 1
    fat: list[int] = []
    for number in fat_sectors[: min(fat_count, sectors)]:
        if number in (_FREE, _END_OF_CHAIN):
            continue
        fat += struct.unpack(f"<{per_sector}I", sector(number))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        found: list[int] = []
        while start not in (_FREE, _END_OF_CHAIN):
            if len(found) > limit or start >= len(table):
                raise _bad_compound_file(path, "chuỗi sector không hợp lệ")
            found.append(start)
            start = table[start]
        return found

    directory = b"".join(sector(n) for n in chain(directory_start, fat, sectors))
    root_start = root_size = None
    target = None
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset : offset + 128]
        name_length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
        name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
        kind = entry[0x42]
        start, length = struct.unpack_from("<II", entry, 0x74)
        if kind == 5:
            root_start, root_size = start, length
        elif kind == 2 and target is None and name.lower() in wanted:
            target = (start, length)
    if target is None:
        return None
    start, length = target
    if length > len(data):
        raise _bad_compound_file(path, "kích thước luồng dữ liệu vượt quá tệp")
    if length >= cutoff:
        blocks = chain(start, fat, sectors)
        return b"".join(sector(n) for n in blocks)[:length]
    if root_start is None or root_size is None or root_size > len(data):
        raise _bad_compound_file(path, "thiếu luồng mini")
    mini_stream = b"".join(sector(n) for n in chain(root_start, fat, sectors))
    minifat_bytes = b"".join(sector(n) for n in chain(minifat_start, fat, sectors))
    minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
    blocks = chain(start, minifat, len(minifat))
    out = b"".join(mini_stream[n * mini_size : (n + 1) * mini_size] for n in blocks)
    return out[:length]
