"""A worksheet part under any name (issue 16, item 1): the reader follows the workbook's
relationships to `sheet1.bin`, `sheet1.XML`, `media/image9.png`, `xl/data/…`, so the far-cell guard
must too. Each crafted file (~5.5 KB, one cell at CV1048576 or XFD1048576) is imported by the real
`tcxd`: exit 3, the Vietnamese refusal naming the sheet, row and column, no traceback or Rust
backtrace, the database unchanged, bounded memory. An honest roster stored under such a name is
still imported."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.reliability.helpers import (
    assert_clean_failure,
    run_tcxd,
    sqlite_url,
    table_checksums,
)
from tests.reliability.hostile_parts import far_sheet, renamed_sheet_part

MAX_RSS_MB = 200
BAD_FILE = 3
TARGETS = [
    "worksheets/sheet1.bin",
    "worksheets/sheet1.XML",
    "media/image9.png",
    "data/s.xml",
    "/xl/data/abs.bin",
]
CASES = [(t, "CV1048576") for t in TARGETS] + [("worksheets/sheet1.bin", "XFD1048576")]


@pytest.fixture(scope="module")
def runs(province_template, tmp_path_factory):
    root = tmp_path_factory.mktemp("parts")
    before = table_checksums(sqlite_url(province_template))

    def one(number_case):
        number, (target, reference) = number_case
        folder = root / str(number)
        folder.mkdir()
        path = renamed_sheet_part(folder / "ds-xa.xlsx", target, far_sheet(reference))
        db = folder / "tcxd.db"
        shutil.copyfile(province_template, db)
        return (target, reference), (path, run_tcxd("import", path, "--db", db), db)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return before, dict(pool.map(one, enumerate(CASES)))


@pytest.mark.parametrize(("target", "reference"), CASES)
def test_far_cell_in_a_renamed_sheet_part_is_refused(runs, target, reference):
    before, results = runs
    path, run, db = results[(target, reference)]
    assert path.stat().st_size < 8 * 1024
    assert_clean_failure(run, BAD_FILE)
    column = re.sub(r"\d+", "", reference)
    assert (
        f'Tệp "{path}": trang "DS" có ô nằm tới dòng 1048576, cột {column} trong khi chỉ có '
        "2 ô có dữ liệu (vùng ô quá lớn, bảng tính sẽ chiếm bộ nhớ bất thường); từ chối để an "
        "toàn. Hãy xóa các dòng, cột thừa ở cuối trang rồi lưu lại"
    ) in run.stderr
    assert "panicked" not in run.output and "RUST_BACKTRACE" not in run.output
    assert table_checksums(sqlite_url(db)) == before
    assert run.max_rss_mb < MAX_RSS_MB, f"peak RSS {run.max_rss_mb:.0f} MB"


def test_honest_roster_in_a_renamed_part_is_imported(province_db, tmp_path):
    before = table_checksums(sqlite_url(province_db))
    path = renamed_sheet_part(tmp_path / "Chi bo thon 1" / "DSDV-2025.xlsx", "data/s1.bin")
    run = run_tcxd("import", path, "--db", province_db)
    assert run.code == 0, run.output
    assert "Tổng cộng 1 tệp: 1 nhập được" in run.stdout
    assert table_checksums(sqlite_url(province_db)) != before
