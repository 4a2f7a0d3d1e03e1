"""Reports a clerk can sign (spec reports.md): bad option values, periods with no data, stale
ratings, units that sent nothing, all-or-nothing writing. End to end from the command line on a
small generated province (issue #14, items 3, 4, 6, 7, 9)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import create_engine, text

from tcxd.core.text import slug
from tcxd.sample import generate

USAGE = 2
YEAR_HINT = "cần ghi đủ 4 chữ số, từ 1930 đến 2100."


def not_a_year(value: str) -> str:
    return f"'--year': \"{value}\" không phải một năm: {YEAR_HINT}"


@pytest.fixture(scope="module")
def province_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trust")
    generate(folder / "files", members=300, seed=3, mess=False)
    return folder / "files"


@pytest.fixture(scope="module")
def imported_once(province_files, tmp_path_factory):
    """A database with the whole sample province imported (copied for each test)."""
    from tcxd.cli import main

    db = tmp_path_factory.mktemp("trust-db") / "tcxd.db"
    for args in (
        ["init", "--config", str(province_files / "tinh.yaml"), "--db", str(db)],
        ["import", str(province_files), "--db", str(db)],
    ):
        with pytest.raises(SystemExit) as done:
            main(args)
        assert done.value.code == 0
    return db


@pytest.fixture
def db(imported_once, tmp_path):
    copy = tmp_path / "tcxd.db"
    for part in imported_once.parent.glob("tcxd.db*"):  # with its WAL, not yet checkpointed
        shutil.copy(part, tmp_path / part.name)
    return copy


def scalar(db, sql, **params):
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


# --------------------------------------------------------------------- 7. bad option values


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--period", "year", "--year", "25"], not_a_year("25")),
        (["report", "--year", "20255"], not_a_year("20255")),
        (["report", "--year", "0"], not_a_year("0")),
        (["report", "--year", "abc"], not_a_year("abc")),
        (["check", "--period", "q1", "--year", "99"], not_a_year("99")),
        (["check", "--period", "q7", "--year", "2025"],
         "'--period': \"q7\" không phải một kỳ báo cáo: chọn một trong q1 q2 q3 q4 h1 9m year."),
        (["classify", "--year", "2025", "--quarter", "5"],
         "'--quarter': \"5\" không phải một quý: chọn 1, 2, 3 hoặc 4."),
        (["classify", "--year", "2025", "--quarter", "0"],
         "'--quarter': \"0\" không phải một quý: chọn 1, 2, 3 hoặc 4."),
        (["classify", "--year", "25"], not_a_year("25")),
        (["status", "--year", "20255"], not_a_year("20255")),
        (["explain", "01234567", "--year", "3"], not_a_year("3")),
        (["template", "members", "--unit", "X", "--year", "1"],
         not_a_year("1")),
        (["rules", "show", "--year", "0"], not_a_year("0")),
        (["lock", "--period", "q1", "--year", "26"], not_a_year("26")),
        (["unlock", "--period", "q9", "--year", "2026"],
         "'--period': \"q9\" không phải một kỳ báo cáo: chọn một trong q1 q2 q3 q4 h1 9m year."),
        (["import", "--quarter", "7", "x.xlsx"],
         "'--quarter': \"7\" không phải một quý: chọn 1, 2, 3 hoặc 4."),
        (["sample", "x", "--members", "5"], "'--members': cần lớn hơn hoặc bằng 100"),
    ],
)  # fmt: skip
def test_a_bad_option_value_gets_a_vietnamese_usage_message(tcxd, db, args, message):
    result = tcxd(*args, "--db", db) if args[0] != "sample" else tcxd(*args)
    assert result.exit_code == USAGE, result.output
    assert result.stderr.startswith("Lệnh không đúng: Giá trị không hợp lệ cho " + message)
    assert "Lỗi nội bộ" not in result.output and "Input should" not in result.output


# --------------------------------------------------------------------- 4. reports about nothing


def test_a_period_without_data_is_refused_and_nothing_is_written(tcxd, db, tmp_path):
    result = tcxd(
        "report", "--period", "year", "--year", "2019", "--db", db, "--out", tmp_path / "bc"
    )
    assert result.exit_code == USAGE, result.output
    assert result.stderr.strip() == (
        "Lỗi: Không có số liệu cho năm 2019: chưa đơn vị nào nộp tệp có số liệu của kỳ này (danh "
        "sách đảng viên tính đến một ngày trong kỳ, biến động trong kỳ hoặc kết quả đánh giá của "
        "kỳ). Cơ sở dữ liệu có số liệu từ ngày 31/12/2024 đến ngày 31/12/2025. Không lập báo cáo."
    )
    assert not (tmp_path / "bc").exists()
    check = tcxd("check", "--period", "q1", "--year", "2027", "--db", db)
    assert check.exit_code == USAGE
    assert "Không có số liệu cho quý I năm 2027" in check.stderr


def test_classify_refuses_a_year_not_begun_and_a_year_without_evaluations(tcxd, db):
    future = tcxd("classify", "--year", "2099", "--db", db)
    assert future.exit_code == USAGE
    assert future.stderr.startswith("Lỗi: Chưa xếp loại được năm 2099: kỳ này chưa bắt đầu")
    empty = tcxd("classify", "--year", "2025", "--quarter", "1", "--db", db)
    assert empty.exit_code == USAGE
    assert empty.stderr.strip() == (
        "Lỗi: Chưa xếp loại được quý I năm 2025: cơ sở dữ liệu chưa có kết quả đánh giá đảng viên "
        "nào của kỳ này. Nhập các tệp kết quả đánh giá trước (tcxd import <thư mục>)."
    )
    assert scalar(db, "SELECT COUNT(*) FROM member_rating") == 0
    old = tcxd("classify", "--year", "2019", "--db", db)
    assert old.exit_code == USAGE
    assert "Không có bộ quy định xếp loại nào áp dụng cho năm 2019" in old.stderr


def test_classify_says_which_rule_set_it_applies_and_why(tcxd, db):
    result = tcxd("classify", "--year", "2025", "--db", db)
    assert result.exit_code == 0, result.output
    assert (
        "Áp dụng Quy định 366-QĐ/TW (30/8/2025) và Hướng dẫn 43-HD/BTCTW (31/10/2025) (bản 1) "
        "vì quy định này dùng cho năm xếp loại từ năm 2025, trong đó có năm 2025." in result.stdout
    )


DISTRICTS = ("Đảng bộ xã Tường Nam", "Đảng bộ phường Khánh Minh", "Đảng bộ đặc khu Yên Thành")
LATE_UNITS = (
    "01. Đảng bộ xã Tường Nam/01. Chi bộ Trạm Y tế xã Tường Nam",
    "02. Đảng bộ phường Khánh Minh/02. Chi bộ khu phố Trại Cau",
)


@pytest.fixture(scope="module")
def late_db(province_files, tmp_path_factory):
    """The province where two TCCSĐ sent only their roster of 31/12/2024: for Q2 2025 they have
    sent nothing."""
    from tcxd.cli import main

    folder = tmp_path_factory.mktemp("late")
    files = folder / "files"
    shutil.copytree(province_files, files)
    for unit in LATE_UNITS:
        for path in (files / unit).iterdir():
            if "31.12.2024" not in path.name:
                path.unlink()
    db = folder / "tcxd.db"
    for args in (["init", "--config", str(files / "tinh.yaml")], ["import", str(files)]):
        with pytest.raises(SystemExit) as done:
            main([*args, "--db", str(db)])
        assert done.value.code == 0
    return db


def tccsd_count(db, district: str, on: str = "2025-06-30") -> int:
    """The TCCSĐ of a district on a day (ISO date), as the report's tree has them."""
    return scalar(
        db,
        "SELECT COUNT(*) FROM organization o JOIN organization_parent p ON p.org_id = o.id "
        "JOIN organization d ON d.id = p.parent_id WHERE d.name = :name "
        "AND o.org_type IN ('dang_bo_co_so', 'chi_bo_co_so') "
        "AND (p.valid_from IS NULL OR p.valid_from <= :on) "
        "AND (p.valid_to IS NULL OR p.valid_to > :on) "
        "AND (o.founded_on IS NULL OR o.founded_on <= :on) "
        "AND (o.dissolved_on IS NULL OR o.dissolved_on > :on)",
        name=district,
        on=on,
    )


