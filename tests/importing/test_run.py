"""`tcxd.importing.run`: the run's order, its caches, and that each file is hashed once."""

from __future__ import annotations

import tcxd.importing.run as run
import tcxd.reading as reading
from tcxd.importing import ImportOptions, import_paths
from tcxd.importing.run import _IndexCache
from tests.importing.conftest import AN
from tests.sheets import write_xlsx

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "Ngày vào Đảng"]


def roster(path, unit="CHI BỘ THÔN 1", day=31):
    rows = [[unit], ["DANH SÁCH ĐẢNG VIÊN"], [f"Tính đến ngày {day}/12/2024"], [], HEADER]
    rows.append([1, AN["full_name"], "05/03/1980", "Nam", AN["card_number"], "01/02/2005"])
    return write_xlsx(path, rows)


def test_a_file_is_hashed_once_per_import(engine, tmp_path, monkeypatch):
    hashed = []
    for module, name in ((run, "sha256_of"), (reading, "_sha256")):
        original = getattr(module, name)

        def counting(path, original=original):
            hashed.append(path)
            return original(path)

        monkeypatch.setattr(module, name, counting)
    path = roster(tmp_path / "01. Dang bo xa Phu An" / "Chi bo thon 1" / "DSDV.xlsx")
    result = import_paths(engine, [path])
    assert [f.status for f in result.files] == ["imported"]
    assert hashed == [path]


def test_a_roster_before_its_organisation_list_waits_for_it(engine, tmp_path):
    """The roster's chi bộ comes with the list of the same run, named after it."""
    folder = tmp_path / "01. Dang bo xa Phu An"
    path = roster(folder / "a DSDV.xlsx", unit="CHI BỘ THÔN 9")
    write_xlsx(
        folder / "z to chuc.xlsx",
        [
            ["ĐẢNG BỘ XÃ PHÚ AN"],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc"],
            [1, "Chi bộ thôn 9", "Chi bộ cơ sở", "Đảng bộ xã Phú An"],
        ],
    )
    result = import_paths(engine, [folder])
    assert [f.status for f in result.files] == ["imported", "imported"]
    assert result.files[0].path == str(path) and result.files[0].unit == "Chi bộ thôn 9"


def test_the_run_cache_is_dropped_only_when_a_failed_file_changed_it(engine):
    cache = _IndexCache()
    with engine.connect() as conn:
        cache.begin(conn)
        index = cache.get(conn)
        cache.failed()  # nothing changed: the index stays
        assert cache.get(conn) is index
        cache.begin(conn)
        index = cache.get(conn)
        index.version += 1  # (as a file adding an organisation does)
        cache.failed()
        assert cache.index is None


def test_read_workers_follow_the_configured_count():
    assert run.read_workers(0) == 0
    assert run.read_workers(2) == 2
    assert 1 <= run.read_workers() <= 3


def test_files_held_until_every_file_is_read_are_held_packed(engine, tmp_path, monkeypatch):
    """Every file but the organisation lists waits until all are read: held as Python tables,
    the large province's readings took 2.5 GB. A worker sends each packed; it is unpacked once,
    when written."""
    unpacked = []
    original = run._Packed.unpack

    def counting(self):
        unpacked.append(self)
        return original(self)

    monkeypatch.setattr(run._Packed, "unpack", counting)
    folder = tmp_path / "01. Dang bo xa Phu An" / "Chi bo thon 1"
    days = range(10, 11 + run.POOL_MIN_FILES)
    paths = [roster(folder / f"DSDV {day}.xlsx", day=day) for day in days]
    result = import_paths(engine, [folder], ImportOptions(read_workers=1))
    assert [f.status for f in result.files] == ["imported"] * len(paths)
    assert len(unpacked) == len(paths) - 1  # (the first file is read here, as workers start)
