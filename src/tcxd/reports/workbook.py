"""A unit's roll-up workbook and its JSON twin, from a report dict (docs/reports.md).

`write_unit_workbook(path, report, settings)` writes the sheets of spec reports.md in order;
`write_json_twin(path, report)` writes the same figures as JSON. Both write a temporary file in
the target folder and `os.replace` it, so a reader never sees half a file and a failure leaves the
previous file as it was. The figures are computed elsewhere (tcxd.reports.figures); this module
only lays them out.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from tcxd.core.errors import ExitCode, TcxdError, UserInputError
from tcxd.core.formatting import number_vi
from tcxd.core.outputs import mark, write_atomically
from tcxd.core.periods import Period
from tcxd.reports import locked
from tcxd.reports.charts import add_unit_charts, sheet_width_px
from tcxd.reports.forms import RATING_FORMS, TWIN_FORMS, Form, Row, check_forms, load_form
from tcxd.reports.layout import (
    BodyRow,
    Page,
    Placed,
    Styles,
    as_number,
    make_page,
    safe_text,
    workbook_options,
    write_form,
)

NOT_SUBMITTED = "Chưa nộp báo cáo"
NO_CHECKS = "Không phát hiện vấn đề nào."
TWIN_KEYS = ("unit", "period", "forms", "by_unit", "checks")
UNIT_KEYS = ("id", "name", "level", "parent_name")
BY_UNIT_KEYS = ("id", "name", "submitted", "bieu1", "members_end", "ratings")
CHECK_KEYS = ("check", "description", "unit", "file", "row", "detail")


class ReportError(TcxdError):
    """The report dict does not have the shape of docs/reports.md: a defect of tcxd, not of the
    clerk's data; `detail` lists the keys (never member data) for the administrator."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(
            f"Lỗi nội bộ của tcxd: số liệu báo cáo không đúng cấu trúc ({detail}). "
            "Tệp báo cáo này không được ghi. Hãy gửi thông báo này cho người quản trị."
        )


def report_period(report: Mapping) -> Period:
    period = report["period"]
    return period if isinstance(period, Period) else Period.from_dict(period)


def validate_report(report: Mapping) -> list[str]:
    """Problems with the shape of `report` (empty list: fine)."""
    problems = []
    for key in ("unit", "period", "forms", "by_unit", "checks"):
        if key not in report:
            problems.append(f"missing {key!r}")
    if problems:
        return problems
    try:
        report_period(report)
    except (KeyError, TypeError, ValueError, UserInputError) as exc:
        problems.append(f"period: {exc}")
    problems += check_forms(report["forms"], ratings=ratings_available(report))
    return problems


def ratings_available(report: Mapping) -> bool:
    if "ratings_available" in report:
        return bool(report["ratings_available"])
    forms = report.get("forms") or {}
    return all(forms.get(name) is not None for name in RATING_FORMS)


def ratings_note(report: Mapping, period: Period) -> str:
    """The plain sentence for a period without ratings (docs/reports.md)."""
    if report.get("ratings_note"):
        return str(report["ratings_note"])
    if period.code == "year":
        return (
            f"{period.label} chưa có kết quả xếp loại chất lượng: chưa chạy xếp loại "
            f"(tcxd classify --year {period.year}) hoặc chưa nhập kết quả đánh giá. "
            "Các biểu xếp loại không có trong bảng này."
        )
    if period.quarter:
        return (
            f"{period.label} chưa có kết quả xếp loại chất lượng theo quý (tcxd classify "
            f"--year {period.year} --quarter {period.quarter}). "
            "Các biểu xếp loại không có trong bảng này."
        )
    return (
        f"Kỳ {period.label[0].lower()}{period.label[1:]} không xếp loại chất lượng; "
        "kết quả xếp loại có ở báo cáo năm (và báo cáo quý nếu xếp loại theo quý)."
    )


# --- atomic files --------------------------------------------------------------------------------


_atomic = write_atomically


# --- the workbook ------------------------------------------------------------------------------


def _form_rows(form: Form, data: Any, previous: Any) -> list[BodyRow]:
    return [BodyRow(row, data, previous) for row in form.rows]


def _previous_forms(report: Mapping) -> Mapping | None:
    previous = report.get("previous_year")
    if not previous:
        return None
    return previous.get("forms") if isinstance(previous, Mapping) else None


