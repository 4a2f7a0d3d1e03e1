"""The command line: parse options, call the library, render the result with Rich.

This is the only module that prints. Every error reaches `main()`, which asks
`tcxd.errors.describe` for the Vietnamese message and the exit code; a traceback is shown only
with `--debug` (anywhere on the command line) or TCXD_DEBUG=1.
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
import typer.rich_utils as rich_utils
from rich.console import Console
from rich.table import Table

from tcxd import __version__, vocab
from tcxd.errors import WAITING_MESSAGE, ExitCode, describe
from tcxd.filestatus import FileStatus
from tcxd.formatting import few_of, number_vi, shown_path, terminal_text
from tcxd.rules.titles import ruleset_title
from tcxd.settings import ProvinceConfig, database_url, load_province_config

# Typer's own help words, in Vietnamese like the rest.
rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
rich_utils.DEFAULT_STRING = "[mặc định: {}]"
rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
rich_utils.ABORTED_TEXT = "Đã dừng."


def _vietnamese_help_words() -> None:
    """Typer hard-codes two English phrases in its vendored Click; say them in Vietnamese."""
    from typer._click import core, formatting

    write_usage = formatting.HelpFormatter.write_usage
    get_help_option = core.Command.get_help_option

    def write_usage_vi(self, prog, args="", prefix=None):
        write_usage(self, prog, args, "Cách dùng: " if prefix is None else prefix)

    def get_help_option_vi(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = "In hướng dẫn này rồi thoát."
        return option

    formatting.HelpFormatter.write_usage = write_usage_vi
    core.Command.get_help_option = get_help_option_vi


_vietnamese_help_words()


# What the help shows for an option's value, by option (and, where it differs, by command):
# Typer would print the Python type (<str>, <list[Path]>, <int range> [x>=10]).
_VALUE_LABELS = {
    "paths": "TỆP…", "out_dir": "THƯ MỤC", "config": "TỆP", "rules": "TỆP", "out_file": "TỆP",
    "db": "TỆP", "to": "ĐỊA CHỈ", "province": "TÊN", "district": "TÊN", "place_name": "ĐỊA DANH",
    "unit": "ĐƠN VỊ", "kind": "LOẠI", "as_of": "NGÀY", "birth": "NGÀY", "period": "KỲ",
    "year": "NĂM", "quarter": "QUÝ", "fmt": "DẠNG", "card": "SỐ THẺ", "member": "SỐ THẺ",
    "name": "HỌ TÊN", "row": "DÒNG", "members": "SỐ", "seed": "SỐ", "districts": "SỐ",
}  # fmt: skip
_VALUE_LABELS_OF_COMMAND = {("report", "out_dir"): "THƯ MỤC"}


def _vietnamese_value_labels() -> None:
    """Help names every option's value in Vietnamese ("TỆP…", "NĂM") and a range as "1–4" or
    "≥ 10"; the usage line says "[TÙY CHỌN]". Typer has no setting for these: its display
    functions are replaced here, in one place."""
    from typer import core
    from typer._click import core as click_core

    def label(param, command: str | None) -> str:
        found = _VALUE_LABELS_OF_COMMAND.get((command, param.name)) or _VALUE_LABELS.get(param.name)
        if found is None:
            annotation = param.type_descriptor.annotation
            found = "SỐ" if annotation in (int, float) else "CHỮ"
        many = getattr(param, "multiple", False) and not found.endswith("…")
        return found + ("…" if many else "")

    def display_type(self, ctx):
        if getattr(self, "is_flag", False) or isinstance(self, core.TyperArgument):
            return None  # a flag takes no value; an argument's name column already says it
        if self.type_descriptor.is_choice:
            return original_display_type(self, ctx)
        return label(self, ctx.info_name if ctx else None)

    def argument_init(self, *args, **kwargs):
        argument_init_of_typer(self, *args, **kwargs)
        if self.metavar is None:  # an argument's name in the help and in error messages
            self.metavar = label(self, None)

    def usage_display_name(self):
        shown = label(self, None)
        return shown if self.required else f"[{shown}]"

    def describe_range(low, high):
        if low is None and high is None:
            return None
        if low is None:
            return f"≤ {high}"
        if high is None:
            return f"≥ {low}"
        return f"{low}–{high}"

    def usage_pieces(self, ctx):
        pieces = collect_usage_pieces(self, ctx)
        return ["[TÙY CHỌN]" if piece == "[OPTIONS]" else piece for piece in pieces]

    def group_usage_pieces(self, ctx):
        pieces = collect_group_usage_pieces(self, ctx)
        return ["LỆNH [THAM SỐ]…" if p == "COMMAND [ARGS]..." else p for p in pieces]

    original_display_type = core._TyperParameter.display_type
    argument_init_of_typer = core.TyperArgument.__init__
    collect_usage_pieces = click_core.Command.collect_usage_pieces
    collect_group_usage_pieces = core.TyperGroup.collect_usage_pieces
    core._TyperParameter.display_type = display_type
    core.TyperArgument.__init__ = argument_init
    core.TyperArgument._usage_display_name = usage_display_name
    core.describe_number_range = describe_range
    click_core.Command.collect_usage_pieces = usage_pieces
    core.TyperGroup.collect_usage_pieces = group_usage_pieces


_vietnamese_value_labels()

HELP_OPTION = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="tcxd",
    help=(
        "tcxd: nhập danh sách đảng viên, biến động, kết quả đánh giá từ các tệp đơn vị gửi lên; "
        "xếp loại chất lượng; lập biểu tổng hợp cho Ban Tổ chức."
    ),
    no_args_is_help=True,
    add_completion=False,
    context_settings=HELP_OPTION,
    rich_markup_mode="rich",
)
# Piped into a file or a CI log there is no terminal width: use a wide page, not Rich's 80.
_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160


class SafeConsole(Console):
    """A console that never lets data drive the terminal: every string it renders (messages,
    table cells, titles) passes `terminal_text` first, so an ESC or BEL in a file name, a member's
    name or a stored value is shown as a sign instead of obeyed."""

    def render_str(self, text: str, **kwargs):
        return super().render_str(terminal_text(text), **kwargs)


out = SafeConsole(highlight=False, soft_wrap=True, width=_WIDTH)
err = SafeConsole(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Tệp cơ sở dữ liệu SQLite hoặc địa chỉ PostgreSQL (mặc định: ./tcxd.db).",
        envvar="TCXD_DB",
        show_envvar=True,
    ),
]


def _option_parser(parse):
    """A Typer parser from a `tcxd.periods.parse_*` function: its UserInputError (a Vietnamese
    text) becomes a usage error, "Lệnh không đúng: Giá trị không hợp lệ cho '--year': …", exit 2."""

    def convert(value):
        if not isinstance(value, str):
            return value
        from tcxd.errors import UserInputError

        try:
            return parse(value)
        except UserInputError as error:
            raise typer.BadParameter(error.message) from None

    convert.__name__ = parse.__name__
    return convert


def _year_parser(value):
    from tcxd.periods import parse_year

    return _option_parser(parse_year)(value)


def _quarter_parser(value):
    from tcxd.periods import parse_quarter

    return _option_parser(parse_quarter)(value)


def _period_parser(value):
    from tcxd.periods import parse_code

    return _option_parser(parse_code)(value)


# The one way every command reads --year / --quarter / --period (help text differs by command).
def year_option(help_text: str):
    return typer.Option("--year", help=help_text, parser=_year_parser)


def quarter_option(help_text: str):
    return typer.Option("--quarter", help=help_text, parser=_quarter_parser, min=1, max=4)


def period_option(help_text: str):
    return typer.Option("--period", help=help_text, parser=_period_parser)


def _version(value: bool) -> None:
    if value:
        out.print(f"tcxd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="In phiên bản rồi thoát."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Khi có lỗi, in thêm chi tiết kỹ thuật (traceback).")
    ] = False,
) -> None:
    """tcxd: công cụ của Ban Tổ chức để nhập, xếp loại và tổng hợp số liệu đảng viên."""


# --------------------------------------------------------------------------- init


@app.command("init", context_settings=HELP_OPTION)
def init_command(
    province: Annotated[
        str | None, typer.Option("--province", help='Tên tỉnh ủy, ví dụ "Tỉnh ủy Bình Minh".')
    ] = None,
    district: Annotated[
        list[str] | None,
        typer.Option(
            "--district", help="Tên một đảng bộ cấp trên cơ sở (lặp lại cho nhiều đơn vị)."
        ),
    ] = None,
    place_name: Annotated[
        str | None,
        typer.Option("--place", help='Địa danh ghi ở dòng ngày tháng, ví dụ "Bình Minh".'),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Tệp cấu hình YAML của tỉnh (tên, đơn vị, người ký…)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Tạo cơ sở dữ liệu với tỉnh và các đảng bộ cấp trên cơ sở. Chạy lại không sao."""
    from tcxd.errors import UserInputError
    from tcxd.province import initialize
    from tcxd.settings import DistrictConfig

    if config is not None:
        settings = load_province_config(config)
    elif province:
        settings = ProvinceConfig(
            name=province,
            place_name=place_name,
            districts=[DistrictConfig(name) for name in district or []],
        )
    else:
        raise UserInputError('Cần --province "Tên tỉnh ủy" hoặc --config tinh.yaml.')
    url = database_url(db)
    result = initialize(url, settings)
    verb = "Đã tạo" if result.created else "Đã có sẵn"
    out.print(f"{verb} cơ sở dữ liệu cho [bold]{result.province}[/bold] ({_where(url)}).")
    if result.districts_added:
        out.print(f"Thêm {len(result.districts_added)} đảng bộ cấp trên cơ sở.")
    if result.districts_existing:
        out.print(f"{len(result.districts_existing)} đảng bộ cấp trên cơ sở đã có từ trước.")


