"""Typed errors, exit codes, and the one place that turns an error into a message and a code.

The library raises these; `tcxd.cli.app.main` calls `describe()` and nothing else decides what a
clerk sees.
Messages are Vietnamese and never contain a traceback (that needs `--debug`).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2  # the command line or a config file is wrong
    BAD_FILE = 3  # at least one input file was refused
    DATABASE = 4  # the database cannot be opened, is of another version, is busy…
    CHECKS_FAILED = 5  # `tcxd check` found problems
    OUTPUT = 6  # an output file cannot be written (open in Excel, no permission…)
    INTERRUPTED = 130  # Ctrl-C


class TcxdError(Exception):
    """Base of every error a clerk may see; `message` is Vietnamese and self-contained."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UserInputError(TcxdError):
    exit_code = ExitCode.USAGE


class ConfigError(UserInputError):
    """A province config or rule file is wrong."""


class NotInitializedError(UserInputError):
    pass


class ProvinceMismatchError(UserInputError):
    pass


class UnknownUnitError(UserInputError):
    pass


class BadFileError(TcxdError):
    exit_code = ExitCode.BAD_FILE


class DatabaseError(TcxdError):
    exit_code = ExitCode.DATABASE


class SchemaVersionError(DatabaseError):
    pass


class TreeLoopError(DatabaseError):
    """The stored organisation tree has a loop (a unit above itself)."""


class OutputError(TcxdError):
    """A workbook or file tcxd writes cannot be put in place; nothing of the run was written."""

    exit_code = ExitCode.OUTPUT


class ChecksFailed(TcxdError):
    exit_code = ExitCode.CHECKS_FAILED


class PeriodLockError(UserInputError):
    """A period cannot be locked or unlocked as asked (already locked, no data, not locked)."""


INTERNAL_MESSAGE = (
    "Lỗi nội bộ của tcxd: {kind}. Dữ liệu đã có không bị thay đổi. "
    "Chạy lại lệnh với --debug để xem chi tiết kỹ thuật và gửi cho người quản trị."
)
INTERRUPTED_MESSAGE = (
    "Đã dừng theo yêu cầu (Ctrl-C). Tệp đang nhập dở không được ghi vào cơ sở dữ liệu."
)
LOCKED_MESSAGE = (
    "Cơ sở dữ liệu đang được một lệnh tcxd khác sử dụng và chưa nhả ra sau thời gian chờ. "
    "Hãy chờ lệnh kia chạy xong rồi chạy lại."
)
WAITING_MESSAGE = (
    "Cơ sở dữ liệu đang được một lệnh tcxd khác ghi: đang chờ lệnh kia nhả ra "
    "(tối đa {seconds} giây nữa)…"
)
DATABASE_MESSAGE = (
    "Không làm việc được với cơ sở dữ liệu ({kind}). Kiểm tra đường dẫn --db / TCXD_DB."
)


def describe(error: BaseException) -> tuple[str, ExitCode]:
    """The Vietnamese message and exit code for any error that reaches the command line."""
    if isinstance(error, TcxdError):
        return error.message, error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED_MESSAGE, ExitCode.INTERRUPTED
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, OperationalError) and "locked" in str(error.orig).lower():
        return LOCKED_MESSAGE, ExitCode.DATABASE
    if isinstance(error, DBAPIError):
        # The DBAPI text may quote row data: name only the kind of failure.
        return DATABASE_MESSAGE.format(kind=type(error.orig).__name__), ExitCode.DATABASE
    return INTERNAL_MESSAGE.format(kind=type(error).__name__), ExitCode.INTERNAL
