"""`tcxd import` end to end: exit code, exact messages, and the database afterwards."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.sheets import write_xlsx

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
ROSTER_HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Dân tộc",
]


def organizations(folder: Path) -> Path:
    return write_xlsx(
        folder / "to-chuc.xlsx",
        [
            ["ĐẢNG BỘ XÃ PHÚ AN"],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, "Đảng bộ Trường THCS Phú An", "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            [3, "Chi bộ 1", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", ""],
            [4, "Chi bộ 2", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", ""],
        ],
        sheet="TC",
    )


def roster(path: Path, members: list[list], unit: str = "CHI BỘ THÔN 1", as_of="31/12/2024"):
    rows = [[unit], ["DANH SÁCH ĐẢNG VIÊN"], [f"Tính đến ngày {as_of}"], [], ROSTER_HEADER]
    rows += [[n, *m] for n, m in enumerate(members, start=1)]
    return write_xlsx(path, rows)


AN = ["Nguyễn Văn An", "05/03/1980", "Nam", "01234567", "01/02/2005", "01/02/2006", "Kinh"]
BINH = ["Trần Thị Bình", "12/07/1975", "Nữ", "00234568", "03/04/2010", "03/04/2011", "Tày"]


def query(db: str, sql: str):
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).fetchall()
    engine.dispose()
    return rows


def table_checksums(db: str) -> dict[str, str]:
    """A checksum of every table's content, to prove a refused file wrote nothing."""
    engine = create_engine(db)
    sums = {}
    with engine.connect() as conn:
        for (name,) in conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
            if engine.dialect.name == "sqlite"
            else text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ):
            rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY 1')).fetchall()
            sums[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    engine.dispose()
    return sums


@pytest.fixture
def province(tcxd, db_url, tmp_path):
    result = tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "files" / "01. Dang bo xa Phu An"
    organizations(folder)
    result = tcxd("import", folder / "to-chuc.xlsx", "--db", db_url)
    assert result.exit_code == 0, result.output
    return folder


def test_roster_imports_members_into_their_chi_bo(tcxd, db_url, province):
    path = roster(province / "01. Chi bo thon 1" / "DSDV.xlsx", [AN, BINH])
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Tổng cộng 1 tệp: 1 nhập được, 0 đã có từ trước, 0 không nhập được." in result.stdout
    rows = query(
        db_url,
        "SELECT m.full_name, m.card_number, m.birth_date, o.name FROM member m "
        "JOIN roster_entry r ON r.member_id = m.id JOIN organization o ON o.id = r.org_id "
        "ORDER BY m.card_number",
    )
    assert [(r[0], r[1], str(r[2])[:10], r[3]) for r in rows] == [
        ("Trần Thị Bình", "00234568", "1975-07-12", "Chi bộ thôn 1"),
        ("Nguyễn Văn An", "01234567", "1980-03-05", "Chi bộ thôn 1"),
    ]


def test_the_same_file_twice_changes_nothing(tcxd, db_url, province):
    path = roster(province / "01. Chi bo thon 1" / "DSDV.xlsx", [AN, BINH])
    tcxd("import", path, "--db", db_url)
    before = table_checksums(db_url)
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0
    assert "Tổng cộng 1 tệp: 0 nhập được, 1 đã có từ trước, 0 không nhập được." in result.stdout
    assert table_checksums(db_url) == before


def test_newer_roster_updates_attributes(tcxd, db_url, province):
    tcxd("import", roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN, BINH]), "--db", db_url)
    changed = [*AN[:-1], "Mường"]
    newer = roster(province / "01. Chi bo thon 1" / "b.xlsx", [changed, BINH], as_of="31/12/2025")
    result = tcxd("import", newer, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert query(db_url, "SELECT ethnicity FROM member WHERE card_number = '01234567'") == [
        ("Mường",)
    ]


def test_impossible_date_refuses_the_file_and_writes_nothing(tcxd, db_url, province):
    bad = [*AN[:1], "31/02/1980", *AN[2:]]
    path = roster(province / "01. Chi bo thon 1" / "DSDV.xlsx", [BINH, bad])
    before = table_checksums(db_url)
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert f"Tệp không nhập được: {path}" in result.stderr
    assert 'dòng 7, cột "Ngày sinh": giá trị "31/02/1980"' in result.stderr
    assert table_checksums(db_url) == before


def test_duplicate_card_numbers_name_both_rows(tcxd, db_url, province):
    twin = ["Nguyễn Văn Anh", "06/03/1981", "Nam", "01234567", "01/02/2006", "", "Kinh"]
    path = roster(province / "01. Chi bo thon 1" / "DSDV.xlsx", [AN, twin])
    before = table_checksums(db_url)
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 3
    assert "dòng 6" in result.stderr and "dòng 7" in result.stderr
    assert "01234567" in result.stderr
    assert table_checksums(db_url) == before


def test_unknown_unit_is_refused_naming_the_names_tried(tcxd, db_url, tmp_path, province):
    path = roster(tmp_path / "lạ" / "DSDV.xlsx", [AN], unit="CHI BỘ KHÔNG CÓ")
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 3
    assert "không xác định được đơn vị của tệp" in result.stderr
    assert '"CHI BỘ KHÔNG CÓ"' in result.stderr


def test_unit_option_names_the_unit(tcxd, db_url, tmp_path, province):
    path = write_xlsx(tmp_path / "x" / "ds.xlsx", [ROSTER_HEADER, [1, *AN]])
    result = tcxd(
        "import", path, "--unit", "Chi bộ thôn 1", "--as-of", "31/12/2024", "--db", db_url
    )
    assert result.exit_code == 0, result.output
    assert query(db_url, "SELECT COUNT(*) FROM roster_entry") == [(1,)]


def test_one_bad_file_does_not_stop_the_others(tcxd, db_url, province):
    good = roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    bad = province / "01. Chi bo thon 1" / "b.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    result = tcxd("import", good, bad, "--db", db_url)
    assert result.exit_code == 3
    assert "Tổng cộng 2 tệp: 1 nhập được, 0 đã có từ trước, 1 không nhập được." in result.stdout
    assert query(db_url, "SELECT COUNT(*) FROM member") == [(1,)]


def test_all_or_nothing_writes_nothing_when_a_file_is_bad(tcxd, db_url, province):
    good = roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    bad = province / "01. Chi bo thon 1" / "b.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    before = table_checksums(db_url)
    result = tcxd("import", good, bad, "--all-or-nothing", "--db", db_url)
    assert result.exit_code == 3
    assert table_checksums(db_url) == before


def test_dry_run_reports_without_writing(tcxd, db_url, province):
    path = roster(province / "01. Chi bo thon 1" / "DSDV.xlsx", [AN, BINH])
    before = table_checksums(db_url)
    result = tcxd("import", path, "--dry-run", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Kết quả nhập (thử, không ghi)" in result.stdout
    assert table_checksums(db_url) == before


def test_changes_and_history(tcxd, db_url, province):
    folder = province / "01. Chi bo thon 1"
    tcxd("import", roster(folder / "DSDV.xlsx", [AN, BINH]), "--db", db_url)
    changes = write_xlsx(
        folder / "bien-dong.xlsx",
        [
            ["CHI BỘ THÔN 1"],
            ["BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2025"],
            [
                "STT",
                "Họ và tên",
                "Ngày sinh",
                "Số thẻ đảng viên",
                "Loại biến động",
                "Ngày quyết định",
            ],
            [1, "Trần Thị Bình", "12/07/1975", "00234568", "Từ trần", "15/03/2025"],
            [2, "Lê Văn Cường", "10/10/2000", "", "Kết nạp", "20/04/2025"],
        ],
        sheet="BD",
    )
    result = tcxd("import", changes, "--db", db_url)
    assert result.exit_code == 0, result.output
    spells = query(
        db_url,
        "SELECT m.full_name, s.start_kind, s.start_on, s.end_kind, s.end_on "
        "FROM membership s JOIN member m ON m.id = s.member_id ORDER BY m.full_name",
    )
    assert [
        (r[0], r[1], str(r[2])[:10] if r[2] else None, r[3], str(r[4])[:10] if r[4] else None)
        for r in spells
    ] == [
        ("Lê Văn Cường", "admitted", "2025-04-20", None, None),
        ("Nguyễn Văn An", None, None, None, None),
        ("Trần Thị Bình", None, None, "died", "2025-03-15"),
    ]


def test_import_before_init_says_so(tcxd, tmp_path):
    result = tcxd("import", tmp_path, "--db", tmp_path / "none.db")
    assert result.exit_code == 2
    assert "tcxd init" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_namesakes_born_the_same_day_with_different_cards_are_two_people(tcxd, db_url, province):
    folder = province / "01. Chi bo thon 1"
    tcxd("import", roster(folder / "a.xlsx", [AN]), "--db", db_url)
    namesake = [*AN[:3], "07654321", *AN[4:]]
    school = roster(province / "02" / "b.xlsx", [namesake], unit="CHI BỘ 1")
    result = tcxd("import", school, "--unit", "Đảng bộ Trường THCS Phú An", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert query(db_url, "SELECT card_number FROM member ORDER BY card_number") == [
        ("01234567",),
        ("07654321",),
    ]


def test_many_unchanged_files_are_one_row_of_the_table(tcxd, db_url, province):
    """Re-importing a province's folder lists what changed, not thousands of skipped files."""
    folder = province / "01. Chi bo thon 1"
    for day in range(1, 23):  # 22 rosters, each of another day: 22 different files
        roster(folder / f"DSDV-{day:02d}.xlsx", [AN, BINH], as_of=f"{day:02d}/01/2025")
    assert tcxd("import", folder, "--db", db_url).exit_code == 0
    result = tcxd("import", folder, "--db", db_url)
    assert result.exit_code == 0
    assert "(22 tệp)" in result.stdout
    assert "DSDV-01.xlsx" not in result.stdout
    assert "Tổng cộng 22 tệp: 0 nhập được, 22 đã có từ trước, 0 không nhập được." in result.stdout


def test_refused_files_list_their_problems_one_line_each(tcxd, db_url, province):
    """A file refused outright (not a spreadsheet) and one refused for its data: each problem on a
    line of its own under its file, an error workbook only for the one whose cells are wrong."""
    bad_date = [*AN[:1], "31/02/1980", *AN[2:]]
    data = roster(province / "01. Chi bo thon 1" / "a.xlsx", [BINH, bad_date])
    wrong = province / "01. Chi bo thon 1" / "b.xlsx"
    wrong.write_bytes(b"this is not a spreadsheet")
    missing = province / "khong-co.xlsx"
    result = tcxd("import", data, wrong, missing, "--db", db_url)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"Tệp không nhập được: {data}",
        f'  - Tệp "{data}", trang "DS", dòng 7, cột "Ngày sinh": giá trị "31/02/1980" không '
        "phải ngày hợp lệ (cần ngày/tháng/năm, ví dụ 05/03/1980).",
        "  Tệp lỗi để gửi lại đơn vị (ô sai tô đỏ, có ghi chú): tep-loi/a - loi.xlsx",
        f"Tệp không nhập được: {wrong}",
        f'  - Tệp "{wrong}": nội dung không đúng với đuôi .xlsx (thực chất là văn bản thường '
        "hoặc dữ liệu không rõ loại); hãy mở tệp bằng Excel và lưu lại đúng định dạng",
        f"Tệp không nhập được: {missing}",
        f'  - Không tìm thấy tệp hoặc thư mục "{missing}".',
    ]


def test_a_relative_path_not_found_says_where_it_was_looked_for(
    tcxd, db_url, province, tmp_path, monkeypatch
):
    """A clerk who runs the command from another folder than they think sees which file was
    looked for (`../x` is taken from the folder the command runs in), not only what was typed."""
    here = tmp_path / "thu-muc-dang-dung"
    here.mkdir()
    monkeypatch.chdir(here)
    result = tcxd("import", "../chung/bao-cao.xlsx", "--db", db_url)
    assert result.exit_code == 3
    assert (
        f'  - Không tìm thấy tệp hoặc thư mục "../chung/bao-cao.xlsx" (tìm tệp '
        f"{tmp_path / 'chung' / 'bao-cao.xlsx'}, tính từ thư mục đang đứng {here})."
    ) in result.stderr.splitlines()
