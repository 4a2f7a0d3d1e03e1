"""`tcxd migrate --to URL`: a whole database copied into an empty one (SQLite → SQLite always,
SQLite → PostgreSQL when TCXD_TEST_PG_URL is set), verified, and usable afterwards."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from tcxd.db.migrate import table_fingerprints
from tests.conftest import ENGINES, fresh_database
from tests.reliability.conftest import AN, roster_rows
from tests.reliability.helpers import TRACEBACK, checkpoint, run_tcxd, sqlite_url, table_checksums
from tests.sheets import write_xlsx


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """The sample province imported, classified and Q1 locked: every table holds rows."""
    root = tmp_path_factory.mktemp("migrate")
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    db = root / "nguon.db"
    assert run_tcxd("init", "--config", sample / "tinh.yaml", "--db", db).code == 0
    run = run_tcxd("import", sample, "--db", db, timeout=600)
    assert run.code in (0, 3), run.output
    assert run_tcxd("classify", "--year", "2025", "--db", db).code == 0
    assert run_tcxd("lock", "--period", "q1", "--year", "2025", "--db", db).code == 0
    return checkpoint(db)


@pytest.fixture(params=ENGINES)
def target(request, tmp_path):
    with fresh_database(request.param, tmp_path / "target") as url:
        if request.param == "sqlite":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        yield url


def _report(db: str, out: Path) -> dict:
    run = run_tcxd("report", "--period", "year", "--year", "2025", "--format", "json",
                   "--out", out, "--db", db)  # fmt: skip
    assert run.code == 0, run.output
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted(out.rglob("*.json"))}


def test_migrate_copies_everything_and_verifies(source, target, tmp_path):
    copy = tmp_path / "nguon.db"
    shutil.copyfile(source, copy)
    before = table_checksums(sqlite_url(copy))
    run = run_tcxd("migrate", "--to", target, "--db", copy, timeout=600)
    assert run.code == 0, run.output
    assert TRACEBACK not in run.output
    assert "số dòng và nội dung từng bảng khớp với nguồn" in run.stdout
    assert table_checksums(sqlite_url(copy)) == before  # the source is untouched
    # Same rows, same ids, same values (typed: SQLite's 0/1 is PostgreSQL's false/true)…
    assert table_fingerprints(target) == table_fingerprints(sqlite_url(copy))
    if target.startswith("sqlite"):  # … and between two SQLite files, the very same bytes
        assert table_checksums(target) == before
    if target.startswith("sqlite"):
        assert stat.S_IMODE(os.stat(target.removeprefix("sqlite:///")).st_mode) == 0o600
    # The copy is a working tcxd database: same figures, and it takes new imports.
    assert _report(target, tmp_path / "a") == _report(sqlite_url(copy), tmp_path / "b")
    unit = "Chi bộ Trạm Y tế xã Thủy Lộc"
    late = write_xlsx(tmp_path / "late" / "DSDV.xlsx", roster_rows([AN], unit=unit))
    for db in (target, sqlite_url(copy)):
        run = run_tcxd("import", late, "--unit", unit, "--db", db)
        assert run.code in (0, 3), run.output
        assert TRACEBACK not in run.output


def test_migrate_refuses_a_target_that_holds_data(source, target, tmp_path):
    copy = tmp_path / "nguon.db"
    shutil.copyfile(source, copy)
    assert run_tcxd("migrate", "--to", target, "--db", copy).code == 0
    before = table_checksums(target)
    run = run_tcxd("migrate", "--to", target, "--db", copy)
    assert run.code == 4, run.output
    assert TRACEBACK not in run.output
    assert "đã có dữ liệu" in run.stderr
    assert "chỉ chép sang một cơ sở dữ liệu trống" in run.stderr
    assert table_checksums(target) == before


def test_migrate_refuses_itself_and_an_uninitialised_source(source, tmp_path):
    copy = tmp_path / "nguon.db"
    shutil.copyfile(source, copy)
    run = run_tcxd("migrate", "--to", copy, "--db", copy)
    assert run.code == 4 and "nguồn và đích là một" in run.stderr, run.output
    run = run_tcxd("migrate", "--to", tmp_path / "moi.db", "--db", tmp_path / "khong-co.db")
    assert run.code == 2 and "Chưa có cơ sở dữ liệu" in run.stderr, run.output
    assert not (tmp_path / "moi.db").exists()


def test_migrate_to_an_unreachable_server_says_so(source, tmp_path):
    copy = tmp_path / "nguon.db"
    shutil.copyfile(source, copy)
    run = run_tcxd(
        "migrate", "--to", "postgresql://tcxd:matkhau@127.0.0.1:9/khong_co", "--db", copy
    )
    assert run.code == 4, run.output
    assert TRACEBACK not in run.output
    assert "Không kết nối được cơ sở dữ liệu đích" in run.stderr
    assert "matkhau" not in run.output  # the password is never shown
