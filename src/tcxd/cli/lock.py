"""Closing periods: `tcxd lock`, `tcxd unlock` (registered on `tcxd.cli.app.app`), and the lines the
import summary and `tcxd check` print about locked periods whose figures changed.

Library code is in `tcxd.workflow.lock`; decisions in docs/lock.md.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from tcxd.cli.app import HELP_OPTION, DbOption, app, err, out, period_option, year_option
from tcxd.cli.app import titled_table as _table
from tcxd.core.errors import UserInputError
from tcxd.core.filestatus import FileStatus
from tcxd.core.settings import database_url

PERIOD_HELP = "Kỳ: q1 q2 q3 q4 (quý), h1 (6 tháng đầu năm), 9m (9 tháng), year (năm)."
CONFIRM_WORDS = {"c", "có", "co", "y", "yes"}
# The import summary lists this many changed figures; `tcxd check` lists them all.
CHANGES_SHOWN = 30


def _chosen(period: str | None, year: int | None, command: str):
    from tcxd.cli.app import parse_period as _period

    if period is None or year is None:
        raise UserInputError(
            f"Cần cả --period và --year, ví dụ: tcxd {command} --period q1 --year 2026."
        )
    return _period(period, year)


def _open(db: str | None):
    from tcxd.cli.app import open_database

    return open_database(database_url(db))


def _number(value) -> str:
    if value is None:
        return "không có"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def _signed(value) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + _number(value).replace("không có", "")


@app.command("lock", context_settings=HELP_OPTION)
def lock_command(
    period: Annotated[str | None, period_option(PERIOD_HELP)] = None,
    year: Annotated[int | None, year_option("Năm của kỳ.")] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Tên người khóa (mặc định: tên đăng nhập máy tính)."),
    ] = None,
    show: Annotated[
        bool, typer.Option("--list", help="Chỉ xem các kỳ đã khóa (không khóa thêm).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Khóa kỳ đã gửi báo cáo: giữ số liệu đã gửi; tệp nhập sau làm đổi số liệu sẽ được báo."""
    from tcxd.workflow.lock import list_locks, lock_period

    if show:
        chosen = _chosen(period, year, "lock --list") if period or year else None
        _render_locks(list_locks(_open(db), chosen))
        return
    chosen = _chosen(period, year, "lock")
    done = lock_period(_open(db), chosen, by)
    table = _table(
        f"Đã khóa {chosen.label}: số liệu đã gửi của {len(done.units)} đơn vị",
        ["Đơn vị", "Đảng viên cuối kỳ (đã gửi)"],
    )
    for unit in done.units:
        table.add_row(escape(unit.name), _number(unit.members_end))
    out.print(table)
    out.print(
        f"Người khóa: {escape(done.units[0].locked_by)}. Tệp nhập sau làm đổi số liệu của kỳ này "
        f"sẽ được báo khi nhập và trong tcxd check --period {chosen.code} --year {chosen.year}; "
        "biểu của kỳ vẫn ghi số đã gửi, kèm chênh lệch."
    )


def _render_locks(found) -> None:
    from tcxd.reports.locked import when_text

    if not found:
        out.print("Chưa khóa kỳ nào.")
        return
    table = _table(
        "Các kỳ đã khóa", ["Kỳ", "Đơn vị", "Đảng viên cuối kỳ (đã gửi)", "Khóa", "Người khóa"]
    )
    for locks in found:
        for unit in locks.units:
            table.add_row(
                locks.period.label,
                escape(unit.name),
                _number(unit.members_end),
                when_text(unit.locked_at),
                escape(unit.locked_by),
            )
    out.print(table)


