"""The unit workbook: sheets, their contents read back, safety and atomic writing."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from report_fixtures import (
    HOSTILE_NAMES,
    SETTINGS,
    find_row,
    make_report,
    read_sheets,
    sheet_xml,
)

from tcxd.reports.forms import load_form
from tcxd.reports.workbook import NOT_SUBMITTED, ReportError, write_unit_workbook

ALL_SHEETS = [
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
TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    report = make_report(seed=11, units=12, hostile=True)
    path = tmp_path_factory.mktemp("wb") / "dang-bo-phuong-an-lac.xlsx"
    write_unit_workbook(path, report, SETTINGS, today=TODAY)
    return path, report


@pytest.fixture(scope="module")
def province_no_ratings(tmp_path_factory):
    report = make_report(
        seed=5, units=40, level="province", ratings=False, previous=False, period=("q1", 2026)
    )
    path = tmp_path_factory.mktemp("wb") / "tinh.xlsx"
    write_unit_workbook(path, report, SETTINGS, today=TODAY)
    return path, report


def test_sheets_in_the_order_of_the_spec(district):
    path, _ = district
    assert list(read_sheets(path)) == ALL_SHEETS


def test_without_ratings_the_rating_sheets_are_left_out_and_it_says_so(province_no_ratings):
    path, _ = province_no_ratings
    sheets = read_sheets(path)
    assert list(sheets) == [s for s in ALL_SHEETS if not s.startswith("XL")]
    summary = [cell for row in sheets["Tổng hợp"] for cell in row if isinstance(cell, str)]
    assert any("chưa có kết quả xếp loại" in cell and "tcxd classify" in cell for cell in summary)
    assert "Chưa có số liệu cùng kỳ năm trước." in summary
    assert not any("Xếp loại chất lượng" in cell for cell in summary)
    header = [c for row in sheets["Theo đơn vị"][:12] for c in row if isinstance(c, str)]
    assert "Xếp loại đảng viên" not in header


def test_summary_key_figures(district):
    path, report = district
    rows = read_sheets(path)["Tổng hợp"]
    b1 = report["forms"]["bieu1"]
    assert find_row(rows, 1, "Tổng số đảng viên cuối kỳ")[2] == b1["D"]
    assert find_row(rows, 1, "Tăng (+), giảm (−) so với đầu kỳ")[2] == b1["D"] - b1["A"]
    assert find_row(rows, 1, "Số đảng viên mới kết nạp trong kỳ")[2] == b1["B1"]
    xl = report["forms"]["xl_dang_vien"]
    level = find_row(rows, 1, "Hoàn thành xuất sắc nhiệm vụ")
    assert level[2] == xl["htxs"] and level[3] == pytest.approx(
        xl["htxs"] * 100 / xl["rated"], abs=0.005
    )


def test_charts(district, province_no_ratings):
    with zipfile.ZipFile(district[0]) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    assert len(charts) == 2  # 12 units: one rating chart, one members chart
    assert any('<c:grouping val="percentStacked"/>' in c for c in charts)
    assert all("'Theo đơn vị'!" in c for c in charts)
    assert all("<c:dLbls>" in c for c in charts)
    with zipfile.ZipFile(province_no_ratings[0]) as archive:
        charts = [n for n in archive.namelist() if "charts/chart" in n]
    assert len(charts) == 3  # 40 units, no ratings: members only, in three charts


def test_by_unit_sheet(district):
    path, report = district
    rows = read_sheets(path)["Theo đơn vị"]
    units = report["by_unit"]
    body = [r for r in rows if r and r[0] in {str(i) for i in range(1, len(units) + 1)}]
    assert [r[1] for r in body] == [u["name"] for u in units]
    for row, unit in zip(body, units, strict=True):
        assert row[2] == unit["bieu1"]["A"] and row[11] == unit["members_end"]
        assert row[-1] == ("" if unit["submitted"] else NOT_SUBMITTED)
    total = find_row(rows, 1, "Tổng cộng")
    assert total[2] == sum(u["bieu1"]["A"] for u in units)
    assert total[11] == sum(u["members_end"] for u in units)
    rated = sum(u["ratings"]["rated"] for u in units)
    assert total[12] == rated


def test_imported_text_stays_text(district):
    path, _ = district
    sheets = read_sheets(path)
    names = [r[1] for r in sheets["Theo đơn vị"]]
    for hostile in HOSTILE_NAMES:
        assert hostile in names
    checks = [cell for row in sheets["Kiểm tra"] for cell in row]
    assert '=HYPERLINK("http://x.invalid")' in checks and "-2+3" in checks
    for name, xml in sheet_xml(path).items():
        assert "<f>" not in xml, name
        assert "<hyperlink" not in xml, name
    with zipfile.ZipFile(path) as archive:
        assert not [n for n in archive.namelist() if "externalLink" in n]
        rels = " ".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".rels"))
    assert "hyperlink" not in rels


def test_no_cccd_anywhere(district):
    path, report = district
    assert any("001234567890" in (c["detail"] or "") for c in report["checks"])
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            assert not re.search(r"(?<!\d)\d{12}(?!\d)", text), name
    details = [c for row in read_sheets(path)["Kiểm tra"] for c in row if isinstance(c, str)]
    assert any("[số định danh đã ẩn]" in c for c in details)


def test_numbers_are_numbers(district):
    path, _ = district
    sheets = read_sheets(path)
    for name in ("Biểu 1", "Biểu 2", "Biểu 3", "Biểu 5", "XL tổ chức", "XL đảng viên"):
        for row in sheets[name]:
            for cell in row[2:]:
                assert not (isinstance(cell, str) and re.fullmatch(r"[\d.,]+", cell)), (name, row)
    b1 = find_row(sheets["Biểu 1"], 0, "D")
    assert isinstance(b1[2], float | int)


def test_checks_sheet(district):
    path, report = district
    rows = read_sheets(path)["Kiểm tra"]
    summary = [r[0] for r in rows if isinstance(r[0], str) and re.match(r"^\d+\. ", r[0])]
    assert [int(s.split(".")[0]) for s in summary] == sorted(load_form("kiem_tra").checks)
    body = [r for r in rows if r[0] in {str(i) for i in range(1, len(report["checks"]) + 1)}]
    assert len(body) == len(report["checks"])
    first = body[0]
    assert (
        first[1] == report["checks"][0]["check"] and first[2] == report["checks"][0]["description"]
    )


def test_every_check_that_writes_rows_has_its_summary_line():
    # Check 8 wrote rows (19,044 on the large sample province) but had no summary line: the
    # numbers that run_checks gives rows and the form's summary are one list, in the form file.
    from tcxd.reports import checks

    source = Path(checks.__file__).read_text(encoding="utf-8")
    numbers = {int(n) for n in re.findall(r"_row\(\s*(\d+),", source)}
    assert numbers and numbers <= set(load_form("kiem_tra").checks)
    assert {n: c.row for n, c in load_form("kiem_tra").checks.items()} == checks.DESCRIPTIONS


def test_no_checks_says_so(tmp_path):
    report = make_report(checks=0, previous=False)
    path = write_unit_workbook(tmp_path / "a.xlsx", report, SETTINGS, today=TODAY)
    cells = [c for row in read_sheets(path)["Kiểm tra"] for c in row]
    assert "Không phát hiện vấn đề nào." in cells


def test_every_sheet_prints_on_a4_one_page_wide(district):
    for name, xml in sheet_xml(district[0]).items():
        assert 'paperSize="9"' in xml, name
        assert '<pageSetUpPr fitToPage="1"/>' in xml, name
        expected = (
            "landscape" if name in ("XL tổ chức", "Theo đơn vị", "Kiểm tra") else ("portrait")
        )
        assert f'orientation="{expected}"' in xml, name
        assert 'state="frozen"' in xml, name


def test_atomic_replace(tmp_path):
    target = tmp_path / "tinh.xlsx"
    target.write_bytes(b"old content")
    write_unit_workbook(target, make_report(previous=False), SETTINGS, today=TODAY)
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tinh.xlsx"]


def test_a_bad_report_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "tinh.xlsx"
    target.write_bytes(b"old content")
    report = make_report(previous=False)
    del report["forms"]["bieu1"]["B2a"]
    with pytest.raises(ReportError, match="B2a"):
        write_unit_workbook(target, report, SETTINGS, today=TODAY)
    assert target.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tinh.xlsx"]


def test_a_failure_while_writing_leaves_no_temporary(tmp_path, monkeypatch):
    import tcxd.reports.workbook as module

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_write_workbook", boom)
    with pytest.raises(RuntimeError):
        write_unit_workbook(tmp_path / "x.xlsx", make_report(previous=False), SETTINGS)
    assert list(tmp_path.iterdir()) == []


def test_creates_missing_folders(tmp_path):
    path = tmp_path / "bao-cao" / "2026-q1" / "tinh.xlsx"
    write_unit_workbook(path, make_report(previous=False, period=("q1", 2026)), SETTINGS)
    assert path.exists()


def test_a_unit_without_subordinate_units(tmp_path):
    from tcxd.core.periods import Period

    report = make_report(previous=False)
    report["by_unit"] = []
    report["period"] = Period.parse("year", 2025)  # a Period is accepted as well as a dict
    path = write_unit_workbook(tmp_path / "a.xlsx", report, SETTINGS, today=TODAY)
    cells = [c for row in read_sheets(path)["Theo đơn vị"] for c in row]
    assert "Không có đơn vị trực thuộc." in cells and "Tổng cộng" not in cells
    with zipfile.ZipFile(path) as archive:
        assert not [n for n in archive.namelist() if "charts/chart" in n]


def test_ratings_flag_wins_over_zero_filled_rating_forms(tmp_path):
    from tcxd.reports.forms import empty_forms

    report = make_report(previous=False, ratings=False, period=("q2", 2026))
    report["forms"]["xl_to_chuc"] = empty_forms()["xl_to_chuc"]
    report["forms"]["xl_dang_vien"] = empty_forms()["xl_dang_vien"]
    for unit in report["by_unit"]:
        unit["ratings"] = {}
    path = write_unit_workbook(tmp_path / "q2.xlsx", report, SETTINGS, today=TODAY)
    sheets = read_sheets(path)
    assert "XL tổ chức" not in sheets and "XL đảng viên" not in sheets
    summary = [c for row in sheets["Tổng hợp"] for c in row if isinstance(c, str)]
    assert any(c.startswith("Quý II năm 2026 chưa có kết quả xếp loại") for c in summary)
    notes = [c for row in sheets["Theo đơn vị"] for c in row if isinstance(c, str)]
    assert not any("Tỷ lệ % tính trên" in c for c in notes)
