"""`tcxd classify`, `rules show`, `report` and `check` end to end on a small generated province."""

from __future__ import annotations

import json
import re

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, text

from tcxd.sample import generate


@pytest.fixture(scope="module")
def small_province(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    generate(folder / "files", members=300, seed=3, mess=False)
    return folder / "files"


@pytest.fixture
def imported(tcxd, tmp_path, small_province):
    db = tmp_path / "tcxd.db"
    assert tcxd("init", "--config", small_province / "tinh.yaml", "--db", db).exit_code == 0
    result = tcxd("import", small_province, "--db", db)
    assert result.exit_code == 0, result.output
    return db


def _count(db, sql):
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def test_classify_stores_a_result_with_a_reason_for_every_rated_member(tcxd, imported, tmp_path):
    result = tcxd("classify", "--year", "2025", "--db", imported, "--out", tmp_path / "kq")
    assert result.exit_code == 0, result.output
    assert (
        "Kết quả xếp loại Năm 2025 theo Quy định 366-QĐ/TW (30/8/2025) và Hướng dẫn 43-HD/BTCTW "
        "(31/10/2025) (bản 1)"
    ) in result.stdout
    folder = tmp_path / "kq" / "xep-loai-2025"
    assert f"Đã ghi 4 tệp danh sách kết quả vào thư mục {folder}." in result.stdout
    assert (
        _count(
            imported,
            "SELECT COUNT(*) FROM member_rating r "
            "LEFT JOIN rating_reason t ON t.id = r.reason_id WHERE COALESCE(t.text, '') = ''",
        )
        == 0
    )
    assert _count(imported, "SELECT COUNT(*) FROM member_rating") > 200
    cells = []
    for path in folder.iterdir():  # a workbook per district and the province's (more in
        workbook = CalamineWorkbook.from_path(str(path))  # tests/cli/test_classify_out.py)
        cells += [
            str(c)
            for s in workbook.sheet_names
            for r in workbook.get_sheet_by_name(s).to_python()
            for c in r
        ]
    assert "Lý do" in cells
    engine = create_engine(f"sqlite:///{imported}")
    with engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT citizen_id FROM member")) if r[0]}
    engine.dispose()
    assert ids and not ids & set(cells)  # no CCCD in the listing


def test_classify_twice_replaces_the_results(tcxd, imported):
    tcxd("classify", "--year", "2025", "--db", imported)
    first = _count(imported, "SELECT COUNT(*) FROM member_rating")
    assert tcxd("classify", "--year", "2025", "--db", imported).exit_code == 0
    assert _count(imported, "SELECT COUNT(*) FROM member_rating") == first


def test_a_bad_rule_file_is_named_with_its_key(tcxd, imported, tmp_path):
    rules = tmp_path / "tinh-rules.yaml"
    rules.write_text("members:\n  levels:\n    HTXSNV:\n      min_score: abc\n", encoding="utf-8")
    result = tcxd("classify", "--year", "2025", "--rules", rules, "--db", imported)
    assert result.exit_code == 2
    assert "members.levels.HTXSNV.min_score" in result.stderr
    assert "Traceback" not in result.output


def test_rules_show_marks_our_defaults(tcxd, imported):
    result = tcxd("rules", "show", "--year", "2025", "--db", imported)
    assert result.exit_code == 0, result.output
    assert "qd366-2025" in result.stdout
    assert "(mặc định của tcxd)" in result.stdout
    old = tcxd("rules", "show", "--year", "2024", "--db", imported)
    assert "qd124-2023" in old.stdout


def test_report_writes_a_workbook_per_district_and_the_province(tcxd, imported, tmp_path):
    tcxd("classify", "--year", "2025", "--db", imported)
    out = tmp_path / "bao-cao"
    result = tcxd(
        "report",
        "--period",
        "year",
        "--year",
        "2025",
        "--out",
        out,
        "--format",
        "all",
        "--db",
        imported,
    )
    assert result.exit_code == 0, result.output
    assert f"Đã ghi 8 tệp vào thư mục {out / '2025-year'}." in result.stdout
    names = sorted(p.name for p in (out / "2025-year").iterdir())
    assert "tinh.xlsx" in names and "tinh.json" in names
    assert all(re.fullmatch(r"[a-z0-9-]+\.(xlsx|json)", n) for n in names)
    twin = json.loads((out / "2025-year" / "tinh.json").read_text("utf-8"))
    assert set(twin) == {"unit", "period", "forms", "by_unit", "checks"}
    assert twin["forms"]["xl_dang_vien"]["total"] == twin["forms"]["bieu1"]["D"]
    sheets = CalamineWorkbook.from_path(str(out / "2025-year" / "tinh.xlsx")).sheet_names
    assert sheets == [
        "Tổng hợp",
        "Biểu 1",
        "Biểu 2",
        "Biểu 3",
        "Biểu 5",
        "XL tổ chức",
        "XL đảng viên",
        "Theo đơn vị",
        "Kiểm tra",
    ]


def test_report_of_a_period_without_ratings_says_so(tcxd, imported, tmp_path):
    result = tcxd("report", "--period", "q2", "--year", "2025", "--out", tmp_path, "--db", imported)
    assert result.exit_code == 0, result.output
    assert "Kỳ này chưa có kết quả xếp loại" in result.stdout
    sheets = CalamineWorkbook.from_path(str(tmp_path / "2025-q2" / "tinh.xlsx")).sheet_names
    assert "XL đảng viên" not in sheets


def test_report_for_one_unit(tcxd, imported, tmp_path, small_province):
    district = small_province.joinpath("tinh.yaml").read_text("utf-8").split("- ")[1].split("\n")[0]
    result = tcxd(
        "report",
        "--period",
        "q1",
        "--year",
        "2025",
        "--unit",
        district,
        "--out",
        tmp_path,
        "--db",
        imported,
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "2025-q1").glob("*.xlsx"))) == 1
    missing = tcxd("report", "--unit", "Đảng bộ không có", "--db", imported, "--out", tmp_path)
    assert missing.exit_code == 2
    assert 'Không tìm thấy đảng bộ cấp trên cơ sở "Đảng bộ không có"' in missing.stderr


