"""Workbooks tcxd writes for people (reports, result lists, status lists) carry a mark, so that
`tcxd import` run over a folder that also holds them skips them instead of refusing them as
malformed unit files. Templates for units to fill are not marked: they come back as inputs."""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

MARK = "tcxd-output"
SKIP_REASON = (
    "bảng tính do tcxd lập (biểu tổng hợp hoặc danh sách kết quả), không phải tệp đơn vị gửi lên"
)


def mark(workbook) -> None:
    """Mark an xlsxwriter workbook as an output of tcxd (document keywords), keeping the other
    document properties already set."""
    properties = dict(getattr(workbook, "doc_properties", None) or {})
    properties["keywords"] = MARK
    properties.setdefault("author", "tcxd")
    workbook.set_properties(properties)


def is_output(path: Path) -> bool:
    """True for an .xlsx that tcxd wrote as an output (its core properties carry the mark)."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 64_000:
                return False
            return MARK.encode() in archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def write_atomically(path: Path, write: Callable[[str], None]) -> Path:
    """Call write(temporary path) in the target's folder, then replace the target with it: a
    reader never sees half a file, and a failure leaves an existing target untouched. The
    temporary file is created 0600 (it may hold members' data)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path
