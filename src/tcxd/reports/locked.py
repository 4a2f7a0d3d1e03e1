"""Locked periods in the reports (docs/lock.md): the figures as sent, and what changed since.

A lock stores, per unit (the province and each district), the unit's JSON twin as it was when the
period was locked (table `period_lock`). A report of a locked period lays out those figures and
lists, on its own sheet, every figure the database now gives differently: as sent, now, and the
difference. Comparing works on the twin's "forms" flattened to one number per path
(`("bieu1", "D")`, `("bieu5", "xa", "members")`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, text

from tcxd.core.periods import Period
from tcxd.reports.forms import TWIN_FORMS, Column, Form, Row, load_form

SHEET = "Chênh lệch so với số đã gửi"
TITLE = "CHÊNH LỆCH GIỮA SỐ LIỆU ĐÃ GỬI VÀ SỐ LIỆU HIỆN CÓ"
NOT_THERE = "không có"  # a figure the report as sent (or now) does not hold, e.g. ratings


def load_locks(conn: Connection, period: Period) -> dict[int, dict]:
    """The locks of `period`, by organisation id."""
    rows = conn.execute(
        text(
            "SELECT org_id, level, unit_name, figures, locked_by, locked_at FROM period_lock "
            "WHERE year = :year AND period_code = :code"
        ),
        {"year": period.year, "code": period.code},
    ).mappings()
    return {int(row["org_id"]): _lock(row) for row in rows}


def _lock(row: Mapping) -> dict:
    lock = dict(row)
    if isinstance(lock["figures"], str):  # a driver that hands JSON back as text
        import json

        lock["figures"] = json.loads(lock["figures"])
    if isinstance(lock["locked_at"], str):
        lock["locked_at"] = datetime.fromisoformat(lock["locked_at"])
    return lock


def flatten(forms: Mapping | None) -> dict[tuple[str, ...], float | int | None]:
    """Every figure of the twin's forms by its path; a form absent (no ratings) adds nothing."""
    found: dict[tuple[str, ...], float | int | None] = {}

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, (*path, str(key)))
        elif node is None or (isinstance(node, int | float) and not isinstance(node, bool)):
            found[path] = node

    for name in TWIN_FORMS:
        walk((forms or {}).get(name), (name,))
    return found


def differences(sent: Mapping | None, current: Mapping | None) -> list[dict]:
    """The figures of `current` forms that differ from `sent` (both the twin's "forms"), in the
    order of the forms as sent, then of figures only present now."""
    before, now = flatten(sent), flatten(current)
    rows = []
    for path in [*before, *(p for p in now if p not in before)]:
        old, new = before.get(path), now.get(path)
        if old == new:
            continue
        rows.append(
            {
                "form": path[0],
                "path": ".".join(path[1:]),
                "sheet": sheet_name(path[0]),
                "label": figure_label(path),
                "sent": old,
                "current": new,
                "difference": new - old if old is not None and new is not None else None,
            }
        )
    return rows


def sheet_name(form: str) -> str:
    try:
        return load_form(form).sheet
    except ValueError:
        return form


@cache
def _names(form: str) -> dict[str, str]:
    """Row codes and column keys of a form → their Vietnamese labels."""
    loaded = load_form(form)
    names = {c.lookup: " – ".join(c.header) for c in loaded.columns if c.kind == "value"}
    names.update({r.code: r.label for r in loaded.rows if r.code and r.label})
    return names


def figure_label(path: tuple[str, ...]) -> str:
    """ "Biểu 1: Đảng viên cuối kỳ (D)", "Biểu 5: Xã – Số đảng viên (xa.members)"."""
    names = _names(path[0])
    words = [names.get(part, part) for part in path[1:]]
    return f"{' – '.join(words)} ({'.'.join(path[1:])})"


def as_sent(report: dict, lock: Mapping, current_twin: Mapping) -> dict:
    """The report of a locked unit: forms and per-unit rows as sent, the checks of today, and
    `locked` (who, when, and the figures that differ now)."""
    sent = lock["figures"]
    locked = copy.copy(report)
    locked["forms"] = copy.deepcopy(sent["forms"])
    locked["by_unit"] = copy.deepcopy(sent.get("by_unit") or [])
    locked["ratings_available"] = all(sent["forms"].get(name) is not None for name in
                                      ("xl_to_chuc", "xl_dang_vien"))  # fmt: skip
    locked["locked"] = {
        "locked_at": lock["locked_at"],
        "locked_by": lock["locked_by"],
        "differences": differences(sent["forms"], current_twin["forms"]),
    }
    return locked


def banner(report: Mapping) -> list[str]:
    """The line under the title of every sheet of a locked report."""
    locked = report.get("locked")
    if not locked:
        return []
    when = when_text(locked["locked_at"])
    line = f"SỐ LIỆU ĐÃ GỬI (kỳ đã khóa {when}, người khóa: {locked['locked_by']})."
    count = len(locked["differences"])
    if count:
        line += (
            f" Sau khi khóa, {count} số liệu đã thay đổi do tệp nhập sau: xem trang "
            f'"{SHEET}" (số đã gửi, số hiện có, chênh lệch).'
        )
    else:
        line += " Số liệu hiện có trùng với số đã gửi."
    return [line]


def when_text(moment: datetime | str) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    from datetime import UTC

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    return f"lúc {local:%H:%M} ngày {local.day}/{local.month}/{local.year}"


def difference_form() -> Form:
    """The sheet listing the changed figures, laid out by the one party-form writer."""
    return Form(
        name="chenh_lech",
        sheet=SHEET,
        number="",
        title=TITLE,
        orientation="landscape",
        figures=None,
        cell="{column}",
        signatures=False,
        columns=(
            Column("code", "code", ("STT",), width=6),
            Column("sheet", "text", ("Biểu",), width=14),
            Column("label", "label", ("Chỉ tiêu",), width=52, field="label"),
            Column("sent", "value", ("Số đã gửi",), width=12),
            Column("current", "value", ("Số hiện có",), width=12),
            # No column format: a row's own format (one decimal for mean ages) must apply.
            Column("difference", "value", ("Chênh lệch",), width=12),
        ),
        rows=(),
    )


def difference_rows(report: Mapping) -> Iterator[tuple[Row, dict]]:
    for number, change in enumerate(report["locked"]["differences"], start=1):
        values = (change["sent"], change["current"])
        fractional = any(isinstance(v, float) and not v.is_integer() for v in values)
        yield (
            Row(code="difference", short=str(number), format="decimal1" if fractional else None),
            dict(change),
        )


def difference_preamble(report: Mapping) -> list[str]:
    return [
        "Các biểu của bảng tính này giữ số liệu đã gửi khi khóa kỳ. Bảng dưới đây liệt kê những "
        "số liệu mà cơ sở dữ liệu hiện cho kết quả khác (do tệp đơn vị gửi muộn hoặc nhập lại "
        "sau khi khóa): số đã gửi, số hiện có và chênh lệch (số hiện có trừ số đã gửi). "
        f"Ô trống ở cột số: biểu đó {NOT_THERE} lúc gửi hoặc hiện nay."
    ]
