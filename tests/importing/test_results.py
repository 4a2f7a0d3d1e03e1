"""`tcxd.importing.results`: an outcome carries its problems as `Problem`s, one list, whether the
file was refused outright (reading could not open it, it is not there) or for its data."""

from __future__ import annotations

from tcxd.importing import import_paths
from tcxd.importing.results import reading_problems
from tcxd.reading.problems import Problem
from tcxd.reading.result import FileReading
from tests.importing.conftest import AN
from tests.sheets import write_xlsx

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng"]


def test_a_file_refused_outright_has_one_problem_of_the_whole_file(engine, tmp_path):
    path = tmp_path / "01. Dang bo xa Phu An" / "b.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a spreadsheet")
    [outcome] = import_paths(engine, [path]).refused
    [problem] = outcome.problems
    assert isinstance(problem, Problem)
    assert problem.code == "wrong_file_type"
    assert problem.of_whole_file
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value) == (
        str(path),
        None,
        None,
        None,
        None,
    )
    assert problem.message() == (
        f'Tệp "{path}": nội dung không đúng với đuôi .xlsx (thực chất là văn bản thường hoặc dữ '
        "liệu không rõ loại); hãy mở tệp bằng Excel và lưu lại đúng định dạng"
    )


def test_a_path_not_there_is_a_problem_of_the_whole_file(engine, tmp_path):
    path = tmp_path / "khong-co.xlsx"
    [outcome] = import_paths(engine, [path]).refused
    [problem] = outcome.problems
    assert problem.code == "not_found"
    assert problem.message() == f'Không tìm thấy tệp hoặc thư mục "{path}".'


def test_a_bad_cell_is_a_problem_of_the_data(engine, tmp_path):
    rows = [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 31/12/2024"], [], HEADER]
    rows.append([1, AN["full_name"], "31/02/1980", "Nam", AN["card_number"], "01/02/2005"])
    path = write_xlsx(tmp_path / "01. Dang bo xa Phu An" / "Chi bo thon 1" / "DSDV.xlsx", rows)
    [outcome] = import_paths(engine, [path]).refused
    [problem] = outcome.problems
    assert problem.code == "data" and not problem.of_whole_file
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "DS",
        6,
        "Ngày sinh",
        "31/02/1980",
    )


def test_a_problem_found_while_writing_is_a_problem_of_the_data(engine, tmp_path):
    rows = [["CHI BỘ KHÔNG CÓ"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 31/12/2024"], [], HEADER]
    rows.append([1, AN["full_name"], "05/03/1980", "Nam", AN["card_number"], "01/02/2005"])
    path = write_xlsx(tmp_path / "lạ" / "DSDV.xlsx", rows)
    [outcome] = import_paths(engine, [path]).refused
    [problem] = outcome.problems
    assert isinstance(problem, Problem) and problem.code == "data"
    assert (problem.file, problem.sheet, problem.row) == ("DSDV.xlsx", "DS", None)
    assert problem.message().startswith(
        'Tệp "DSDV.xlsx", trang "DS": không xác định được đơn vị của tệp.'
    )


def test_problems_beyond_those_listed_are_counted_in_a_problem_of_the_whole_file():
    listed = Problem("a.xlsx", "DS", 6, "Ngày sinh", "x", "không phải ngày hợp lệ.")
    reading = FileReading(path="a.xlsx", sha256="0" * 64, format="xlsx", problems=[listed])
    reading.more_problems = 3
    assert reading_problems(reading) == [
        listed,
        Problem.of_file("a.xlsx", 'Tệp "a.xlsx": còn 3 lỗi khác chưa liệt kê.', "more_problems"),
    ]
