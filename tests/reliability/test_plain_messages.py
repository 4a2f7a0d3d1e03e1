"""Plain Vietnamese where a library's English used to pass through, and text files in the
encodings other software writes (issue 16, items 5 and 7), through the real `tcxd import`: exit
code, the exact message, the database unchanged (or, for a good file, the member in)."""

from __future__ import annotations

import re

import pytest

from tests.reliability import plain_files
from tests.reliability.helpers import (
    assert_clean_failure,
    run_tcxd,
    sqlite_url,
    table_checksums,
)

BAD_FILE = 3
MAX_RSS_MB = 200
# Words of the libraries' own messages that must never reach a clerk.
ENGLISH = re.compile(r"XmlError|invalid character|Bad CRC|field larger|field limit|Error:")


def refused(province_db, path, message: str, rss_mb: float | None = None):
    before = table_checksums(sqlite_url(province_db))
    run = run_tcxd("import", path, "--db", province_db)
    assert_clean_failure(run, BAD_FILE)
    assert f"Tệp không nhập được: {path}\n  - {message}\n" in run.stderr, run.stderr
    assert not ENGLISH.search(run.output), run.output
    assert "Tổng cộng 1 tệp: 0 nhập được, 0 đã có từ trước, 1 không nhập được." in run.stdout
    assert table_checksums(sqlite_url(province_db)) == before
    if rss_mb is not None:
        assert run.max_rss_mb < rss_mb, f"peak RSS {run.max_rss_mb:.0f} MB"
    return run


def test_an_invalid_xml_character_is_said_in_vietnamese(province_db, tmp_path):
    path = plain_files.bad_character_reference(tmp_path / "ds-xa.xlsx")
    refused(
        province_db,
        path,
        f'Tệp "{path}": trang "DS": tệp bị hỏng, phần XML bên trong có ký tự hoặc thẻ không '
        "hợp lệ (thường do phần mềm khác ghi ra); hãy mở tệp bằng Excel, lưu lại rồi gửi lại",
    )


def test_a_damaged_part_is_said_in_vietnamese(province_db, tmp_path):
    path = plain_files.bad_crc(tmp_path / "ds-xa.xlsx")
    refused(
        province_db,
        path,
        f'Tệp "{path}": tệp bị hỏng hoặc không trọn vẹn (thành phần "xl/worksheets/sheet1.xml" '
        "không khớp mã kiểm tra CRC: dữ liệu đã bị thay đổi hoặc hỏng khi sao chép); "
        "đề nghị đơn vị gửi lại tệp",
    )


def test_an_unclosed_quote_names_its_row(province_db, tmp_path):
    path = plain_files.unclosed_quote_csv(tmp_path / "ds-xa.csv")
    refused(
        province_db,
        path,
        f'Tệp "{path}": dòng 7: một ô dài hơn 131072 ký tự (thường do dấu ngoặc kép " mở mà '
        "không đóng); hãy mở tệp bằng Excel, sửa dòng này rồi lưu lại",
    )


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
def test_random_bytes_behind_a_byte_order_mark_are_binary(province_db, tmp_path, bom):
    path = plain_files.random_after_bom(tmp_path / "ds-xa.csv", megabytes=2, bom=bom)
    refused(
        province_db,
        path,
        f'Tệp "{path}": nội dung không phải văn bản (dữ liệu nhị phân) dù tệp có đuôi .csv; '
        "hãy mở tệp bằng Excel và lưu lại đúng định dạng",
        rss_mb=MAX_RSS_MB,
    )


ENCODINGS = [
    ("utf-32", b""),  # Python writes the BOM
    ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b"\x00\x00\xfe\xff"),
    ("utf-32-le", b""),
    ("utf-32-be", b""),
    ("utf-16-le", b""),
    ("utf-16-be", b""),
]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_a_roster_in_utf32_or_utf16_without_bom_is_read(province_db, tmp_path, encoding, bom):
    path = plain_files.text_roster(tmp_path / "Chi bo thon 1" / "DSDV-2025.csv", encoding, bom)
    before = table_checksums(sqlite_url(province_db))
    run = run_tcxd("import", path, "--db", province_db)
    assert run.code == 0, run.output
    assert "Tổng cộng 1 tệp: 1 nhập được" in run.stdout
    assert table_checksums(sqlite_url(province_db)) != before
