"""The one mapping of library exceptions met while reading to Vietnamese refusals: no library
text passes through."""

from __future__ import annotations

import csv
import errno
import zipfile
import zlib

import pytest

from tcxd.reading.failures import reading_refusal
from tcxd.reading.problems import CorruptFile, FileTooLarge


class PanicException(BaseException):
    """Stands for pyo3's exception of a Rust panic (a BaseException)."""


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "không có quyền đọc tệp"),
        (FileNotFoundError(errno.ENOENT, "No such file"), "không tìm thấy tệp"),
        (zipfile.BadZipFile("Bad CRC-32 for file 'x'"), "không khớp mã kiểm tra CRC"),
        (zipfile.BadZipFile("Bad magic number for file header"), "phần nén bên trong"),
        (zlib.error("Error -3 while decompressing data"), "phần nén bên trong"),
        (RuntimeError("File 'x' is encrypted, password required"), "đặt mật khẩu"),
        (csv.Error("line contains NUL"), "dòng không đúng cấu trúc CSV"),
        (PanicException("called `Option::unwrap()` on a `None` value"), "tệp bị hỏng"),
        (ValueError("something odd"), "tệp bị hỏng hoặc không trọn vẹn, không đọc được"),
    ],
)
def test_library_errors_become_vietnamese(error, said):
    refusal = reading_refusal("ds.xlsx", error)
    assert isinstance(refusal, CorruptFile)
    assert said in refusal.message
    assert str(error) not in refusal.message
    assert refusal.message.startswith('Tệp "ds.xlsx": ')


def test_where_is_said_when_known():
    refusal = reading_refusal("ds.csv", csv.Error("field larger than field limit (131072)"), line=9)
    assert refusal.reason.startswith("dòng 9: một ô dài hơn 131072 ký tự")
    refusal = reading_refusal("ds.xlsx", zipfile.BadZipFile("Bad CRC-32"), part="xl/a.bin")
    assert 'thành phần "xl/a.bin" không khớp mã kiểm tra CRC' in refusal.reason
    assert reading_refusal("ds.xlsx", ValueError(), sheet="DS").reason.startswith('trang "DS": ')


def test_running_out_of_memory_is_a_file_too_large():
    assert isinstance(reading_refusal("ds.xlsx", MemoryError()), FileTooLarge)
