"""A folder is imported file by file, whatever one file does; nothing met is passed over in
silence; nothing printed lets data drive the terminal (issue 16, items 2, 3, 4, 8, 9)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from tests.cli.test_import import AN, BINH, province, query, roster, table_checksums

__all__ = ["province"]  # (the fixture, imported to be used here)

ROOT = os.geteuid() == 0


def _members(db_url: str) -> list[str]:
    return [name for (name,) in query(db_url, "SELECT full_name FROM member ORDER BY full_name")]


def _deny(monkeypatch, denied: Path) -> None:
    """The file cannot be opened by this user: mode 000, and (as root, whom modes do not stop)
    the same PermissionError the system would raise, from every open of that file by Python."""
    denied.chmod(0)
    if not ROOT:
        return
    real_open = Path.open

    def open_(self, *args, **kwargs):
        if Path(self).name == denied.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


# --------------------------------------------------------------------------- item 2


def test_an_unreadable_file_is_refused_by_name_and_the_files_beside_it_go_in(
    tcxd, db_url, province, monkeypatch
):
    folder = province / "01. Chi bo thon 1"
    roster(folder / "a.xlsx", [AN])
    locked = roster(folder / "b.xlsx", [BINH])
    _deny(monkeypatch, locked)
    try:
        result = tcxd("import", province, "--db", db_url)
    finally:
        locked.chmod(0o600)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output and "Lỗi nội bộ" not in result.output
    assert f"Tệp không nhập được: {locked}" in result.stderr
    assert (
        '  - Không đọc được tệp "b.xlsx": không có quyền đọc tệp. Cấp quyền đọc cho tệp (hoặc '
        "chép tệp ra thư mục khác) rồi nhập lại." in result.stderr
    )
    assert "Tổng cộng 3 tệp: 1 nhập được, 1 đã có từ trước, 1 không nhập được." in result.stdout
    assert _members(db_url) == ["Nguyễn Văn An"]


def test_a_reader_that_fails_unexpectedly_refuses_its_file_only(
    tcxd, db_url, province, monkeypatch
):
    from tcxd import reading

    folder = province / "01. Chi bo thon 1"
    roster(folder / "a.xlsx", [AN])
    broken = roster(folder / "b.xlsx", [BINH])
    read_file = reading.read_file

    def failing(path, **options):
        if Path(path).name == broken.name:
            raise ValueError("a bug in a reader, with data: Trần Thị Bình")
        return read_file(path, **options)

    monkeypatch.setattr(reading, "read_file", failing)
    result = tcxd("import", province, "--db", db_url)
    assert result.exit_code == 3, result.output
    assert f"Tệp không nhập được: {broken}" in result.stderr
    assert (
        '  - Không đọc được tệp "b.xlsx": tcxd gặp lỗi không lường trước khi đọc tệp này '
        "(ValueError). Các tệp khác vẫn được nhập; hãy gửi tệp này cho người quản trị."
    ) in result.stderr
    assert "Trần Thị Bình" not in result.output  # the error's own text may quote data
    assert _members(db_url) == ["Nguyễn Văn An"]


def test_a_file_whose_writing_fails_unexpectedly_is_refused_and_leaves_nothing(
    tcxd, db_url, province, monkeypatch
):
    from tcxd.importing import run

    folder = province / "01. Chi bo thon 1"
    roster(folder / "a.xlsx", [AN])
    broken = roster(folder / "b.xlsx", [BINH])
    write = run.write_file

    def failing(file, last_try):
        write(file, last_try)  # every row of the file written, then a failure
        if Path(file.path).name == broken.name:
            raise KeyError("Trần Thị Bình")

    monkeypatch.setattr(run, "write_file", failing)
    result = tcxd("import", province, "--db", db_url)
    assert result.exit_code == 3, result.output
    assert f"Tệp không nhập được: {broken}" in result.stderr
    assert (
        '  - Không ghi được tệp "b.xlsx": tcxd gặp lỗi không lường trước khi ghi tệp này '
        "(KeyError); không có gì của tệp được ghi. Các tệp khác vẫn được nhập; hãy gửi tệp này "
        "cho người quản trị."
    ) in result.stderr
    assert "Trần Thị Bình" not in result.output
    assert _members(db_url) == ["Nguyễn Văn An"]
    assert query(db_url, "SELECT count(*) FROM import_batch") == [(2,)]  # to-chuc, a


def test_an_unreadable_sub_folder_is_listed_and_the_rest_goes_in(
    tcxd, db_url, province, monkeypatch
):
    roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    closed = province / "02. Chi bo khoa"
    roster(closed / "b.xlsx", [BINH])
    closed.chmod(0)
    if ROOT:  # modes do not stop root: the system's answer to a closed folder, injected
        real_scandir = os.scandir

        def scandir(path="."):
            if Path(path) == closed:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        result = tcxd("import", province, "--db", db_url)
    finally:
        closed.chmod(0o700)
    assert result.exit_code == 3, result.output
    assert f"Tệp không nhập được: {closed}" in result.stderr
    assert (
        f'  - Không mở được thư mục "{closed}" (không có quyền đọc): các tệp trong đó chưa được '
        "nhập. Cấp quyền đọc cho thư mục, hoặc chép các tệp ra thư mục khác, rồi nhập lại."
    ) in result.stderr
    assert _members(db_url) == ["Nguyễn Văn An"]


# --------------------------------------------------------------------------- item 3


class _FifoWatch:
    """Tells whether anyone opened the pipe for reading (a writer's open returns only then)."""

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._wait, daemon=True)
        self.thread.start()

    def _wait(self) -> None:
        with open(self.fifo, "wb"):
            self.opened.set()

    def close(self) -> bool:
        """Whether tcxd opened the pipe; then the watch ends."""
        was_opened = self.opened.is_set()
        if not was_opened:  # release the waiting writer: open the reading end
            fd = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
            self.thread.join(5)
            os.close(fd)
        return was_opened