def _sum_into(total: dict, part: Mapping) -> None:
    for key, value in part.items():
        if isinstance(value, Mapping):
            _sum_into(total.setdefault(key, {}), value)
        elif as_number(value) is not None and not isinstance(total.get(key), dict):
            total[key] = total.get(key, 0) + value


def unit_rows(units: Iterable[Mapping], ratings: bool) -> tuple[list[BodyRow], BodyRow]:
    """Rows of the Theo đơn vị sheet and its total row."""
    rows: list[BodyRow] = []
    total: dict[str, Any] = {}
    for number, unit in enumerate(units, start=1):
        data = dict(unit)
        submitted = bool(unit.get("submitted", True))
        data["note"] = "" if submitted else NOT_SUBMITTED
        if not ratings:
            data.pop("ratings", None)
        numbers = {k: v for k, v in data.items() if k in ("bieu1", "members_end", "ratings") and v}
        _sum_into(total, numbers)
        row = Row(code="unit", short=str(number), label=str(unit.get("name", "")))
        rows.append(BodyRow(row, data, None))
    total_row = BodyRow(Row(code="total", short="", label="Tổng cộng", bold=True), total, None)
    return rows, total_row


def check_rows(checks: Iterable[Mapping]) -> list[BodyRow]:
    rows = []
    for number, check in enumerate(checks, start=1):
        data = {key: check.get(key) for key in CHECK_KEYS}
        rows.append(BodyRow(Row(code="check", short=str(number)), data, None))
    return rows


def check_summary(form: Form, checks: list[Mapping]) -> list[str]:
    counts: dict[int, int] = {}
    for check in checks:
        number = as_number(check.get("check"))
        if number is not None:
            counts[int(number)] = counts.get(int(number), 0) + 1
    lines = ["Tóm tắt (số trường hợp của từng mục kiểm tra):"]
    for number, name in sorted(form.checks.items()):
        lines.append(f"{number}. {name.summary}: {number_vi(counts.get(number, 0))} trường hợp.")
    return lines


def write_unit_workbook(
    path: str | os.PathLike,
    report: Mapping,
    settings: Any = None,
    *,
    today: date | None = None,
) -> Path:
    """Write the unit's workbook atomically at `path` and return the path.

    `report` is the dict of docs/reports.md; `settings` the province settings (a dict or a
    `tcxd.core.settings.ProvinceConfig`; see `layout.make_page` for the keys used). Raises
    ReportError when the report does not have the documented shape.
    """
    problems = validate_report(report)
    if problems:
        raise ReportError("; ".join(problems[:10]))
    period = report_period(report)
    page = make_page(report, settings or {}, period, today)
    page.banner = (*completeness(report), *locked.banner(report))
    return _atomic(Path(path), lambda temporary: _write_workbook(temporary, report, page))


