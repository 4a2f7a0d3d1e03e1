"""`tcxd import`: read the files units send, and show what became of each."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

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

# A run of more files than this is counted by folder, and only its files refused or skipped are
# listed (--list-files lists them all): nobody reads a table of a province's 10,000 files, and
# drawing it cost 9.8 s (docs/benchmarks.md). A district's run (tens of files) lists every file.
FILES_LISTED = 100
# Listed above FILES_LISTED files: the files to act on. Not the files of an --all-or-nothing run
# undone for another file's refusal (all of them: counted by folder, the refused one is listed).
LISTED_STATUSES = (FileStatus.REFUSED, FileStatus.SKIPPED, FileStatus.DEFERRED)
LOOSE_FILES = "(ngoài thư mục con)"  # files given on their own or at the top of the folder
FIGURES = ["Mới", "Cập nhật", "Không đổi", "Cảnh báo"]


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
    list_files: Annotated[
        bool,
        typer.Option(
            "--list-files",
            help="Liệt kê từng tệp trong bảng kết quả (mặc định: lần nhập hơn "
            f"{FILES_LISTED} tệp thì đếm theo thư mục, chỉ liệt kê các tệp không nhập được "
            "hoặc bị bỏ qua).",
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
    _render_import(result, paths, written, every_file=list_files)
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


def _file_table(title: str) -> Table:
    return titled_table(
        title, ["Tệp", "Loại", "Đơn vị", "Trạng thái", "Mới", "Cập nhật", "Không đổi", "Cảnh báo"]
    )


def _add_file_row(table: Table, outcome, places: dict[str, str]) -> None:
    from rich.markup import escape

    kinds = ", ".join(dict.fromkeys(vocab.label("file_kinds", k) for k in outcome.kinds))
    table.add_row(
        escape(places[outcome.path]),
        kinds,
        escape(outcome.unit or ""),
        STATUS_LABELS.get(outcome.status, outcome.status),
        number_vi(outcome.rows_new),
        number_vi(outcome.rows_updated),
        number_vi(outcome.rows_unchanged),
        number_vi(len(outcome.warnings)),
    )


def _render_every_file(result, places: dict[str, str], collapse: bool) -> None:
    """One row per file; with `collapse`, more than UNCHANGED_ROWS_SHOWN unchanged files are one
    row."""
    table = _file_table("Kết quả nhập" + (" (thử, không ghi)" if result.dry_run else ""))
    unchanged = [f for f in result.files if f.status == FileStatus.UNCHANGED]
    collapse = collapse and len(unchanged) > UNCHANGED_ROWS_SHOWN
    for outcome in result.files:
        if not (collapse and outcome.status == FileStatus.UNCHANGED):
            _add_file_row(table, outcome, places)
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


def folder_of(place: str) -> str:
    """The folder a file is counted in, from its place as shown (`shown_path`): the first folder
    of its path under the imported folder (a district's when a province's folder is imported)."""
    parts = PurePosixPath(place).parts
    return parts[0] if len(parts) > 1 and parts[0] != "/" else LOOSE_FILES


def _folder_order(name: str) -> tuple:
    """Folders as the clerk numbered them ("2. …" before "10. …"), loose files last."""
    number = re.match(r"\d+", name)
    return (name == LOOSE_FILES, int(number.group()) if number else math.inf, name)


def _render_by_folder(result, places: dict[str, str]) -> None:
    """One row per folder: its files by status (the statuses of the run), and its members new,
    updated and unchanged, and warnings, as the file table counts them; then their sum."""
    from rich.markup import escape

    statuses = [status for status in STATUS_LABELS if any(f.status == status for f in result.files)]
    counts: dict[str, Counter] = {}
    for outcome in result.files:
        count = counts.setdefault(folder_of(places[outcome.path]), Counter())
        count["files"] += 1
        count[outcome.status] += 1
        count["new"] += outcome.rows_new
        count["updated"] += outcome.rows_updated
        count["unchanged_rows"] += outcome.rows_unchanged
        count["warnings"] += len(outcome.warnings)
    table = titled_table(
        "Kết quả nhập theo thư mục" + (" (thử, không ghi)" if result.dry_run else ""),
        ["Thư mục", "Tệp", *(STATUS_LABELS[s] for s in statuses), *FIGURES],
    )

    def cells(count: Counter) -> list[str]:
        keys = ["files", *statuses, "new", "updated", "unchanged_rows", "warnings"]
        return [number_vi(count[key]) for key in keys]

    folders = sorted(counts, key=_folder_order)
    for folder in folders:
        table.add_row(escape(folder), *cells(counts[folder]), end_section=folder == folders[-1])
    table.add_row("Cộng", *cells(sum(counts.values(), Counter())))
    out.print(table)


# How a column was understood when its header was not a known one word for word (tables.py)
GUESSES = ("gần giống", "nhiều thông tin", "gộp các cột")


def _column_lines(outcome, place: str) -> list[str]:
    """The columns read from a header that is not word for word a known one, and how each was
    understood (the clerk checks the guess; exact headers are not repeated)."""
    from rich.markup import escape

    lines = []
    for sheet, columns in outcome.columns:
        guessed = [(h, label, how) for h, label, how in columns if how.startswith(GUESSES)]
        if guessed:
            shown = "; ".join(f"“{header}” → {label} ({how})" for header, label, how in guessed)
            lines.append(
                f"{escape(place)}, trang “{escape(sheet)}”: cột được hiểu là: {escape(shown)}"
            )
    return lines


def _file_lines(outcome, place: str) -> list[str]:
    """What the summary says of one file under the table: the columns it guessed, the columns it
    did not use, its warnings, the units it created, the rows it left out."""
    from rich.markup import escape

    where = escape(place)
    lines = _column_lines(outcome, place)
    if outcome.unknown_columns:
        lines.append(
            f"{where}: các cột không dùng đến (vẫn lưu lại): "
            + escape(few_of(outcome.unknown_columns))
        )
    lines += [f"[yellow]Cảnh báo[/yellow] {where}: {escape(w)}" for w in outcome.warnings]
    lines += [
        f"[yellow]Đã tạo tổ chức đảng (--create-units)[/yellow] {where}: {escape(unit)}"
        for unit in outcome.created_units
    ]
    if outcome.left_out_rows:
        lines.append(f"[yellow]Các dòng không nhập (--skip-bad-rows)[/yellow] {where}:")
        lines += [f"  - {escape(line)}" for line in outcome.left_out_rows]
    return lines


def problem_line(problem: Problem) -> str:
    """How a problem of a refused file is told under its file: one line, the problem's message."""
    from rich.markup import escape

    return f"  - {escape(problem.message())}"