def test_bad_period_is_a_usage_error(tcxd, imported):
    result = tcxd("report", "--period", "q5", "--db", imported)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Lệnh không đúng: Giá trị không hợp lệ cho '--period': \"q5\" không phải một kỳ báo cáo"
    )


def test_check_lists_problems_and_exits_5(tcxd, imported):
    tcxd("classify", "--year", "2025", "--db", imported)
    result = tcxd("check", "--period", "year", "--year", "2025", "--db", imported)
    # The generator plants contradictions (a roster after a death, a one-sided transfer…).
    assert result.exit_code == 5, result.output
    assert "Kiểm tra Năm 2025:" in result.stdout
    assert "Chuyển sinh hoạt trong tỉnh chỉ thấy một phía" in result.stdout


def test_importing_a_folder_of_reports_skips_them_plainly(tcxd, imported, tmp_path):
    tcxd("report", "--period", "q1", "--year", "2025", "--out", tmp_path / "bc", "--db", imported)
    result = tcxd("import", tmp_path / "bc", "--db", imported)
    assert result.exit_code == 0, result.output
    assert "0 không nhập được, 4 bỏ qua." in result.stdout
    assert "Bỏ qua: bảng tính do tcxd lập" in result.stdout


def test_classify_stores_the_trail_of_each_result(tcxd, imported):
    """The flags that explain a result (decided level differs, cap pool, cause of a pending
    result) are stored with it, as the engine computed them."""
    assert tcxd("classify", "--year", "2025", "--db", imported).exit_code == 0
    rated = _count(imported, "SELECT COUNT(*) FROM member_rating WHERE quarter = 0")
    assert _count(imported, "SELECT COUNT(pool_id) FROM member_rating") == rated
    assert _count(
        imported,
        "SELECT COUNT(*) FROM member_rating WHERE differs = 1 AND decided_level IS NOT NULL",
    ) == _count(
        imported,
        "SELECT COUNT(*) FROM member_rating WHERE decided_level IS NOT NULL "
        "AND decided_level != computed_level",
    )
    assert (
        _count(
            imported,
            "SELECT COUNT(*) FROM member_rating WHERE status = 'needs_decision' "
            "AND needs_decision_cause IS NULL",
        )
        == 0
    )