def _write_workbook(filename: str, report: Mapping, page: Page) -> None:
    ratings = ratings_available(report)
    forms = report["forms"]
    previous = _previous_forms(report)
    workbook = xlsxwriter.Workbook(filename, workbook_options())
    try:
        workbook.set_properties(
            {
                "title": f"Báo cáo tổ chức đảng, đảng viên – {page.period.label}",
                "subject": safe_text((report.get("unit") or {}).get("name", "")),
                "author": "tcxd",
                "comments": "Tạo bởi tcxd",
            }
        )
        styles = Styles(workbook)
        names = ["tong_hop", "bieu1", "bieu2", "bieu3", "bieu5"]
        if ratings:
            names += ["xl_to_chuc", "xl_dang_vien"]
        names += ["theo_don_vi", "kiem_tra"]
        if report.get("locked"):
            names.append(locked.SHEET)
        sheets = {name: workbook.add_worksheet(_sheet_name(name)) for name in names}

        no_previous = "Chưa có số liệu cùng kỳ năm trước." if previous is None else None

        # Theo đơn vị first: the charts of Tổng hợp point at its table.
        units_form = load_form("theo_don_vi")
        if not ratings:
            units_form = units_form.without_ratings()
        unit_body, unit_total = unit_rows(report.get("by_unit") or [], ratings)
        units_placed = write_form(
            workbook,
            styles,
            units_form,
            page,
            unit_body,
            worksheet=sheets["theo_don_vi"],
            total=unit_total if unit_body else None,
            empty_message="Không có đơn vị trực thuộc.",
        )

        summary_form = load_form("tong_hop")
        summary_notes = [] if no_previous is None else [no_previous]
        if not ratings:
            summary_form = summary_form.without_ratings()
            summary_notes.append(ratings_note(report, page.period))
        summary = write_form(
            workbook,
            styles,
            summary_form,
            page,
            _form_rows(summary_form, forms, previous),
            worksheet=sheets["tong_hop"],
            notes=summary_notes,
        )
        add_unit_charts(
            workbook,
            summary.worksheet,
            summary.bottom + 2,
            sheet_width_px(summary.widths),
            units_placed,
            units_form.sheet,
            ratings=ratings,
            unit_data=[body.data for body in unit_body],
        )

        for name in ("bieu1", "bieu2", "bieu3", "bieu5", *(RATING_FORMS if ratings else ())):
            form = load_form(name)
            previous_figures = previous.get(name) if previous else None
            comparison = any(c.source == "previous_year" for c in form.columns)
            notes = [no_previous] if comparison and no_previous else []
            write_form(
                workbook,
                styles,
                form,
                page,
                _form_rows(form, forms[name], previous_figures),
                worksheet=sheets[name],
                notes=notes,
            )

        checks_form = load_form("kiem_tra")
        checks = list(report.get("checks") or [])
        write_form(
            workbook,
            styles,
            checks_form,
            page,
            check_rows(checks),
            worksheet=sheets["kiem_tra"],
            preamble=check_summary(checks_form, checks),
            empty_message=NO_CHECKS,
        )
        if report.get("locked"):
            _write_differences(workbook, styles, page, report, sheets[locked.SHEET])
        sheets["tong_hop"].activate()
        mark(workbook)
    finally:
        workbook.close()


def _sheet_name(name: str) -> str:
    return locked.SHEET if name == locked.SHEET else load_form(name).sheet


def completeness(report: Mapping) -> tuple[str, ...]:
    """ "SỐ LIỆU CHƯA ĐỦ: n/N đơn vị chưa nộp" under the title of every sheet, when some units
    have sent nothing for the period (the report's `completeness`, docs/report-trust.md)."""
    line = report.get("completeness")
    return (safe_text(line),) if line else ()


def _write_differences(workbook, styles: Styles, page: Page, report: Mapping, worksheet) -> None:
    """The sheet of a locked period's report: each figure that differs from the one sent."""
    rows = [BodyRow(row, data, None) for row, data in locked.difference_rows(report)]
    write_form(
        workbook,
        styles,
        locked.difference_form(),
        # the sheet itself says what the lock's banner says; not what the completeness line says
        dataclasses.replace(page, banner=completeness(report)),
        rows,
        worksheet=worksheet,
        preamble=locked.difference_preamble(report),
        empty_message="Không có số liệu nào khác với số đã gửi.",
    )


def placed_units(placed: Placed) -> range:
    return range(placed.first_body, placed.last_body + 1)


# --- the JSON twin -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-safe copy: numbers stay numbers, strings are masked like in the workbook."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return safe_text(str(value))


def twin(report: Mapping) -> dict[str, Any]:
    """The JSON twin of a report: exactly the keys of spec reports.md ("JSON twin")."""
    problems = validate_report(report)
    if problems:
        raise ReportError("; ".join(problems[:10]))
    ratings = ratings_available(report)
    unit = report.get("unit") or {}
    forms = report["forms"]
    data = {
        "unit": _plain({key: unit.get(key) for key in UNIT_KEYS}),
        "period": report_period(report).as_dict(),
        "forms": {
            name: (None if name in RATING_FORMS and not ratings else _plain(forms[name]))
            for name in TWIN_FORMS
        },
        "by_unit": [
            _plain(
                {
                    key: (None if key == "ratings" and not ratings else entry.get(key))
                    for key in BY_UNIT_KEYS
                    if key != "id" or "id" in entry
                }
            )
            for entry in report.get("by_unit") or []
        ],
        "checks": [
            _plain({key: check.get(key) for key in CHECK_KEYS})
            for check in report.get("checks") or []
        ],
    }
    if report.get("locked"):  # a locked period: the figures above are the ones sent
        data["locked"] = _plain(report["locked"])
    return data


def write_json_twin(path: str | os.PathLike, report: Mapping) -> Path:
    """Write the JSON twin atomically (UTF-8, diacritics kept, 2-space indent)."""
    data = twin(report)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)

    return _atomic(Path(path), write)