def test_every_path_in_a_folder_is_imported_or_listed_with_why_not(tcxd, db_url, province):
    folder = province / "01. Chi bo thon 1"
    roster(folder / "a.xlsx", [AN])
    (folder / "b.xlsb").write_bytes(b"PK\x03\x04 a binary workbook")
    (folder / "c.xlsx").symlink_to(folder / "gone.xlsx")
    fifo = folder / "d.csv"
    os.mkfifo(fifo)
    watch = _FifoWatch(fifo)
    try:
        result = tcxd("import", province, "--db", db_url)
    finally:
        opened = watch.close()
    assert not opened, "the pipe was opened (a read would block)"
    assert result.exit_code == 3, result.output
    assert (
        f"Tệp không nhập được: {folder / 'b.xlsb'}\n"
        '  - Tệp "b.xlsb": định dạng Excel nhị phân (.xlsb) chưa được hỗ trợ. Mở tệp bằng Excel, '
        "chọn Tệp → Lưu thành → kiểu “Sổ làm việc Excel (*.xlsx)”, rồi nhập tệp .xlsx."
    ) in result.stderr
    assert 'Bỏ qua "c.xlsx": là lối tắt (liên kết) trỏ tới một tệp không còn ở đó.' in result.stdout
    assert (
        'Bỏ qua "d.csv": là một đường ống (FIFO) của hệ thống, không phải tệp; tcxd không mở nó.'
        in result.stdout
    )
    assert (
        "Tổng cộng 5 tệp: 1 nhập được, 1 đã có từ trước, 1 không nhập được, 2 bỏ qua."
        in result.stdout
    )
    assert _members(db_url) == ["Nguyễn Văn An"]


def test_a_pipe_named_on_the_command_line_is_not_opened(tcxd, db_url, province):
    fifo = province / "ds.xlsx"
    os.mkfifo(fifo)
    watch = _FifoWatch(fifo)
    try:
        result = tcxd("import", fifo, "--db", db_url)
    finally:
        opened = watch.close()
    assert not opened
    assert result.exit_code == 0, result.output
    assert "Tổng cộng 1 tệp: 0 nhập được, 0 đã có từ trước, 0 không nhập được, 1 bỏ qua." in (
        result.stdout
    )


# --------------------------------------------------------------------------- item 4

ESCAPES = "\x1b]0;tcxd bị chiếm\x07\x1b[2J\x1b[8m"


