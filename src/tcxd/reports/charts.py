"""Native xlsxwriter charts of the Tổng hợp sheet, readable in black and white.

Both charts read the "Theo đơn vị" table (one row per subordinate unit), so what the chart shows
is what the table says. Many units make many narrow columns: the units are split into charts of
at most `UNITS_PER_CHART` each, two charts per printed page.
"""

from __future__ import annotations

import math
from typing import Any

from tcxd.core.vocab import label
from tcxd.reports.layout import FONT, Placed, column_px

UNITS_PER_CHART = 15
CHART_HEIGHT = 470
MIN_LABEL_SHARE = 4.0
# Grey shades and a pattern so that the levels stay apart on a black-and-white printer.
LEVEL_SERIES = (
    ("htxs_pct", label("levels", "HTXSNV"), {"color": "#404040"}, None, "#FFFFFF"),
    ("htt_pct", label("levels", "HTTNV"), {"color": "#8C8C8C"}, None, "#000000"),
    ("ht_pct", label("levels", "HTNV"), {"color": "#D9D9D9"}, None, "#000000"),
    (
        "kht_pct",
        label("levels", "KHTNV"),
        None,
        {"pattern": "dark_upward_diagonal", "fg_color": "#000000", "bg_color": "#FFFFFF"},
        "#000000",
    ),
)


def _font(size: float, bold: bool = False, color: str = "#000000", rotation: int | None = None):
    font: dict[str, Any] = {"name": FONT, "size": size, "bold": bold, "color": color}
    if rotation is not None:
        font["rotation"] = rotation
    return font


def _chunks(first: int, last: int) -> list[tuple[int, int]]:
    count = last - first + 1
    if count <= 0:
        return []
    pieces = math.ceil(count / UNITS_PER_CHART)
    size = math.ceil(count / pieces)  # even pieces: 16 units -> 8 + 8, not 15 + 1
    return [(start, min(start + size - 1, last)) for start in range(first, last + 1, size)]


def add_unit_charts(
    workbook: Any,
    summary: Any,
    start_row: int,
    width_px: int,
    units: Placed,
    units_sheet: str,
    *,
    ratings: bool,
    unit_data: list[Any] | None = None,
) -> int:
    """Insert the charts on `summary` from row `start_row`; returns the first row after them."""
    chunks = _chunks(units.first_body, units.last_body)
    if not chunks:
        return start_row
    row_px = 23  # default row height of the workbook (layout.WORKBOOK_OPTIONS)
    rows_per_chart = math.ceil((CHART_HEIGHT + 20) / row_px)
    specs: list[tuple[str, int, int, int]] = []  # (kind, first, last, part)
    if ratings:
        specs += [("ratings", a, b, i) for i, (a, b) in enumerate(chunks, start=1)]
    specs += [("members", a, b, i) for i, (a, b) in enumerate(chunks, start=1)]
    breaks = []
    row = start_row
    for index, (kind, first, last, part) in enumerate(specs):
        if index % 2 == 0 and index:
            breaks.append(row)
        suffix = f" ({part}/{len(chunks)})" if len(chunks) > 1 else ""
        if kind == "ratings":
            data = (unit_data or [])[first - units.first_body : last - units.first_body + 1]
            chart = _ratings_chart(workbook, units, units_sheet, first, last, suffix, data)
        else:
            chart = _members_chart(workbook, units, units_sheet, first, last, suffix)
        chart.set_size({"width": width_px, "height": CHART_HEIGHT})
        summary.insert_chart(row, 0, chart, {"x_offset": 2, "y_offset": 4, "object_position": 3})
        row += rows_per_chart
    if start_row:
        breaks.insert(0, start_row)
    summary.set_h_pagebreaks(breaks)
    return row


def _categories(units: Placed, sheet: str, first: int, last: int) -> list:
    col = units.columns["label"]
    return [sheet, first, col, last, col]


def _common(chart: Any, title: str) -> None:
    chart.set_title({"name": title, "name_font": _font(12, bold=True)})
    chart.set_legend({"position": "bottom", "font": _font(10)})
    chart.set_chartarea({"border": {"color": "#000000", "width": 0.75}})
    chart.set_plotarea({"border": {"none": True}})


def _label_points(data: list[Any], key: str) -> list[dict | None] | None:
    """Per-point labels: none on segments under MIN_LABEL_SHARE % (they would overlap)."""
    if not data:
        return None
    points: list[dict | None] = []
    for unit in data:
        ratings = (unit or {}).get("ratings") or {}
        rated = ratings.get("rated") or 0
        share = (ratings.get(key) or 0) * 100 / rated if rated else 0
        points.append(None if share >= MIN_LABEL_SHARE else {"delete": True})
    return points


def _ratings_chart(
    workbook, units: Placed, sheet: str, first: int, last: int, suffix: str, data: list[Any]
):
    chart = workbook.add_chart({"type": "column", "subtype": "percent_stacked"})
    for key, name, fill, pattern, label_color in LEVEL_SERIES:
        col = units.columns[key]
        series: dict[str, Any] = {
            "name": name,
            "categories": _categories(units, sheet, first, last),
            "values": [sheet, first, col, last, col],
            "border": {"color": "#000000", "width": 0.75},
            "gap": 60,
            "data_labels": {"value": True, "num_format": "0", "font": _font(9, color=label_color)},
        }
        custom = _label_points(data, key.removesuffix("_pct"))
        if custom and any(custom):
            series["data_labels"]["custom"] = custom
        if fill:
            series["fill"] = fill
        if pattern:
            series["pattern"] = pattern
            series["data_labels"]["fill"] = {"color": "#FFFFFF"}
        chart.add_series(series)
    _common(chart, "Tỷ lệ xếp loại chất lượng đảng viên theo đơn vị (%)" + suffix)
    chart.set_x_axis({"num_font": _font(9, rotation=-45), "line": {"color": "#000000"}})
    chart.set_y_axis(
        {
            "num_font": _font(9),
            "num_format": "0%",
            "major_gridlines": {"visible": True, "line": {"color": "#BFBFBF", "dash_type": "dash"}},
        }
    )
    return chart


def _members_chart(workbook, units: Placed, sheet: str, first: int, last: int, suffix: str):
    chart = workbook.add_chart({"type": "column"})
    col = units.columns["D"]
    chart.add_series(
        {
            "name": "Đảng viên cuối kỳ",
            "categories": _categories(units, sheet, first, last),
            "values": [sheet, first, col, last, col],
            "fill": {"color": "#A6A6A6"},
            "border": {"color": "#000000", "width": 0.75},
            "gap": 80,
            "data_labels": {
                "value": True,
                "position": "outside_end",
                "num_format": "#,##0",
                "font": _font(9),
            },
        }
    )
    _common(chart, "Số đảng viên cuối kỳ theo đơn vị" + suffix)
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": _font(9, rotation=-45), "line": {"color": "#000000"}})
    chart.set_y_axis(
        {
            "num_font": _font(9),
            "num_format": "#,##0",
            "major_gridlines": {"visible": True, "line": {"color": "#BFBFBF", "dash_type": "dash"}},
        }
    )
    return chart


def sheet_width_px(widths: list[float]) -> int:
    return sum(column_px(w) for w in widths)
