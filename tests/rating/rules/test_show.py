"""`rules show`: every value in Vietnamese with its source; our defaults marked."""

from __future__ import annotations

import pytest

from tcxd.rating.rules import load_rules
from tcxd.rating.rules.show import DEFAULT_MARK, describe, number, percent


def rows_by_item(rows):
    return {(section, item): (value, source) for section, item, value, source in rows}


def test_values_and_sources_2025():
    rows = rows_by_item(describe(load_rules(2025)))
    level = "Đảng viên – mức Hoàn thành xuất sắc nhiệm vụ (HTXSNV)"
    # QĐ 366 Điều 11 holds the members' bands (the old file cited HD 43 for them)
    assert rows[(level, "Điểm tối thiểu")] == ("90", "QĐ 366-QĐ/TW Điều 11")
    assert rows[(level, "Nhiệm vụ vượt yêu cầu")] == ("≥ 30%", "QĐ 366-QĐ/TW Điều 11")
    cap = "Đảng viên – tỷ lệ Hoàn thành xuất sắc nhiệm vụ"
    assert rows[(cap, "Tối đa so với số Hoàn thành tốt nhiệm vụ")] == ("20%", "QĐ 366-QĐ/TW")
    assert rows[(cap, "Phạm vi tính tỷ lệ")] == ("tổ chức cơ sở đảng", DEFAULT_MARK)
    assert rows[(cap, "Cách áp dụng")] == ("hạ mức những người vượt tỷ lệ", DEFAULT_MARK)
    missing = ("Đảng viên – điều kiện không có số liệu", "Điều kiện mà tệp không cho số liệu")
    assert rows[missing] == ("coi như đạt (lý do ghi rõ)", DEFAULT_MARK)
    founded = (
        "Tổ chức đảng – không xếp loại",
        "Thành lập chưa đủ thời gian tính đến ngày xếp loại",
    )
    assert rows[founded] == ("6 tháng", DEFAULT_MARK)
    late = [r for r in describe(load_rules(2025)) if r[1].startswith("Nếu chỉ không đạt")]
    assert late and all(r[3] == DEFAULT_MARK for r in late)
    assert rows[("Bộ quy định", "Mã")] == ("qd366-2025", "")


@pytest.mark.parametrize("year", [2024, 2025])
def test_every_row_is_vietnamese_text(year):
    rows = describe(load_rules(year))
    assert len(rows) > 20
    for row in rows:
        assert all(isinstance(cell, str) for cell in row)
        section, item, value, _source = row
        assert section and item and value
        assert "_" not in item  # no code names leak into what the clerk reads


def test_province_values_are_marked(tmp_path):
    path = tmp_path / "tinh.yaml"
    path.write_text("members:\n  cap: {ratio: 0.15, pool: chi_bo}\n", encoding="utf-8")
    rows = rows_by_item(describe(load_rules(2025, override=path)))
    cap = "Đảng viên – tỷ lệ Hoàn thành xuất sắc nhiệm vụ"
    assert rows[(cap, "Tối đa so với số Hoàn thành tốt nhiệm vụ")] == (
        "15%",
        "Tệp của tỉnh: tinh.yaml",
    )
    assert rows[(cap, "Phạm vi tính tỷ lệ")] == ("chi bộ", "Tệp của tỉnh: tinh.yaml")
    assert rows[("Bộ quy định", "Tệp")][0] == "qd366-2025.yaml, tinh.yaml"


@pytest.mark.parametrize(
    ("value", "text"), [(92.5, "92,5"), (90.0, "90"), (0.25, "0,25"), (33.333, "33,33")]
)
def test_vietnamese_numbers(value, text):
    assert number(value) == text


def test_percent():
    assert percent(0.2) == "20%"
    assert percent(0.255) == "25,5%"
