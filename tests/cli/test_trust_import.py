"""The import never loses or corrupts what is stored (issues #13 and #14), end to end: a file
that updates part of what is known changes only what it gives, one code is one unit, a card
number or CCCD held by another person is a conflict, and the summary counts are true."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.cli.test_clerk import AN, BINH, DISTRICT, PROVINCE, fill, make_template, query, roster
from tests.sheets import write_xlsx

import tcxd.cli.clerk  # noqa: F401
from tcxd.core.encodings import encode

EVALUATION_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Tổng điểm",
                     "Tự xếp loại", "Cấp ủy quyết định"]  # fmt: skip


@pytest.fixture
def province(tcxd, db_url, tmp_path):
    assert (
        tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url).exit_code == 0
    )
    folder = tmp_path / "files"
    orgs = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Mã", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "CB01", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, "Chi bộ thôn 2", "CB02", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
    )
    first = roster(folder / "ds-2024.xlsx", [AN, BINH], "31/12/2024")
    for path in (orgs, first):
        result = tcxd("import", path, "--db", db_url)
        assert result.exit_code == 0, result.output
    return folder


def counts(stdout: str, file_name: str) -> tuple[int, int, int]:
    """(Mới, Cập nhật, Không đổi) of a file's row in the summary table."""
    line = next(line for line in stdout.splitlines() if file_name in line)
    cells = [cell.strip() for cell in line.split("│")]
    status = next(i for i, cell in enumerate(cells) if cell in ("đã nhập", "hợp lệ (thử)"))
    return int(cells[status + 1]), int(cells[status + 2]), int(cells[status + 3])


def evaluations(path: Path, rows: list[list], title="KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"):
    grid = [["CHI BỘ THÔN 1"], [title], [], EVALUATION_HEADER]
    return write_xlsx(path, grid + [[n, *r] for n, r in enumerate(rows, start=1)])


AN_RATED = [AN[0], AN[1], AN[3], 92, "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"]
BINH_RATED = [BINH[0], BINH[1], BINH[3], 75, "Hoàn thành nhiệm vụ", "Hoàn thành nhiệm vụ"]
STORED_EVALUATIONS = (
    "SELECT m.card_number, e.score, e.proposed_level, e.decided_level FROM member_evaluation e "
    "JOIN member m ON m.id = e.member_id ORDER BY m.card_number"
)


# --------------------------------------------------------------------------- #14 item 1


