"""`tcxd import`: read the files units send, and show what became of each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tcxd.cli.app import (
    HELP_OPTION,
    DbOption,
    app,
    environment,
    err,
    out,
    parse_date_option,
    parse_kind_option,
    quarter_option,
    titled_table,
    year_option,
)
from tcxd.core import vocab
from tcxd.core.errors import ExitCode
from tcxd.core.filestatus import FileStatus
from tcxd.core.formatting import few_of, number_vi, shown_path, terminal_text
from tcxd.core.settings import database_url

if TYPE_CHECKING:
    from tcxd.reading.problems import Problem

# --------------------------------------------------------------------------- import


@app.command("import", context_settings=HELP_OPTION)
def import_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Các tệp và thư mục cần nhập (đọc cả thư mục con).")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="Ép loại tệp: members | organizations | changes | evaluations."
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Tên đơn vị của tệp khi tiêu đề và thư mục không nói."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Ngày chốt danh sách (dd/mm/yyyy) khi tiêu đề không ghi."),
    ] = None,
    year: Annotated[
        int | None, year_option("Năm đánh giá khi tiêu đề và tên tệp không ghi.")
    ] = None,
    quarter: Annotated[
        int | None, quarter_option("Quý đánh giá (1–4) khi tiêu đề không ghi.")
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Chỉ đọc trang tính có tên này (khi tệp có nhiều danh sách)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Chỉ kiểm tra và báo cáo, không ghi gì vào cơ sở dữ liệu."),
    ] = False,
    all_or_nothing: Annotated[
        bool,
        typer.Option(
            "--all-or-nothing", help="Một tệp lỗi thì không ghi tệp nào của lần nhập này."
        ),
    ] = False,
    create_units: Annotated[
        bool,
        typer.Option(
            "--create-units",
            help="Tạo các chi bộ có tên trên từng dòng mà cơ sở dữ liệu chưa có, trực thuộc "
            "đơn vị của tệp (theo tiêu đề, --unit hoặc thư mục); các chi bộ đã tạo được liệt kê.",
        ),
    ] = False,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Nhập các dòng đúng của tệp có lỗi, bỏ các dòng sai (được liệt kê).",
        ),
    ] = False,
    errors_out: Annotated[
        Path,
        typer.Option(
            "--errors-out",
            help="Thư mục ghi tệp lỗi gửi lại đơn vị (mỗi tệp không nhập được một bảng tính).",
        ),
    ] = Path("tep-loi"),
    db: DbOption = None,
) -> None:
    """Nhập các tệp đơn vị gửi lên (danh sách đảng viên, tổ chức, biến động, xếp loại)."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tcxd.cli.app import open_database
    from tcxd.db.province import load_province, province_aliases
    from tcxd.importing import ImportOptions, import_paths

    engine = open_database(database_url(db))
    load_province(engine)
    options = ImportOptions(
        kind=parse_kind_option(kind),
        unit=unit,
        as_of=parse_date_option(as_of, "--as-of"),
        year=year,
        quarter=quarter,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        sheet=sheet,
        aliases=province_aliases(engine),
        create_units=create_units,
        skip_bad_rows=skip_bad_rows,
        errors_out=errors_out,
        read_workers=environment().read_workers,
    )
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("Đang nhập", total=None)

        def on_file(path: Path, number: int, total: int) -> None:
            progress.update(
                task,
                total=total,
                completed=number - 1,
                description=f"Đang nhập {escape(terminal_text(path.name))}",
            )

        result = import_paths(engine, paths, options, on_file)
    written = _error_workbooks(result, errors_out)
    _render_import(result, paths, written)
    from tcxd.cli.lock import after_import

    after_import(engine, result)  # locked periods whose figures the import changed
    if result.refused:
        raise typer.Exit(int(ExitCode.BAD_FILE))


def _error_workbooks(result, folder: Path) -> dict[str, Path]:
    """The workbook written for each refused file (its wrong cells marked), to send back to the
    unit; xlsxwriter is loaded only when a file is refused."""
    if not result.refused:
        return {}
    from tcxd.workflow.error_workbook import write_error_workbooks

    refused = [(Path(f.path), f.problems) for f in result.refused]
    return {str(w.source): w.path for w in write_error_workbooks(refused, folder)}


STATUS_LABELS = {  # of tcxd.core.filestatus.FileStatus
    FileStatus.IMPORTED: "[green]đã nhập[/green]",
    FileStatus.UNCHANGED: "đã có, bỏ qua",
    FileStatus.REFUSED: "[red]KHÔNG NHẬP[/red]",
    FileStatus.DRY_RUN: "[cyan]hợp lệ (thử)[/cyan]",
    FileStatus.ROLLED_BACK: "[yellow]hủy (--all-or-nothing)[/yellow]",
    FileStatus.SKIPPED: "bỏ qua",
}


# Files already imported (same content) get a row each up to this many, else one row for all:
# re-importing a province's folder should not print thousands of lines that say nothing new.
UNCHANGED_ROWS_SHOWN = 20