def _render_import(
    result, roots: list[Path], error_workbooks: dict[str, Path] | None = None, every_file=False
) -> None:
    """The summary table(s), then warnings, then each refused file's problems (and the error
    workbook written for it, to send back to the unit). A run of more than FILES_LISTED files
    is counted by folder, its files that were not imported listed (unless `every_file`)."""
    from rich.markup import escape

    places = {f.path: shown_path(f.path, roots) for f in result.files}  # (once: 10,000 files)
    unchanged = [f for f in result.files if f.status == FileStatus.UNCHANGED]
    if every_file or len(result.files) <= FILES_LISTED:
        _render_every_file(result, places, collapse=not every_file)
    else:
        _render_by_folder(result, places)
        listed = [f for f in result.files if f.status in LISTED_STATUSES]
        if listed:
            table = _file_table("Các tệp không nhập được hoặc bị bỏ qua")
            for outcome in listed:
                _add_file_row(table, outcome, places)
            out.print(table)
        out.print(
            f"Lần nhập có {number_vi(len(result.files))} tệp (hơn {number_vi(FILES_LISTED)}): "
            "bảng đếm số tệp theo thư mục, chỉ liệt kê các tệp không nhập được hoặc bị bỏ qua; "
            "thêm --list-files để liệt kê từng tệp."
        )
    out.print(
        "Mới / Cập nhật / Không đổi: số đảng viên (hoặc tổ chức, kết quả đánh giá) mới có trong cơ "
        "sở dữ liệu, được cập nhật, hoặc giữ nguyên."
    )
    lines = [line for f in result.files for line in _file_lines(f, places[f.path])]
    if lines:
        out.print("\n".join(lines))  # one print: Rich's cost is per print, and these are many
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