def test_a_prefilled_template_with_one_row_filled_blanks_no_other_evaluation(
    tcxd, db_url, province, tmp_path
):
    first = evaluations(province / "xl-2025.xlsx", [AN_RATED, BINH_RATED])
    result = tcxd("import", first, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert counts(result.stdout, first.name) == (2, 0, 0)
    template = make_template(tcxd, db_url, tmp_path, "evaluations", "--unit", "Chi bộ thôn 1",
                             "--period", "year", "--year", "2025", "--prefill")  # fmt: skip
    # Only Bình's score is typed in: her levels and every other cell are left empty.
    filled = fill(template, tmp_path / "xl-2025-sua.xlsx", [{}, {"Tổng điểm": 80}])
    result = tcxd("import", filled, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert counts(result.stdout, filled.name) == (0, 1, 1)
    assert query(db_url, STORED_EVALUATIONS) == [
        (BINH[3], 80.0, "HTNV", "HTNV"),
        (AN[3], 92.0, "HTXSNV", "HTTNV"),
    ]


def test_an_evaluation_file_sent_again_unchanged_counts_as_unchanged(
    tcxd, db_url, province, tmp_path
):
    tcxd("import", evaluations(province / "xl-2025.xlsx", [AN_RATED, BINH_RATED]), "--db", db_url)
    # The same rows under another title: a new file, nothing new in it.
    title = "KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025 (GỬI LẠI)"
    again = evaluations(province / "xl-2025-lai.xlsx", [AN_RATED, BINH_RATED], title=title)
    result = tcxd("import", again, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert counts(result.stdout, again.name) == (0, 0, 2)


def test_organization_evaluations_keep_what_a_row_does_not_fill(tcxd, db_url, province):
    header = ["STT", "Tên tổ chức đảng", "Tổng điểm", "Cấp ủy quyết định"]
    title = [[DISTRICT.upper()], ["KẾT QUẢ XẾP LOẠI TỔ CHỨC ĐẢNG NĂM 2025"], [], header]
    first = write_xlsx(
        province / "xltc.xlsx",
        [
            *title,
            [1, "Chi bộ thôn 1", 90, "Hoàn thành tốt nhiệm vụ"],
            [2, "Chi bộ thôn 2", 70, "Hoàn thành nhiệm vụ"],
        ],
    )
    assert tcxd("import", first, "--db", db_url).exit_code == 0
    second = write_xlsx(
        province / "xltc-sua.xlsx",
        [*title, [1, "Chi bộ thôn 1", 91, None], [2, "Chi bộ thôn 2", None, "Hoàn thành nhiệm vụ"]],
    )
    result = tcxd("import", second, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert counts(result.stdout, second.name) == (0, 1, 1)
    assert query(
        db_url,
        "SELECT o.name, e.score, e.decided_level FROM organization_evaluation e "
        "JOIN organization o ON o.id = e.org_id ORDER BY o.name",
    ) == [("Chi bộ thôn 1", 91.0, "HTTNV"), ("Chi bộ thôn 2", 70.0, "HTNV")]


def test_an_empty_cell_in_a_newer_roster_blanks_no_stored_attribute(
    tcxd, db_url, province, tmp_path
):
    an = [*AN[:2], "", AN[3], "", "", ""]  # gender, admission, official, ethnicity left empty
    newer = roster(tmp_path / "ds-2025.xlsx", [an, BINH], "31/12/2025")
    result = tcxd("import", newer, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert counts(result.stdout, newer.name) == (0, 0, 2)
    assert query(
        db_url,
        "SELECT gender, ethnicity, admitted_on, official_on FROM member WHERE card_number = :c",
        c=AN[3],
    ) == [("nam", "Kinh", "2005-02-01", "2006-02-01")]


def test_an_organisations_list_changes_only_what_it_gives(tcxd, db_url, province):
    header = ["STT", "Tên tổ chức đảng", "Mã", "Loại tổ chức", "Trực thuộc", "Loại hình"]
    again = write_xlsx(
        province / "to-chuc-2026.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            header,
            [1, "Chi bộ thôn 1", "CB01", "Chi bộ cơ sở", DISTRICT, ""],
            [2, "Chi bộ thôn Hai", "CB02", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
    )
    result = tcxd("import", again, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert counts(result.stdout, again.name) == (0, 1, 1)
    assert query(db_url, "SELECT name, code, kind_of_place FROM organization "
                 "WHERE code IS NOT NULL ORDER BY code") == [
        ("Chi bộ thôn 1", "CB01", "xa"),
        ("Chi bộ thôn Hai", "CB02", "xa"),
    ]  # fmt: skip


def test_a_roster_without_a_mark_column_keeps_the_stored_marks(tcxd, db_url, province, tmp_path):
    header = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Đoàn viên", "Miễn sinh hoạt"]
    marked = write_xlsx(
        tmp_path / "ds-2025.xlsx",
        [
            ["CHI BỘ THÔN 1"],
            ["DANH SÁCH ĐẢNG VIÊN"],
            ["Tính đến ngày 30/06/2025"],
            [],
            header,
            [1, AN[0], AN[1], AN[3], "x", "x"],
        ],
    )
    assert tcxd("import", marked, "--db", db_url).exit_code == 0
    newer = roster(tmp_path / "ds-2026.xlsx", [AN, BINH], "31/12/2025")  # no such columns
    result = tcxd("import", newer, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert query(
        db_url,
        "SELECT CASE WHEN youth_union THEN 1 ELSE 0 END, CASE WHEN exempt THEN 1 ELSE 0 END "
        "FROM member WHERE card_number = :c",
        c=AN[3],
    ) == [(1, 1)]


# --------------------------------------------------------------------------- #14 item 2

ORG_HEADER = ["STT", "Tên tổ chức đảng", "Mã", "Loại tổ chức", "Trực thuộc", "Loại hình"]


def organisations(path: Path, rows: list[list]) -> Path:
    title = [[DISTRICT.upper()], ["DANH SÁCH TỔ CHỨC ĐẢNG"], [], ORG_HEADER]
    return write_xlsx(path, title + [[n, *r] for n, r in enumerate(rows, start=1)], sheet="TC")


def test_two_rows_sharing_a_code_are_refused_naming_both(tcxd, db_url, province, tmp_path):
    path = organisations(
        tmp_path / "to-chuc-moi.xlsx",
        [
            ["Đảng bộ Trường THCS Phú An", "DB10", "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            ["Chi bộ 1", "DB10", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", ""],
        ],
    )
    before = query(db_url, "SELECT * FROM organization ORDER BY id")
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 3
    assert (
        f'Tệp "{path.name}", trang "TC", dòng 6, cột "Mã": giá trị "DB10" trùng mã với dòng 5 '
        '("Đảng bộ Trường THCS Phú An"); một mã chỉ dùng cho một tổ chức.'
    ) in result.stderr.replace("\n  ", " ")
    assert query(db_url, "SELECT * FROM organization ORDER BY id") == before


def test_putting_a_unit_under_its_own_unit_is_refused(tcxd, db_url, province, tmp_path):
    first = organisations(
        tmp_path / "to-chuc-1.xlsx",
        [
            ["Đảng bộ Trường THCS Phú An", "DB10", "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            ["Chi bộ 1", "CB11", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", ""],
        ],
    )
    assert tcxd("import", first, "--db", db_url).exit_code == 0
    looped = organisations(
        tmp_path / "to-chuc-2.xlsx",
        [["Đảng bộ Trường THCS Phú An", "DB10", "Đảng bộ cơ sở", "Chi bộ 1", "ĐVSN công lập"]],
    )
    before = query(db_url, "SELECT * FROM organization_parent ORDER BY id")
    result = tcxd("import", looped, "--db", db_url)
    assert result.exit_code == 3
    assert (
        f'Tệp "{looped.name}", trang "TC", dòng 5, cột "Trực thuộc": giá trị "Chi bộ 1" '
        '"Chi bộ 1" là đơn vị cấp dưới của "Đảng bộ Trường THCS Phú An": đặt như vậy sẽ tạo '
        "vòng lặp trong cây tổ chức."
    ) in result.stderr.replace("\n  ", " ")
    assert "Lỗi nội bộ" not in result.output
    assert query(db_url, "SELECT * FROM organization_parent ORDER BY id") == before


def test_a_loop_already_in_the_database_is_named_by_classify_and_report(
    tcxd, db_url, province, tmp_path
):
    """A database written before the import refused loops: no "Lỗi nội bộ", no report that
    leaves sheets out in silence, but the units of the loop named."""
    first = organisations(
        tmp_path / "to-chuc-1.xlsx",
        [
            ["Đảng bộ Trường THCS Phú An", "DB10", "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            ["Chi bộ 1", "CB11", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", ""],
        ],
    )
    assert tcxd("import", first, "--db", db_url).exit_code == 0
    rated = evaluations(province / "xl-2025.xlsx", [AN_RATED, BINH_RATED])  # data of 2025
    assert tcxd("import", rated, "--db", db_url).exit_code == 0
    engine = create_engine(db_url)
    with engine.begin() as conn:  # what the old import made of a file with a shared code
        conn.execute(
            text(
                "UPDATE organization_parent SET parent_id = "
                "(SELECT id FROM organization WHERE code = 'CB11') "
                "WHERE org_id = (SELECT id FROM organization WHERE code = 'DB10')"
            )
        )
    engine.dispose()
    message = (
        'Cây tổ chức trong cơ sở dữ liệu có vòng lặp: "Đảng bộ Trường THCS Phú An" trực thuộc '
        '"Chi bộ 1", "Chi bộ 1" trực thuộc "Đảng bộ Trường THCS Phú An". Hãy nhập lại danh '
        'sách tổ chức với cột "Trực thuộc" đúng cho các đơn vị này.'
    )
    for command in (
        ("classify", "--year", "2025"),
        ("report", "--period", "year", "--year", "2025", "--out", tmp_path / "bc"),
    ):
        result = tcxd(*command, "--db", db_url)
        assert result.exit_code == 4, result.output
        assert "Lỗi nội bộ" not in result.output
        assert message in " ".join(result.stderr.split())
        assert "Traceback" not in result.output


# --------------------------------------------------------------------------- #13 item 10

ROSTER_WITH_CCCD = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Số CCCD",
                    "Ngày vào Đảng"]  # fmt: skip


def roster_with_cccd(path: Path, rows: list[list], as_of="31/12/2025") -> Path:
    title = [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], [f"Tính đến ngày {as_of}"], []]
    grid = [*title, ROSTER_WITH_CCCD, *([n, *r] for n, r in enumerate(rows, start=1))]
    return write_xlsx(path, grid)


IDENTITIES = "SELECT full_name, birth_date, card_number, citizen_id FROM member ORDER BY id"


def test_a_new_person_with_a_card_number_held_by_another_member_is_refused(
    tcxd, db_url, province, tmp_path
):
    before = query(db_url, IDENTITIES)
    path = roster_with_cccd(
        tmp_path / "ds.xlsx",
        [
            [BINH[0], BINH[1], BINH[3], None, None],
            ["Lê Văn Cường", "01/01/1990", AN[3], None, None],
        ],
    )
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 3, result.output
    assert (
        f'Tệp "{path.name}", trang "DS", dòng 7, cột "Số thẻ đảng viên": giá trị "{AN[3]}" đã là '
        f'số thẻ đảng viên của "{AN[0]}" (sinh {AN[1]}), người khác với "Lê Văn Cường" (sinh '
        "01/01/1990) ở dòng này; không ghi đè thông tin của đảng viên đã có."
    ) in " ".join(result.stderr.split())
    assert query(db_url, IDENTITIES) == before


def test_a_cccd_held_by_another_member_is_refused(tcxd, db_url, province, tmp_path):
    first = roster_with_cccd(
        tmp_path / "ds-1.xlsx",
        [[AN[0], AN[1], AN[3], "001080000111", None], [BINH[0], BINH[1], BINH[3], None, None]],
    )
    assert tcxd("import", first, "--db", db_url).exit_code == 0
    before = query(db_url, IDENTITIES)
    # A new person with An's CCCD; then Bình's row given An's CCCD beside her own card.
    cuong = ["Lê Văn Cường", "01/01/1990", None, "001080000111", None]
    binh = [BINH[0], BINH[1], BINH[3], "001080000111", None]
    for name, row, person in ((
        "ds-2.xlsx", cuong, '"Lê Văn Cường" (sinh 01/01/1990)'), (
        "ds-3.xlsx", binh, f'"{BINH[0]}" (sinh {BINH[1]})'
    )):  # fmt: skip
        path = roster_with_cccd(tmp_path / name, [row], as_of="31/03/2026")
        result = tcxd("import", path, "--db", db_url)
        assert result.exit_code == 3, result.output
        assert (
            f'Tệp "{name}", trang "DS", dòng 6, cột "Số CCCD": giá trị "001080000111" đã là số '
            f'CCCD của "{AN[0]}" (sinh {AN[1]}), người khác với {person} ở dòng này; không ghi '
            "đè thông tin của đảng viên đã có."
        ) in " ".join(result.stderr.split())
        assert query(db_url, IDENTITIES) == before


def test_a_corrected_name_with_the_same_card_and_birth_date_is_said(
    tcxd, db_url, province, tmp_path
):
    path = roster_with_cccd(tmp_path / "ds.xlsx", [["Nguyễn Văn Ân", AN[1], AN[3], None, None]])
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert (
        f'Cảnh báo {path}: Trang "DS", dòng 6: họ tên của đảng viên có số thẻ {AN[3]} đổi '
        f'từ "{AN[0]}" thành "Nguyễn Văn Ân".'
    ) in " ".join(result.stdout.split())
    assert query(db_url, "SELECT full_name FROM member WHERE card_number = :c", c=AN[3]) == [
        ("Nguyễn Văn Ân",)
    ]


# --------------------------------------------------------------------------- #14 item 8


def test_a_vni_roster_keeps_its_profile_numbers_and_diff_sees_no_change(
    tcxd, db_url, province, tmp_path
):
    header = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Số lý lịch", "Dân tộc"]
    members = [[AN[0], AN[1], AN[3], "482274ĐV", "Kinh"],
               [BINH[0], BINH[1], BINH[3], "12345BĐ", "Tày"]]  # fmt: skip

    def sent(path: Path, title: list[list], rows: list[list]) -> Path:
        grid = [*title, [], header, *([n, *r] for n, r in enumerate(rows, start=1))]
        return write_xlsx(path, grid)

    title = [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"]]
    first = sent(tmp_path / "ds-2025.xlsx", [*title, ["Tính đến ngày 30/06/2025"]], members)
    assert tcxd("import", first, "--db", db_url).exit_code == 0
    # The same list typed with a VNI font: every text cell holds VNI codes read as cp1252.
    legacy = [[encode(c, "vni") if isinstance(c, str) else c for c in row] for row in members]
    assert legacy[0][3] == "482274ÑV"
    vni_title = [[encode(t, "vni")] for [t] in title] + [
        [encode("Tính đến ngày 31/12/2025", "vni")]
    ]
    second = sent(tmp_path / "ds-2025-vni.xlsx", vni_title, legacy)
    result = tcxd("import", second, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert query(db_url, "SELECT profile_number FROM member WHERE profile_number IS NOT NULL "
                 "ORDER BY card_number") == [("12345BĐ",), ("482274ĐV",)]  # fmt: skip
    result = tcxd("diff", "Chi bộ thôn 1", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "Hai danh sách giống nhau." in result.stdout


def test_implausible_dates_and_numbers_are_warned_never_refused(tcxd, db_url, province, tmp_path):
    header = ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Số CCCD", "Ngày vào Đảng",
              "Ngày chính thức"]  # fmt: skip
    rows = [
        ["Lê Văn Cường", "01/01/2000", "1234567", None, "01/01/1999", "01/06/1999"],
        ["Phạm Thị Dung", "01/01/1990", "00345678", "0011900001", "01/01/2005", "01/01/2004"],
        ["Hoàng Văn Em", "01/01/1995", "00456789", None, "01/01/2010", "01/07/2010"],
        ["Vũ Thị Giang", "01/01/1990", "00567890", None, "01/01/2099", None],
        ["Đỗ Văn Hải", None, "00678901", None, None, None],  # #13 item 7: nothing required
    ]
    grid = [["CHI BỘ THÔN 1"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 31/12/2025"], [], header]
    path = write_xlsx(tmp_path / "ds.xlsx", grid + [[n, *r] for n, r in enumerate(rows, 1)])
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    for warning in (
        'dòng 6, "Lê Văn Cường": ngày vào Đảng 01/01/1999 trước ngày sinh 01/01/2000.',
        'dòng 6, "Lê Văn Cường": số thẻ đảng viên có 7 chữ số (cần 8).',
        'dòng 7, "Phạm Thị Dung": ngày chính thức 01/01/2004 trước ngày vào Đảng 01/01/2005.',
        'dòng 7, "Phạm Thị Dung": số CCCD có 10 chữ số (cần 12).',
        'dòng 8, "Hoàng Văn Em": vào Đảng khi chưa đủ 18 tuổi (15 tuổi).',
        'dòng 8, "Hoàng Văn Em": ngày chính thức 01/07/2010 chưa đủ 12 tháng sau ngày vào '
        "Đảng 01/01/2010.",
        'dòng 9, "Vũ Thị Giang": ngày vào Đảng 01/01/2099 ở sau hôm nay.',
    ):
        assert f'Cảnh báo {path}: Trang "DS": {warning}' in said, warning
    assert "0011900001" not in result.output  # (a CCCD is not printed)
    assert query(db_url, "SELECT COUNT(*) FROM member") == [(7,)]
    # The checks list them too (An and Bình, of the first roster, have nothing to look at).
    result = tcxd("check", "--period", "year", "--year", "2025", "--db", db_url)
    assert result.exit_code == 5, result.output
    lines = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.stdout.splitlines()
        if line.startswith("│ 9 ")
    ]
    assert [line[4:] for line in lines] == [
        ["6", "Lê Văn Cường: ngày vào Đảng 01/01/1999 trước ngày sinh 01/01/2000."],
        ["6", "Lê Văn Cường: ngày chính thức 01/06/1999 chưa đủ 12 tháng sau ngày vào Đảng "
         "01/01/1999."],
        ["6", "Lê Văn Cường: số thẻ đảng viên có 7 chữ số (cần 8)."],
        ["7", "Phạm Thị Dung: vào Đảng khi chưa đủ 18 tuổi (15 tuổi)."],
        ["7", "Phạm Thị Dung: ngày chính thức 01/01/2004 trước ngày vào Đảng 01/01/2005."],
        ["7", "Phạm Thị Dung: số CCCD có 10 chữ số (cần 12)."],
        ["8", "Hoàng Văn Em: vào Đảng khi chưa đủ 18 tuổi (15 tuổi)."],
        ["8", "Hoàng Văn Em: ngày chính thức 01/07/2010 chưa đủ 12 tháng sau ngày vào Đảng "
         "01/01/2010."],
        ["9", "Vũ Thị Giang: ngày vào Đảng 01/01/2099 ở sau hôm nay."],
        ["10", "Đỗ Văn Hải: không có ngày vào Đảng (đảng viên từ trước khi có hồ sơ)."],
    ]  # fmt: skip
    assert {(line[2], line[3]) for line in lines} == {("Chi bộ thôn 1", "ds.xlsx")}


def test_a_type_word_that_contradicts_the_tree_is_a_warning_and_the_tree_decides(
    tcxd, db_url, province, tmp_path
):
    path = organisations(
        tmp_path / "to-chuc-moi.xlsx",
        [
            ["Đảng bộ Trường THCS Phú An", "DB10", "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            ["Chi bộ giáo viên", "CB10", "Chi bộ cơ sở", "Đảng bộ Trường THCS Phú An", ""],
        ],
    )
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert (
        'Trang "TC", dòng 6: "Chi bộ giáo viên" ghi loại "Chi bộ cơ sở" nhưng trực thuộc '
        'Đảng bộ cơ sở "Đảng bộ Trường THCS Phú An": theo vị trí trong cây, lấy loại '
        '"Chi bộ trực thuộc".'
    ) in " ".join(result.stdout.split())
    assert query(db_url, "SELECT org_type FROM organization WHERE code = 'CB10'") == [
        ("chi_bo_truc_thuoc",)
    ]