def _sheets(path):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _not_sent(tcxd, db, *unit) -> set[str]:
    """The units check 2 lists for Q2 2025 (the whole province, or `--unit DISTRICT`)."""
    result = tcxd("check", "--period", "q2", "--year", "2025", "--db", db, *unit)
    assert result.exit_code in (0, 5), result.output
    return {row[2] for row in _table_rows(result.stdout) if row[1] == "Đơn vị chưa nộp báo cáo"}


def test_every_sheet_says_how_many_units_have_not_sent_their_files(tcxd, late_db, tmp_path):
    result = tcxd("report", "--period", "q2", "--year", "2025", "--db", late_db, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "2025-q2"
    assert {unit.split("/")[1][4:] for unit in LATE_UNITS} <= _not_sent(tcxd, late_db)
    expected = {}
    for name in DISTRICTS:
        missing = len(_not_sent(tcxd, late_db, "--unit", name))
        if missing:
            line = f"SỐ LIỆU CHƯA ĐỦ: {missing}/{tccsd_count(late_db, name)} đơn vị chưa nộp"
            expected[f"{slug(name)}.xlsx"] = line
    province = sum(tccsd_count(late_db, name) for name in DISTRICTS)
    expected["tinh.xlsx"] = (
        f"SỐ LIỆU CHƯA ĐỦ: {len(_not_sent(tcxd, late_db))}/{province} đơn vị chưa nộp"
    )
    assert len(expected) >= 3  # the two late units' districts and the province
    for path in folder.glob("*.xlsx"):
        for sheet, rows in _sheets(path).items():
            if path.name in expected:  # under the title and the as-of line
                assert rows[5][0] == expected[path.name], (path.name, sheet)
            else:
                assert not any("SỐ LIỆU CHƯA ĐỦ" in str(c) for r in rows for c in r)


def test_the_province_checks_are_the_union_of_its_districts(tcxd, late_db):
    def rows(*unit):
        result = tcxd("check", "--period", "q2", "--year", "2025", "--db", late_db, *unit)
        assert result.exit_code in (0, 5), result.output
        return {
            tuple(cell.strip() for cell in line.strip("│").split("│"))
            for line in result.stdout.splitlines()
            if line.startswith("│")
        }

    province = rows()
    districts = [rows("--unit", name) for name in DISTRICTS]
    assert set().union(*districts) <= province
    missing = {row[2] for row in province if row[1] == "Đơn vị chưa nộp báo cáo"}
    assert {"Chi bộ Trạm Y tế xã Tường Nam", "Chi bộ khu phố Trại Cau"} <= missing


# --------------------------------------------------------------------- 6. all or nothing


@pytest.fixture
def old_set(tcxd, db, tmp_path):
    """A folder holding last run's workbooks (marked contents), and the file names of a run."""
    fresh = tcxd(
        "report", "--period", "year", "--year", "2025", "--db", db, "--out", tmp_path / "a"
    )
    assert fresh.exit_code == 0, fresh.output
    names = sorted(p.name for p in (tmp_path / "a" / "2025-year").iterdir())
    folder = tmp_path / "bc" / "2025-year"
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_bytes(f"bản cũ của {name}".encode())
    return folder, names


def _unchanged(folder, names):
    assert sorted(p.name for p in folder.iterdir()) == names  # no stray temporary file
    for name in names:
        assert (folder / name).read_bytes() == f"bản cũ của {name}".encode(), name


def test_a_workbook_that_cannot_be_replaced_leaves_the_old_set_untouched(
    tcxd, db, old_set, monkeypatch
):
    import os

    folder, names = old_set
    real_replace = os.replace

    def replace(source, target):  # tinh.xlsx is open in Excel: Windows will not move it
        if str(folder / "tinh.xlsx") in (str(source), str(target)):
            raise PermissionError(13, "Permission denied", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    result = tcxd("report", "--period", "year", "--year", "2025", "--db", db,
                  "--out", folder.parent)  # fmt: skip
    assert result.exit_code == 6, result.output
    assert result.stderr.strip() == (
        f"Lỗi: Không ghi được tệp {folder / 'tinh.xlsx'}: tệp đang mở (chẳng hạn trong Excel) "
        "hoặc không có quyền ghi. Chưa tệp nào của lần lập biểu này được ghi; các tệp cũ trong "
        f"{folder} giữ nguyên. Đóng tệp rồi chạy lại lệnh."
    )
    _unchanged(folder, names)
    assert sorted(p.name for p in folder.parent.iterdir()) == ["2025-year"]


def test_a_folder_in_the_place_of_a_workbook_leaves_the_old_set_untouched(tcxd, db, old_set):
    folder, names = old_set
    (folder / "tinh.xlsx").unlink()
    (folder / "tinh.xlsx").mkdir()
    result = tcxd("report", "--period", "year", "--year", "2025", "--db", db,
                  "--out", folder.parent)  # fmt: skip
    assert result.exit_code == 6, result.output
    assert result.stderr.strip() == (
        f"Lỗi: Không ghi được tệp {folder / 'tinh.xlsx'}: ở đó đang có một thư mục cùng tên. "
        f"Chưa tệp nào của lần lập biểu này được ghi; các tệp cũ trong {folder} giữ nguyên."
    )
    (folder / "tinh.xlsx").rmdir()
    (folder / "tinh.xlsx").write_bytes("bản cũ của tinh.xlsx".encode())
    _unchanged(folder, names)


def test_a_whole_run_replaces_the_old_set(tcxd, db, old_set):
    folder, names = old_set
    result = tcxd("report", "--period", "year", "--year", "2025", "--db", db,
                  "--out", folder.parent)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == names
    for name in names:
        assert (folder / name).read_bytes()[:2] == b"PK", name  # a real workbook now


# --------------------------------------------------------------------- 3. stale ratings

UNIT = "01. Đảng bộ xã Tường Nam/01. Chi bộ Trạm Y tế xã Tường Nam"
EVALUATIONS = "Kết quả xếp loại đảng viên năm 2025.xlsx"


def _disciplined_copy(province_files, folder, card: str):
    """The unit's evaluation file again, with the member `card` now disciplined (khiển trách)."""
    from python_calamine import CalamineWorkbook
    from tests.sheets import write_xlsx

    book = CalamineWorkbook.from_path(str(province_files / UNIT / EVALUATIONS))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    header = next(i for i, row in enumerate(rows) if "Hình thức kỷ luật" in row)
    form, on = (
        rows[header].index("Hình thức kỷ luật"),
        rows[header].index("Ngày quyết định kỷ luật"),
    )
    card_column = rows[header].index("Số thẻ đảng viên")
    rows = [[None if c == "" else c for c in row] for row in rows]
    target = next(row for row in rows[header + 1 :] if row[card_column] == card)
    target[form], target[on] = "Khiển trách", "15/06/2025"
    return write_xlsx(folder / UNIT / EVALUATIONS, rows)


def test_ratings_older_than_an_imported_evaluation_are_not_reported(
    tcxd, db, province_files, tmp_path
):
    assert tcxd("classify", "--year", "2025", "--db", db).exit_code == 0
    card = scalar(
        db,
        "SELECT m.card_number FROM member_rating r JOIN member m ON m.id = r.member_id "
        "JOIN member_evaluation e ON e.member_id = m.id AND e.year = 2025 "
        "JOIN import_batch b ON b.id = e.batch_id JOIN organization o ON o.id = b.unit_id "
        "WHERE b.file_name = :f AND o.name = :unit "
        "AND r.level = 'HTTNV' AND r.status = 'rated' AND m.card_number IS NOT NULL "
        "ORDER BY m.card_number LIMIT 1",
        f=EVALUATIONS,
        unit=UNIT.split("/")[1][4:],
    )
    newer = _disciplined_copy(province_files, tmp_path / "moi", card)
    imported = tcxd("import", newer, "--db", db)
    assert imported.exit_code == 0, imported.output

    out = tmp_path / "bc"
    report = tcxd("report", "--period", "year", "--year", "2025", "--db", db, "--out", out)
    assert report.exit_code == USAGE, report.output
    assert report.stderr.strip() == (
        "Lỗi: Kết quả xếp loại năm 2025 đã cũ: sau lần xếp loại đã nhập 1 tệp mà kết quả dựa "
        f'vào ("{EVALUATIONS}"). Chạy lại tcxd classify --year 2025 rồi lập báo cáo; chưa ghi '
        "tệp nào."
    )
    assert not out.exists()
    check = tcxd("check", "--period", "year", "--year", "2025", "--db", db)
    assert check.exit_code == 5
    stale = [line for line in check.stdout.splitlines() if "Kết quả xếp loại cũ hơn" in line]
    assert len(stale) == 1 and EVALUATIONS in stale[0]
    assert "chạy lại tcxd classify --year 2025" in stale[0]
    # the other district's report does not rest on that file
    other = tcxd("report", "--period", "year", "--year", "2025", "--unit",
                 "Đảng bộ đặc khu Yên Thành", "--db", db, "--out", out)  # fmt: skip
    assert other.exit_code == 0, other.output

    assert tcxd("classify", "--year", "2025", "--db", db).exit_code == 0
    assert tcxd("report", "--period", "year", "--year", "2025", "--db", db,
                "--out", out).exit_code == 0  # fmt: skip
    level = scalar(
        db,
        "SELECT r.level FROM member_rating r JOIN member m ON m.id = r.member_id "
        "WHERE m.card_number = :c AND r.year = 2025",
        c=card,
    )
    assert level == "KHTNV"
    check = tcxd("check", "--period", "year", "--year", "2025", "--db", db)
    assert "Kết quả xếp loại cũ hơn" not in check.stdout


# --------------------------------------------------------------------- 9. counts that agree


def _table_rows(output: str) -> list[tuple[str, ...]]:
    return [
        tuple(cell.strip() for cell in line.strip("│").split("│"))
        for line in output.splitlines()
        if line.startswith("│")
    ]


def test_classify_and_report_count_the_same_members_and_say_what_they_count(tcxd, db, tmp_path):
    classified = tcxd("classify", "--year", "2025", "--db", db)
    assert classified.exit_code == 0, classified.output
    header = next(line for line in classified.stdout.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in header.strip("┃").split("┃")][1:3] == [
        "Đảng viên ngày 31/12/2025",
        "Có kết quả",
    ]
    on_date = {row[0]: int(row[1]) for row in _table_rows(classified.stdout)}
    with_result = {row[0]: int(row[2]) for row in _table_rows(classified.stdout)}
    report = tcxd("report", "--period", "year", "--year", "2025", "--db", db, "--out", tmp_path)
    assert report.exit_code == 0, report.output
    members_end = {row[0]: int(row[1].replace(".", "")) for row in _table_rows(report.stdout)}
    province = members_end.pop("Tỉnh ủy Bình Minh")
    assert on_date == members_end
    missing = sum(on_date.values()) - sum(with_result.values())
    assert (
        f"Đảng viên ngày 31/12/2025 (như dòng D của biểu): {province}; có kết quả (xếp loại hoặc "
        f"không xếp loại theo quy định): {sum(with_result.values())}; chưa có kết quả đánh giá: "
        f"{missing} (danh sách ở tcxd check, mục 4)." in classified.stdout
    )
    check = tcxd("check", "--period", "year", "--year", "2025", "--db", db)
    not_evaluated = [r for r in _table_rows(check.stdout) if "chưa có kết quả đánh giá" in r[-1]]
    assert len(not_evaluated) == missing


def test_the_checks_list_each_rating_once_with_one_reason(tcxd, db):
    assert tcxd("classify", "--year", "2025", "--db", db).exit_code == 0
    capped = scalar(db, "SELECT COUNT(*) FROM member_rating WHERE capped")
    assert capped > 0  # the sample's cap lowers some members
    check = tcxd("check", "--period", "year", "--year", "2025", "--db", db)
    ratings = [r for r in _table_rows(check.stdout) if r[0] == "7"]
    members = [(r[2], r[3], r[4], r[5].split(":")[0]) for r in ratings]
    assert len(members) == len(set(members))
    assert sum("hạ từ HTXSNV xuống HTTNV do vượt tỷ lệ" in r[5] for r in ratings) == capped


ADDING_UP = ("A", "B1", "B2a", "B3", "C1", "C2", "C3", "C4", "C5a", "D")  # not moves inside


def test_theo_don_vi_keeps_a_unit_that_moved_to_another_district(tcxd, db, tmp_path):
    import json

    moved = "Chi bộ Quân sự xã Tường Nam"  # the sample moves it to phường Khánh Minh on 1/7/2025
    assert scalar(db, "SELECT COUNT(*) FROM organization_parent p JOIN organization o "
                      "ON o.id = p.org_id WHERE o.name = :n", n=moved) == 2  # fmt: skip
    result = tcxd("report", "--period", "year", "--year", "2025", "--format", "json",
                  "--db", db, "--out", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "2025-year").glob("dang-bo-*.json"):
        report = json.loads(path.read_text(encoding="utf-8"))
        for code in ADDING_UP:
            rows = sum(unit["bieu1"][code] for unit in report["by_unit"])
            assert rows == report["forms"]["bieu1"][code], (path.name, code)
    old = json.loads((tmp_path / "2025-year" / "dang-bo-xa-tuong-nam.json").read_text("utf-8"))
    new = json.loads((tmp_path / "2025-year" / "dang-bo-phuong-khanh-minh.json").read_text("utf-8"))
    left = next(unit for unit in old["by_unit"] if unit["name"] == moved)
    came = next(unit for unit in new["by_unit"] if unit["name"] == moved)
    assert left["bieu1"]["D"] == 0 and left["members_end"] == 0
    assert left["bieu1"]["C5b"] == came["bieu1"]["B2b"] > 0
    assert came["bieu1"]["A"] == 0 and came["members_end"] == came["bieu1"]["D"]