def test_a_name_holding_escapes_is_refused_and_nothing_raw_reaches_the_terminal(
    tcxd, db_url, province
):
    folder = province / "01. Chi bo thon 1"
    path = roster(folder / f"DS{ESCAPES}.xlsx", [[f"Nguyễn{ESCAPES}Văn An", *AN[1:]], BINH])
    before = table_checksums(db_url)
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 3, result.output
    for control in ("\x1b", "\x07", "\u202e"):
        assert control not in result.output
    shown = "␛]0;tcxd bị chiếm␇␛[2J␛[8m"
    assert f"Tệp không nhập được: {folder}/DS{shown}.xlsx" in result.stderr
    assert (
        f'dòng 6, cột "Họ và tên": giá trị "Nguyễn{shown}Văn An" chứa ký tự điều khiển (như ESC, '
        "BEL) không phải chữ: gõ lại nội dung ô này bằng tay" in result.stderr
    )
    assert table_checksums(db_url) == before


def test_stored_text_is_printed_safely_by_every_command(tcxd, db_url, province):
    """A name stored before this check (or written by another program) holds ESC, BEL and a
    right-to-left override: status and explain show it with visible signs."""
    path = roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    assert tcxd("import", path, "--db", db_url).exit_code == 0
    engine_url = db_url
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE organization SET name = :n WHERE name = 'Chi bộ thôn 1'"),
            {"n": f"Chi bộ{ESCAPES}\u202ethôn 1"},
        )
        conn.execute(text("UPDATE member SET full_name = :n"), {"n": f"Nguyễn{ESCAPES}Văn An"})
    engine.dispose()
    shown = "␛]0;tcxd bị chiếm␇␛[2J␛[8m"
    commands = {
        ("status", "--period", "year", "--year", "2024", "--files"): f"Chi bộ{shown}thôn 1",
        ("explain", AN[3], "--year", "2025"): f"Nguyễn{shown}Văn An",
    }
    for args, expected in commands.items():
        result = tcxd(*args, "--db", db_url)
        assert result.exit_code == 0, (args, result.output)
        for control in ("\x1b", "\x07", "\u202e"):
            assert control not in result.output, (args, result.output)
        assert expected in result.output, (args, result.output)


def test_terminal_text_shows_controls_and_drops_bidi_overrides():
    from tcxd.core.formatting import terminal_text

    assert terminal_text("An\x1b[2J\x07\r\x00\x7f\x9b\u202eB\u2066C\tD\nE") == (
        "An␛[2J␇␍␀␡\ufffdBC\tD\nE"
    )
    assert terminal_text("Nguyễn Văn An") == "Nguyễn Văn An"


# --------------------------------------------------------------------------- item 8


def test_sample_below_its_real_lower_bound_is_a_usage_error(tcxd, tmp_path):
    from tcxd.cli.province import SAMPLE_MIN_MEMBERS
    from tcxd.sample.world import MIN_MEMBERS

    assert SAMPLE_MIN_MEMBERS == MIN_MEMBERS
    result = tcxd("sample", tmp_path / "mau", "--members", "60")
    assert result.exit_code == 2, result.output
    assert "Lỗi nội bộ" not in result.output
    assert "'--members': cần lớn hơn hoặc bằng 100" in result.stderr
    assert not (tmp_path / "mau").exists()


def test_sample_at_its_lower_bound_works(tcxd, tmp_path):
    result = tcxd("sample", tmp_path / "mau", "--members", "100", "--clean")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mau" / "truth.json").is_file()


# --------------------------------------------------------------------------- item 9

WAITING = "Cơ sở dữ liệu đang được một lệnh tcxd khác ghi: đang chờ lệnh kia nhả ra"


