"""`tcxd report` (the period's roll-up workbooks) and `tcxd check` (the period's checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tcxd.cli.app import (
    HELP_OPTION,
    PERIOD_HELP,
    YEAR_HELP,
    DbOption,
    app,
    environment,
    err,
    out,
    parse_period,
    period_option,
    titled_table,
    year_option,
)
from tcxd.core.errors import ExitCode
from tcxd.core.formatting import number_vi
from tcxd.core.settings import database_url

# --------------------------------------------------------------------------- report, check


@app.command("report", context_settings=HELP_OPTION)
def report_command(
    period: Annotated[str, period_option(PERIOD_HELP)] = "year",
    year: Annotated[int | None, year_option(YEAR_HELP)] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Thư mục ghi biểu (mặc định ./bao-cao).")
    ] = Path("bao-cao"),
    unit: Annotated[
        str | None, typer.Option("--unit", help="Chỉ lập biểu cho một đảng bộ cấp trên cơ sở.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="xlsx (bảng tính), json (số liệu máy đọc), all (cả hai)."),
    ] = "xlsx",
    db: DbOption = None,
) -> None:
    """Lập biểu tổng hợp của kỳ cho từng đảng bộ cấp trên cơ sở và toàn tỉnh."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from tcxd.cli.app import open_database
    from tcxd.core.errors import UserInputError
    from tcxd.reports.build import FORMATS, build_reports

    if fmt not in FORMATS:
        raise UserInputError(f'--format "{fmt}" không hợp lệ; chọn xlsx, json hoặc all.')
    chosen = parse_period(period, year)
    engine = open_database(database_url(db))
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("Đang tính số liệu", total=None)

        def on_unit(name: str, number: int, total: int) -> None:
            progress.update(task, total=total, completed=number - 1, description=f"Đang ghi {name}")

        run = build_reports(
            engine,
            chosen,
            out_dir,
            unit=unit,
            fmt=fmt,
            on_unit=on_unit,
            workers=environment().report_workers,
        )
    table = titled_table(
        f"Biểu tổng hợp {chosen.label}", ["Đơn vị", "Đảng viên cuối kỳ", "Kiểm tra", "Tệp"]
    )
    for done in run.units:
        table.add_row(
            escape(done.name),
            number_vi(done.members_end),
            number_vi(done.checks),
            escape(", ".join(p.name for p in done.files)),
        )
    out.print(table)
    from tcxd.cli.lock import render_report_locks

    render_report_locks(run)
    if not run.ratings_available:
        out.print("Kỳ này chưa có kết quả xếp loại: các biểu xếp loại không có trong bảng tính.")
    out.print(
        f"Đã ghi {number_vi(sum(len(u.files) for u in run.units))} tệp vào thư mục {run.folder}."
    )


@app.command("check", context_settings=HELP_OPTION)
def check_command(
    period: Annotated[str, period_option(PERIOD_HELP)] = "year",
    year: Annotated[int | None, year_option(YEAR_HELP)] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Chỉ kiểm tra một đảng bộ cấp trên cơ sở.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Kiểm tra số liệu của kỳ (cân đối, đơn vị chưa nộp, mâu thuẫn…); có vấn đề thì mã thoát 5."""
    from rich.markup import escape

    from tcxd.cli.app import open_database
    from tcxd.cli.lock import render_changes
    from tcxd.reports.build import check_period
    from tcxd.workflow.lock import locked_changes

    chosen = parse_period(period, year)
    engine = open_database(database_url(db))
    rows = check_period(engine, chosen, unit)
    changes = locked_changes(engine, chosen, unit)  # locked: figures that differ from the sent
    if not rows and not changes:
        out.print(f"Kiểm tra {chosen.label}: không phát hiện vấn đề nào.")
        return
    render_changes(changes)
    if not rows:
        raise typer.Exit(int(ExitCode.CHECKS_FAILED))
    table = titled_table(
        f"Kiểm tra {chosen.label}: {number_vi(len(rows))} vấn đề",
        ["Mục", "Nội dung", "Đơn vị", "Tệp", "Dòng", "Chi tiết"],
    )
    for row in rows:
        table.add_row(
            str(row["check"]),
            row["description"],
            escape(row["unit"]),
            escape(row["file"]),
            str(row["row"] or ""),
            escape(row["detail"]),
        )
    out.print(table)
    raise typer.Exit(int(ExitCode.CHECKS_FAILED))
