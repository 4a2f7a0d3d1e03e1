"""The command line's core: the Typer app, the options and parsers its commands share, and
`main`, the one place where every error becomes a Vietnamese message and an exit code (asked of
`tcxd.core.errors.describe`); a traceback is shown only with `--debug` (anywhere on the command
line) or TCXD_DEBUG=1.

The commands live beside this module, one module per group, each registering its commands on
`app` when imported. `app` imports a command's module only when that command is run or its help
shown (`COMMAND_MODULES`), so that `tcxd import` does not load the rating engine, the report
writers and the other commands it never uses. The cli package is the only code that prints: to `out`
and `err`, the consoles of the Environment `main` runs with.
"""

from __future__ import annotations

import importlib
import math
import sys
from typing import Annotated, cast

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from tcxd import __version__
from tcxd.cli.i18n import vietnamese_usage
from tcxd.core.environment import Environment
from tcxd.core.errors import WAITING_MESSAGE, ExitCode, describe
from tcxd.core.formatting import number_vi

HELP_OPTION = {"help_option_names": ["-h", "--help"]}

# Every command and the module beside this one that registers it, in the order `tcxd --help`
# lists them.
COMMAND_MODULES = {
    "init": "province", "sample": "province", "import": "imports", "classify": "classify",
    "report": "report", "check": "report", "migrate": "admin", "status": "clerk",
    "template": "clerk", "diff": "clerk", "explain": "clerk", "lock": "lock", "unlock": "lock",
    "rules": "classify",
}  # fmt: skip