def _hold_lock(db_url: str) -> sqlite3.Connection:
    holder = sqlite3.connect(
        db_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    return holder


@pytest.fixture
def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock (PostgreSQL locks rows, not the database)")
    return db_url


def test_a_wait_for_the_lock_is_said_then_gives_up_with_a_message(
    tcxd, sqlite_only, province, monkeypatch
):
    from tcxd.core.errors import LOCKED_MESSAGE

    path = roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    monkeypatch.setenv("TCXD_BUSY_TIMEOUT_MS", "2500")
    holder = _hold_lock(sqlite_only)
    try:
        started = time.monotonic()
        result = tcxd("import", path, "--db", sqlite_only)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 4, result.output
    assert f"{WAITING} (tối đa 2 giây nữa)…" in result.stderr
    assert f"Lỗi: {LOCKED_MESSAGE}" in result.stderr
    assert result.stderr.count(WAITING) == 1
    assert waited >= 2.4
    assert _members(sqlite_only) == []


def test_a_lock_released_after_the_notice_lets_the_import_proceed(
    tcxd, sqlite_only, province, monkeypatch
):
    path = roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    holder = _hold_lock(sqlite_only)
    release = threading.Timer(2.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        result = tcxd("import", path, "--db", sqlite_only)
    finally:
        release.join()
        holder.close()
    assert result.exit_code == 0, result.output
    assert f"{WAITING} (tối đa 29 giây nữa)…" in result.stderr
    assert _members(sqlite_only) == ["Nguyễn Văn An"]


def test_no_notice_without_a_wait(tcxd, db_url, province):
    path = roster(province / "01. Chi bo thon 1" / "a.xlsx", [AN])
    result = tcxd("import", path, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert WAITING not in result.output


# --------------------------------------------------------------------------- item 2, for real


def _as_normal_user() -> list[str] | None:
    """How to run a command as a user whom file modes stop: as is (not root), or through
    setpriv as nobody (root); None when this machine offers neither."""
    if not ROOT:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_a_mode_000_file_read_by_a_normal_user_is_refused_and_the_rest_goes_in():
    """The attack as it was found: a real user, a real mode 000 file, the real console script
    (the in-process test above injects the same error when the suite runs as root)."""
    prefix = _as_normal_user()
    if prefix is None:
        pytest.skip("root without setpriv: covered by the injected PermissionError above")
    from tests.cli.test_import import DISTRICT, PROVINCE, organizations

    tcxd_bin = Path(sys.executable).parent / "tcxd"
    root = Path(tempfile.mkdtemp(prefix="tcxd-mode000-"))
    try:
        root.chmod(0o777)
        folder = root / "files" / "01. Dang bo xa Phu An"
        organizations(folder)
        roster(folder / "01. Chi bo thon 1" / "a.xlsx", [AN])
        locked = roster(folder / "01. Chi bo thon 1" / "b.xlsx", [BINH])
        for path in (root / "files", folder, folder / "01. Chi bo thon 1"):
            path.chmod(0o755)
        locked.chmod(0)
        closed = folder / "02. Chi bo khoa"
        roster(closed / "c.xlsx", [BINH], unit="CHI BỘ KHOA")
        closed.chmod(0)
        db = f"sqlite:///{root / 'tcxd.db'}"
        env = {**os.environ, "COLUMNS": "250", "LC_ALL": "C.UTF-8"}
        env.pop("TCXD_DB", None)

        def run(*args):
            return subprocess.run(
                [*prefix, str(tcxd_bin), *map(str, args)],
                capture_output=True, text=True, env=env, cwd=root, timeout=300,
            )  # fmt: skip

        assert (
            run("init", "--province", PROVINCE, "--district", DISTRICT, "--db", db).returncode == 0
        )
        result = run("import", root / "files", "--db", db)
        assert result.returncode == 3, result.stdout + result.stderr
        assert "Traceback" not in result.stderr and "Lỗi nội bộ" not in result.stderr
        assert f"Tệp không nhập được: {locked}" in result.stderr
        assert '  - Không đọc được tệp "b.xlsx": không có quyền đọc tệp.' in result.stderr
        assert f'  - Không mở được thư mục "{closed}" (không có quyền đọc)' in result.stderr
        assert "Tổng cộng 4 tệp: 2 nhập được, 0 đã có từ trước, 2 không nhập được." in (
            result.stdout
        )
        assert _members(db) == ["Nguyễn Văn An"]
    finally:
        for path in root.rglob("*"):
            path.chmod(0o700)
        shutil.rmtree(root, ignore_errors=True)