# How a column was understood when its header was not a known one word for word (tables.py)
GUESSES = ("gần giống", "nhiều thông tin", "gộp các cột")


def _render_columns(outcome, roots: list[Path]) -> None:
    """The columns read from a header that is not word for word a known one, and how each was
    understood (the clerk checks the guess; exact headers are not repeated)."""
    from rich.markup import escape

    for sheet, columns in outcome.columns:
        guessed = [(h, label, how) for h, label, how in columns if how.startswith(GUESSES)]
        if not guessed:
            continue
        shown = "; ".join(f"“{header}” → {label} ({how})" for header, label, how in guessed)
        out.print(
            f"{escape(shown_path(outcome.path, roots))}, trang “{escape(sheet)}”: "
            f"cột được hiểu là: {escape(shown)}"
        )


def problem_line(problem: Problem) -> str:
    """How a problem of a refused file is told under its file: one line, the problem's message."""
    from rich.markup import escape

    return f"  - {escape(problem.message())}"


def _render_import(
    result, roots: list[Path], error_workbooks: dict[str, Path] | None = None
) -> None:
    """The summary table, then warnings, then each refused file's problems (and the error
    workbook written for it, to send back to the unit)."""
    from rich.markup import escape

    table = titled_table(
        "Kết quả nhập" + (" (thử, không ghi)" if result.dry_run else ""),
        ["Tệp", "Loại", "Đơn vị", "Trạng thái", "Mới", "Cập nhật", "Không đổi", "Cảnh báo"],
    )
    unchanged = [f for f in result.files if f.status == FileStatus.UNCHANGED]
    collapse = len(unchanged) > UNCHANGED_ROWS_SHOWN
    for outcome in result.files:
        if collapse and outcome.status == FileStatus.UNCHANGED:
            continue
        kinds = ", ".join(dict.fromkeys(vocab.label("file_kinds", k) for k in outcome.kinds))
        table.add_row(
            escape(shown_path(outcome.path, roots)),
            kinds,
            escape(outcome.unit or ""),
            STATUS_LABELS.get(outcome.status, outcome.status),
            number_vi(outcome.rows_new),
            number_vi(outcome.rows_updated),
            number_vi(outcome.rows_unchanged),
            number_vi(len(outcome.warnings)),
        )
    if collapse:
        table.add_row(
            f"({number_vi(len(unchanged))} tệp)",
            "",
            "",
            STATUS_LABELS[FileStatus.UNCHANGED],
            "0",
            "0",
            number_vi(sum(f.rows_unchanged for f in unchanged)),
            number_vi(sum(len(f.warnings) for f in unchanged)),
        )
    out.print(table)
    out.print(
        "Mới / Cập nhật / Không đổi: số đảng viên (hoặc tổ chức, kết quả đánh giá) mới có trong cơ "
        "sở dữ liệu, được cập nhật, hoặc giữ nguyên."
    )
    for outcome in result.files:
        _render_columns(outcome, roots)
        if outcome.unknown_columns:
            out.print(
                f"{escape(shown_path(outcome.path, roots))}: các cột không dùng đến (vẫn lưu lại): "
                + escape(few_of(outcome.unknown_columns))
            )
        for warning in outcome.warnings:
            out.print(
                f"[yellow]Cảnh báo[/yellow] {escape(shown_path(outcome.path, roots))}: "
                + escape(warning)
            )
        for unit in outcome.created_units:
            out.print(
                f"[yellow]Đã tạo tổ chức đảng (--create-units)[/yellow] "
                f"{escape(shown_path(outcome.path, roots))}: {escape(unit)}"
            )
        if outcome.left_out_rows:
            out.print(
                f"[yellow]Các dòng không nhập (--skip-bad-rows)[/yellow] "
                f"{escape(shown_path(outcome.path, roots))}:"
            )
            for line in outcome.left_out_rows:
                out.print(f"  - {escape(line)}")
    for outcome in result.refused:
        err.print(f"[red]Tệp không nhập được:[/red] {escape(outcome.path)}")
        for problem in outcome.problems:
            err.print(problem_line(problem))
        if error_workbooks and outcome.path in error_workbooks:
            err.print(
                f"  Tệp lỗi để gửi lại đơn vị (ô sai tô đỏ, có ghi chú): "
                f"{escape(str(error_workbooks[outcome.path]))}"
            )
    imported = sum(f.status in (FileStatus.IMPORTED, FileStatus.DRY_RUN) for f in result.files)
    out.print(
        f"Tổng cộng {number_vi(len(result.files))} tệp: {number_vi(imported)} nhập được, "
        f"{number_vi(len(unchanged))} đã có từ trước, "
        f"{number_vi(len(result.refused))} không nhập được"
        + (
            f", {skipped} bỏ qua."
            if (skipped := sum(f.status == FileStatus.SKIPPED for f in result.files))
            else "."
        )
    )
