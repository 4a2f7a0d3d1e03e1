"""Memory follows what a file holds, not what it claims (issue 16, item 5), through the real
`tcxd import`: a CSV padded with lines of empty cells, random bytes behind a byte order mark, a
sheet of thousands of columns. Fast versions here; the full sizes, with their peak memory
printed for docs/reliability.md, are marked `stress`."""

from __future__ import annotations

from tests.reliability import plain_files
from tests.reliability.conftest import AN, BINH, ROSTER_HEADER, roster_rows
from tests.reliability.helpers import (
    assert_clean_failure,
    run_tcxd,
    sqlite_url,
    table_checksums,
)
from tests.sheets import write_xlsx

MAX_RSS_MB = 200


def imported(province_db, path, timeout: float = 300):
    before = table_checksums(sqlite_url(province_db))
    run = run_tcxd("import", path, "--db", province_db, timeout=timeout)
    assert run.code == 0, run.output[-3000:]
    assert "Tổng cộng 1 tệp: 1 nhập được" in run.stdout
    assert table_checksums(sqlite_url(province_db)) != before
    return run


def test_a_roster_padded_with_empty_cells_costs_its_cells(province_db, tmp_path):
    path = plain_files.empty_cells_csv(tmp_path / "Chi bo thon 1" / "DSDV-2025.csv", 10)
    run = imported(province_db, path)
    assert run.max_rss_mb < MAX_RSS_MB, f"peak RSS {run.max_rss_mb:.0f} MB"


def test_blank_lines_then_a_far_value_are_refused_as_a_vast_empty_area(province_db, tmp_path):
    path = tmp_path / "Chi bo thon 1" / "DSDV-2025.csv"
    plain_files.text_roster(path, "utf-8")
    with path.open("ab") as handle:
        handle.write(b"\r\n" * 400_000 + b"x\r\n")
    before = table_checksums(sqlite_url(province_db))
    run = run_tcxd("import", path, "--db", province_db)
    assert_clean_failure(run, 3)
    assert (
        f'  - Tệp "{path}": trang "DSDV-2025" có ô nằm tới dòng 400007, cột I trong khi chỉ '
        "có 22 ô có dữ liệu (vùng ô quá lớn, bảng tính sẽ chiếm bộ nhớ bất thường); từ chối để "
        "an toàn. Hãy xóa các dòng, cột thừa ở cuối trang rồi lưu lại\n"
    ) in run.stderr
    assert table_checksums(sqlite_url(province_db)) == before
    assert run.max_rss_mb < MAX_RSS_MB


def test_hundreds_of_unknown_columns_are_summarised(province_db, tmp_path):
    rows = roster_rows([AN, BINH], as_of="31/12/2025")
    extra = [f"Cột thêm {n}" for n in range(300)]
    rows[4] = rows[4] + extra
    rows[5] = rows[5] + [f"giá trị {n}" for n in range(300)]
    path = write_xlsx(tmp_path / "Chi bo thon 1" / "DSDV-2025.xlsx", rows)
    run = imported(province_db, path)
    names = ", ".join(sorted(extra)[:20])  # listed in alphabetical order
    said = " ".join(run.stdout.split())  # the terminal may wrap the line
    assert f"các cột không dùng đến (vẫn lưu lại): {names} và 280 cột khác " in said
    assert "Cột thêm 299" not in said
    assert len(ROSTER_HEADER) == 9
