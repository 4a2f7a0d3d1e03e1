"""`period_status` and the reminder workbook (docs/workflow.md, "status")."""

from __future__ import annotations

from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import text

from tcxd.core.periods import Period
from tcxd.db.coverage import batches_covering, quarters_within
from tcxd.reports.figures import PeriodFigures
from tcxd.workflow.status import period_status, write_status_workbook

Q1 = Period.parse("q1", 2025)


@pytest.mark.parametrize(
    ("period", "files"),
    [
        # the 31/12/2024 rosters are 2024's closing lists, not data of Q1 2025; the changes of
        # 2025 hold an event of March
        (Q1, ["bien-dong-2025.xlsx"]),
        (Period.parse("q2", 2025), ["bien-dong-2025.xlsx", "ds-2025.xlsx", "ds-2025.xlsx"]),
        (Period.parse("q3", 2025), []),
        (Period.parse("year", 2024), ["ds-2024.xlsx", "ds-2024.xlsx"]),
        (Period.parse("year", 2025),
         ["bien-dong-2025.xlsx", "ds-2025.xlsx", "ds-2025.xlsx", "xep-loai-2025.xlsx"]),
    ],
)  # fmt: skip
def test_a_file_counts_for_the_period_its_data_cover(world, period, files):
    with world.engine.connect() as conn:
        ids = batches_covering(conn, period)
        names = conn.execute(text("SELECT id, file_name FROM import_batch")).fetchall()
    assert sorted(name for id_, name in names if id_ in ids) == files


@pytest.mark.parametrize(
    ("code", "quarters"),
    [("q1", [1]), ("q4", [4]), ("h1", [1, 2]), ("9m", [1, 2, 3]), ("year", [1, 2, 3, 4, 0])],
)
def test_evaluation_periods_within_a_period(code, quarters):
    assert quarters_within(Period.parse(code, 2025)) == quarters


def test_files_per_unit_and_who_sent_nothing(world):
    with world.engine.connect() as conn:
        status = period_status(conn, Q1, today=date(2025, 4, 10))
    [district] = status.districts
    assert district.own.name == "Đảng bộ xã Phú An"
    units = {u.name: u for u in district.units}
    assert list(units) == ["Chi bộ thôn 1", "Chi bộ thôn 2", "Đảng bộ Trường THCS Phú An"]
    thon1 = units["Chi bộ thôn 1"]
    assert thon1.submitted
    # only the changes of 2025 hold data of Q1 2025 (Dũng admitted 15/3/2025)
    assert [f.file_name for f in thon1.files] == ["bien-dong-2025.xlsx"]
    assert thon1.newest("roster") is None
    assert thon1.newest("changes").date_text == "Năm 2025"
    assert thon1.count("changes") == 1
    assert thon1.warnings == 0
    assert not units["Chi bộ thôn 2"].submitted
    assert units["Chi bộ thôn 2"].latest is None
    assert [u.name for u in status.missing] == ["Chi bộ thôn 2", "Đảng bộ Trường THCS Phú An"]
    # the district's own file: the organisations list (no period: it does not count)
    assert district.own.latest.file_name == "to-chuc.xlsx"
    assert not district.own.files


def test_a_period_with_no_files(world):
    with world.engine.connect() as conn:
        status = period_status(conn, Period.parse("q3", 2026))
    assert [u.name for u in status.missing] == [
        "Chi bộ thôn 1",
        "Chi bộ thôn 2",
        "Đảng bộ Trường THCS Phú An",
    ]
    thon1 = status.units[0]
    assert thon1.latest.file_name == "xep-loai-2025.xlsx"  # newest file ever received


@pytest.mark.parametrize(
    "period", [Q1, Period.parse("year", 2024), Period.parse("year", 2025), Period.parse("q3", 2026)]
)
def test_same_answer_as_the_reports_not_submitted_check(world, period):
    with world.engine.connect() as conn:
        status = period_status(conn, period)
        reports = PeriodFigures(conn, period).submitted_units()
    assert status.submitted_ids() == {unit for unit, sent in reports.items() if sent}


def test_unknown_district_is_refused(world):
    from tcxd.core.errors import UnknownUnitError

    with world.engine.connect() as conn, pytest.raises(UnknownUnitError) as raised:
        period_status(conn, Q1, district="Chi bộ thôn 1")
    assert raised.value.message == (
        '"Chi bộ thôn 1" không phải đảng bộ cấp trên trực tiếp cơ sở (vào ngày 31/3/2025).'
    )


def test_reminder_workbook(world, tmp_path):
    with world.engine.connect() as conn:
        status = period_status(conn, Period.parse("year", 2025), today=date(2026, 1, 15))
    path = write_status_workbook(tmp_path / "out" / "nhac.xlsx", status, "Tỉnh ủy Bình Minh")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Nhắc nộp", "Tình hình gửi"]
    rows = book.get_sheet_by_name("Nhắc nộp").to_python()
    texts = [[c for c in row if c != ""] for row in rows]
    assert texts[0] == ["TỈNH ỦY BÌNH MINH", "ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert texts[3] == ["DANH SÁCH TỔ CHỨC CƠ SỞ ĐẢNG CHƯA GỬI ĐỦ SỐ LIỆU NĂM 2025"]
    assert texts[4] == ["(Tình hình nhận tệp đến ngày 15/1/2026)"]
    assert texts[6] == ["STT", "Tổ chức cơ sở đảng", "Còn thiếu", "Tệp gần nhất đã nhận", "Ghi chú"]
    assert texts[7] == ["Đảng bộ xã Phú An"]
    assert texts[8][:3] == [1.0, "Chi bộ thôn 2", "Chưa gửi tệp nào"]
    assert texts[9][:3] == [
        2.0,
        "Đảng bộ Trường THCS Phú An",
        "Biến động đảng viên; Kết quả xếp loại",
    ]
    assert len([t for t in texts if t and isinstance(t[0], float)]) == 2  # Chi bộ thôn 1 sent all
    overview = book.get_sheet_by_name("Tình hình gửi").to_python()
    flat = [[c for c in row if c != ""] for row in overview]
    thon1 = next(row for row in flat if "Chi bộ thôn 1" in row)
    assert thon1 == [1.0, "Chi bộ thôn 1", "30/6/2025 (3 dòng)", "Năm 2025 (2 dòng)",
                     "Năm 2025 (2 dòng)", 7.0, 0.0, "Đã gửi"]  # fmt: skip
    district = next(row for row in flat if "Đảng bộ xã Phú An" in row and len(row) > 2)
    assert district[-1] == "2/3 TCCSĐ đã gửi"
