"""What a clerk trusts the clerk's commands for (issue #14, items 5, 9, 10, 11): `status` counts a
file for the period its data cover, template files never overwrite each other, the demo keeps to
its folder, and every message names things so a clerk can find them, in Vietnamese."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from tests.sheets import write_xlsx

import tcxd.cli.clerk  # noqa: F401

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
SCHOOL = "Đảng bộ Trường THCS Phú An"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng",
          "Ngày chính thức", "Dân tộc"]  # fmt: skip
AN = ["Nguyễn Văn An", "05/03/1980", "Nam", "01234567", "01/02/2005", "01/02/2006", "Kinh"]
BINH = ["Trần Thị Bình", "12/07/1975", "Nữ", "00234568", "03/04/2010", "03/04/2011", "Tày"]
DUNG = ["Phạm Thị Dung", "02/02/1995", "Nữ", "", "15/03/2025", "", "Kinh"]


def roster(path: Path, unit: str, members: list[list], as_of: str) -> Path:
    rows = [[unit.upper()], ["DANH SÁCH ĐẢNG VIÊN"], [f"Tính đến ngày {as_of}"], [], HEADER]
    return write_xlsx(path, rows + [[n, *m] for n, m in enumerate(members, start=1)])


def imported(tcxd, db_url, *paths) -> None:
    for path in paths:
        result = tcxd("import", path, "--db", db_url)
        assert result.exit_code == 0, result.output


@pytest.fixture
def province(tcxd, db_url, tmp_path) -> Path:
    """Two chi bộ cơ sở and a đảng bộ cơ sở with two chi bộ both named "Chi bộ 1" elsewhere."""
    result = tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "files"
    orgs = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, "Chi bộ thôn 2", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
    )
    imported(tcxd, db_url, orgs)
    return folder


# --------------------------------------------------------------------------- 5. status


def test_status_counts_a_file_for_the_period_its_data_cover(tcxd, db_url, province):
    """A year-end roster and the year's changes are last year's data, not the next quarter's:
    only the unit that sent Q1 data has sent for Q1."""
    thon1, thon2 = province / "Chi bo thon 1", province / "Chi bo thon 2"
    changes = write_xlsx(
        thon1 / "bien-dong-2025.xlsx",
        [
            ["CHI BỘ THÔN 1"],
            ["BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2025"],
            ["Tính đến ngày 31/12/2025"],
            ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Loại biến động", "Ngày"],
            [1, DUNG[0], DUNG[1], "", "Kết nạp", "15/03/2025"],
        ],
    )
    imported(
        tcxd,
        db_url,
        roster(thon1 / "ds-2025.xlsx", "Chi bộ thôn 1", [AN, BINH, DUNG], "31/12/2025"),
        changes,
        roster(thon2 / "ds-q1-2026.xlsx", "Chi bộ thôn 2", [AN[:1] + BINH[1:]], "31/3/2026"),
    )
    result = tcxd("status", "--period", "q1", "--year", "2026", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Đảng bộ xã Phú An: 1/2 TCCSĐ đã gửi tệp cho quý I năm 2026" in result.stdout
    assert "Quý I năm 2026: 1/2 tổ chức cơ sở đảng đã gửi tệp; 1 chưa gửi tệp nào." in (
        result.stdout
    )
    # the 2025 files still count for 2025
    result = tcxd("status", "--period", "year", "--year", "2025", "--db", db_url)
    assert "Đảng bộ xã Phú An: 1/2 TCCSĐ đã gửi tệp cho năm 2025" in result.stdout


# --------------------------------------------------------------------------- 9. template names


def test_two_units_of_the_same_name_get_two_template_files(
    tcxd, db_url, province, tmp_path, monkeypatch
):
    schools = ["Đảng bộ Trường THCS Phú An", "Đảng bộ Trường Tiểu học Phú An"]
    orgs = write_xlsx(
        province / "to-chuc-truong.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, schools[0], "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            [2, "Chi bộ 1", "Chi bộ trực thuộc", schools[0], ""],
            [3, schools[1], "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            [4, "Chi bộ 1", "Chi bộ trực thuộc", schools[1], ""],
        ],
    )
    imported(tcxd, db_url, orgs)
    out = tmp_path / "mau"
    out.mkdir()
    monkeypatch.chdir(out)
    messages = []
    for school in schools:
        result = tcxd("template", "members", "--unit", f"{school}/Chi bộ 1", "--db", db_url)
        assert result.exit_code == 0, result.output
        messages.append(result.stdout)
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "mau-danh-sach-dang-vien-chi-bo-1-dang-bo-truong-thcs-phu-an-dang-bo-xa-phu-an.xlsx",
        "mau-danh-sach-dang-vien-chi-bo-1-dang-bo-truong-tieu-hoc-phu-an-dang-bo-xa-phu-an.xlsx",
    ]
    assert names[0] in messages[0] and names[1] in messages[1]


# --------------------------------------------------------------------------- 10. set-up

ROOT = Path(__file__).resolve().parents[2]


def _demo(cwd: Path, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py"), "--data", str(data)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory) -> Path:
    from tcxd.sample import generate

    folder = tmp_path_factory.mktemp("sample") / "files"
    generate(folder, members=120, seed=5, mess=False)
    return folder


def test_the_demo_keeps_to_its_folder_and_deletes_only_its_own_database(
    tcxd, tmp_path, small_sample
):
    """A clerk's tcxd.db made with `tcxd init` (as README says) survives `make demo`; the demo's
    own database and workbooks go to demo/, and a second run starts again from scratch."""
    work = tmp_path / "tcxd"
    work.mkdir()
    clerk_db = work / "tcxd.db"
    assert tcxd("init", "--config", small_sample / "tinh.yaml", "--db", clerk_db).exit_code == 0
    before = clerk_db.read_bytes()
    for _ in range(2):
        done = _demo(work, small_sample)
        assert done.returncode == 0, done.stdout + done.stderr
        assert clerk_db.read_bytes() == before
        assert (work / "demo" / "tcxd.db").exists()
        assert (work / "demo" / "bao-cao" / "2025-year" / "tinh.xlsx").exists()
    assert "Đã xóa cơ sở dữ liệu của lần demo trước (demo/tcxd.db)" in done.stdout
    assert "source .venv/bin/activate" in done.stdout


def test_the_demo_never_deletes_a_database_it_did_not_make(tcxd, tmp_path, small_sample):
    work = tmp_path / "tcxd"
    (work / "demo").mkdir(parents=True)
    theirs = work / "demo" / "tcxd.db"
    assert tcxd("init", "--config", small_sample / "tinh.yaml", "--db", theirs).exit_code == 0
    before = theirs.read_bytes()
    done = _demo(work, small_sample)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Thư mục demo có tệp tcxd.db không do make demo tạo ra; demo không xóa nó. "
        "Hãy chuyển tệp đó sang thư mục khác rồi chạy lại make demo."
    )
    assert theirs.read_bytes() == before


def test_make_demo_and_make_clean_name_only_the_demo_folder():
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "demo", "clean"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".venv/bin/python scripts/demo.py --dir demo --data sample_data --year 2025" in dry
    assert "tcxd.db" not in dry
    assert "/demo/" in (ROOT / ".gitignore").read_text().splitlines()


def _install(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "install", f"INSTALL_DIR={folder}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{folder}:/usr/bin:/bin"},
    )


def test_make_install_puts_tcxd_on_the_path(tmp_path):
    folder = tmp_path / "bin"
    done = _install(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    link = folder / "tcxd"
    assert link.resolve() == (ROOT / ".venv" / "bin" / "tcxd").resolve()
    assert f"Đã đặt lệnh tcxd vào {link}" in done.stdout
    help_ = subprocess.run(["tcxd", "--help"], capture_output=True, text=True, check=False,
                           env={**os.environ, "PATH": f"{folder}:/usr/bin:/bin"})  # fmt: skip
    assert help_.returncode == 0 and "import" in help_.stdout


def test_make_install_never_replaces_another_tcxd(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    other = folder / "tcxd"
    other.write_text("#!/bin/sh\necho khac\n")
    done = _install(folder)
    assert done.returncode != 0
    assert "không ghi đè" in done.stdout
    assert other.read_text() == "#!/bin/sh\necho khac\n"


# --------------------------------------------------------------------------- 11. messages


def _today_vi() -> str:
    today = date.today()
    return f"{today.day}/{today.month}/{today.year}"


def test_a_warning_names_the_file_under_the_imported_folder_and_its_sheet(tcxd, db_url, province):
    """Two units send a file of the same name: each warning says which, and on which sheet."""
    for number in (1, 2):
        unit = f"Chi bộ thôn {number}"
        path = roster(province / f"Chi bo thon {number}" / "DSDV 31-12-2025.xlsx", unit,
                      [[AN, BINH][number - 1]], "31/12/2025")  # fmt: skip
        book = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("DS").to_python()
        write_xlsx(path, [*book, ["", "Tổng cộng", "", "", "", "", "", "", ""]])
    result = tcxd("import", province, "--db", db_url)
    assert result.exit_code == 0, result.output
    for number in (1, 2):
        assert (
            f'Cảnh báo Chi bo thon {number}/DSDV 31-12-2025.xlsx: Trang "DS": '
            'Đã bỏ qua dòng "Tổng cộng" (dòng số 7 của trang)'
        ) in result.stdout
        assert f"│ Chi bo thon {number}/DSDV 31-12-2025.xlsx " in result.stdout

    # status and the checks name them the same way, long after the import
    result = tcxd("status", "--period", "year", "--year", "2025", "--files", "--db", db_url)
    said = " ".join(result.stdout.split())
    for number in (1, 2):
        assert f"Chi bo thon {number}/DSDV 31-12-2025.xlsx" in said, result.stdout


def test_counts_are_written_the_vietnamese_way(tcxd, db_url, province):
    members = [
        [f"Nguyễn Văn An {chr(0x41 + n % 26)}", f"{1 + n % 28:02d}/0{1 + n % 9}/{1950 + n % 50}",
         "Nam", f"{10_000_000 + n}", "01/02/2005", "01/02/2006", "Kinh"]
        for n in range(1_203)
    ]  # fmt: skip
    path = roster(province / "Chi bo thon 1" / "ds.xlsx", "Chi bộ thôn 1", members, "31/12/2025")
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    table = result.stdout.split("\nCảnh báo ")[0]  # (the warnings name rows: 1203 is a row)
    assert "│ 1.203 " in table and "1203" not in table
    result = tcxd("status", "--period", "year", "--year", "2025", "--db", db_url)
    assert "31/12/2025 (1.203 dòng)" in result.stdout and "1203" not in result.stdout


def test_dates_a_clerk_reads_are_day_month_year(tcxd, db_url, tmp_path):
    """The check of units that sent nothing for the period gives the day their newest file was
    imported as 7/12/2026 (here the district's own list of organisations)."""
    other = "Đảng bộ xã Phú Bình"
    args = ["--district", DISTRICT, "--district", other]
    assert tcxd("init", "--province", PROVINCE, *args, "--db", db_url).exit_code == 0
    folder = tmp_path / "files"
    files = []
    for district, unit in ((DISTRICT, "Chi bộ thôn 1"), (other, "Chi bộ thôn 9")):
        files.append(write_xlsx(
            folder / f"to-chuc-{unit}.xlsx",
            [
                [district.upper()],
                ["DANH SÁCH TỔ CHỨC ĐẢNG"],
                [],
                ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
                [1, unit, "Chi bộ cơ sở", district, "Xã"],
            ],
        ))  # fmt: skip
    imported(
        tcxd,
        db_url,
        *files,
        roster(folder / "ds-2025.xlsx", "Chi bộ thôn 1", [AN], "31/12/2025"),
        roster(folder / "ds-2024.xlsx", "Chi bộ thôn 9", [BINH], "31/12/2024"),
    )
    result = tcxd("check", "--period", "year", "--year", "2025", "--db", db_url)
    flat = " ".join(result.stdout.replace("│", " ").split())
    assert f"Chưa có tệp nào cho kỳ này; tệp mới nhất nhập ngày {_today_vi()}" in flat
    assert not re.search(r"\d{4}-\d{2}-\d{2}", result.output)


def test_help_names_values_and_ranges_in_vietnamese(tcxd):
    result = tcxd("import", "--help")
    assert "Cách dùng: tcxd import [TÙY CHỌN] TỆP…" in result.stdout
    assert "QUÝ [1–4]" in result.stdout
    assert "SỐ [≥ 100]" in tcxd("sample", "--help").stdout
    assert "Cách dùng: tcxd [TÙY CHỌN] LỆNH [THAM SỐ]…" in tcxd("--help").stdout
    for command in ("init", "sample", "import", "classify", "report", "check", "status",
                    "template", "diff", "explain", "migrate"):  # fmt: skip
        shown = tcxd(command, "--help").stdout
        assert not re.search(r"<\w+|x\s*[<>]=|<=\s*x|\[OPTIONS\]|list\[", shown), (command, shown)


def test_ratings_name_the_rule_set_by_its_vietnamese_title(tcxd, tmp_path, small_sample):
    db = tmp_path / "tcxd.db"
    assert tcxd("init", "--config", small_sample / "tinh.yaml", "--db", db).exit_code == 0
    imported(tcxd, db, small_sample)
    result = tcxd("classify", "--year", "2025", "--db", db)
    assert result.exit_code == 0, result.output
    title = "Quy định 366-QĐ/TW (30/8/2025) và Hướng dẫn 43-HD/BTCTW (31/10/2025)"
    assert f"Kết quả xếp loại Năm 2025 theo {title} (bản 1)" in result.stdout
    assert (
        f"Quy định xếp loại năm 2025: {title} (bản 1)"
        in tcxd("rules", "show", "--year", "2025", "--db", db).stdout
    )
    assert "qd366-2025 (" not in result.stdout


def test_a_tab_in_the_province_config_is_named_with_its_line_and_column(tcxd, tmp_path):
    config = tmp_path / "tinh.yaml"
    config.write_text(f"province: {PROVINCE}\ndistricts:\n\t- {DISTRICT}\n", encoding="utf-8")
    result = tcxd("init", "--config", config, "--db", tmp_path / "tcxd.db")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f'Lỗi: Tệp cấu hình "{config}", dòng 3, cột 1: có ký tự Tab; YAML chỉ thụt đầu dòng bằng '
        "dấu cách."
    )
    assert not (tmp_path / "tcxd.db").exists()


