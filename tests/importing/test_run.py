"""`tcxd.importing.run`: the run's order, its caches, and that each file is hashed once."""

from __future__ import annotations

import pytest

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
    assert len(unpacked) == len(paths)  # (all read by the workers, started for the sniff)


def organisation_list(path, names):
    rows = [["ĐẢNG BỘ XÃ PHÚ AN"], ["DANH SÁCH TỔ CHỨC ĐẢNG"], []]
    rows.append(["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc"])
    rows += [[n, name, "Chi bộ cơ sở", "Đảng bộ xã Phú An"] for n, name in enumerate(names, 1)]
    return write_xlsx(path, rows)


def rosters_and_a_late_list(folder, count=run.POOL_MIN_FILES + 2):
    """Rosters of chi bộ that only the organisation list, last in the files' order, creates."""
    members = [
        [n, f"Nguyễn Văn Số {n}", "05/03/1980", "Nam", f"0{n:07d}", "01/02/2005"]
        for n in range(1, count + 1)
    ]
    units = [f"Chi bộ thôn {10 + n}" for n in range(count)]
    rosters = [
        write_xlsx(
            folder / f"a{n:02d} DSDV.xlsx",
            [
                [unit.upper()],
                ["DANH SÁCH ĐẢNG VIÊN"],
                ["Tính đến ngày 31/12/2024"],
                [],
                HEADER,
                member,
            ],
        )
        for n, (unit, member) in enumerate(zip(units, members, strict=True))
    ]
    return rosters, organisation_list(folder / "z to chuc.xlsx", units)


def recording(monkeypatch):
    """The run's events in order: ("read", name) as each file is read, ("write", name)."""
    events = []
    original = run._import_one_file

    def write(prepared, *args, **kwargs):
        events.append(("write", prepared.path.name))
        return original(prepared, *args, **kwargs)

    monkeypatch.setattr(run, "_import_one_file", write)
    return events, lambda path, number, total: events.append(("read", path.name))


def test_the_other_files_are_written_while_the_last_ones_are_still_read(
    engine, tmp_path, monkeypatch
):
    """The workers sniff every file first (may it hold an organisation list?), read the list
    first, and the writer writes each roster as soon as it is read: before the last is read.
    The writes keep the order of a run that reads every file first: lists, then the others in
    the files' order."""
    folder = tmp_path / "01. Dang bo xa Phu An"
    rosters, listing = rosters_and_a_late_list(folder)
    events, on_file = recording(monkeypatch)
    result = import_paths(engine, [folder], ImportOptions(read_workers=1), on_file)
    assert [f.status for f in result.files] == ["imported"] * (len(rosters) + 1)
    writes = [name for event, name in events if event == "write"]
    assert writes == [listing.name] + [path.name for path in rosters]
    last_read = max(n for n, (event, _name) in enumerate(events) if event == "read")
    first_roster_written = events.index(("write", rosters[0].name))
    assert first_roster_written < last_read


@pytest.mark.parametrize("workers, files", [(0, None), (1, run.POOL_MIN_FILES - 1)])
def test_files_read_here_are_all_read_before_the_others_are_written(
    engine, tmp_path, monkeypatch, workers, files
):
    """Read in this process (TCXD_READ_WORKERS=0, or fewer files than POOL_MIN_FILES), nothing
    is sniffed: as before, the lists are written as read, the others once all are read."""
    folder = tmp_path / "01. Dang bo xa Phu An"
    rosters, listing = rosters_and_a_late_list(folder)
    paths = [*rosters[: files and files - 1], listing]
    sniffed = []
    monkeypatch.setattr(run, "_pool_sniff", lambda *args: sniffed.append(args) or True)
    events, on_file = recording(monkeypatch)
    result = import_paths(engine, paths, ImportOptions(read_workers=workers), on_file)
    assert [f.status for f in result.files] == ["imported"] * len(paths)
    assert events == [("read", path.name) for path in paths] + [
        ("write", path.name) for path in [listing, *paths[:-1]]
    ]
    assert sniffed == []


def test_a_list_the_sniff_missed_is_written_late_and_said(tmp_path, monkeypatch):
    """A sniff that said "no" to an organisation list (a bug) never passes silently: the list
    is written as soon as it is read, every later file as when all are read first, the rosters
    written before it wait for their chi bộ (deferred rounds), and the file says so. The
    database is the one an honest sniff gives."""
    from tcxd.core.settings import DistrictConfig, ProvinceConfig
    from tcxd.db.engine import open_database
    from tcxd.db.province import initialize
    from tcxd.reading import sniff
    from tests.foreign.test_order import dump

    folder = tmp_path / "files" / "01. Dang bo xa Phu An"
    rosters, listing = rosters_and_a_late_list(folder)
    config = ProvinceConfig(
        name="Tỉnh ủy Bình Minh", districts=[DistrictConfig("Đảng bộ xã Phú An")]
    )
    databases = {}
    for lying in (False, True):
        if lying:
            monkeypatch.setattr(sniff, "sniff_file", lambda *a, **k: sniff.Sniffed(False))
        databases[lying] = tmp_path / f"lying-{lying}.db"
        initialize(f"sqlite:///{databases[lying]}", config)
        engine = open_database(f"sqlite:///{databases[lying]}")
        result = import_paths(engine, [folder], ImportOptions(read_workers=1))
        engine.dispose()
        assert [f.status for f in result.files] == ["imported"] * (len(rosters) + 1)
        late = [f for f in result.files if run.LATE_LIST in f.warnings]
        assert [f.path for f in late] == ([str(listing)] if lying else [])
    assert dump(databases[True]) == dump(databases[False])


def test_what_the_run_froze_for_the_garbage_collector_is_unfrozen_when_it_ends(
    engine, tmp_path, monkeypatch
):
    """The objects alive when the workers start are frozen during the run (the writer's
    collections skip them), and only during it: a caller's objects are collected as ever."""
    import gc

    folder = tmp_path / "01. Dang bo xa Phu An"
    rosters, _listing = rosters_and_a_late_list(folder)
    frozen_while_writing = []
    original = run._import_one_file

    def writing(*args, **kwargs):
        frozen_while_writing.append(gc.get_freeze_count())
        return original(*args, **kwargs)

    monkeypatch.setattr(run, "_import_one_file", writing)
    before = gc.get_freeze_count()
    result = import_paths(engine, [folder], ImportOptions(read_workers=1))
    assert [f.status for f in result.files] == ["imported"] * (len(rosters) + 1)
    assert min(frozen_while_writing) > before
    assert gc.get_freeze_count() == before