@app.command("unlock", context_settings=HELP_OPTION)
def unlock_command(
    period: Annotated[str | None, period_option(PERIOD_HELP)] = None,
    year: Annotated[int | None, year_option("Năm của kỳ.")] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Không hỏi lại (dùng trong tệp lệnh).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Mở khóa một kỳ (bỏ số liệu đã gửi đã lưu); hỏi lại trước khi mở."""
    from tcxd.workflow.lock import list_locks, unlock_period

    chosen = _chosen(period, year, "unlock")
    engine = _open(db)
    if not yes:
        if not list_locks(engine, chosen):
            unlock_period(engine, chosen)  # says that the period is not locked
        out.print(
            f"Mở khóa {chosen.label} sẽ bỏ số liệu đã gửi đã lưu của kỳ; biểu lập sau đó dùng số "
            "liệu hiện có. Gõ “có” để mở khóa: ",
            end="",
        )
        try:
            answer = input()
        except (EOFError, OSError):  # no one to answer (a script, a pipe)
            answer = ""
        if answer.strip().casefold() not in CONFIRM_WORDS:
            raise UserInputError(
                f"Chưa mở khóa {chosen.label}: cần gõ “có” để xác nhận (hoặc thêm --yes)."
            )
    done = unlock_period(engine, chosen)
    out.print(f"Đã mở khóa {chosen.label} ({len(done.units)} đơn vị).")


def render_changes(changes, *, limit: int | None = None) -> None:
    """ "Kỳ đã khóa Quý I/2026 thay đổi: …" one line per locked period and unit, then a table
    of the changed figures (at most `limit`)."""
    from tcxd.workflow.lock import short_label

    if not changes:
        return
    counts: dict[tuple, int] = {}
    for change in changes:
        key = (change.period, change.unit)
        counts[key] = counts.get(key, 0) + 1
    for (period, unit), count in counts.items():
        out.print(
            f"[yellow]Kỳ đã khóa {short_label(period)} thay đổi:[/yellow] {escape(unit)}: "
            f"{count} số liệu khác số đã gửi."
        )
    shown = changes if limit is None else changes[:limit]
    table = _table(
        "Số liệu của kỳ đã khóa khác số đã gửi",
        ["Kỳ", "Đơn vị", "Biểu", "Chỉ tiêu", "Đã gửi", "Hiện có", "Chênh lệch"],
    )
    for change in shown:
        table.add_row(
            short_label(change.period),
            escape(change.unit),
            escape(change.sheet),
            escape(change.label),
            _number(change.sent),
            _number(change.current),
            _signed(change.difference),
        )
    out.print(table)
    if len(shown) < len(changes):
        periods = dict.fromkeys(c.period for c in changes)
        commands = "; ".join(f"tcxd check --period {p.code} --year {p.year}" for p in periods)
        out.print(f"… và {len(changes) - len(shown)} số liệu khác; xem đủ bằng: {commands}.")


def after_import(engine, result) -> None:
    """The import summary's lines about locked periods whose figures the import changed."""
    if not any(outcome.status == FileStatus.IMPORTED for outcome in result.files):
        return
    from tcxd.workflow.lock import locked_changes  # the figures and reports: only when needed

    try:
        changes = locked_changes(engine)
    except Exception:  # the import is done and committed: say so rather than fail here
        err.print(
            "[yellow]Không so được số liệu các kỳ đã khóa sau khi nhập; chạy tcxd check "
            "--period … để xem.[/yellow]"
        )
        return
    render_changes(changes, limit=CHANGES_SHOWN)


def render_report_locks(run) -> None:
    """`tcxd report` of a locked period: the workbooks hold the figures as sent."""
    from tcxd.reports.locked import SHEET

    locked = [unit for unit in run.units if unit.changed_since_lock is not None]
    if not locked:
        return
    changed = sum(unit.changed_since_lock for unit in locked)
    line = f"{run.period.label} đã khóa: biểu ghi số liệu đã gửi"
    if changed:
        line += (
            f"; {changed} số liệu hiện có khác số đã gửi, xem trang “{SHEET}” "
            "(số đã gửi, số hiện có, chênh lệch)."
        )
    else:
        line += "; số liệu hiện có trùng với số đã gửi."
    out.print(f"[yellow]{line}[/yellow]" if changed else line)
