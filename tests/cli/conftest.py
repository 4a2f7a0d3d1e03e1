from __future__ import annotations

import pytest

from tcxd.cli import main
from tcxd.core.environment import Environment


class Result:
    def __init__(self, code, out, err):
        self.exit_code, self.stdout, self.stderr = code, out, err

    @property
    def output(self):
        return self.stdout + self.stderr


@pytest.fixture
def tcxd(capsys, monkeypatch, tmp_path):
    """Run the real entry point in-process: exit code, stdout and stderr as a clerk sees them.
    The working folder is the test's own (`tcxd import` writes ./tep-loi/ there)."""
    monkeypatch.delenv("TCXD_DB", raising=False)
    monkeypatch.chdir(tmp_path)

    def run(*args):
        # Tables as wide as their content, whatever terminal or CI log the suite runs in; the
        # variables a test sets before running (TCXD_BUSY_TIMEOUT_MS…) taken as a run takes them.
        env = Environment.from_os(width=400)
        capsys.readouterr()
        try:
            main([str(a) for a in args], env)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