class CommandsOnDemand(TyperGroup):
    """The root command: it knows every command's name (`COMMAND_MODULES`) and imports a
    command's module when the command is asked for, so each command loads only what it uses.
    An unknown name loads them all: the "did you mean" suggestion is made among every command."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands:
            module = COMMAND_MODULES.get(cmd_name)
            self._load(set(COMMAND_MODULES.values()) if module is None else {module})
        return self.commands.get(cmd_name)

    def _load(self, modules: set[str]) -> None:
        for module in sorted(modules):
            importlib.import_module(f"tcxd.cli.{module}")  # registers its commands on `app`
        built = typer.main.get_group(app).commands
        # In the order of the help (tests/cli/test_help.py: the modules register exactly these).
        self.commands = {
            name: self.commands.get(name) or built[name]
            for name in COMMAND_MODULES
            if name in built
        }


def load_all_commands() -> TyperGroup:
    """The root command with every command loaded (tests walk them all)."""
    root = cast(CommandsOnDemand, typer.main.get_group(app))
    root._load(set(COMMAND_MODULES.values()))
    return root


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
    cls=CommandsOnDemand,
)
# Piped into a file or a CI log there is no terminal width: use a wide page, not Rich's 80.

_DEFAULT = Environment.from_os()
_running: list[Environment] = []


def environment() -> Environment:
    """The Environment of the command being run (the process's own outside `main`)."""
    return _running[-1] if _running else _DEFAULT


class _Console:
    """`out` / `err` of the command modules: the console of `environment()` at the time of use,
    so that a test's Environment (or its own console width) is the one printed to."""

    def __init__(self, which: str) -> None:
        object.__setattr__(self, "_which", which)

    def _console(self):
        return getattr(environment(), self._which)

    def __getattr__(self, name: str):
        return getattr(self._console(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._console(), name, value)


# Typed as the Console they stand for: every attribute is the console's.
out = cast(Console, _Console("out"))
err = cast(Console, _Console("err"))

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
    """A Typer parser from a `tcxd.core.periods.parse_*` function: its UserInputError (a
    Vietnamese text) becomes a usage error, "Lệnh không đúng: Giá trị không hợp lệ cho
    '--year': …", exit 2."""

    def convert(value):
        if not isinstance(value, str):
            return value
        from tcxd.core.errors import UserInputError

        try:
            return parse(value)
        except UserInputError as error:
            raise typer.BadParameter(error.message) from None

    convert.__name__ = parse.__name__
    return convert


def _year_parser(value):
    from tcxd.core.periods import parse_year

    return _option_parser(parse_year)(value)


def _quarter_parser(value):
    from tcxd.core.periods import parse_quarter

    return _option_parser(parse_quarter)(value)


def _period_parser(value):
    from tcxd.core.periods import parse_code

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


def open_database(url: str):
    """The database at `url`, its writers waiting as long as the Environment says."""
    from tcxd.db.engine import open_database as open_checked

    engine = open_checked(url, busy_timeout_ms=environment().busy_timeout_ms)
    if _to_close is not None:
        _to_close.append(engine)
    return engine


# The engines to close when the process ends: kept only under `console_main` (tests calling
# `main` many times in one process would keep every engine of every call otherwise).
_to_close: list | None = None


PERIOD_HELP = "Kỳ báo cáo: q1 q2 q3 q4 (quý), h1 (6 tháng đầu năm), 9m (9 tháng), year (năm)."
YEAR_HELP = "Năm của kỳ báo cáo (mặc định: năm của kỳ vừa kết thúc gần nhất)."


def parse_period(code: str, year: int | None):
    from tcxd.core.errors import UserInputError
    from tcxd.core.periods import Period, default_period

    codes = ("q1", "q2", "q3", "q4", "h1", "9m", "year")
    code = code.lower()
    if code not in codes:
        raise UserInputError(f'--period "{code}" không hợp lệ; chọn một trong: {" ".join(codes)}.')
    return Period.parse(code, year) if year is not None else default_period(code)


def parse_kind_option(kind: str | None) -> str | None:
    from tcxd.core.errors import UserInputError

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


def parse_date_option(value: str | None, option: str):
    from datetime import datetime

    from tcxd.core.errors import UserInputError

    if value is None:
        return None
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UserInputError(f'{option} "{value}" không phải ngày hợp lệ (cần dd/mm/yyyy).')


# --------------------------------------------------------------------------- entry point


def titled_table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def main(argv: list[str] | None = None, env: Environment | None = None) -> None:
    """Console-script entry: run the app, turn every error into a message and an exit code.
    `env` replaces the process's Environment (tests)."""
    from tcxd.db.waiting import on_lock_wait

    args = list(sys.argv[1:] if argv is None else argv)
    _running.append(env or _DEFAULT)
    _say_waiting.said = False  # type: ignore[attr-defined]
    on_lock_wait(_say_waiting)
    try:
        _run(args)
    finally:
        _running.pop()


def console_main() -> None:
    """The `tcxd` program (console script, `python -m tcxd`): `main`, then the process ends
    without the interpreter's last garbage collections over every object the command left."""
    global _to_close
    _to_close = []
    try:
        main()
    finally:
        _before_exit(_to_close)


def _before_exit(engines: list) -> None:
    """Close the databases (SQLite writes its WAL back as it closes), collect the garbage left
    in reference cycles (their finalizers run, as at a normal exit), then freeze what remains:
    the interpreter's teardown would otherwise walk it all once more, ≈ 0.2 s of every command
    on the small province (docs/benchmarks.md, "Lead, fourth session"). Only for the process's
    own end: a frozen object is never collected, which a test calling `main` repeatedly would
    pay for."""
    import contextlib
    import gc

    while engines:
        with contextlib.suppress(Exception):  # (a connection already lost: nothing to close)
            engines.pop().dispose()
    gc.collect()
    gc.freeze()


def _say_waiting(seconds_left: float) -> None:
    """A write waits for another program's lock: say so (once a run), then it goes on waiting."""
    if not getattr(_say_waiting, "said", False):
        _say_waiting.said = True  # type: ignore[attr-defined]
        err.print(
            f"[yellow]{WAITING_MESSAGE.format(seconds=number_vi(math.ceil(seconds_left)))}[/yellow]"
        )


def _run(args: list[str]) -> None:
    debug = "--debug" in args or environment().debug
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


def _report_error(error: BaseException, debug: bool) -> int:
    if isinstance(error, typer.Abort):
        error = KeyboardInterrupt()
    if isinstance(error, typer.TyperException):  # usage errors of the command line
        err.print(f"[red]Lệnh không đúng:[/red] {vietnamese_usage(error.format_message())}")
        err.print("Xem hướng dẫn: tcxd --help, hoặc tcxd <lệnh> --help.")
        return ExitCode.USAGE
    message, code = describe(error)
    if debug:
        err.print_exception(show_locals=False)
    err.print(f"[red]Lỗi:[/red] {message}")
    return int(code)
