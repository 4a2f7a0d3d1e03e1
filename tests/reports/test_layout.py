"""The generic party-form writer: cells, header, frame and print settings of one sheet."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
import xlsxwriter
from report_fixtures import SETTINGS, find_row, make_report, read_sheets, sheet_xml

from tcxd.core.periods import Period
from tcxd.reports.forms import load_form
from tcxd.reports.layout import (
    NUMBER_FORMATS,
    WORKBOOK_OPTIONS,
    BodyRow,
    Styles,
    column_numbers,
    make_page,
    place_from_name,
    round_share,
    safe_text,
    text_lines,
    write_form,
)

PERIOD = Period.parse("year", 2025)


def write_one(tmp_path, name, report, *, previous=True, settings=SETTINGS):
    """Write one form of `report` with the engine alone; return (path, Placed)."""
    path = tmp_path / f"{name}.xlsx"
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    styles = Styles(workbook)
    form = load_form(name)
    page = make_page(report, settings, PERIOD, today=date(2026, 1, 15))
    prev = report["previous_year"]["forms"][name] if previous and report["previous_year"] else None
    rows = [BodyRow(row, report["forms"][name], prev) for row in form.rows]
    placed = write_form(workbook, styles, form, page, rows)
    workbook.close()
    return path, placed


@pytest.fixture(scope="module")
def report():
    return make_report(seed=3)


def test_bieu1_cells_land_where_the_form_says(tmp_path, report):
    path, placed = write_one(tmp_path, "bieu1", report)
    rows = read_sheets(path)["Biểu 1"]
    figures = report["forms"]["bieu1"]
    last = report["previous_year"]["forms"]["bieu1"]
    assert rows[0][0] == "ĐẢNG BỘ PHƯỜNG AN LẠC"
    assert rows[1][0] == "BAN TỔ CHỨC"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in rows[0]
    assert "Biểu số 1-BTCTW" in rows[1]
    assert rows[3][0] == "THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN – NĂM 2025"
    assert rows[4][0] == "(Số liệu tính đến ngày 31/12/2025)"
    assert rows[placed.header_top][:5] == [
        "STT",
        "Chỉ tiêu",
        "Kỳ này",
        "Cùng kỳ năm trước",
        "Tỷ lệ %",
    ]
    assert rows[placed.number_row][:5] == ["A", "B", "(1)", "(2)", "(3) = (1)×100/(2)"]
    body = rows[placed.first_body : placed.last_body + 1]
    assert [r[0] for r in body][:3] == ["A", "B", "1"]
    for row, code in zip(body, load_form("bieu1").empty_figures(), strict=True):
        assert isinstance(row[2], float | int) and row[2] == figures[code]
        assert row[3] == last[code]
        expected = round_share(figures[code] * 100 / last[code]) if last[code] else ""
        assert row[4] == expected
    a, b, c, d = (find_row(body, 0, k)[2] for k in "ABCD")
    assert d == a + b - c


def test_without_previous_year_the_comparison_cells_say_no_data(tmp_path, report):
    """Spec reports.md, Layout: no figures for the same period of the year before: the
    comparison columns say "không có số liệu", never "-" or 0."""
    path, placed = write_one(tmp_path, "bieu1", report, previous=False)
    body = read_sheets(path)["Biểu 1"][placed.first_body : placed.last_body + 1]
    assert all(row[3] == "không có số liệu" and row[4] == "không có số liệu" for row in body)
    assert all(isinstance(row[2], float | int) for row in body)


def test_headings_show_their_label_and_no_numbers(tmp_path, report):
    path, _ = write_one(tmp_path, "bieu2", report)
    rows = read_sheets(path)["Biểu 2"]
    heading = find_row(rows, 1, "Tuổi đời khi kết nạp")
    assert heading[0] == "2" and heading[2:5] == ["", "", ""]
    mean = find_row(rows, 1, "Tuổi bình quân")
    assert mean[2] == report["forms"]["bieu2"]["age_mean"] and mean[4] == ""  # no ratio of ages
    occupation = find_row(rows, 1, "Nghề nghiệp khác")
    assert occupation[2] == report["forms"]["bieu2"]["occ_other"]


def test_matrix_form_bieu5(tmp_path, report):
    path, placed = write_one(tmp_path, "bieu5", report)
    rows = read_sheets(path)["Biểu 5"]
    assert rows[placed.number_row][2] == "(1) = (2) + (3)"
    header = rows[placed.header_top]
    assert header[2] == "Tổ chức cơ sở đảng" and header[5] == "Đảng bộ bộ phận"
    phuong = find_row(rows, 1, "Phường")
    figures = report["forms"]["bieu5"]["phuong"]
    keys = [
        "tccsd",
        "dang_bo_co_so",
        "chi_bo_co_so",
        "dang_bo_bo_phan",
        "chi_bo_truc_thuoc",
        "members",
    ]
    assert phuong[2:8] == [figures[k] for k in keys]
    assert phuong[2] == phuong[3] + phuong[4]
    xml = sheet_xml(path)["Biểu 5"]
    # one table read whole, as the printed form: one portrait A4 page
    assert 'orientation="portrait"' in xml and '<pageSetUpPr fitToPage="1"/>' in xml
    assert "fitToHeight" not in xml  # 1 page wide and 1 tall: the default of fitToPage
    assert f'<mergeCell ref="C{placed.header_top + 1}:E{placed.header_top + 1}"/>' in xml


def test_turned_form_xl_to_chuc_reads_code_then_kind(tmp_path, report):
    path, placed = write_one(tmp_path, "xl_to_chuc", report)
    rows = read_sheets(path)["XL tổ chức"]
    figures = report["forms"]["xl_to_chuc"]
    sections = [r for r in rows if r and r[0] in ("I", "II", "III", "IV")]
    assert [r[1] for r in sections] == [
        "Tổ chức cơ sở đảng",
        "Đảng bộ bộ phận",
        "Chi bộ trực thuộc đảng ủy cơ sở",
        "Đảng bộ trực thuộc Tỉnh ủy (do Tỉnh ủy xếp loại)",
    ]
    tccsd = sections[0]
    assert tccsd[2] == figures["tccsd_total"]["total"]
    assert tccsd[3] == figures["tccsd_rated"]["total"]
    rated = figures["tccsd_rated"]["total"]
    assert tccsd[6] == figures["tccsd_exemplary"]["total"]  # "trong đó: tiêu biểu"
    assert tccsd[7] == figures["tccsd_htt"]["total"]
    assert tccsd[8] == (round_share(figures["tccsd_htt"]["total"] * 100 / rated) if rated else "")
    assert rows[placed.number_row][5] == "(4) = (3)×100/(2)"


def test_shares_use_the_row_base(tmp_path, report):
    path, placed = write_one(tmp_path, "xl_dang_vien", report)
    rows = read_sheets(path)["XL đảng viên"]
    f = report["forms"]["xl_dang_vien"]
    htt = find_row(rows, 1, "Hoàn thành tốt nhiệm vụ")
    assert htt[2] == f["htt"] and htt[3] == round_share(f["htt"] * 100 / f["rated"])
    exempt = find_row(rows, 1, "Miễn công tác và sinh hoạt đảng")
    assert exempt[3] == (round_share(f["exempt"] * 100 / f["total"]) if f["exempt"] else 0)
    total = find_row(rows, 1, "Tổng số đảng viên")
    assert total[3] == ""  # the base itself has no share
    header = rows[placed.header_top]
    assert header[2] == "Kỳ này" and header[4] == "Cùng kỳ năm trước"
    assert rows[placed.header_top + 1][2:6] == ["Số lượng", "Tỷ lệ %", "Số lượng", "Tỷ lệ %"]


def test_signature_block_and_date_line(tmp_path, report):
    path, placed = write_one(tmp_path, "bieu1", report)
    rows = read_sheets(path)["Biểu 1"]
    flat = [cell for row in rows[placed.last_body + 1 :] for cell in row if cell != ""]
    assert "An Lạc, ngày ………… tháng ………… năm 2026" in flat
    assert "NGƯỜI LẬP BIỂU" in flat
    assert "T/M ĐẢNG ỦY" in flat and "BÍ THƯ" in flat
    assert "Lê Thị Hoa" in flat and "Võ Minh Tuấn" in flat


def test_page_settings_fonts_and_frame_in_the_xml(tmp_path, report):
    path, placed = write_one(tmp_path, "bieu1", report)
    xml = sheet_xml(path)["Biểu 1"]
    assert '<pageSetUpPr fitToPage="1"/>' in xml
    setup = re.search(r"<pageSetup [^>]*/>", xml).group(0)
    assert 'paperSize="9"' in setup and 'orientation="portrait"' in setup
    assert 'fitToHeight="0"' in setup and "fitToWidth" not in setup  # default 1 page wide
    pane = re.search(r"<pane [^>]*/>", xml).group(0)
    assert f'ySplit="{placed.first_body}"' in pane and 'state="frozen"' in pane
    assert '<mergeCell ref="A4:E4"/>' in xml  # title across the table
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
        drawings = [n for n in archive.namelist() if n.startswith("xl/drawings/drawing")]
        drawing = archive.read(drawings[0]).decode()
    top, bottom = placed.header_top + 1, placed.number_row + 1
    assert f"'Biểu 1'!${top}:${bottom}</definedName>" in workbook
    assert "_xlnm.Print_Titles" in workbook
    fonts = re.findall(r'<name val="([^"]+)"/>', styles)
    assert fonts and set(fonts) == {"Times New Roman"}
    assert re.search(r'<sz val="14"/>', styles) and re.search(r'<sz val="13"/>', styles)
    assert "<u/>" in styles  # ĐẢNG CỘNG SẢN VIỆT NAM underlined
    assert "<xdr:sp " in drawing or "<xdr:sp>" in drawing  # the short rule under the issuer
    for code in ('#,##0;-#,##0;"-"', '0.00;-0.00;"-"'):
        assert code.replace('"', "&quot;") in styles
    assert NUMBER_FORMATS["integer"] == '#,##0;-#,##0;"-"'


def test_no_formula_cells(tmp_path, report):
    for name in ("bieu1", "bieu5", "xl_dang_vien"):
        path, _ = write_one(tmp_path, name, report)
        assert "<f>" not in next(iter(sheet_xml(path).values()))


def test_column_numbers():
    assert column_numbers(load_form("bieu1")) == ["A", "B", "(1)", "(2)", "(3) = (1)×100/(2)"]
    assert column_numbers(load_form("xl_dang_vien")) == ["A", "B", "(1)", "(2)", "(3)", "(4)"]


def test_safe_text_masks_ids_and_control_characters():
    assert safe_text("CCCD 001234567890 nhé") == "CCCD [số định danh đã ẩn] nhé"
    assert safe_text("001 234 567 890") == "[số định danh đã ẩn]"
    assert safe_text("thẻ 01234567") == "thẻ 01234567"  # a card number is not a CCCD
    assert safe_text("0012345678901") == "0012345678901"  # 13 digits: not a CCCD
    assert safe_text("a\x01b\r\nc") == "a b\nc"
    assert safe_text(None) == ""
    assert safe_text("=1+1") == "=1+1"


def test_text_lines_grow_with_text():
    assert text_lines("Nữ", 200) == 1
    long = "Chưa có kết quả hoặc chờ cấp có thẩm quyền quyết định " * 3
    assert text_lines(long, 200) > text_lines(long, 600) >= 2
    assert text_lines("a\nb", 500) == 2


def test_round_share_half_up():
    assert round_share(12.345) == 12.35
    assert round_share(100 * 1 / 3) == 33.33
    assert round_share(200 / 3) == 66.67


def test_place_names():
    assert place_from_name("Tỉnh ủy Bình Minh") == "Bình Minh"
    assert place_from_name("Đảng bộ phường An Lạc") == "An Lạc"
    assert place_from_name("Đảng bộ xã Phú An") == "Phú An"


def test_make_page_province_and_district():
    province = {"unit": {"name": "Tỉnh ủy Bình Minh", "level": "province", "parent_name": None}}
    page = make_page(province, SETTINGS, PERIOD, today=date(2026, 1, 2))
    assert page.committee == "TỈNH ỦY BÌNH MINH" and page.issuer == "BAN TỔ CHỨC"
    assert page.signer_titles == ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ")
    assert page.preparer_name == "Nguyễn Thị Lan" and page.signer_name == "Trần Văn Hùng"
    assert page.date_line == "Bình Minh, ngày ………… tháng ………… năm 2026"
    district = {
        "unit": {
            "name": "Đảng bộ xã Phú An",
            "level": "district",
            "parent_name": "Tỉnh ủy Bình Minh",
        }
    }
    page = make_page(district, SETTINGS, PERIOD, today=date(2026, 1, 2))
    assert page.committee == "ĐẢNG BỘ XÃ PHÚ AN" and page.place == "Phú An"
    assert page.preparer_name == "" and page.signer_name == ""  # the province's names don't sign
    agency = {
        "unit": {
            "name": "Đảng bộ Công an tỉnh",
            "level": "district",
            "parent_name": "Tỉnh ủy Bình Minh",
        }
    }
    assert make_page(agency, SETTINGS, PERIOD).place == "Bình Minh"
    dated = make_page(province, {**SETTINGS, "sign_date": date(2026, 4, 5)}, PERIOD)
    assert dated.date_line == "Bình Minh, ngày 5 tháng 4 năm 2026"


def test_make_page_accepts_a_config_object():
    class Config:
        place_name = "Bình Minh"
        issuing_body = "Ban Tổ chức"
        preparer_name = None
        signer_title = "TRƯỞNG BAN"
        signer_name = "Đỗ Văn Nam"

    province = {"unit": {"name": "Tỉnh ủy Bình Minh", "level": "province"}}
    page = make_page(province, Config(), PERIOD)
    assert page.issuer == "BAN TỔ CHỨC" and page.signer_titles == ("TRƯỞNG BAN",)
    assert page.signer_name == "Đỗ Văn Nam" and page.preparer_name == ""
