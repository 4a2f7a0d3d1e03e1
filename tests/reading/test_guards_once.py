"""The guards run once for a file the importer sniffs and then reads in full, and again when the
file changed in between (`guards.check_file_once`)."""

from __future__ import annotations

import pytest

from tcxd.reading import WrongFileType, guards, read_file
from tcxd.reading.sniff import sniff_file
from tests.sheets import write_xlsx

ROSTER = [["DANH SÁCH ĐẢNG VIÊN"], [], ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ"]]
ROSTER += [[n, f"Nguyễn Văn {n}", "05/03/1980", "Nam", f"0{n:07d}"] for n in range(1, 20)]


def count_checks(monkeypatch) -> list:
    calls: list = []
    real = guards.check_file

    def counted(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(guards, "check_file", counted)
    return calls


def test_a_sniffed_file_is_not_checked_again_when_read(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "DSDV.xlsx", ROSTER)
    calls = count_checks(monkeypatch)
    sniffed = sniff_file(path)
    assert not sniffed.may and sniffed.passed is not None and sniffed.passed.fmt == "xlsx"
    reading = read_file(path, passed=sniffed.passed)
    assert len(calls) == 1 and reading.sheets
    again = read_file(path)
    assert len(calls) == 2
    assert [t.rows.to_dict("records") for t in reading.sheets] == [
        t.rows.to_dict("records") for t in again.sheets
    ]


def test_a_file_changed_after_its_sniff_is_checked_again(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "DSDV.xlsx", ROSTER)
    sniffed = sniff_file(path)
    path.write_bytes(b"<html><body>not a workbook</body></html>")  # (same name, new content)
    calls = count_checks(monkeypatch)
    with pytest.raises(WrongFileType):
        read_file(path, passed=sniffed.passed)
    assert len(calls) == 1


def test_a_file_replaced_by_another_of_the_same_size_is_checked_again(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "DSDV.xlsx", ROSTER)
    sniffed = sniff_file(path)
    size = path.stat().st_size
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"x" * size)
    other.replace(path)  # (another inode, same size)
    calls = count_checks(monkeypatch)
    with pytest.raises(WrongFileType):
        read_file(path, passed=sniffed.passed)
    assert len(calls) == 1
