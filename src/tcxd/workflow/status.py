"""`tcxd status`: which files each district and each TCCSĐ has sent for a period, and who has
sent nothing (docs/workflow.md, "status").

A file counts for a period when its data cover the period (`tcxd.db.coverage`: a roster's
as-of date, a changes file's event dates, an evaluation's period), the rule the reports' "chưa nộp
báo cáo" check uses too (`PeriodFigures.submitted_units`); a test keeps the two in step. Files are
placed in the tree as it stood on the period's last day: a file of a chi bộ trực thuộc counts for
its TCCSĐ, and every file under a district counts for the district.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter
from sqlalchemy import Connection, text

from tcxd.core.formatting import distinct_names, number_vi
from tcxd.core.outputs import mark, write_atomically
from tcxd.core.periods import Period, short_date
from tcxd.core.vocab import label, tccsd_types
from tcxd.db.coverage import batches_covering
from tcxd.db.history import tree_on
from tcxd.reports.layout import BODY_SIZE, FONT, TITLE_SIZE, safe_text, workbook_options
from tcxd.workflow.common import as_date, find_unit, local_day

# What a clerk waits for from each unit; kinds of import_batch grouped into these.
CATEGORIES = ("roster", "changes", "evaluations")
CATEGORY_OF_KIND = {
    "members": "roster",
    "changes": "changes",
    "member_evaluations": "evaluations",
    "organization_evaluations": "evaluations",
    "organizations": "organizations",
}
CATEGORY_LABELS = {
    "roster": label("file_kinds", "members"),
    "changes": label("file_kinds", "changes"),
    "evaluations": "Kết quả xếp loại",
    "organizations": label("file_kinds", "organizations"),
}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def expected_categories(period: Period) -> tuple[str, ...]:
    """What every TCCSĐ is expected to send for the period: a roster and its changes, and the
    evaluation results for a year (quarterly ratings are optional under QĐ 366)."""
    if period.code == "year":
        return ("roster", "changes", "evaluations")
    return ("roster", "changes")


@dataclass
class FileStatus:
    batch_id: int
    file_name: str
    kinds: list[str]
    unit_id: int
    as_of: date | None
    period_year: int | None
    period_quarter: int | None
    rows: int
    warnings: int
    imported_on: date | None

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(CATEGORY_OF_KIND.get(k, k) for k in self.kinds))

    @property
    def date_text(self) -> str:
        """The date a clerk recognises the file by: its as-of date, else its period."""
        if self.as_of is not None and "roster" in self.categories:
            return short_date(self.as_of)
        if self.period_year:
            if self.period_quarter:
                return (
                    f"Quý {_ROMAN.get(self.period_quarter, self.period_quarter)}/{self.period_year}"
                )
            return f"Năm {self.period_year}"
        if self.as_of is not None:
            return short_date(self.as_of)
        return ""


@dataclass
class UnitStatus:
    org_id: int
    name: str
    org_type: str
    district_id: int | None
    district_name: str
    files: list[FileStatus] = field(default_factory=list)  # files counting for the period
    latest: FileStatus | None = None  # the last file received (any period)

    @property
    def submitted(self) -> bool:
        return bool(self.files)

    def newest(self, category: str) -> FileStatus | None:
        found = [f for f in self.files if category in f.categories]
        return max(found, key=_file_order) if found else None

    def count(self, category: str) -> int:
        return sum(1 for f in self.files if category in f.categories)

    def missing(self, expected: tuple[str, ...]) -> list[str]:
        return [c for c in expected if self.newest(c) is None]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def warnings(self) -> int:
        return sum(f.warnings for f in self.files)


@dataclass
class DistrictStatus:
    own: UnitStatus  # the district: files it sent itself (lists, consolidated files…)
    units: list[UnitStatus] = field(default_factory=list)  # its TCCSĐ, by name

    @property
    def submitted(self) -> bool:
        """Any file of the district or of a unit under it (the reports' rule)."""
        return self.own.submitted or any(u.submitted for u in self.units)


@dataclass
class PeriodStatus:
    period: Period
    districts: list[DistrictStatus]
    today: date

    @property
    def units(self) -> list[UnitStatus]:
        return [u for d in self.districts for u in d.units]

    @property
    def missing(self) -> list[UnitStatus]:
        """TCCSĐ that have sent no file at all for the period."""
        return [u for u in self.units if not u.submitted]

    @property
    def expected(self) -> tuple[str, ...]:
        return expected_categories(self.period)

    def submitted_ids(self) -> set[int]:
        """TCCSĐ and districts that have reported (comparable with `submitted_units`)."""
        ids = {u.org_id for u in self.units if u.submitted}
        ids |= {d.own.org_id for d in self.districts if d.submitted}
        return ids


def _file_order(f: FileStatus) -> tuple:
    return (f.as_of or date.min, f.imported_on or date.min, f.batch_id)


def period_status(
    conn: Connection, period: Period, district: str | None = None, today: date | None = None
) -> PeriodStatus:
    """Files received per district and TCCSĐ for the period (tree as on the period's end)."""
    tree = tree_on(conn, period.end).set_index("org_id")
    districts = tree[tree["org_type"] == "district"]
    if district is not None:
        wanted = find_unit(conn, district)
        if wanted.org_id not in districts.index:
            from tcxd.core.errors import UnknownUnitError

            raise UnknownUnitError(
                f'"{wanted.name}" không phải đảng bộ cấp trên trực tiếp cơ sở '
                f"(vào ngày {short_date(period.end)})."
            )
        districts = districts.loc[[wanted.org_id]]
    batches = _batches(conn)
    covering = batches_covering(conn, period)
    by_unit: dict[int, list[FileStatus]] = {}
    latest: dict[int, FileStatus] = {}
    for batch in batches:
        if batch.unit_id not in tree.index:
            continue
        row = tree.loc[batch.unit_id]
        owners = set()
        if row["org_type"] == "district":
            owners.add(int(batch.unit_id))
        elif pd.notna(row["tccsd_id"]):
            owners.add(int(row["tccsd_id"]))
        for owner in owners:
            if owner not in latest or batch.batch_id > latest[owner].batch_id:
                latest[owner] = batch
            if batch.batch_id in covering:
                by_unit.setdefault(owner, []).append(batch)
    result = []
    for district_id, drow in sorted(districts.iterrows(), key=lambda item: item[1]["name"]):
        district_id = int(district_id)
        own = UnitStatus(
            district_id,
            drow["name"],
            "district",
            district_id,
            drow["name"],
            files=by_unit.get(district_id, []),
            latest=latest.get(district_id),
        )
        tccsd = tree[(tree["district_id"] == district_id) & tree["org_type"].isin(tccsd_types())]
        units = [
            UnitStatus(
                int(org_id),
                urow["name"],
                urow["org_type"],
                district_id,
                drow["name"],
                files=by_unit.get(int(org_id), []),
                latest=latest.get(int(org_id)),
            )
            for org_id, urow in sorted(tccsd.iterrows(), key=lambda item: item[1]["name"])
        ]
        result.append(DistrictStatus(own, units))
    return PeriodStatus(period, result, today or date.today())


def _batches(conn: Connection) -> list[FileStatus]:
    rows = conn.execute(
        text(
            "SELECT id, file_path, kind, unit_id, as_of, period_year, period_quarter, "
            "rows_total, warnings, imported_at FROM import_batch "
            "WHERE status = 'imported' AND unit_id IS NOT NULL ORDER BY id"
        )
    ).fetchall()
    names = distinct_names({row.id: row.file_path for row in rows})  # two units' "DSDV.xlsx"
    found = []
    for row in rows:
        warnings = row.warnings
        if isinstance(warnings, str):  # JSON text on some drivers
            warnings = json.loads(warnings or "[]")
        found.append(
            FileStatus(
                batch_id=row.id,
                file_name=names[row.id],
                kinds=[k for k in (row.kind or "").split(",") if k],
                unit_id=int(row.unit_id),
                as_of=as_date(row.as_of),
                period_year=row.period_year,
                period_quarter=row.period_quarter,
                rows=int(row.rows_total or 0),
                warnings=len(warnings or []),
                imported_on=local_day(row.imported_at),
            )
        )
    return found


# --------------------------------------------------------------------------- the reminder list


def write_status_workbook(
    path: Path, status: PeriodStatus, committee: str, issuer: str = "BAN TỔ CHỨC"
) -> Path:
    """A print-ready workbook: "Nhắc nộp" (units still owing files, to ring up) and
    "Tình hình gửi" (every unit with what it sent). Times New Roman 13, A4, borders."""

    def write(filename: str) -> None:
        workbook = xlsxwriter.Workbook(filename, workbook_options())
        try:
            _write_reminders(workbook, status, committee, issuer)
            _write_overview(workbook, status, committee, issuer)
            mark(workbook)
        finally:
            workbook.close()

    return write_atomically(Path(path), write)


def _formats(workbook) -> dict:
    base = {"font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter"}

    def fmt(**props):
        return workbook.add_format({**base, **props})

    return {
        "committee": fmt(bold=False, align="center"),
        "issuer": fmt(bold=True, align="center"),
        "party": fmt(bold=True, underline=1, align="center"),
        "title": fmt(bold=True, font_size=TITLE_SIZE, align="center", text_wrap=True),
        "subtitle": fmt(italic=True, align="center"),
        "head": fmt(bold=True, align="center", text_wrap=True, border=1, bg_color="#F2F2F2"),
        "number_row": fmt(italic=True, align="center", border=1, font_size=11),
        "cell": fmt(border=1, text_wrap=True),
        "center": fmt(border=1, align="center", text_wrap=True),
        "int": fmt(border=1, align="center", num_format='#,##0;-#,##0;"-"'),
        "missing": fmt(border=1, text_wrap=True, bold=True),
        "group": fmt(border=1, bold=True, bg_color="#F2F2F2", text_wrap=True),
        "sign": fmt(bold=True, align="center"),
        "date_line": fmt(italic=True, align="center"),
        "note": fmt(italic=True, text_wrap=True, valign="top"),
    }


def _header(ws, f, row: int, headers: list[str]) -> int:
    """The column headers of a table at `row`; returns the next row."""
    for column, header in enumerate(headers):
        ws.write_string(row, column, header, f["head"])
    ws.set_row(row, 36)
    return row + 1


def _frame(ws, f, width: int, committee: str, issuer: str, title: str, subtitle: str) -> int:
    """Issuer block, party line, title and subtitle; returns the first free row."""
    left = max(1, width // 2 - 1)
    ws.merge_range(0, 0, 0, left, safe_text(committee).upper(), f["committee"])
    ws.merge_range(1, 0, 1, left, safe_text(issuer).upper(), f["issuer"])
    ws.merge_range(0, left + 1, 0, width - 1, "ĐẢNG CỘNG SẢN VIỆT NAM", f["party"])
    ws.merge_range(3, 0, 3, width - 1, title, f["title"])
    ws.set_row(3, 40)
    ws.merge_range(4, 0, 4, width - 1, subtitle, f["subtitle"])
    return 6


def _page(ws, landscape: bool, header_rows: tuple[int, int]) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(*header_rows)
    ws.center_horizontally()
    ws.set_footer('&C&"Times New Roman"&11Trang &P/&N')


def _signature(ws, f, row: int, width: int, status: PeriodStatus) -> None:
    today = status.today
    line = f"Ngày {today.day} tháng {today.month} năm {today.year}"
    half = max(1, width // 2)
    ws.merge_range(row, half, row, width - 1, line, f["date_line"])
    ws.merge_range(row + 1, 0, row + 1, half - 1, "NGƯỜI LẬP BIỂU", f["sign"])
    ws.merge_range(row + 1, half, row + 1, width - 1, "TRƯỞNG BAN", f["sign"])


def _write_reminders(workbook, status: PeriodStatus, committee: str, issuer: str) -> None:
    f = _formats(workbook)
    ws = workbook.add_worksheet("Nhắc nộp")
    headers = ["STT", "Tổ chức cơ sở đảng", "Còn thiếu", "Tệp gần nhất đã nhận", "Ghi chú"]
    widths = [6, 42, 30, 24, 22]
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)
    period = status.period
    row = _frame(
        ws,
        f,
        len(headers),
        committee,
        issuer,
        f"DANH SÁCH TỔ CHỨC CƠ SỞ ĐẢNG CHƯA GỬI ĐỦ SỐ LIỆU {period.title}",
        f"(Tình hình nhận tệp đến ngày {short_date(status.today)})",
    )
    header_row = row
    row = _header(ws, f, row, headers)
    expected = status.expected
    number = 0
    for district in status.districts:
        owing = [u for u in district.units if u.missing(expected)]
        if not owing:
            continue
        ws.merge_range(row, 0, row, len(headers) - 1, safe_text(district.own.name), f["group"])
        row += 1
        for unit in owing:
            number += 1
            missing = unit.missing(expected)
            if not unit.submitted:
                owed = "Chưa gửi tệp nào"
            else:
                owed = "; ".join(CATEGORY_LABELS[c] for c in missing)
            last = unit.latest
            last_text = (
                f"{safe_text(last.file_name)} (nhận {short_date(last.imported_on)})"
                if last and last.imported_on
                else "Chưa từng gửi"
            )
            ws.write_number(row, 0, number, f["center"])
            ws.write_string(row, 1, safe_text(unit.name), f["cell"])
            ws.write_string(row, 2, owed, f["missing"] if not unit.submitted else f["cell"])
            ws.write_string(row, 3, last_text, f["cell"])
            ws.write_blank(row, 4, None, f["cell"])
            row += 1
    if number == 0:
        ws.merge_range(
            row, 0, row, len(headers) - 1, "Tất cả tổ chức cơ sở đảng đã gửi đủ.", f["center"]
        )
        row += 1
    expected_text = ", ".join(CATEGORY_LABELS[c].lower() for c in expected)
    ws.merge_range(
        row + 1,
        0,
        row + 1,
        len(headers) - 1,
        f"Số liệu cần gửi cho {period.label[:1].lower()}{period.label[1:]}: {expected_text}.",
        f["note"],
    )
    _signature(ws, f, row + 3, len(headers), status)
    ws.freeze_panes(header_row + 1, 0)
    _page(ws, landscape=False, header_rows=(header_row, header_row))


def _write_overview(workbook, status: PeriodStatus, committee: str, issuer: str) -> None:
    f = _formats(workbook)
    ws = workbook.add_worksheet("Tình hình gửi")
    headers = [
        "STT",
        "Đơn vị",
        *(CATEGORY_LABELS[c] for c in CATEGORIES),
        "Số dòng",
        "Cảnh báo",
        "Tình trạng",
    ]
    widths = [6, 40, 20, 20, 20, 10, 10, 16]
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)
    period = status.period
    row = _frame(
        ws,
        f,
        len(headers),
        committee,
        issuer,
        f"TÌNH HÌNH GỬI SỐ LIỆU CỦA CÁC ĐƠN VỊ {period.title}",
        f"(Tệp tính cho kỳ: danh sách tính đến một ngày từ {short_date(period.start)} đến "
        f"{short_date(period.end)}, biến động xảy ra trong kỳ, kết quả xếp loại của kỳ)",
    )
    header_row = row
    row = _header(ws, f, row, headers)
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]
    for column, label_ in enumerate(numbers[: len(headers)]):
        ws.write_string(row, column, label_, f["number_row"])
    row += 1
    number = 0
    for district in status.districts:
        sent = sum(1 for u in district.units if u.submitted)
        summary = f"{sent}/{len(district.units)} TCCSĐ đã gửi"
        row = _overview_row(ws, f, row, None, district.own, summary)
        for unit in district.units:
            number += 1
            row = _overview_row(ws, f, row, number, unit, None)
    _signature(ws, f, row + 1, len(headers), status)
    ws.freeze_panes(header_row + 2, 0)
    _page(ws, landscape=True, header_rows=(header_row, header_row + 1))


def _overview_row(
    ws, f, row: int, number: int | None, unit: UnitStatus, summary: str | None
) -> int:
    """One unit; a district's row (`summary` given) shows its own files and its units' count."""
    name_format = f["group"] if summary is not None else f["cell"]
    if number is None:
        ws.write_blank(row, 0, None, name_format)
    else:
        ws.write_number(row, 0, number, f["center"])
    ws.write_string(row, 1, safe_text(unit.name), name_format)
    for column, category in enumerate(CATEGORIES, start=2):
        newest = unit.newest(category)
        if newest is None:
            ws.write_string(row, column, "–", f["center"])
            continue
        text_ = f"{newest.date_text} ({number_vi(newest.rows)} dòng)"
        extra = unit.count(category) - 1
        if extra > 0:
            text_ += f" +{extra} tệp"
        ws.write_string(row, column, text_, f["center"])
    ws.write_number(row, 5, unit.rows, f["int"])
    ws.write_number(row, 6, unit.warnings, f["int"])
    state = summary if summary is not None else ("Đã gửi" if unit.submitted else "Chưa gửi")
    ws.write_string(row, 7, state, f["center"])
    return row + 1
