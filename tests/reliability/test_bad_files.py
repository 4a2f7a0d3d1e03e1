"""Every file of the bad-file corpus, imported by the real `tcxd` as a subprocess: exit code 3, a
Vietnamese message that names the file (and the sheet, row and column where there is one), no
traceback, every table of the database unchanged, and for the hostile files a peak RSS under
200 MB (spec quality.md: bad files, zip bomb / billion laughs / XML entities, no traceback)."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.reliability import corpus
from tests.reliability.conftest import AN, roster_rows
from tests.reliability.helpers import (
    TRACEBACK,
    assert_clean_failure,
    run_tcxd,
    sqlite_url,
    table_checksums,
)
from tests.sheets import write_xlsx

MAX_RSS_MB = 200
BAD_FILE = 3


@pytest.fixture(scope="module")
def corpus_runs(province_template, tmp_path_factory):
    """Build every case in a folder of its own and import it into a private copy of the
    province database, three `tcxd` processes at a time; {case: (path, run, db)}."""
    root = tmp_path_factory.mktemp("corpus")
    before = table_checksums(sqlite_url(province_template))

    def one(name: str):
        folder = root / name
        path = corpus.build(name, folder / "files")
        db = folder / "tcxd.db"
        shutil.copyfile(province_template, db)
        run = run_tcxd("import", path, "--db", db, timeout=180)
        return name, (path, run, db)

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(pool.map(one, corpus.CASES))
    return before, results


@pytest.mark.parametrize("name", list(corpus.CASES))
def test_bad_file_is_refused_cleanly(corpus_runs, name):
    before, results = corpus_runs
    path, run, db = results[name]
    case = corpus.CASES[name]
    assert_clean_failure(run, BAD_FILE)
    assert "Tệp không nhập được:" in run.stderr
    pattern = case.message.replace("{file}", re.escape(path.name))
    assert re.search(pattern, run.stderr), f"message for {name}:\n{run.stderr}"
    assert "Tổng cộng 1 tệp: 0 nhập được, 0 đã có từ trước, 1 không nhập được." in run.stdout
    assert table_checksums(sqlite_url(db)) == before, f"{name} changed the database"
    if case.hostile:
        assert run.max_rss_mb < MAX_RSS_MB, f"{name}: peak RSS {run.max_rss_mb:.0f} MB"
    if name == "external_entity":
        assert "root:" not in run.output  # /etc/passwd was never read into anything


def test_zip_bomb_really_expands_past_a_gigabyte(corpus_runs):
    import zipfile

    _, results = corpus_runs
    path = results["zip_bomb"][0]
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size > 1024**3
    assert path.stat().st_size < 16 * 1024**2


def test_dry_run_of_the_whole_corpus_writes_nothing(corpus_runs, province_db, tmp_path):
    """All bad files in one run (and one good file): each reported, none written."""
    before = table_checksums(sqlite_url(province_db))
    _, results = corpus_runs
    folder = tmp_path / "all"
    for name, (path, _, _) in results.items():
        if name != "zip_bomb":  # 1 GB of inflation is enough once; the others cover the rest
            target = folder / name
            target.mkdir(parents=True)
            shutil.copyfile(path, target / path.name)
    good = write_xlsx(
        folder / "Chi bo thon 1" / "DSDV-2025.xlsx",
        roster_rows([AN], as_of="31/12/2025"),
    )
    run = run_tcxd("import", folder, "--dry-run", "--db", province_db, timeout=300)
    assert_clean_failure(run, BAD_FILE)
    refused = len(results) - 1
    assert f"Tổng cộng {refused + 1} tệp: 1 nhập được, 0 đã có từ trước, {refused} không" in (
        run.stdout
    )
    assert good.name in run.stdout
    assert table_checksums(sqlite_url(province_db)) == before
    # Without --dry-run the good file goes in and the bad ones still write nothing.
    run = run_tcxd("import", folder, "--db", province_db, timeout=300)
    assert_clean_failure(run, BAD_FILE)
    assert f"1 nhập được, 0 đã có từ trước, {refused} không nhập được." in run.stdout
    after = table_checksums(sqlite_url(province_db))
    assert after != before
    assert TRACEBACK not in run.output


@pytest.mark.stress
@pytest.mark.parametrize("kind", ["binary", "text"])
def test_200_mb_of_junk_csv(province_db, tmp_path, kind):
    """The long version of junk_csv / text_junk_csv: 200 MB."""
    before = table_checksums(sqlite_url(province_db))
    if kind == "binary":
        path = corpus.junk_csv(tmp_path, megabytes=200)
    else:
        path = corpus.text_junk_csv(tmp_path, megabytes=200)
    assert corpus.file_size_mb(path) >= 200
    run = run_tcxd("import", path, "--db", province_db, timeout=300)
    assert_clean_failure(run, BAD_FILE)
    assert f'Tệp "{path}": tệp văn bản quá lớn (200 MB; tối đa 50 MB' in run.stderr
    assert run.max_rss_mb < MAX_RSS_MB, f"peak RSS {run.max_rss_mb:.0f} MB"
    assert table_checksums(sqlite_url(province_db)) == before


@pytest.mark.stress
def test_four_gigabyte_zip_bomb(province_db, tmp_path):
    path = corpus.zip_bomb(tmp_path, gigabytes=4.2)
    run = run_tcxd("import", path, "--db", province_db, timeout=300)
    assert_clean_failure(run, BAD_FILE)
    assert "tệp nén khi giải nén sẽ chiếm" in run.stderr
    assert run.max_rss_mb < MAX_RSS_MB


def test_a_missing_file_and_a_folder_of_nothing(province_db, tmp_path):
    before = table_checksums(sqlite_url(province_db))
    run = run_tcxd("import", tmp_path / "khong-co.xlsx", "--db", province_db)
    assert_clean_failure(run, BAD_FILE)
    assert "Không tìm thấy tệp hoặc thư mục" in run.stderr
    assert table_checksums(sqlite_url(province_db)) == before


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["import", "x.xlsx", "--db", "{missing}"], 2, "Chưa có cơ sở dữ liệu"),
        (["import", "x.xlsx", "--kind", "la", "--db", "{db}"], 2, '--kind "la" không hợp lệ'),
        (["import", "x.xlsx", "--as-of", "32/13/2024", "--db", "{db}"], 2, "không phải ngày"),
        (["report", "--period", "q9", "--db", "{db}"], 2, '"q9" không phải một kỳ báo cáo'),
        (["report", "--format", "pdf", "--db", "{db}"], 2, '--format "pdf" không hợp lệ'),
        (["classify", "--year", "2025", "--rules", "{missing}", "--db", "{db}"], 2, ""),
        (["init", "--config", "{missing}", "--db", "{db}"], 2, "Không tìm thấy tệp cấu hình"),
        (["import", "--db", "{db}"], 2, "Lệnh không đúng"),
        (["khong-co-lenh"], 2, "Lệnh không đúng"),
        (["report", "--db", "{notdb}"], 4, "Không"),
    ],
)
def test_cli_error_paths_give_a_message_and_no_traceback(
    province_db, tmp_path, capsys, monkeypatch, args, code, message
):
    """In-process (the real entry point, `tcxd.cli.main`): a message on stderr, the exit code,
    no traceback."""
    from tcxd.cli import main

    monkeypatch.delenv("TCXD_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.chdir(tmp_path)
    notdb = tmp_path / "khong-phai.db"
    notdb.write_bytes(b"day khong phai co so du lieu SQLite" * 100)
    values = {"db": province_db, "missing": tmp_path / "khong-co" / "x", "notdb": notdb}
    with pytest.raises(SystemExit) as done:
        main([a.format(**values) for a in args])
    captured = capsys.readouterr()
    assert done.value.code == code, captured.out + captured.err
    assert TRACEBACK not in captured.out + captured.err
    assert message in captured.err
    assert captured.err.strip(), "an error must say something on stderr"
