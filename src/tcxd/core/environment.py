"""What one run of tcxd takes from its surroundings: the consoles it prints to, how many
processes read files or write workbooks, how long it waits for a database another tcxd holds.

The command line builds one from the process's environment variables (`Environment.from_os`)
and passes its values down; library code takes them as arguments and never reads environment
variables itself. Tests build their own (the pattern of httpie's `Environment`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Console

from tcxd.core.formatting import terminal_text

READ_WORKERS_VARIABLE = "TCXD_READ_WORKERS"  # 0: files are read in the writing process
REPORT_WORKERS_VARIABLE = "TCXD_REPORT_WORKERS"
BUSY_TIMEOUT_VARIABLE = "TCXD_BUSY_TIMEOUT_MS"  # tests, slow shared disks
DEBUG_VARIABLE = "TCXD_DEBUG"  # 1: a traceback after the message, as with --debug
# Piped into a file or a CI log there is no terminal width: use a wide page, not Rich's 80.
PIPED_WIDTH = 160


class SafeConsole(Console):
    """A console that never lets data drive the terminal: every string it renders (messages,
    table cells, titles) passes `terminal_text` first, so an ESC or BEL in a file name, a member's
    name or a stored value is shown as a sign instead of obeyed."""

    def render_str(self, text: str, **kwargs):
        return super().render_str(terminal_text(text), **kwargs)


@dataclass
class Environment:
    out: Console
    err: Console
    read_workers: int | None = None  # None: the importer's choice (one per spare CPU)
    report_workers: int | None = None  # None: the report builder's choice (one per CPU)
    busy_timeout_ms: int | None = None  # None: the database layer's default
    debug: bool = False

    @classmethod
    def from_os(
        cls, environ: Mapping[str, str] | None = None, *, width: int | None = None
    ) -> Environment:
        """The values set in `environ` (the process's by default); `width` fixes the consoles'
        width, else a terminal's own, or PIPED_WIDTH when printing into a file."""
        environ = os.environ if environ is None else environ
        if width is None and not (sys.stdout.isatty() or "COLUMNS" in environ):
            width = PIPED_WIDTH
        return cls(
            out=SafeConsole(highlight=False, soft_wrap=True, width=width),
            err=SafeConsole(stderr=True, highlight=False, soft_wrap=True, width=width),
            read_workers=_count(environ, READ_WORKERS_VARIABLE),
            report_workers=_count(environ, REPORT_WORKERS_VARIABLE),
            busy_timeout_ms=_count(environ, BUSY_TIMEOUT_VARIABLE),
            debug=environ.get(DEBUG_VARIABLE) == "1",
        )


def _count(environ: Mapping[str, str], name: str) -> int | None:
    """A whole number set in `name`; anything else (unset, empty, words) leaves the default."""
    value = environ.get(name, "").strip()
    return int(value) if value.isdigit() else None
