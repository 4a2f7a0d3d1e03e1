"""The Environment: what a run takes from its surroundings, read once by the CLI."""

from __future__ import annotations

import sys

from tcxd.core.environment import PIPED_WIDTH, Environment
from tcxd.importing import read_workers
from tcxd.reports.build import report_workers


def test_values_come_from_the_given_variables_only():
    env = Environment.from_os(
        {
            "TCXD_READ_WORKERS": "0",
            "TCXD_REPORT_WORKERS": "3",
            "TCXD_BUSY_TIMEOUT_MS": "1500",
            "TCXD_DEBUG": "1",
        }
    )
    assert (env.read_workers, env.report_workers, env.busy_timeout_ms, env.debug) == (
        0,
        3,
        1500,
        True,
    )


def test_unset_or_wrong_values_leave_the_library_defaults():
    env = Environment.from_os({"TCXD_READ_WORKERS": "many", "TCXD_BUSY_TIMEOUT_MS": ""})
    assert (env.read_workers, env.report_workers, env.busy_timeout_ms, env.debug) == (
        None,
        None,
        None,
        False,
    )


def test_printing_into_a_file_uses_a_wide_page_unless_told_the_width(monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert Environment.from_os({}).out.width == PIPED_WIDTH
    assert Environment.from_os({}, width=400).err.width == 400


def test_library_code_reads_no_environment_variable(monkeypatch):
    monkeypatch.setenv("TCXD_READ_WORKERS", "0")
    monkeypatch.setenv("TCXD_REPORT_WORKERS", "1")
    assert read_workers() >= 1  # the CPU-based default, not the variable
    assert read_workers(0) == 0
    assert report_workers(2) == 2
