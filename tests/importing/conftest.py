"""A small database and a file context over it, for testing the parts of `tcxd.importing` one
by one: the province, a district, a đảng bộ with two chi bộ and a chi bộ cơ sở."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tcxd.core.settings import DistrictConfig, ProvinceConfig
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import import_paths
from tcxd.importing.context import FileContext
from tcxd.importing.results import FileOutcome, ImportOptions
from tcxd.importing.run import _IndexCache
from tcxd.reading.result import FileReading, SheetTable
from tests.sheets import write_xlsx

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"


@pytest.fixture
def engine(tmp_path):
    """The tree: district > Chi bộ thôn 1 (T1); district > Đảng bộ Trường THCS Phú An (S1) >
    Chi bộ 1, Chi bộ 2 (S1.1, S1.2)."""
    url = f"sqlite:///{tmp_path / 'tcxd.db'}"
    initialize(url, ProvinceConfig(name=PROVINCE, districts=[DistrictConfig(name=DISTRICT)]))
    rows = [
        ["ĐẢNG BỘ XÃ PHÚ AN"],
        ["DANH SÁCH TỔ CHỨC ĐẢNG"],
        [],
        ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Mã tổ chức"],
        [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "T1"],
        [2, "Đảng bộ Trường THCS Phú An", "Đảng bộ cơ sở", DISTRICT, "S1"],
        [3, "Chi bộ 1", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", "S1.1"],
        [4, "Chi bộ 2", "Chi bộ trực thuộc", "Đảng bộ Trường THCS Phú An", "S1.2"],
    ]
    engine = open_database(url)
    result = import_paths(engine, [write_xlsx(tmp_path / "to-chuc.xlsx", rows, sheet="TC")])
    assert not result.refused, [f.problems for f in result.refused]
    yield engine
    engine.dispose()


def sheet(kind: str, rows: list[dict], **fields) -> SheetTable:
    """A table as reading gives it: these rows, numbered from Excel row 5."""
    frame = pd.DataFrame(rows)
    frame["source_row"] = range(5, 5 + len(rows))
    return SheetTable(sheet="DS", kind=kind, rows=frame, **fields)


@pytest.fixture
def context(engine, tmp_path):
    """`make(*tables, folder=..., last_try=...)`: a file context in an open transaction."""
    opened = []

    def make(*tables, folder="01. Dang bo xa Phu An/Chi bo thon 1", options=None, last_try=True):
        path = tmp_path / folder / "tep.xlsx"
        reading = FileReading(path=str(path), sha256="0" * 64, format="xlsx", sheets=list(tables))
        conn = engine.connect()
        opened.append(conn)
        conn.begin()
        cache = _IndexCache()
        cache.begin(conn)
        file = FileContext(
            conn, cache, path, "0" * 64, reading, options or ImportOptions(), FileOutcome(str(path))
        )
        file.last_try = last_try
        return file

    yield make
    for conn in opened:  # (nothing a test wrote is kept)
        conn.rollback()
        conn.close()


AN = {
    "full_name": "Nguyễn Văn An",
    "birth_date": date(1980, 3, 5),
    "gender": "Nam",
    "card_number": "01234567",
    "admitted_on": date(2005, 2, 1),
}
BINH = {
    "full_name": "Trần Thị Bình",
    "birth_date": date(1975, 7, 12),
    "gender": "Nữ",
    "card_number": "00234568",
    "admitted_on": date(2010, 4, 3),
}


def org_id(conn, name: str) -> int:
    from sqlalchemy import text

    return conn.execute(text("SELECT id FROM organization WHERE name = :n"), {"n": name}).scalar()


def with_batch(file, table, unit=None):
    """The file's batch row, as `write_file` makes it before the sheets (rows point to it)."""
    from tcxd.importing.writers import insert_batch

    file.batch_id = insert_batch(file, table, unit)
    return file
