"""The reliability and security suite (spec quality.md, "Reliability and security targets").

Tests marked `stress` are the long versions (bigger files, more kills, more examples); they run
only with TCXD_STRESS=1 (`make stress`). The fast versions run in `make test`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tcxd.core.settings import DistrictConfig, ProvinceConfig
from tcxd.db.province import initialize
from tcxd.importing import import_paths
from tests.sheets import write_xlsx

STRESS = os.environ.get("TCXD_STRESS") == "1"
PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
CHI_BO = "Chi bộ thôn 1"
ROSTER_HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Dân tộc",
]
AN = [
    "Nguyễn Văn An",
    "05/03/1980",
    "Nam",
    "01234567",
    "001080012345",
    "01/02/2005",
    "01/02/2006",
    "Kinh",
]
BINH = [
    "Trần Thị Bình",
    "12/07/1975",
    "Nữ",
    "00234568",
    "002175012346",
    "03/04/2010",
    "03/04/2011",
    "Tày",
]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "stress: long reliability runs, only with TCXD_STRESS=1 (make stress)"
    )


def pytest_collection_modifyitems(config, items):
    if STRESS:
        return
    skip = pytest.mark.skip(reason="long version: run with TCXD_STRESS=1 (make stress)")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


def organizations_file(folder: Path, chi_bo: str = CHI_BO, district: str = DISTRICT) -> Path:
    return write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [district.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, chi_bo, "Chi bộ cơ sở", district, "Xã"],
        ],
        sheet="TC",
    )


def roster_rows(members: list[list], unit: str = CHI_BO, as_of: str = "31/12/2024") -> list:
    rows = [[unit.upper()], ["DANH SÁCH ĐẢNG VIÊN"], [f"Tính đến ngày {as_of}"], [], ROSTER_HEADER]
    return rows + [[n, *m] for n, m in enumerate(members, start=1)]


@pytest.fixture(scope="session")
def province_template(tmp_path_factory) -> Path:
    """A SQLite database with the province, one district, one chi bộ and two members: the
    starting point of the bad-file tests (each works on its own copy)."""
    folder = tmp_path_factory.mktemp("province")
    path = folder / "tcxd.db"
    url = f"sqlite:///{path}"
    initialize(url, ProvinceConfig(PROVINCE, districts=[DistrictConfig(DISTRICT)]))
    from tcxd.db.engine import open_database

    engine = open_database(url)
    files = folder / "files"
    organizations_file(files)
    write_xlsx(files / "Chi bo thon 1" / "DSDV.xlsx", roster_rows([AN, BINH]))
    result = import_paths(engine, [files])
    assert not result.refused, [f.problems for f in result.refused]
    engine.dispose()
    from tests.reliability.helpers import checkpoint

    return checkpoint(path)


@pytest.fixture
def province_db(province_template, tmp_path) -> Path:
    """A private copy of the template database."""
    path = tmp_path / "tcxd.db"
    shutil.copyfile(province_template, path)
    os.chmod(path, 0o600)
    return path