def _where(url: str) -> str:
    from tcxd.settings import sqlite_path

    path = sqlite_path(url)
    return str(path) if path else url.split("@")[-1]


# --------------------------------------------------------------------------- sample


# = tcxd.sample.world.MIN_MEMBERS (not imported here: it would load pandas for every command;
# tests/cli/test_folder_terminal.py checks that the two agree)
SAMPLE_MIN_MEMBERS = 100


@app.command("sample", context_settings=HELP_OPTION)
def sample_command(
    out_dir: Annotated[Path, typer.Argument(help="Thư mục ghi các tệp mẫu.")],
    members: Annotated[
        int, typer.Option("--members", min=SAMPLE_MIN_MEMBERS, help="Số đảng viên.")
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", help="Hạt giống ngẫu nhiên (cùng hạt → cùng dữ liệu).")
    ] = 1,
    districts: Annotated[
        int | None, typer.Option("--districts", min=1, help="Số đảng bộ cấp trên cơ sở.")
    ] = None,
    mess: Annotated[
        bool,
        typer.Option("--mess/--clean", help="Tệp lộn xộn như thực tế (mặc định) hay tệp sạch."),
    ] = True,
) -> None:
    """Sinh một tỉnh mẫu hư cấu: các tệp đơn vị gửi lên và tệp đáp án truth.json."""
    from tcxd.sample import generate

    summary = generate(out_dir, members=members, seed=seed, districts=districts, mess=mess)
    out.print(
        f"Đã sinh tỉnh mẫu: {summary.districts} đảng bộ cấp trên cơ sở, {summary.tccsd} TCCSĐ, "
        f"{summary.members} đảng viên, {summary.files} tệp trong {out_dir}."
    )


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

    from tcxd.db.engine import open_database
    from tcxd.importing import ImportOptions, import_paths
    from tcxd.province import load_province, province_aliases
    from tcxd.workflow.error_workbook import write_error_workbooks

    engine = open_database(database_url(db))
    load_province(engine)
    options = ImportOptions(
        kind=_kind_option(kind),
        unit=unit,
        as_of=_date_option(as_of, "--as-of"),
        year=year,
        quarter=quarter,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        sheet=sheet,
        aliases=province_aliases(engine),
        create_units=create_units,
        skip_bad_rows=skip_bad_rows,
        errors_out=errors_out,
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
    refused = [(Path(f.path), f.issues) for f in result.refused]
    written = write_error_workbooks(refused, errors_out) if refused else []
    _render_import(result, paths, {str(w.source): w.path for w in written})
    from tcxd.cli_lock import after_import

    after_import(engine, result)  # locked periods whose figures the import changed
    if result.refused:
        raise typer.Exit(int(ExitCode.BAD_FILE))


STATUS_LABELS = {  # of tcxd.filestatus.FileStatus
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


def _render_import(
    result, roots: list[Path], error_workbooks: dict[str, Path] | None = None
) -> None:
    """The summary table, then warnings, then each refused file's problems (and the error
    workbook written for it, to send back to the unit)."""
    from rich.markup import escape

    table = _table(
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
            err.print(f"  - {escape(problem)}")
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


def _kind_option(kind: str | None) -> str | None:
    from tcxd.errors import UserInputError

    kinds = {
        "members": "members",
        "organizations": "organizations",
        "changes": "changes",
        "evaluations": "evaluations",
    }
    if kind is None:
        return None
    if kind not in kinds:
        raise UserInputError(f'--kind "{kind}" không hợp lệ; chọn một trong: {", ".join(kinds)}.')
    return kinds[kind]


def _date_option(value: str | None, option: str):
    from datetime import datetime

    from tcxd.errors import UserInputError

    if value is None:
        return None
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UserInputError(f'{option} "{value}" không phải ngày hợp lệ (cần dd/mm/yyyy).')


# --------------------------------------------------------------------------- classify, rules


@app.command("classify", context_settings=HELP_OPTION)
def classify_command(
    year: Annotated[int, year_option("Năm đánh giá, xếp loại.")],
    quarter: Annotated[int | None, quarter_option("Xếp loại theo quý (1–4).")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Tệp quy định riêng của tỉnh (ghi đè giá trị).")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Chỉ xếp loại một đảng bộ cấp trên cơ sở.")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Thư mục ghi danh sách kết quả để in và ký: mỗi đảng bộ một tệp .xlsx, mỗi "
            "tổ chức cơ sở đảng, chi bộ một trang, kèm trang đề nghị cấp ủy quyết định.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Xếp loại chất lượng đảng viên và tổ chức đảng theo quy định đang có hiệu lực, kèm lý do."""
    from rich.markup import escape

    from tcxd.classify import classify, summary
    from tcxd.db.engine import open_database
    from tcxd.periods import short_date

    if out_dir is not None:
        _refuse_file_as_folder(out_dir)
    engine = open_database(database_url(db))
    with err.status("Đang xếp loại…", spinner="dots") if err.is_terminal else nullcontext():
        result = classify(engine, year, quarter, rules, unit)
    names = _org_names(engine)
    ruleset = result.ruleset
    title = (
        f"Kết quả xếp loại {result.period.label} theo {ruleset_title(ruleset.id, ruleset.version)}"
    )
    table = _table(
        title,
        [
            "Đảng bộ",
            f"Đảng viên ngày {short_date(result.period.end)}",
            "Có kết quả",
            *vocab.ranked("levels"),
            "Không xếp loại",
            "Chờ quyết định",
            "Hạ do tỷ lệ",
        ],
    )
    for row in summary(result, names):
        rated = sum(row[level] for level in vocab.ranked("levels"))
        cells = [
            f"{number_vi(row[level])} ({_pct(row[level], rated)})"
            for level in vocab.ranked("levels")
        ]
        table.add_row(
            escape(row["district"]),
            number_vi(row["on_date"]),
            number_vi(row["total"]),
            *cells,
            number_vi(row["not_reviewed"]),
            number_vi(row["needs_decision"]),
            number_vi(row["capped"]),
        )
    out.print(table)
    from tcxd.classify import rule_basis

    on_date, rated = sum(result.on_date.values()), len(result.members)
    out.print(
        f"Đảng viên ngày {short_date(result.period.end)} (như dòng D của biểu): "
        f"{number_vi(on_date)}; có kết quả (xếp loại hoặc không xếp loại theo quy định): "
        f"{number_vi(rated)}; chưa có kết quả đánh giá: {number_vi(on_date - rated)} (danh sách "
        "ở tcxd check, mục 4)."
    )

    out.print(escape(rule_basis(ruleset, year)))
    organizations = result.organizations
    rated_orgs = int(organizations["level"].notna().sum()) if len(organizations) else 0
    out.print(
        f"Tổ chức đảng: {number_vi(rated_orgs)} đã xếp loại trên "
        f"{number_vi(len(organizations))} tổ chức."
    )
    if out_dir is not None:
        from tcxd.reports.classify_lists import write_lists

        run = write_lists(engine, result, out_dir, whole_province=unit is None)
        out.print(
            f"Đã ghi {number_vi(len(run.files))} tệp danh sách kết quả vào thư mục {run.folder}."
        )


def _refuse_file_as_folder(path: Path) -> None:
    """`--out` of classify is a folder: a spreadsheet name there is the old usage."""
    from tcxd.errors import UserInputError

    if path.is_file() or path.suffix.lower() in (".xlsx", ".xls", ".ods", ".csv"):
        raise UserInputError(
            f'--out cần một thư mục, không phải tệp ("{path}"). '
            "Ví dụ: tcxd classify --year 2025 --out ket-qua"
        )


def _pct(count: int, total: int) -> str:
    return f"{number_vi(count * 100 / total, decimals=2)}%" if total else "-"


def _org_names(engine) -> dict[int, str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, name FROM organization")).fetchall())


rules_app = typer.Typer(
    help="Xem quy định xếp loại đang có hiệu lực.", context_settings=HELP_OPTION
)
app.add_typer(rules_app, name="rules")


@rules_app.command("show", context_settings=HELP_OPTION)
def rules_show_command(
    year: Annotated[int | None, year_option("Năm xếp loại (mặc định: năm nay).")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Tệp quy định riêng của tỉnh (ghi đè giá trị).")
    ] = None,
    db: DbOption = None,
) -> None:
    """In quy định xếp loại của một năm, ghi rõ nguồn của từng giá trị."""
    from datetime import date

    from rich.markup import escape

    from tcxd.rules.loader import load_rules
    from tcxd.rules.show import describe

    year = date.today().year if year is None else year
    override = rules
    if override is None:
        from tcxd.settings import sqlite_path

        url = database_url(db)
        path = sqlite_path(url)
        if path is None or path.exists():
            from tcxd.db.engine import open_database
            from tcxd.province import load_province

            override = load_province(open_database(url)).get("rules_file")
    ruleset = load_rules(year, override=override)  # a RuleError is a ConfigError
    table = _table(
        f"Quy định xếp loại năm {year}: {ruleset_title(ruleset.id, ruleset.version)}",
        ["Phần", "Mục", "Giá trị", "Nguồn"],
    )
    for section, item, value, source in describe(ruleset):
        table.add_row(escape(section), escape(item), escape(value), escape(source))
    out.print(table)


# --------------------------------------------------------------------------- report, check

PERIOD_HELP = "Kỳ báo cáo: q1 q2 q3 q4 (quý), h1 (6 tháng đầu năm), 9m (9 tháng), year (năm)."
YEAR_HELP = "Năm của kỳ báo cáo (mặc định: năm của kỳ vừa kết thúc gần nhất)."


def _period(code: str, year: int | None):
    from tcxd.errors import UserInputError
    from tcxd.periods import Period, default_period

    codes = ("q1", "q2", "q3", "q4", "h1", "9m", "year")
    code = code.lower()
    if code not in codes:
        raise UserInputError(f'--period "{code}" không hợp lệ; chọn một trong: {" ".join(codes)}.')
    return Period.parse(code, year) if year is not None else default_period(code)


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

    from tcxd.db.engine import open_database
    from tcxd.errors import UserInputError
    from tcxd.reports.build import FORMATS, build_reports

    if fmt not in FORMATS:
        raise UserInputError(f'--format "{fmt}" không hợp lệ; chọn xlsx, json hoặc all.')
    chosen = _period(period, year)
    engine = open_database(database_url(db))
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("Đang tính số liệu", total=None)

        def on_unit(name: str, number: int, total: int) -> None:
            progress.update(task, total=total, completed=number - 1, description=f"Đang ghi {name}")

        run = build_reports(engine, chosen, out_dir, unit=unit, fmt=fmt, on_unit=on_unit)
    table = _table(
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
    from tcxd.cli_lock import render_report_locks

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

    from tcxd.cli_lock import render_changes
    from tcxd.db.engine import open_database
    from tcxd.reports.build import check_period
    from tcxd.workflow.lock import locked_changes

    chosen = _period(period, year)
    engine = open_database(database_url(db))
    rows = check_period(engine, chosen, unit)
    changes = locked_changes(engine, chosen, unit)  # locked: figures that differ from the sent
    if not rows and not changes:
        out.print(f"Kiểm tra {chosen.label}: không phát hiện vấn đề nào.")
        return
    render_changes(changes)
    if not rows:
        raise typer.Exit(int(ExitCode.CHECKS_FAILED))
    table = _table(
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


# --------------------------------------------------------------------------- entry point


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def _say_waiting(seconds_left: float) -> None:
    """A write waits for another program's lock: say so (once a run), then it goes on waiting."""
    if not getattr(_say_waiting, "said", False):
        _say_waiting.said = True
        err.print(
            f"[yellow]{WAITING_MESSAGE.format(seconds=number_vi(math.ceil(seconds_left)))}[/yellow]"
        )


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: run the app, turn every error into a message and an exit code."""
    from tcxd.db.waiting import on_lock_wait

    _say_waiting.said = False
    on_lock_wait(_say_waiting)
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("TCXD_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    try:
        # Without standalone mode, Typer returns the code of a `typer.Exit` instead of exiting.
        code = app(args=args, prog_name="tcxd", standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except SystemExit:
        raise
    except BaseException as error:
        sys.exit(_report_error(error, debug))
    if code == ExitCode.INTERRUPTED:
        # Typer turns Ctrl-C inside a command into a silent `Exit(130)`: say what happened.
        sys.exit(_report_error(KeyboardInterrupt(), debug))
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


# Typer's usage errors are English; these are the ones a clerk meets.
_USAGE_WORDS = (
    ("Missing option", "Thiếu tùy chọn"),
    ("Missing argument", "Thiếu tham số"),
    ("No such option:", "Không có tùy chọn"),
    ("No such command", "Không có lệnh"),
    ("Invalid value for", "Giá trị không hợp lệ cho"),
    ("Got unexpected extra arguments", "Thừa các tham số"),
    ("Got unexpected extra argument", "Thừa tham số"),
    ("Option", "Tùy chọn"),
    ("requires an argument", "cần một giá trị"),
    ("is not a valid integer", "không phải số nguyên"),
    ("Input should be a valid integer, unable to parse string as an integer", "cần một số nguyên"),
    ("is not in the range", "nằm ngoài khoảng"),
    ("Input should be greater than or equal to", "cần lớn hơn hoặc bằng"),
    ("Input should be less than or equal to", "cần nhỏ hơn hoặc bằng"),
    ("Did you mean", "Có phải ý bạn là"),
)


def _vietnamese_usage(message: str) -> str:
    for english, vietnamese in _USAGE_WORDS:
        message = message.replace(english, vietnamese)
    return message


def _report_error(error: BaseException, debug: bool) -> int:
    if isinstance(error, typer.Abort):
        error = KeyboardInterrupt()
    if isinstance(error, typer.TyperException):  # usage errors of the command line
        err.print(f"[red]Lệnh không đúng:[/red] {_vietnamese_usage(error.format_message())}")
        err.print("Xem hướng dẫn: tcxd --help, hoặc tcxd <lệnh> --help.")
        return ExitCode.USAGE
    message, code = describe(error)
    if debug:
        err.print_exception(show_locals=False)
    err.print(f"[red]Lỗi:[/red] {message}")
    return int(code)


# Commands kept in their own modules register themselves on `app` when imported (last, since
# they use the helpers above).
import tcxd.cli_admin  # noqa: E402
import tcxd.cli_clerk  # noqa: E402
import tcxd.cli_lock  # noqa: E402, F401
