"""`tcxd import` over folders and unit by unit: order, unknown units, bad rows, error workbooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.cli.test_import import AN, BINH, DISTRICT, PROVINCE, ROSTER_HEADER, query, roster
from tests.sheets import write_xlsx

REAL = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "real").resolve()
if not REAL.is_dir():  # (a worktree sits one folder deeper than the project root)
    REAL = (Path(__file__).resolve().parents[4] / "shared" / "corpus" / "real").resolve()
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="the real-file corpus is absent")

CHI_BO_FOLDER = "02. Chi bo Truong THCS"


@pytest.fixture
def initialised(tcxd, db_url):
    result = tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db_url)
    assert result.exit_code == 0, result.output
    return db_url


def organization_list(path: Path) -> Path:
    """The đảng bộ's list of its chi bộ, kept deep in the folder and named to sort last."""
    return write_xlsx(
        path,
        [
            ["ĐẢNG BỘ XÃ PHÚ AN"],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, "Chi bộ Trường THCS", "Chi bộ cơ sở", DISTRICT, "ĐVSN công lập"],
        ],
        sheet="TC",
    )


def evaluations(path: Path, unit: str) -> Path:
    rows = [
        [unit],
        ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN NĂM 2025"],
        [],
        ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Điểm"],
        [1, AN[0], AN[1], AN[3], "92"],
    ]
    return write_xlsx(path, rows)


def province_folder(root: Path) -> list[Path]:
    """A district's folder whose files, in name order, come before the list of its chi bộ; the
    newer roster is deeper (a folder walk takes the older first) and first by name."""
    district = root / "01. Dang bo xa Phu An"
    chi_bo = district / CHI_BO_FOLDER
    older = [*AN[:-1], "Kinh"]
    newer = [*AN[:-1], "Mường"]
    files = [
        roster(
            chi_bo / "2025" / "A DSDV 2025.xlsx", [newer, BINH], "CHI BỘ TRƯỜNG THCS", "31/12/2025"
        ),
        roster(chi_bo / "B DSDV 2024.xlsx", [older, BINH], "CHI BỘ TRƯỜNG THCS", "31/12/2024"),
        evaluations(chi_bo / "C Xep loai 2025.xlsx", "CHI BỘ TRƯỜNG THCS"),
        organization_list(district / "zz" / "Z To chuc.xlsx"),
    ]
    return files


NATURAL_KEYS = {
    "organization": "SELECT id, name FROM organization",
    "member": "SELECT id, full_name || '|' || COALESCE(card_number, '') FROM member",
    "import_batch": "SELECT id, file_name FROM import_batch",
}
# Columns that say when or how a run did something (a file's counts of new and updated rows
# depend on which file came first), not what the database holds.
RUN_COLUMNS = {
    "imported_at",
    "created_at",
    "computed_at",
    "file_path",
    "rows_new",
    "rows_updated",
    "rows_unchanged",
}
ID_COLUMNS = {
    "org_id": "organization",
    "parent_id": "organization",
    "unit_id": "organization",
    "member_id": "member",
    "batch_id": "import_batch",
}


def database_content(db: str) -> dict[str, list]:
    """Every table, its ids replaced by natural keys, rows sorted: what a clerk's database says."""
    engine = create_engine(db)
    content = {}
    with engine.connect() as conn:
        keys = {
            table: dict(conn.execute(text(sql)).fetchall()) for table, sql in NATURAL_KEYS.items()
        }
        for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")):
            result = conn.execute(text(f'SELECT * FROM "{name}"'))
            columns = list(result.keys())
            rows = []
            for row in result:
                values = []
                for column, value in zip(columns, row, strict=True):
                    if column in RUN_COLUMNS or column.endswith("_event_id"):
                        continue
                    if column == "id":
                        value = keys.get(name, {}).get(value, "")
                    elif column in ID_COLUMNS:
                        value = keys[ID_COLUMNS[column]].get(value, value)
                    values.append((column, repr(value)))
                rows.append(tuple(values))
            content[name] = sorted(rows)
    engine.dispose()
    return content


