"""read_file end to end: every messy feature of spec inputs.md, and what a bad file gets."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path

import pytest
from builders import Merge, cp1258_bytes, write, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcxd.reading import FileReading, Problem, read_file

D = dt.date


def records(reading: FileReading, *columns: str, sheet: int = 0) -> list[tuple]:
    """Rows as plain Python values (pandas NA → None, numpy bool → bool)."""
    frame = reading.sheets[sheet].rows[list(columns)].astype(object)
    frame = frame.where(frame.notna(), None)
    return [tuple(_plain(value) for value in row) for row in frame.itertuples(index=False)]


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value


def messages(reading: FileReading) -> list[str]:
    return [problem.message() for problem in reading.problems]


MESSY_ROSTER = [
    [Merge("ĐẢNG BỘ XÃ PHÚ AN", 3), None, None, None, None, Merge("ĐẢNG CỘNG SẢN VIỆT NAM", 4)],
    [
        Merge("CHI BỘ TRƯỜNG THCS PHÚ AN", 3),
        None,
        None,
        None,
        None,
        Merge("Phú An, ngày 5 tháng 10 năm 2026", 4),
    ],
    [],
    [Merge("DANH SÁCH ĐẢNG VIÊN", 9)],
    [Merge("(Tính đến ngày 30/9/2026)", 9)],
    [
        Merge("STT", 1, 2),
        Merge("Họ và  tên", 1, 2),
        Merge("Ngày, tháng,\nnăm sinh", 1, 2),
        Merge("Giới tính", 2),
        None,
        Merge("Số thẻ\nĐV", 1, 2),
        Merge("Ngày vào Đảng", 2),
        None,
        Merge("Ghi chú", 1, 2),
    ],
    [None, None, None, "Nam", "Nữ", None, "Dự bị", "Chính thức", None],
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
    [
        1,
        "Nguyễn Văn An",
        D(1980, 3, 5),
        "x",
        None,
        "01234567",
        D(2005, 5, 19),
        D(2006, 5, 19),
        None,
    ],
    [],
    [2, "Trần Thị Bình", "05/03/1985", None, "x", "00012345", "01/02/2010", None, "Dự bị"],
    [3, "Lê Văn Cường", "1975", "x", None, "10000001", "19.5.2000", "19-5-2001", None],
    [None, "Tổng cộng", None, 2, 1, None, None, None, None],
    [],
    [None, "NGƯỜI LẬP BIỂU", None, None, None, None, Merge("T/M CHI ỦY", 3)],
    [None, None, None, None, None, None, Merge("BÍ THƯ", 3)],
    [None, "Phạm Văn Dũng", None, None, None, None, Merge("Hoàng Văn Em", 3)],
]
MESSY_EXPECTED = [
    (
        "Nguyễn Văn An",
        D(1980, 3, 5),
        False,
        "nam",
        "01234567",
        D(2005, 5, 19),
        D(2006, 5, 19),
        None,
        9,
    ),
    ("Trần Thị Bình", D(1985, 3, 5), False, "nu", "00012345", D(2010, 2, 1), None, "Dự bị", 11),
    (
        "Lê Văn Cường",
        D(1975, 1, 1),
        True,
        "nam",
        "10000001",
        D(2000, 5, 19),
        D(2001, 5, 19),
        None,
        12,
    ),
]
COLUMNS = (
    "full_name",
    "birth_date",
    "birth_year_only",
    "gender",
    "card_number",
    "admitted_on",
    "official_on",
    "note",
    "source_row",
)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods", ".csv"])
def test_messy_roster_in_every_format(tmp_path: Path, suffix: str) -> None:
    reading = read_file(write(tmp_path / f"roster{suffix}", MESSY_ROSTER))
    assert messages(reading) == []
    assert reading.skipped == []
    (sheet,) = reading.sheets
    assert sheet.kind == "members"
    assert sheet.unit_names == ["ĐẢNG BỘ XÃ PHÚ AN", "CHI BỘ TRƯỜNG THCS PHÚ AN"]
    assert sheet.as_of == D(2026, 9, 30)
    assert sheet.header_row == 6
    assert records(reading, *COLUMNS) == MESSY_EXPECTED
    assert 'Đã bỏ qua dòng "Tổng cộng" (dòng số 13 của trang)' in sheet.warnings
    assert sheet.column_headers["admitted_on"] == "Ngày vào Đảng / Dự bị"


def test_canonical_columns_and_types(tmp_path: Path) -> None:
    frame = read_file(write(tmp_path / "roster.xlsx", MESSY_ROSTER)).sheets[0].rows
    assert list(frame.columns) == [
        "full_name", "birth_date", "birth_year_only", "gender", "ethnicity", "religion",
        "card_number", "profile_number", "citizen_id", "admitted_on", "official_on", "branch",
        "occupation",
        "school_level", "degree", "theory_level", "youth_union", "exempt", "exempt_on", "note",
        "source_row", "extra",
    ]  # fmt: skip
    assert frame["youth_union"].dtype == bool and frame["source_row"].dtype == "int64"
    assert all(isinstance(value, dt.date) for value in frame["birth_date"])


def test_header_words_in_odd_case_spaces_and_without_diacritics(tmp_path: Path) -> None:
    rows = [
        ["stt", "HO VA TEN", "NGAY  SINH", "ngày vào\nĐẢNG", "So the dang vien", "dan toc"],
        [1, "Nguyễn Văn An", "05/03/1980", "19/05/2005", "01234567", "Kinh"],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert records(
        reading, "full_name", "birth_date", "admitted_on", "card_number", "ethnicity"
    ) == [("Nguyễn Văn An", D(1980, 3, 5), D(2005, 5, 19), "01234567", "Kinh")]


def test_dates_in_every_style_in_one_column(tmp_path: Path) -> None:
    cells = [D(1980, 3, 5), 29285, "29285", "05/03/1980", "5-3-1980", "05.03.1980", "1980-03-05"]
    rows = [["Họ và tên", "Ngày sinh", "Ngày vào Đảng"]]
    rows += [[f"Người {n}", cell, cell] for n, cell in enumerate(cells)]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert messages(reading) == []
    assert records(reading, "birth_date", "admitted_on") == [(D(1980, 3, 5), D(1980, 3, 5))] * len(
        cells
    )


def test_ids_stored_as_numbers_keep_leading_zeros(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Số thẻ đảng viên", "Số CCCD", "Số lý lịch"],
        ["An", "05/03/1980", "19/05/2005", 1234567, 12345678901, "012345AB"],
        ["Bình", "05/03/1981", "19/05/2006", "00765432", "001234567890", 123456],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert records(reading, "card_number", "citizen_id", "profile_number") == [
        ("01234567", "012345678901", "012345AB"),
        ("00765432", "001234567890", "123456"),
    ]
    assert any("bổ sung số 0" in warning for warning in reading.sheets[0].warnings)


def test_text_in_nfd_with_nbsp_and_double_spaces(tmp_path: Path) -> None:
    name = unicodedata.normalize("NFD", "Nguyễn  Văn\u00a0An ")
    rows = [
        ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Chi bộ"],
        [name, "1980", "19/05/2005", "Chi\u00a0bộ  1"],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert records(reading, "full_name", "branch") == [("Nguyễn Văn An", "Chi bộ 1")]


def test_legacy_tcvn3_text_is_converted(tmp_path: Path) -> None:
    pytest.importorskip("tcxd.core.encodings")
    rows = [
        ["§¶NG Bé X· PHó AN"],
        ["Hä vµ tªn", "Ngµy sinh", "Ngµy vµo §¶ng", "D©n téc"],
        ["NguyÔn V¨n An", "05/03/1980", "19/05/2005", "Kinh"],
        ["Lª ThÞ B×nh", "05/03/1981", "19/05/2006", "Tµy"],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert messages(reading) == []
    assert records(reading, "full_name", "ethnicity") == [
        ("Nguyễn Văn An", "Kinh"),
        ("Lê Thị Bình", "Tày"),
    ]


def test_formula_like_cells_are_text_exactly(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ghi chú", "Nghề nghiệp"],
        ["An", "1980", "19/05/2005", '=HYPERLINK("http://x")', "+84 912"],
        ["Bình", "1981", "19/05/2006", "@SUM(1)", "-chuyển đến"],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert records(reading, "note", "occupation") == [
        ('=HYPERLINK("http://x")', "+84 912"),
        ("@SUM(1)", "-chuyển đến"),
    ]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", ";"), ("cp1258", ";")],
)
def test_csv_roster(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [
        ["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN 3"],
        ["Họ và tên", "Ngày sinh", "Số thẻ", "Ngày vào Đảng", "Quê quán"],
        ["Nguyễn Văn Ánh", "05/03/1980", "01234567", "19/05/2005", "Hà Nội"],
    ]
    path = tmp_path / "ds.csv"
    if encoding == "cp1258":
        write_csv(path, rows, encoding="utf-8", delimiter=delimiter)
        path.write_bytes(cp1258_bytes(path.read_text("utf-8")))
    else:
        write_csv(path, rows, encoding=encoding, delimiter=delimiter)
    reading = read_file(path)
    assert records(reading, "full_name", "birth_date", "card_number", "extra") == [
        ("Nguyễn Văn Ánh", D(1980, 3, 5), "01234567", {"Quê quán": "Hà Nội"})
    ]
    assert reading.sheets[0].unit_names == ["CHI BỘ THÔN 3"]
    assert reading.sheets[0].unknown_columns == ["Quê quán"]


def test_branch_merged_down_over_its_members(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Chi bộ"],
        ["An", "1980", "19/05/2005", Merge("Chi bộ 1", 1, 2)],
        ["Bình", "1981", "19/05/2006", None],
        ["Cường", "1982", "19/05/2007", "Chi bộ 2"],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert records(reading, "full_name", "branch") == [
        ("An", "Chi bộ 1"),
        ("Bình", "Chi bộ 1"),
        ("Cường", "Chi bộ 2"),
    ]


# ---------------------------------------------------------------- gender layouts


def test_gender_from_one_nu_column(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Nữ", "Ngày sinh", "Ngày vào Đảng"],
        ["An", "", "1980", "2005-05-19"],
        ["Bình", "x", "1981", "2006-05-19"],
    ]
    assert records(read_file(write(tmp_path / "a.xlsx", rows)), "gender") == [("nam",), ("nu",)]


def test_gender_from_values(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Nam/Nữ", "Ngày sinh", "Ngày vào Đảng"],
        ["An", "Nam", "1980", "19/05/2005"],
        ["Bình", "Nữ", "1981", "19/05/2006"],
    ]
    assert records(read_file(write(tmp_path / "a.xlsx", rows)), "gender") == [("nam",), ("nu",)]


def test_birth_date_written_under_nam_or_nu(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", Merge("Ngày, tháng, năm sinh", 2), None, "Ngày vào Đảng"],
        [None, "Nam", "Nữ", None],
        ["An", "05/03/1980", None, "19/05/2005"],
        ["Bình", None, "1981", "19/05/2006"],
    ]
    reading = read_file(write(tmp_path / "a.xlsx", rows))
    assert records(reading, "full_name", "birth_date", "birth_year_only", "gender") == [
        ("An", D(1980, 3, 5), False, "nam"),
        ("Bình", D(1981, 1, 1), True, "nu"),
    ]


# ---------------------------------------------------------------- other kinds


def test_changes_file(tmp_path: Path) -> None:
    rows = [
        [Merge("ĐẢNG BỘ XÃ PHÚ AN", 4)],
        [Merge("BIẾN ĐỘNG ĐẢNG VIÊN QUÝ III NĂM 2026", 8)],
        [
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Số thẻ ĐV",
            "Loại biến động",
            Merge("Quyết định", 2),
            None,
            "Phạm vi",
            "Nơi đến",
        ],
        [None, None, None, None, None, "Số", "Ngày", None, None],
        [
            1,
            "Nguyễn Văn An",
            "05/03/1980",
            "01234567",
            "Chuyển đi",
            "12-QĐ/ĐU",
            "15/08/2026",
            "Ngoài tỉnh",
            "Đảng bộ tỉnh X",
        ],
        [2, "Trần Văn Bảo", "1950", "", "Từ trần", "", "01/09/2026", "", ""],
        [3, "Lê Thị Cúc", "05/03/2000", "", "Kết nạp", "15-QĐ/ĐU", D(2026, 7, 1), "", ""],
        [4, "Lê Thị Cúc", "05/03/2000", "", "Chuyển chính thức", "", "01/07/2027", "", ""],
    ]
    reading = read_file(write(tmp_path / "bien dong.xlsx", rows))
    assert messages(reading) == []
    sheet = reading.sheets[0]
    assert (sheet.kind, sheet.year, sheet.quarter, sheet.period) == ("changes", 2026, 3, "q3")
    assert records(reading, "full_name", "change", "decision", "date", "scope", "place") == [
        (
            "Nguyễn Văn An",
            "transferred_out",
            "12-QĐ/ĐU",
            D(2026, 8, 15),
            "out_province",
            "Đảng bộ tỉnh X",
        ),
        ("Trần Văn Bảo", "died", None, D(2026, 9, 1), None, None),
        ("Lê Thị Cúc", "admitted", "15-QĐ/ĐU", D(2026, 7, 1), None, None),
        ("Lê Thị Cúc", "made_official", None, D(2027, 7, 1), None, None),
    ]


def test_organizations_file(tmp_path: Path) -> None:
    rows = [
        ["DANH SÁCH TỔ CHỨC ĐẢNG"],
        [
            "Mã",
            "Tên tổ chức đảng",
            "Loại tổ chức",
            "Trực thuộc",
            "Loại hình",
            "Ngày thành lập",
            "Ngày giải thể",
        ],
        [
            "001",
            "Đảng bộ xã Phú An",
            "Đảng bộ cấp trên cơ sở",
            "Tỉnh ủy Bình Minh",
            "Xã",
            "01/07/2025",
            None,
        ],
        [
            "002",
            "Chi bộ Trường THCS Phú An",
            "Chi bộ cơ sở",
            "Đảng bộ xã Phú An",
            "ĐVSN công lập",
            None,
            None,
        ],
        [
            "003",
            "Chi bộ Công ty ABC",
            "CBCS",
            "Đảng bộ xã Phú An",
            "DN ngoài NN",
            "01/01/2010",
            "30/06/2026",
        ],
    ]
    reading = read_file(write(tmp_path / "to chuc.xlsx", rows))
    assert messages(reading) == []
    assert reading.sheets[0].kind == "organizations"
    assert records(
        reading, "code", "name", "org_type", "parent", "kind_of_place", "founded_on", "dissolved_on"
    ) == [
        ("001", "Đảng bộ xã Phú An", "district", "Tỉnh ủy Bình Minh", "xa", D(2025, 7, 1), None),
        (
            "002",
            "Chi bộ Trường THCS Phú An",
            "chi_bo_co_so",
            "Đảng bộ xã Phú An",
            "su_nghiep_cong_lap",
            None,
            None,
        ),
        (
            "003",
            "Chi bộ Công ty ABC",
            "chi_bo_co_so",
            "Đảng bộ xã Phú An",
            "dn_ngoai_nha_nuoc",
            D(2010, 1, 1),
            D(2026, 6, 30),
        ),
    ]


def test_member_evaluations_with_conditions(tmp_path: Path) -> None:
    rows = [
        [Merge("CHI BỘ THÔN 3", 4)],
        [Merge("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2025", 12)],
        [
            "TT", "Họ và tên", "Số thẻ đảng viên", Merge("Điểm", 3), None, None,
            "Tỷ lệ hoàn thành nhiệm vụ (%)", "Hoàn thành đúng hạn, bảo đảm chất lượng",
            "Tỷ lệ vượt yêu cầu (%)", "Tỷ lệ chậm tiến độ (%)", "Khắc phục hạn chế đã chỉ ra",
            "Giữ chức vụ lãnh đạo", "Kỷ luật trong năm", "Tự xếp loại", "Cấp ủy quyết định",
        ],
        [None, None, None, "Tiêu chí chung", "Thực hiện nhiệm vụ", "Tổng", *[None] * 9],
        [1, "Nguyễn Văn An", "01234567", 28, 64.5, "92,5", 100, "x", "35%", 0, "Có", "x", "",
         "HTXSNV", "HTXSNV tiêu biểu"],
        [2, "Trần Thị Bình", "00012345", "25", "50", 75, "100", "không", 10, "20", "", "",
         "Khiển trách", "HTT", "Hoàn thành nhiệm vụ"],
    ]  # fmt: skip
    reading = read_file(write(tmp_path / "xl.xlsx", rows))
    assert messages(reading) == []
    sheet = reading.sheets[0]
    assert (sheet.kind, sheet.year, sheet.period) == ("member_evaluations", 2025, "year")
    got = records(
        reading, "card_number", "general_score", "task_score", "score", "tasks_completed_pct",
        "tasks_on_time", "tasks_exceeding_pct", "tasks_late_pct", "prior_shortcomings_fixed",
        "leader", "discipline",
        "proposed_level", "decided_level", "exemplary",
    )  # fmt: skip
    assert got == [
        (
            "01234567",
            28.0,
            64.5,
            92.5,
            100.0,
            True,
            35.0,
            0.0,
            True,
            True,
            None,
            "HTXSNV",
            "HTXSNV",
            True,
        ),
        (
            "00012345",
            25.0,
            50.0,
            75.0,
            100.0,
            False,
            10.0,
            20.0,
            None,
            None,
            "khien_trach",
            "HTTNV",
            "HTNV",
            False,
        ),
    ]


def test_score_parts_must_add_up(tmp_path: Path) -> None:
    rows = [
        ["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"],
        [
            "Họ và tên",
            "Số thẻ",
            "Điểm tiêu chí chung",
            "Điểm kết quả thực hiện nhiệm vụ",
            "Tổng điểm",
        ],
        ["An", "01234567", 28, 60, 92.5],
    ]
    reading = read_file(write(tmp_path / "xl.xlsx", rows))
    assert messages(reading) == [
        f'Tệp "{tmp_path / "xl.xlsx"}", trang "DS", dòng 3, cột "Tổng điểm": giá trị "92,5" '
        "khác tổng điểm tiêu chí chung và điểm thực hiện nhiệm vụ (28 + 60)."
    ]


def test_organization_evaluations(tmp_path: Path) -> None:
    rows = [
        ["KẾT QUẢ XẾP LOẠI TỔ CHỨC ĐẢNG QUÝ III NĂM 2026"],
        [
            "STT",
            "Chi bộ",
            "Tổng điểm",
            "Tỷ lệ hoàn thành nhiệm vụ",
            "Cấp ủy viên bị kỷ luật",
            "Kết quả xếp loại",
        ],
        [1, "Chi bộ Thôn 1", 91, 1.0, "", "HTXSNV"],
        [2, "Chi bộ Thôn 2", 72, 0.95, "x", "HTNV"],
    ]
    reading = read_file(write(tmp_path / "xl to chuc.xlsx", rows))
    assert messages(reading) == []
    sheet = reading.sheets[0]
    assert (sheet.kind, sheet.year, sheet.quarter) == ("organization_evaluations", 2026, 3)
    assert records(
        reading,
        "name",
        "score",
        "tasks_completed_pct",
        "leadership_member_disciplined",
        "decided_level",
    ) == [
        ("Chi bộ Thôn 1", 91.0, 100.0, None, "HTXSNV"),
        ("Chi bộ Thôn 2", 72.0, 95.0, True, "HTNV"),
    ]


# ---------------------------------------------------------------- what a bad file gets

ROSTER_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Ngày vào Đảng"]


def test_problem_message_format() -> None:
    problem = Problem(
        "x.xlsx",
        "DS",
        12,
        "Ngày sinh",
        "31/02/1980",
        "không phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980)",
    )
    assert problem.message() == (
        'Tệp "x.xlsx", trang "DS", dòng 12, cột "Ngày sinh": giá trị "31/02/1980" '
        "không phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980)."
    )


def test_impossible_date_names_file_sheet_row_column_value(tmp_path: Path) -> None:
    rows = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        ROSTER_HEADER,
        [1, "An", "05/03/1980", "01234567", "19/05/2005"],
        [2, "Bình", "31/02/1980", "00012345", "19/05/2005"],
    ]
    path = write(tmp_path / "x.xlsx", rows)
    assert messages(read_file(path)) == [
        f'Tệp "{path}", trang "DS", dòng 4, cột "Ngày sinh": giá trị "31/02/1980" '
        "không phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980)."
    ]


def test_missing_required_column(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Ngày vào Đảng", "Dân tộc", "Tôn giáo"],
        ["An", "19/05/2005", "Kinh", "Không"],
    ]
    path = write(tmp_path / "x.xlsx", rows)
    reading = read_file(path)
    assert messages(reading) == [
        f'Tệp "{path}", trang "DS", cột "Ngày sinh": thiếu cột bắt buộc để nhận ra đảng viên '
        "(cần Ngày sinh, Số thẻ đảng viên hoặc Số CCCD) (tên cột thường gặp: "
        "Ngày sinh; Ngày, tháng, năm sinh; Ngày tháng năm sinh; Ngày/tháng/năm sinh); các cột "
        "nhận ra: “Họ và tên”, “Ngày vào Đảng”, “Dân tộc”, “Tôn giáo”."
    ]


def test_a_header_without_its_anchor_column_names_it(tmp_path: Path) -> None:
    rows = [
        ["Ngày sinh", "Số thẻ đảng viên", "Ngày vào Đảng", "Dân tộc"],
        ["05/03/1980", "01234567", "19/05/2005", "Kinh"],
    ]
    path = write(tmp_path / "x.xlsx", rows)
    assert read_file(path).skipped == [
        (
            "DS",
            "thiếu cột bắt buộc “Họ và tên” (tên cột thường gặp: Họ và tên; Họ tên; Họ và tên "
            "khai sinh; Ho va ten); các cột nhận ra: “Ngày sinh”, “Số thẻ đảng viên”, “Ngày vào "
            "Đảng”, “Dân tộc”",
        )
    ]


def test_empty_required_value(tmp_path: Path) -> None:
    rows = [ROSTER_HEADER, [1, "An", "", "", "19/05/2005"]]
    path = write(tmp_path / "x.xlsx", rows)
    assert messages(read_file(path)) == [
        f'Tệp "{path}", trang "DS", dòng 2, cột "Ngày sinh": '
        "bỏ trống; cần ngày sinh, số thẻ đảng viên hoặc số CCCD để nhận ra đảng viên."
    ]


def test_birth_and_admission_dates_are_not_required_where_identity_does_not_need_them(
    tmp_path: Path,
) -> None:
    """Spec Identity: a card (or CCCD) identifies a member without a birth date; a member with
    no admission date is one since before the records began."""
    rows = [ROSTER_HEADER, [1, "An", "", "01234567", ""], [2, "Bình", "05/03/1981", "", ""]]
    reading = read_file(write(tmp_path / "x.xlsx", rows))
    assert messages(reading) == []
    assert reading.sheets[0].kind == "members"
    without_admission = [["Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Dân tộc", "Tôn giáo"],
                         ["An", "05/03/1980", "01234567", "Kinh", "Không"]]  # fmt: skip
    assert messages(read_file(write(tmp_path / "y.xlsx", without_admission))) == []


def test_duplicate_card_numbers_name_both_rows(tmp_path: Path) -> None:
    rows = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        ROSTER_HEADER,
        [1, "An", "05/03/1980", "01234567", "19/05/2005"],
        [2, "Bình", "05/03/1981", "00012345", "19/05/2005"],
        [3, "Cường", "05/03/1982", 1234567, "19/05/2005"],
    ]
    path = write(tmp_path / "x.xlsx", rows)
    assert messages(read_file(path)) == [
        f'Tệp "{path}", trang "DS", dòng 5, cột "Số thẻ đảng viên": giá trị "01234567" '
        "trùng với dòng 3 (mỗi đảng viên chỉ được ghi một lần trong tệp)."
    ]


def test_duplicates_across_sheets(tmp_path: Path) -> None:
    sheet = [ROSTER_HEADER, [1, "An", "05/03/1980", "01234567", "19/05/2005"]]
    path = write(tmp_path / "x.xlsx", {"Chi bộ 1": sheet, "Chi bộ 2": sheet})
    assert [p.expected for p in read_file(path).problems] == [
        "trùng với dòng 2 của trang “Chi bộ 1” (mỗi đảng viên chỉ được ghi một lần trong tệp)"
    ]


def test_unknown_vocabulary_value(tmp_path: Path) -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", "Loại biến động", "Ngày"],
        ["An", "1980", "Đi nước ngoài", "01/09/2026"],
    ]
    reading = read_file(write(tmp_path / "x.xlsx", rows))
    (problem,) = reading.problems
    assert (problem.row, problem.column, problem.value) == (2, "Loại biến động", "Đi nước ngoài")
    assert problem.expected.startswith("không có trong danh mục (cần một trong: Kết nạp,")


def test_header_only(tmp_path: Path) -> None:
    path = write(tmp_path / "x.xlsx", [["DANH SÁCH ĐẢNG VIÊN"], ROSTER_HEADER])
    reading = read_file(path)
    assert reading.sheets == []
    reason = (
        "chỉ có dòng tiêu đề, không có dòng dữ liệu nào (danh sách đảng viên; các cột nhận ra: "
        "“Họ và tên”, “Ngày sinh”, “Số thẻ đảng viên”, “Ngày vào Đảng”)"
    )
    assert reading.skipped == [("DS", reason)]
    assert messages(reading) == [
        f'Tệp "{path}": không có trang nào đọc được dữ liệu (trang "DS": {reason}).'
    ]


def test_unrecognised_sheet_is_skipped_with_a_reason(tmp_path: Path) -> None:
    roster = [ROSTER_HEADER, [1, "An", "05/03/1980", "01234567", "19/05/2005"]]
    summary = [["Tên chi bộ", "Nam", "Nữ"], ["Chi bộ 1", 10, 5]]
    notes = [["Ghi chú: số liệu do chi bộ báo cáo"]]
    reading = read_file(
        write(
            tmp_path / "x.xlsx", {"DS": roster, "Tổng hợp": summary, "Ghi chú": notes, "Trống": []}
        )
    )
    assert messages(reading) == []
    assert [sheet.sheet for sheet in reading.sheets] == ["DS"]
    assert reading.skipped == [
        (
            "Tổng hợp",
            "tiêu đề cột không khớp loại danh sách nào (nhận ra: “Tên chi bộ”, “Nam”, “Nữ”)",
        ),
        (
            "Ghi chú",
            "không tìm thấy dòng tiêu đề cột (cần các cột như “Họ và tên”, “Ngày sinh”, "
            "“Tên tổ chức đảng”, “Loại biến động”, “Điểm”…)",
        ),
        ("Trống", "trang trống"),
    ]


def test_problems_are_capped_at_fifty(tmp_path: Path) -> None:
    rows = [ROSTER_HEADER] + [
        [n, f"Người {n}", "31/02/1980", f"{n:08d}", "19/05/2005"] for n in range(60)
    ]
    reading = read_file(write(tmp_path / "x.xlsx", rows))
    assert len(reading.problems) == 50 and reading.more_problems == 10
    assert reading.messages()[-1].endswith("còn 10 lỗi khác chưa liệt kê.")


def test_forced_kind(tmp_path: Path) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Nội dung", "Ngày"], ["An", "1980", "Từ trần", "01/09/2026"]]
    reading = read_file(write(tmp_path / "x.xlsx", rows), kind="changes")
    assert reading.sheets[0].kind == "changes"
    rows = [["Họ và tên", "Ngày sinh", "Ngày vào Đảng"], ["An", "1980", "01/09/2006"]]
    reading = read_file(write(tmp_path / "y.xlsx", rows), kind="members")
    assert reading.sheets[0].kind == "members"


def test_period_from_file_name_then_arguments(tmp_path: Path) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Ngày vào Đảng"], ["An", "1980", "01/09/2006"]]
    named = read_file(write(tmp_path / "DSDV T9-2026.xlsx", rows), as_of=D(2020, 1, 1))
    assert named.sheets[0].as_of == D(2026, 9, 30)
    plain = read_file(write(tmp_path / "ds.xlsx", rows), as_of=D(2020, 1, 1), unit="Chi bộ 1")
    assert plain.sheets[0].as_of == D(2020, 1, 1)
    assert plain.unit == "Chi bộ 1"
    bare = read_file(write(tmp_path / "ds2.xlsx", rows))
    assert bare.sheets[0].as_of is None
    assert any("Không thấy ngày số liệu" in warning for warning in bare.sheets[0].warnings)


def test_folder_names_and_hash(tmp_path: Path) -> None:
    folder = tmp_path / "DANG BO XA PHU AN" / "04. Chi bo Cong an xa Phu An"
    folder.mkdir(parents=True)
    path = write(
        folder / "ds.xlsx",
        [["Họ và tên", "Ngày sinh", "Ngày vào Đảng"], ["An", "1980", "01/09/2006"]],
    )
    reading = read_file(path)
    assert reading.sheets[0].folder_names[-2:] == ["DANG BO XA PHU AN", "Chi bo Cong an xa Phu An"]
    assert reading.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert reading.format == "xlsx"


# ---------------------------------------------------------------- round trip


SYLLABLES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Văn",
    "Thị",
    "Ánh",
    "Hưởng",
    "Đức",
    "Ngọc",
    "Thuỷ",
    "Bình",
]
DATE_STYLES = [
    lambda d: d,
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: f"{d.day}-{d.month}-{d.year}",
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: (d - D(1899, 12, 30)).days,
]
member = st.tuples(
    st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map(" ".join),
    st.dates(D(1930, 1, 1), D(2007, 12, 31)),
    st.integers(0, 99_999_999).map(lambda n: f"{n:08d}"),
    st.dates(D(1950, 1, 1), D(2025, 12, 31)),
    st.integers(0, len(DATE_STYLES) - 1),
    st.booleans(),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    members=st.lists(member, min_size=1, max_size=8, unique_by=lambda m: m[2]),
    suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".csv"]),
)
def test_round_trip(tmp_path: Path, members: list, suffix: str) -> None:
    rows: list[list] = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Ngày vào Đảng"],
    ]
    for number, (name, birth, card, admitted, style, nfd) in enumerate(members, start=1):
        shown_name = unicodedata.normalize("NFD", name) if nfd else name
        rows.append(
            [number, shown_name, DATE_STYLES[style](birth), card, DATE_STYLES[style](admitted)]
        )
    path = write(tmp_path / f"rt{suffix}", rows)
    reading = read_file(path)
    assert messages(reading) == []
    expected = [(m[0], m[1], m[2], m[3]) for m in members]
    assert records(reading, "full_name", "birth_date", "card_number", "admitted_on") == expected
