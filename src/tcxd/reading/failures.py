"""The one place where what a library raises while reading a file becomes a Vietnamese refusal.

Libraries (zipfile, zlib, csv, python-calamine, the OS) speak English ("Bad CRC-32 for file…",
"XmlError: invalid character reference…", "field larger than field limit"); a clerk gets what
happened, in Vietnamese, and what to do. Nothing of the library's own text is passed on.
"""

from __future__ import annotations

import csv
import errno
import zipfile
import zlib
from pathlib import Path

from tcxd.reading.problems import CorruptFile, FileTooLarge, ReadingError

RESAVE = "hãy mở tệp bằng Excel, lưu lại rồi gửi lại"
SEND_AGAIN = "đề nghị đơn vị gửi lại tệp"

_OS_REASONS = {
    errno.EACCES: "không có quyền đọc tệp",
    errno.EPERM: "không có quyền đọc tệp",
    errno.ENOENT: "không tìm thấy tệp (có thể vừa bị xóa hoặc đổi tên)",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.EIO: "lỗi đọc ổ đĩa",
    errno.ENAMETOOLONG: "tên hoặc đường dẫn tệp quá dài",
}


def reading_refusal(
    path: str | Path,
    error: BaseException,
    *,
    sheet: str | None = None,
    part: str | None = None,
    line: int | None = None,
) -> ReadingError:
    """The refusal of `path` for `error` raised by a library while reading it; `sheet`, `part`
    (a member of the zip) and `line` (of a text file) say where, when known."""
    where = f'trang "{sheet}": ' if sheet else ""
    if isinstance(error, MemoryError):
        return FileTooLarge(path, where + "tệp cần quá nhiều bộ nhớ để đọc; hãy chia nhỏ tệp")
    return CorruptFile(path, where + library_reason(error, part=part, line=line))


def library_reason(
    error: BaseException, *, part: str | None = None, line: int | None = None
) -> str:
    """What `error` means for the clerk, in Vietnamese (see `reading_refusal`)."""
    kind = type(error).__name__
    text = str(error)
    member = f'thành phần "{part}" ' if part else "một thành phần bên trong "
    if kind == "PasswordError" or (isinstance(error, RuntimeError) and "encrypted" in text):
        return "tệp được đặt mật khẩu hoặc mã hóa; hãy bỏ mật khẩu rồi gửi lại"
    if kind == "XmlError":
        return (
            "tệp bị hỏng, phần XML bên trong có ký tự hoặc thẻ không hợp lệ (thường do phần mềm "
            f"khác ghi ra); {RESAVE}"
        )
    if isinstance(error, zipfile.BadZipFile) and "CRC" in text:
        return (
            f"tệp bị hỏng hoặc không trọn vẹn ({member}không khớp mã kiểm tra CRC: dữ liệu đã "
            f"bị thay đổi hoặc hỏng khi sao chép); {SEND_AGAIN}"
        )
    if isinstance(error, NotImplementedError):
        return f"tệp dùng kiểu nén hoặc mã hóa không được hỗ trợ; {RESAVE}"
    if isinstance(error, csv.Error):
        at = f"dòng {line}: " if line else ""
        if "field limit" in text:
            return (
                f'{at}một ô dài hơn {csv.field_size_limit()} ký tự (thường do dấu ngoặc kép " '
                "mở mà không đóng); hãy mở tệp bằng Excel, sửa dòng này rồi lưu lại"
            )
        return f"{at}dòng không đúng cấu trúc CSV (dấu ngoặc kép, ký tự lạ); {RESAVE}"
    if isinstance(error, OSError) and not isinstance(error, zipfile.BadZipFile):
        return _OS_REASONS.get(error.errno or 0, "không đọc được tệp từ ổ đĩa")
    if isinstance(error, UnicodeError):
        return f"không giải mã được chữ trong tệp; {RESAVE}"
    if isinstance(error, (zipfile.BadZipFile, zlib.error, EOFError)) or kind == "ZipError":
        return (
            "tệp bị hỏng hoặc không trọn vẹn (phần nén bên trong không giải nén được); "
            + SEND_AGAIN
        )
    return f"tệp bị hỏng hoặc không trọn vẹn, không đọc được; {RESAVE}"
