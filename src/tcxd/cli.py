"""The command line: parse options, call the library, render the result with Rich.

This is the only module that prints. Every error reaches `main()`, which asks
`tcxd.errors.describe` for the Vietnamese message and the exit code; a traceback is shown only
with `--debug` (anywhere on the command line) or TCXD_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.rich_utils as rich_utils
from rich.console import Console
from rich.table import Table

from tcxd import __version__
from tcxd.errors import ExitCode, describe
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
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Tệp cơ sở dữ liệu SQLite hoặc địa chỉ PostgreSQL (mặc định: ./tcxd.db).",
        envvar="TCXD_DB",
        show_envvar=True,
    ),
]


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


@app.command("sample", context_settings=HELP_OPTION)
def sample_command(
    out_dir: Annotated[Path, typer.Argument(help="Thư mục ghi các tệp mẫu.")],
    members: Annotated[int, typer.Option("--members", min=10, help="Số đảng viên.")] = 2000,
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


# --------------------------------------------------------------------------- entry point


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: run the app, turn every error into a message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("TCXD_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    try:
        app(args=args, prog_name="tcxd", standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except SystemExit:
        raise
    except BaseException as error:
        sys.exit(_report_error(error, debug))
    sys.exit(ExitCode.OK)


def _report_error(error: BaseException, debug: bool) -> int:
    if isinstance(error, typer.Abort):
        error = KeyboardInterrupt()
    if isinstance(error, typer.TyperException):  # usage errors of the command line
        err.print(f"[red]Lệnh không đúng:[/red] {error.format_message()}")
        err.print("Xem hướng dẫn: tcxd --help, hoặc tcxd <lệnh> --help.")
        return ExitCode.USAGE
    message, code = describe(error)
    if debug:
        err.print_exception(show_locals=False)
    err.print(f"[red]Lỗi:[/red] {message}")
    return int(code)
