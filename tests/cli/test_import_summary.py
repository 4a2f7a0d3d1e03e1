# ruff: noqa: E501  (the tables as printed, one line each: they read better whole)
"""What `tcxd import` prints about the files of a run, exactly: a table of every file for a run
of few files (as it always was); above `FILES_LISTED` files, counts by folder and the files that
were not imported, every file again with `--list-files` (docs/huong-dan-su-dung.md, 2.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.test_import import AN, BINH, province, query, roster  # noqa: F401

BAD_DATE = [AN[0], "31/02/1980", *AN[2:]]
# Another member (another card) whose official date comes too soon: a warning, still imported.
SOON = ["Lê Văn Cường", "10/10/1980", "Nam", "07654321", "01/02/2005", "01/06/2005", "Kinh"]


@pytest.fixture
def run_files(province: Path) -> Path:  # noqa: F811 (the fixture of test_import)
    """A folder of five files: one already imported (the organisations, by `province`), two new
    rosters in two folders (one with a warning), one refused, one that is not a spreadsheet."""
    files = province.parent
    roster(province / "01. Chi bo thon 1" / "DSDV.xlsx", [AN, BINH])
    roster(province / "01. Chi bo thon 1" / "sai.xlsx", [BAD_DATE])
    (files / "ghi-chu.txt").write_text("Gửi kèm danh sách.", encoding="utf-8")
    roster(files / "02. Bo sung" / "DSDV 2025.xlsx", [SOON], unit="CHI BỘ 1")
    return files


def warning_lines() -> list[str]:
    return [
        'Cảnh báo ghi-chu.txt: Bỏ qua "ghi-chu.txt": không phải bảng tính (.txt); tcxd chỉ nhập '
        ".xlsx, .xlsm, .xls, .ods, .csv, .tsv.",
        'Cảnh báo 02. Bo sung/DSDV 2025.xlsx: Trang "DS": dòng 6, "Lê Văn Cường": ngày chính thức '
        "01/06/2005 chưa đủ 12 tháng sau ngày vào Đảng 01/02/2005.",
    ]


LEGEND = (
    "Mới / Cập nhật / Không đổi: số đảng viên (hoặc tổ chức, kết quả đánh giá) mới có trong cơ "
    "sở dữ liệu, được cập nhật, hoặc giữ nguyên."
)
TOTAL = "Tổng cộng 5 tệp: 2 nhập được, 1 đã có từ trước, 1 không nhập được, 1 bỏ qua."

EVERY_FILE = [
    "Kết quả nhập",
    "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━┓",
    "┃ Tệp                                               ┃ Loại                ┃ Đơn vị        ┃ Trạng thái    ┃ Mới ┃ Cập nhật ┃ Không đổi ┃ Cảnh báo ┃",
    "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━┩",
    "│ ghi-chu.txt                                       │                     │               │ bỏ qua        │ 0   │ 0        │ 0         │ 1        │",
    "│ 01. Dang bo xa Phu An/to-chuc.xlsx                │                     │               │ đã có, bỏ qua │ 0   │ 0        │ 0         │ 0        │",
    "│ 02. Bo sung/DSDV 2025.xlsx                        │ Danh sách đảng viên │ Chi bộ 1      │ đã nhập       │ 1   │ 0        │ 0         │ 1        │",
    "│ 01. Dang bo xa Phu An/01. Chi bo thon 1/DSDV.xlsx │ Danh sách đảng viên │ Chi bộ thôn 1 │ đã nhập       │ 2   │ 0        │ 0         │ 0        │",
    "│ 01. Dang bo xa Phu An/01. Chi bo thon 1/sai.xlsx  │ Danh sách đảng viên │               │ KHÔNG NHẬP    │ 0   │ 0        │ 0         │ 0        │",
    "└───────────────────────────────────────────────────┴─────────────────────┴───────────────┴───────────────┴─────┴──────────┴───────────┴──────────┘",
    LEGEND,
    *warning_lines(),
    TOTAL,
]  # fmt: skip


def refused_lines(files: Path) -> list[str]:
    bad = files / "01. Dang bo xa Phu An" / "01. Chi bo thon 1" / "sai.xlsx"
    return [
        f"Tệp không nhập được: {bad}",
        f'  - Tệp "{bad}", trang "DS", dòng 6, cột "Ngày sinh": giá trị "31/02/1980" không phải '
        "ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980).",
        "  Tệp lỗi để gửi lại đơn vị (ô sai tô đỏ, có ghi chú): tep-loi/sai - loi.xlsx",
    ]


def assert_imported(db_url: str) -> None:
    """What the run stored, whatever it printed: the two rosters' three members."""
    assert query(db_url, "SELECT card_number FROM member ORDER BY card_number") == [
        ("00234568",),
        ("01234567",),
        ("07654321",),
    ]


def test_a_run_of_few_files_lists_every_file(tcxd, db_url, run_files):
    result = tcxd("import", run_files, "--db", db_url)
    assert result.exit_code == 3
    assert result.stdout.splitlines() == EVERY_FILE
    assert result.stderr.splitlines() == refused_lines(run_files)
    assert_imported(db_url)