def test_a_folder_gives_the_same_database_whatever_the_order_of_its_files(tcxd, tmp_path):
    files = province_folder(tmp_path / "files")
    orderings = [
        [tmp_path / "files"],  # the folder: shallowest first, then by name
        list(reversed(files)),  # each file named, the organisation list first
        [files[1], files[0], files[2], files[3]],  # each file named, in name order
    ]
    contents = []
    for number, paths in enumerate(orderings):
        db = f"sqlite:///{tmp_path / f'order-{number}.db'}"
        assert (
            tcxd("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db).exit_code == 0
        )
        result = tcxd("import", *paths, "--db", db)
        assert result.exit_code == 0, result.output
        assert "Tổng cộng 4 tệp: 4 nhập được" in result.stdout
        contents.append(database_content(db))
    # The newest roster's attributes, the chi bộ of the evaluation, whatever the order.
    db = f"sqlite:///{tmp_path / 'order-0.db'}"
    assert query(db, "SELECT ethnicity FROM member WHERE card_number = '01234567'") == [("Mường",)]
    assert query(
        db,
        "SELECT o.name FROM member_evaluation e JOIN organization o ON o.id = e.org_id",
    ) == [("Chi bộ Trường THCS",)]
    for table in contents[0]:
        assert contents[1][table] == contents[0][table], table
        assert contents[2][table] == contents[0][table], table


def test_files_that_are_not_spreadsheets_are_listed_as_skipped(tcxd, initialised, tmp_path):
    folder = tmp_path / "01. Dang bo xa Phu An"
    organization_list(folder / "To chuc.xlsx")
    (folder / "Công văn gửi kèm.docx").write_bytes(b"PK\x03\x04 not really a document")
    (folder / "ghi chu.txt").write_text("gửi trước ngày 15", encoding="utf-8")
    (folder / "~$To chuc.xlsx").write_bytes(b"lock file of Excel")
    result = tcxd("import", folder, "--db", initialised)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for name in ("Công văn gửi kèm.docx", "ghi chu.txt"):
        row = next(line for line in lines if name in line)
        assert "bỏ qua" in row
    assert (
        'Bỏ qua "Công văn gửi kèm.docx": không phải bảng tính (.docx); '
        "tcxd chỉ nhập .xlsx, .xlsm, .xls, .ods, .csv, .tsv." in result.stdout
    )
    assert "~$To chuc.xlsx" not in result.output  # Excel's own lock file is no one's input
    assert "Tổng cộng 3 tệp: 1 nhập được, 0 đã có từ trước, 0 không nhập được, 2 bỏ qua." in (
        result.stdout
    )


UPPER_EXPORT = "roster-upper-system-export.xlsx"


@needs_real
def test_a_roster_whose_chi_bo_are_unknown_gets_one_message_for_the_file(tcxd, initialised):
    result = tcxd("import", REAL / UPPER_EXPORT, "--unit", DISTRICT, "--db", initialised)
    assert result.exit_code == 3, result.output
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems == [
        f'  - Tệp "{UPPER_EXPORT}", trang "Sheet1", cột "Chi bộ đang sinh hoạt": chưa có trong '
        'cơ sở dữ liệu các chi bộ: "Chi bộ Văn phòng" (dòng 2–3, 6–7); "Chi bộ Phòng quản lý '
        f'khoa học" (dòng 4–5), trong "{DISTRICT}". Hãy nhập danh sách tổ chức đảng của đơn vị '
        "trước rồi nhập lại tệp này; hoặc chạy lại với --create-units để tạo chúng trực thuộc "
        f'"{DISTRICT}".'
    ]
    assert query(initialised, "SELECT COUNT(*) FROM member") == [(0,)]


@needs_real
def test_without_a_unit_the_message_says_to_name_the_parent(tcxd, initialised):
    result = tcxd("import", REAL / UPPER_EXPORT, "--db", initialised)
    assert result.exit_code == 3, result.output
    assert (
        'hoặc, nếu đây là các chi bộ mới, chạy lại với --create-units --unit "<tên đảng bộ cấp '
        'trên của các chi bộ>" để tạo chúng.' in result.stderr
    )
    assert "thiếu tên chi bộ" not in result.stderr  # no second, contradictory message per row


@needs_real
def test_create_units_creates_the_chi_bo_under_the_unit_and_lists_them(tcxd, initialised):
    result = tcxd(
        "import", REAL / UPPER_EXPORT, "--unit", DISTRICT, "--create-units", "--db", initialised
    )
    assert result.exit_code == 0, result.output
    for name in ("Chi bộ Văn phòng", "Chi bộ Phòng quản lý khoa học"):
        assert (
            f"Đã tạo tổ chức đảng (--create-units) {REAL / UPPER_EXPORT}: {name} (trực thuộc "
            f"{DISTRICT})" in result.stdout
        )
    warnings = query(initialised, "SELECT warnings FROM import_batch")[-1][0]
    if isinstance(warnings, str):  # SQLite gives the JSON column as text, PostgreSQL decoded
        warnings = json.loads(warnings)
    assert f"Đã tạo tổ chức đảng (--create-units): Chi bộ Văn phòng (trực thuộc {DISTRICT})" in (
        warnings
    )
    rows = query(
        initialised,
        "SELECT o.name, o.org_type, p.name, COUNT(r.id) FROM organization o "
        "JOIN organization_parent l ON l.org_id = o.id JOIN organization p ON p.id = l.parent_id "
        "JOIN roster_entry r ON r.org_id = o.id "
        "GROUP BY o.name, o.org_type, p.name ORDER BY o.name",
    )
    assert rows == [
        ("Chi bộ Phòng quản lý khoa học", "chi_bo_co_so", DISTRICT, 2),
        ("Chi bộ Văn phòng", "chi_bo_co_so", DISTRICT, 4),
    ]


def test_a_roster_waits_for_the_organisation_list_of_the_same_run(tcxd, initialised, tmp_path):
    folder = tmp_path / "01. Dang bo xa Phu An"
    header = [*ROSTER_HEADER, "Chi bộ"]
    rows = [["ĐẢNG BỘ XÃ PHÚ AN"], ["DANH SÁCH ĐẢNG VIÊN"], ["Tính đến ngày 31/12/2025"], []]
    rows += [header, [1, *AN, "Chi bộ thôn 1"], [2, *BINH, "Chi bộ Trường THCS"]]
    write_xlsx(folder / "A DSDV.xlsx", rows)
    organization_list(folder / "Z To chuc.xlsx")
    result = tcxd("import", folder, "--db", initialised)
    assert result.exit_code == 0, result.output
    assert query(
        initialised,
        "SELECT m.full_name, o.name FROM roster_entry r JOIN member m ON m.id = r.member_id "
        "JOIN organization o ON o.id = r.org_id ORDER BY m.full_name",
    ) == [(AN[0], "Chi bộ thôn 1"), (BINH[0], "Chi bộ Trường THCS")]


def sheet_problems(output: str) -> list[str]:
    return [line[4:] for line in output.splitlines() if line.startswith("  - ")]


@needs_real
def test_duplicates_in_one_file_name_both_rows_and_odd_lengths_are_counted(tcxd, initialised):
    path = REAL / "export-desktop-app-1.csv"
    result = tcxd("import", path, "--unit", DISTRICT, "--db", initialised)
    assert result.exit_code == 3, result.output
    where = f'Tệp "{path}", trang "export-desktop-app-1"'
    same = "(mỗi đảng viên chỉ được ghi một lần trong tệp)."
    assert sheet_problems(result.stderr) == [
        f'{where}, dòng 3, cột "Số Thẻ": giá trị "11111" trùng với dòng 2 {same}',
        f'{where}, dòng 4, cột "Số Thẻ": giá trị "11111" trùng với dòng 2 {same}',
        f'{where}, dòng 3, cột "Số CCCD": giá trị "1111" trùng với dòng 2 {same}',
        f'{where}, dòng 4, cột "Số CCCD": giá trị "1111" trùng với dòng 2 {same}',
    ]
    name = path  # (a file given on its own is named as it was given)
    warn = f'Cảnh báo {name}: Trang "export-desktop-app-1": Cột'
    assert f"{warn} “Số Thẻ”: 3 số có 5 chữ số; cần 8 chữ số" in result.stdout
    assert (
        f"{warn} “Số CCCD”: 3 số có 4 chữ số; cần 12 chữ số (CCCD) hoặc 9 chữ số "
        "(CMND)" in result.stdout
    )
    assert query(initialised, "SELECT COUNT(*) FROM member") == [(0,)]


def test_a_roster_without_a_name_column_says_which_column_is_missing(tcxd, initialised, tmp_path):
    header = [h for h in ROSTER_HEADER if h != "Họ và tên"]
    path = write_xlsx(
        tmp_path / "DSDV.xlsx",
        [["CHI BỘ THÔN 1"], ["Tính đến ngày 31/12/2025"], [], header, [1, *AN[1:]]],
    )
    result = tcxd("import", path, "--db", initialised)
    assert result.exit_code == 3, result.output
    assert sheet_problems(result.stderr) == [
        f'Tệp "{path}": không có trang nào đọc được dữ liệu (trang "DS": thiếu cột bắt buộc '
        "“Họ và tên” (tên cột thường gặp: Họ và tên; Họ tên; Họ và tên khai sinh; Ho va ten); "
        "các cột nhận ra: “Ngày sinh”, “Giới tính”, “Số thẻ đảng viên”, “Ngày vào Đảng”, “Ngày "
        "chính thức”, “Dân tộc” — CHÚ Ý: trang có 4 dòng có chữ, KHÔNG được nhập)."
    ]


@needs_real
def test_skip_bad_rows_imports_the_good_member_of_an_export(tcxd, initialised):
    path = REAL / "export-desktop-app-2.csv"
    args = ["import", path, "--unit", DISTRICT, "--create-units", "--db", initialised]
    refused = tcxd(*args)
    assert refused.exit_code == 3, refused.output
    assert query(initialised, "SELECT COUNT(*) FROM member") == [(0,)]
    result = tcxd(*args, "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert query(initialised, "SELECT full_name, card_number, citizen_id FROM member") == [
        ("Đào Ngọc Diễm", "07022002112", "001102020205")
    ]
    name, sheet = path, 'Trang "export-desktop-app-2"'
    assert (
        f"Cảnh báo {name}: {sheet}: Cột “Số Thẻ”: 3 số có 5 chữ số, 1 số có 11 chữ số; "
        "cần 8 chữ số" in result.stdout
    )
    same = "(mỗi đảng viên chỉ được ghi một lần trong tệp)"
    listed = result.stdout[result.stdout.index(f"(--skip-bad-rows) {name}:") :]
    assert sheet_problems(listed) == [
        f'{sheet}, dòng 3: cột "Số Thẻ": giá trị "11111" cũng có ở dòng bị bỏ (không biết dòng '
        "nào đúng).",
        *(
            f'{sheet}, dòng {row}: cột "Số Thẻ": giá trị "11111" trùng với dòng 3 {same}; cột '
            f'"Số CCCD": giá trị "1111" trùng với dòng 3 {same}.'
            for row in (4, 5)
        ),
    ]


@needs_real
def test_skip_bad_rows_leaves_out_every_row_of_a_repeated_card(tcxd, initialised, tmp_path):
    organizations = write_xlsx(
        tmp_path / "to-chuc.xlsx",
        [
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc"],
            [1, "Chi bộ Khoa học cơ bản", "Chi bộ cơ sở", DISTRICT],
        ],
    )
    assert tcxd("import", organizations, "--db", initialised).exit_code == 0
    path = REAL / "roster-file-nhap-lieu-4.0.xlsx"
    result = tcxd("import", path, "--skip-bad-rows", "--db", initialised)
    assert result.exit_code == 0, result.output
    cards = [row[0] for row in query(initialised, "SELECT card_number FROM member ORDER BY 1")]
    repeated = {"370123450003", "370123450005", "370123450006"}
    assert cards and not repeated.intersection(cards)
    assert cards == ["370123000000", "370123450001", "370123450002", "370123450004"]
    for row in (11, 12, 13, 14, 16, 17):
        assert f'Trang "DANH SÁCH ĐẢNG VIÊN", dòng {row}: cột "Số thẻ Đảng *"' in result.stdout


def test_two_rows_of_one_person_name_both_rows_not_a_database_error(tcxd, initialised, tmp_path):
    organization_list(tmp_path / "to-chuc.xlsx")
    assert tcxd("import", tmp_path / "to-chuc.xlsx", "--db", initialised).exit_code == 0
    path = roster(tmp_path / "DSDV.xlsx", [AN, BINH], "CHI BỘ THÔN 1", "31/12/2025")
    assert tcxd("import", path, "--db", initialised).exit_code == 0
    rows = [
        ["CHI BỘ THÔN 1"],
        ["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN NĂM 2025"],
        [],
        ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Điểm"],
        [1, AN[0], AN[1], AN[3], "92"],
        [2, BINH[0], BINH[1], BINH[3], "85"],
        [3, AN[0], AN[1], "", "75"],  # the same person again, found by name and birth date
    ]
    evaluations = write_xlsx(tmp_path / "XL 2025.xlsx", rows)
    result = tcxd("import", evaluations, "--db", initialised)
    assert result.exit_code == 3, result.output
    assert sheet_problems(result.stderr) == [
        f'Tệp "XL 2025.xlsx", trang "DS", dòng 7, cột "Họ và tên": giá trị "{AN[0]}" là cùng '
        "một đảng viên với dòng 5 (mỗi đảng viên chỉ được ghi một lần trong tệp)."
    ]
    assert query(initialised, "SELECT COUNT(*) FROM member_evaluation") == [(0,)]


def cells_of(path: Path) -> dict[str, dict[str, tuple]]:
    """Each sheet's filled or commented cells: coordinate → (value, type, fill, comment)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
                comment = cell.comment.text if cell.comment else None
                if cell.value is not None or comment:
                    cells[cell.coordinate] = (cell.value, cell.data_type, fill, comment)
        sheets[sheet.title] = cells
    return sheets


def test_a_refused_file_gets_an_error_workbook_for_its_unit(tcxd, initialised, tmp_path):
    organization_list(tmp_path / "to-chuc.xlsx")
    assert tcxd("import", tmp_path / "to-chuc.xlsx", "--db", initialised).exit_code == 0
    bad_date = [*AN[:1], "31/02/1980", *AN[2:]]
    formula = [*BINH[:6], '=HYPERLINK("http://x","Tày")']  # a cell that looks like a formula
    path = roster(tmp_path / "unit" / "DSDV thon 1.xlsx", [bad_date, formula, BINH])
    result = tcxd("import", path, "--db", initialised)
    assert result.exit_code == 3, result.output
    written = Path("tep-loi") / "DSDV thon 1 - loi.xlsx"
    assert f"  Tệp lỗi để gửi lại đơn vị (ô sai tô đỏ, có ghi chú): {written}" in result.stderr
    sheets = cells_of(tmp_path / written)
    assert list(sheets) == ["Danh sách lỗi", "DS"]
    problems = sheets["Danh sách lỗi"]
    assert [problems[f"{c}1"][0] for c in "ABCDEFG"] == [
        "STT",
        "Tệp",
        "Trang",
        "Dòng",
        "Cột",
        "Giá trị",
        "Lỗi, cần sửa",
    ]
    assert [problems[f"{c}2"][0] for c in "BCDEF"] == [
        "DSDV thon 1.xlsx",
        "DS",
        6,
        "Ngày sinh",
        "31/02/1980",
    ]
    assert problems["G2"][0].startswith("không phải ngày hợp lệ")
    assert sum(1 for key in problems if key.startswith("A")) == 3  # the header, one per row...
    same = "(mỗi đảng viên chỉ được ghi một lần trong tệp)"
    assert problems["G3"][0] == f"trùng với dòng 7 {same}"
    copy = sheets["DS"]
    red = "FFFFC7CE"
    assert copy["C6"][0] == "31/02/1980" and copy["C6"][2] == red
    assert copy["C6"][3].startswith('Giá trị "31/02/1980" không phải ngày hợp lệ')
    assert copy["E8"][2] == red and copy["E8"][3] == f'Giá trị "{BINH[3]}" trùng với dòng 7 {same}.'
    # The unit's own data, as written: text stays text, no formula, nothing else.
    assert copy["H7"][:2] == ('=HYPERLINK("http://x","Tày")', "s")
    assert copy["A1"][0] == "CHI BỘ THÔN 1"
    assert [v[0] for k, v in copy.items() if k.startswith("B")] == [
        "Họ và tên",
        AN[0],
        BINH[0],
        BINH[0],
    ]
    assert not any(AN[3] == v[0] for k, v in problems.items())  # only the problem values
    assert oct((tmp_path / written).stat().st_mode & 0o777) == "0o600"


def test_error_workbooks_go_where_errors_out_says(tcxd, initialised, tmp_path):
    path = roster(tmp_path / "files" / "DSDV.xlsx", [[*AN[:1], "31/02/1980", *AN[2:]]])
    out = tmp_path / "files" / "gui lai"
    result = tcxd("import", path, "--errors-out", out, "--db", initialised)
    assert result.exit_code == 3, result.output
    assert (out / "DSDV - loi.xlsx").is_file()
    assert not (tmp_path / "tep-loi").exists()
    again = tcxd("import", tmp_path / "files", "--errors-out", out, "--db", initialised)
    assert again.exit_code == 3, again.output
    # The error workbook is never an input: neither imported nor listed as a file of the run.
    assert "DSDV - loi.xlsx" not in again.stdout
    assert "Tổng cộng 1 tệp: 0 nhập được" in again.stdout


def test_create_units_creates_the_chi_bo_of_a_title_and_the_list_names_it_later(
    tcxd, initialised, tmp_path
):
    folder = tmp_path / "01. Dang bo xa Phu An" / CHI_BO_FOLDER
    path = roster(folder / "DSDV.xlsx", [AN, BINH], "CHI BỘ TRƯỜNG THCS", "31/12/2025")
    refused = tcxd("import", path, "--db", initialised)
    assert refused.exit_code == 3
    assert (
        "nếu chi bộ ghi ở tiêu đề là chi bộ mới, chạy lại với --create-units để tạo nó trực thuộc "
        f'"{DISTRICT}".' in refused.stderr
    )
    result = tcxd("import", path, "--create-units", "--db", initialised)
    assert result.exit_code == 0, result.output
    assert (
        f"Đã tạo tổ chức đảng (--create-units) {path}: Chi bộ Trường THCS (trực thuộc "
        f"{DISTRICT})" in result.stdout
    )
    # the title's capitals are not the unit's name: it is written as the province writes names
    assert query(initialised, "SELECT name FROM organization WHERE name LIKE 'Chi%'") == [
        ("Chi bộ Trường THCS",)
    ]
    listed = organization_list(tmp_path / "to-chuc.xlsx")
    assert tcxd("import", listed, "--db", initialised).exit_code == 0
    assert query(
        initialised,
        "SELECT o.name, o.kind_of_place, COUNT(DISTINCT r.member_id) FROM organization o "
        "JOIN roster_entry r ON r.org_id = o.id GROUP BY o.id",
    ) == [("Chi bộ Trường THCS", "su_nghiep_cong_lap", 2)]


def test_a_file_named_twice_is_one_file_of_the_run(tcxd, initialised, tmp_path):
    folder = tmp_path / "01. Dang bo xa Phu An"
    listed = organization_list(folder / "To chuc.xlsx")
    result = tcxd("import", folder, listed, "--db", initialised)
    assert result.exit_code == 0, result.output
    assert "Tổng cộng 1 tệp: 1 nhập được, 0 đã có từ trước, 0 không nhập được." in result.stdout
