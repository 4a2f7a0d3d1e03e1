"""Each command imports only what it uses: `tcxd import` does not load the rating engine, the
report writers or the other commands' modules (a clerk's re-import of unchanged files is mostly
start-up). Checked in a fresh process, where `sys.modules` is what the command really loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Modules `tcxd import` never uses: other commands' modules and the engines behind them.
NOT_FOR_IMPORT = (
    "tcxd.rating",
    "tcxd.reports.classify_lists",
    "tcxd.sample",
    "tcxd.cli.classify",
    "tcxd.cli.report",
    "tcxd.cli.clerk",
    "tcxd.cli.admin",
    "tcxd.cli.province",
    "tcxd.workflow.status",
    "xlsxwriter",  # the error workbooks are written only when a file is refused
)

RUN_AND_LIST_MODULES = """
import json, sys
from tcxd.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run_in_fresh_process(*args) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    return report["code"], set(report["modules"])


def loaded(modules: set[str], prefix: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for name in modules)


def test_import_help_loads_no_other_command():
    code, modules = run_in_fresh_process("import", "--help")
    assert code == 0
    assert [name for name in NOT_FOR_IMPORT if loaded(modules, name)] == []
    assert not loaded(modules, "tcxd.importing")  # its help needs not even the import itself


def test_a_small_import_loads_only_what_it_uses(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'tcxd.db'}"
    code, _ = run_in_fresh_process(
        "init", "--province", "Tỉnh ủy Bình Minh", "--district", "Đảng bộ xã Phú An", "--db", db
    )
    assert code == 0
    folder = tmp_path / "01. Dang bo xa Phu An"
    folder.mkdir()
    (folder / "to-chuc.csv").write_text(
        "STT,Tên tổ chức đảng,Loại tổ chức,Trực thuộc,Loại hình\n"
        "1,Chi bộ thôn 1,Chi bộ cơ sở,Đảng bộ xã Phú An,Xã\n",
        encoding="utf-8",
    )
    code, modules = run_in_fresh_process("import", folder, "--db", db)
    assert code == 0
    assert [name for name in NOT_FOR_IMPORT if loaded(modules, name)] == []
    # Unchanged files: nothing to compare with the locked periods either (their figures, forms)
    code, modules = run_in_fresh_process("import", folder, "--db", db)
    assert code == 0
    unused = [*NOT_FOR_IMPORT, "tcxd.reports", "tcxd.workflow.lock"]
    assert [name for name in unused if loaded(modules, name)] == []


@pytest.mark.parametrize(
    ("command", "module"),
    [("classify", "tcxd.cli.classify"), ("report", "tcxd.cli.report"), ("lock", "tcxd.cli.lock")],
)
def test_each_command_loads_its_own_module_only(command, module):
    code, modules = run_in_fresh_process(command, "--help")
    assert code == 0
    assert module in modules
    others = {"tcxd.cli.imports", "tcxd.cli.classify", "tcxd.cli.report", "tcxd.cli.clerk"}
    assert sorted(m for m in others - {module} if m in modules) == []


# --------------------------------------------------------------------------- the process's end
# `console_main` (the program) ends the process after `main` without the interpreter's last walk
# over every object; what a normal end did must still be done: databases closed (SQLite writes
# its WAL back and removes it), the exit code and the messages as `main` gives them.


def run_program(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tcxd", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_the_program_closes_the_database_it_wrote(tmp_path):
    db = tmp_path / "t.db"
    folder = tmp_path / "tep"
    folder.mkdir()
    (folder / "to-chuc.csv").write_text(
        "STT,Tên tổ chức đảng,Cấp,Trực thuộc\n"
        "1,Đảng bộ xã An Phú,dang_bo_co_so,Tỉnh ủy Thử\n"
        "2,Chi bộ thôn 1,chi_bo,Đảng bộ xã An Phú\n",
        encoding="utf-8",
    )
    init = run_program("init", "--province", "Tỉnh ủy Thử", "--db", db, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    done = run_program("import", folder, "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert sorted(path.name for path in tmp_path.glob("t.db*")) == ["t.db"]  # no -wal, -shm


def test_the_program_gives_mains_exit_code_and_message(tmp_path):
    done = run_program("import", tmp_path, "--db", tmp_path / "none.db", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Lỗi: Chưa có cơ sở dữ liệu")
    assert "Traceback" not in done.stdout + done.stderr