def test_explain_finds_a_name_typed_without_diacritics(tcxd, db_url, province):
    an2 = ["Nguyễn Văn Ân", "09/09/1990", "Nam", "07654321", "01/02/2015", "01/02/2016", "Kinh"]
    imported(
        tcxd,
        db_url,
        roster(
            province / "Chi bo thon 1" / "ds.xlsx", "Chi bộ thôn 1", [AN, BINH, an2], "31/12/2025"
        ),
    )
    result = tcxd("explain", "--name", "tran thi BINH", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Trần Thị Bình" in result.stdout
    result = tcxd("explain", "--name", "nguyen van an", "--db", db_url)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        'Lỗi: Có 2 đảng viên "nguyen van an": Nguyễn Văn An (sinh 05/03/1980, thẻ 01234567); '
        "Nguyễn Văn Ân (sinh 09/09/1990, thẻ 07654321). Hãy dùng --card, hoặc thêm --birth."
    )
    result = tcxd("explain", "--name", "Nguyen Van An", "--birth", "09/09/1990", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Nguyễn Văn Ân" in result.stdout


def test_diff_names_each_row_with_its_sheet(tcxd, db_url, province):
    folder = province / "Chi bo thon 1"
    imported(
        tcxd,
        db_url,
        roster(folder / "ds-2024.xlsx", "Chi bộ thôn 1", [AN, BINH], "31/12/2024"),
        roster(folder / "ds-2025.xlsx", "Chi bộ thôn 1", [[*AN[:-1], "Mường"]], "30/6/2025"),
    )
    result = tcxd("diff", "Chi bộ thôn 1", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "│ ds-2024.xlsx, trang “DS”, dòng 7 " in result.stdout  # Bình, who left
    assert "│ ds-2025.xlsx, trang “DS”, dòng 6 " in result.stdout  # An's new ethnicity