BY_FOLDER = [
    "Kết quả nhập theo thư mục",
    "┏━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━┓",
    "┃ Thư mục               ┃ Tệp ┃ đã nhập ┃ đã có, bỏ qua ┃ KHÔNG NHẬP ┃ bỏ qua ┃ Mới ┃ Cập nhật ┃ Không đổi ┃ Cảnh báo ┃",
    "┡━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━┩",
    "│ 01. Dang bo xa Phu An │ 3   │ 1       │ 1             │ 1          │ 0      │ 2   │ 0        │ 0         │ 0        │",
    "│ 02. Bo sung           │ 1   │ 1       │ 0             │ 0          │ 0      │ 1   │ 0        │ 0         │ 1        │",
    "│ (ngoài thư mục con)   │ 1   │ 0       │ 0             │ 0          │ 1      │ 0   │ 0        │ 0         │ 1        │",
    "├───────────────────────┼─────┼─────────┼───────────────┼────────────┼────────┼─────┼──────────┼───────────┼──────────┤",
    "│ Cộng                  │ 5   │ 2       │ 1             │ 1          │ 1      │ 3   │ 0        │ 0         │ 2        │",
    "└───────────────────────┴─────┴─────────┴───────────────┴────────────┴────────┴─────┴──────────┴───────────┴──────────┘",
    "Các tệp không nhập được hoặc bị bỏ qua",
    "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━┳━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━┓",
    "┃ Tệp                                              ┃ Loại                ┃ Đơn vị ┃ Trạng thái ┃ Mới ┃ Cập nhật ┃ Không đổi ┃ Cảnh báo ┃",
    "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━╇━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━┩",
    "│ ghi-chu.txt                                      │                     │        │ bỏ qua     │ 0   │ 0        │ 0         │ 1        │",
    "│ 01. Dang bo xa Phu An/01. Chi bo thon 1/sai.xlsx │ Danh sách đảng viên │        │ KHÔNG NHẬP │ 0   │ 0        │ 0         │ 0        │",
    "└──────────────────────────────────────────────────┴─────────────────────┴────────┴────────────┴─────┴──────────┴───────────┴──────────┘",
    "Lần nhập có 5 tệp (hơn 3): bảng đếm số tệp theo thư mục, chỉ liệt kê các tệp không nhập được hoặc bị bỏ qua; thêm --list-files để liệt kê từng tệp.",
    LEGEND,
    *warning_lines(),
    TOTAL,
]  # fmt: skip


@pytest.mark.parametrize(
    "options, expected", [((), "by folder"), (("--list-files",), "every file")]
)
def test_a_run_of_many_files_is_counted_by_folder_or_listed(
    tcxd, db_url, run_files, monkeypatch, options, expected
):
    """Above FILES_LISTED files (3 here, 100 in use): one row per folder, its files by status
    and its members; the files not imported listed; the warnings and refusals as always. With
    --list-files, every file, as in a short run."""
    monkeypatch.setattr("tcxd.cli.imports.FILES_LISTED", 3)
    result = tcxd("import", run_files, *options, "--db", db_url)
    assert result.exit_code == 3
    assert (
        result.stdout.splitlines() == {"by folder": BY_FOLDER, "every file": EVERY_FILE}[expected]
    )
    assert result.stderr.splitlines() == refused_lines(run_files)
    assert_imported(db_url)


def test_a_dry_run_of_many_files_says_so(tcxd, db_url, run_files, monkeypatch):
    monkeypatch.setattr("tcxd.cli.imports.FILES_LISTED", 3)
    result = tcxd("import", run_files, "--dry-run", "--db", db_url)
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[0] == "Kết quả nhập theo thư mục (thử, không ghi)"
    assert (
        "┃ Thư mục               ┃ Tệp ┃ đã có, bỏ qua ┃ KHÔNG NHẬP ┃ hợp lệ (thử) ┃ bỏ qua ┃"
        in lines[2]
    )
    assert query(db_url, "SELECT COUNT(*) FROM member") == [(0,)]


def test_a_re_import_of_many_unchanged_files(tcxd, db_url, run_files, monkeypatch):
    """Nothing new: the folders' files all "đã có, bỏ qua"; only the refused and the skipped
    file are listed."""
    monkeypatch.setattr("tcxd.cli.imports.FILES_LISTED", 3)
    tcxd("import", run_files, "--db", db_url)
    result = tcxd("import", run_files, "--db", db_url)
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[2] == (
        "┃ Thư mục               ┃ Tệp ┃ đã có, bỏ qua ┃ KHÔNG NHẬP ┃ bỏ qua ┃ Mới ┃ Cập nhật ┃ Không đổi ┃ Cảnh báo ┃"
    )
    assert lines[8] == (
        "│ Cộng                  │ 5   │ 3             │ 1          │ 1      │ 0   │ 0        │ 0         │ 1        │"
    )
    assert [line.split("│")[1].strip() for line in lines[14:16]] == [
        "ghi-chu.txt",
        "01. Dang bo xa Phu An/01. Chi bo thon 1/sai.xlsx",
    ]
    assert (
        lines[-1] == "Tổng cộng 5 tệp: 0 nhập được, 3 đã có từ trước, 1 không nhập được, 1 bỏ qua."
    )


def test_an_all_or_nothing_run_of_many_files_lists_the_refused_one(
    tcxd, db_url, run_files, monkeypatch
):
    """The files undone for another's refusal are counted by folder ("hủy"), not listed: one
    refused file in a province's run would otherwise list all the others."""
    monkeypatch.setattr("tcxd.cli.imports.FILES_LISTED", 3)
    result = tcxd("import", run_files, "--all-or-nothing", "--db", db_url)
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert "hủy (--all-or-nothing)" in lines[2]
    assert [line.split("│")[4].strip() for line in lines[14:16]] == ["bỏ qua", "KHÔNG NHẬP"]
    assert lines[16].startswith("└")
    assert query(db_url, "SELECT COUNT(*) FROM member") == [(0,)]
