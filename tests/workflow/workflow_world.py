"""A small province imported from real files, for the clerk commands' library tests.

Đảng bộ xã Phú An has three TCCSĐ: Chi bộ thôn 1 (chi bộ cơ sở), Đảng bộ Trường THCS Phú An
(chi bộ 1 and 2) and Chi bộ thôn 2, which never sends anything.

- Chi bộ thôn 1: roster 31/12/2024 (An, Bình, Cường), changes of 2025 (Dũng admitted 15/3/2025,
  Cường died 10/5/2025), roster 30/6/2025 (An with ethnicity Mường, Bình, Dũng), evaluations 2025.
- Đảng bộ Trường THCS: roster 31/12/2024 (Em in chi bộ 1, Giang in chi bộ 2), roster 30/6/2025
  (Em now in chi bộ 2, Giang, Hà who arrived without a changes file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from tests.sheets import write_xlsx

from tcxd.core.settings import DistrictConfig, ProvinceConfig
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import import_paths

PROVINCE = "Tỉnh ủy Bình Minh"
DISTRICT = "Đảng bộ xã Phú An"
SCHOOL = "Đảng bộ Trường THCS Phú An"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số thẻ đảng viên",
          "Số CCCD", "Ngày vào Đảng", "Ngày chính thức"]  # fmt: skip
AN = ["Nguyễn Văn An", "05/03/1980", "Nam", "Kinh", "01234567", "001080012345", "01/02/2005",
      "01/02/2006"]  # fmt: skip
BINH = ["Trần Thị Bình", "12/07/1975", "Nữ", "Tày", "00234568", "", "03/04/2010", "03/04/2011"]
CUONG = ["Lê Văn Cường", "20/10/1950", "Nam", "Kinh", "00345679", "", "19/05/1975", "19/05/1976"]
DUNG = ["Phạm Thị Dung", "02/02/1995", "Nữ", "Kinh", "", "", "15/03/2025", ""]
EM = ["Hoàng Văn Em", "01/01/1985", "Nam", "Kinh", "00456780", "", "01/09/2008", "01/09/2009"]
GIANG = ["Vũ Thị Giang", "09/09/1990", "Nữ", "Kinh", "00567891", "", "01/09/2015", "01/09/2016"]
HA = ["Đỗ Thu Hà", "03/03/1988", "Nữ", "Kinh", "00678902", "", "01/04/2012", "01/04/2013"]


def roster(path: Path, unit: str, as_of: str, members: list[list], branches=None) -> Path:
    header = HEADER + (["Chi bộ"] if branches else [])
    rows = [[DISTRICT.upper()], [unit.upper()], ["DANH SÁCH ĐẢNG VIÊN"],
            [f"Tính đến ngày {as_of}"], [], header]  # fmt: skip
    for number, member in enumerate(members, start=1):
        rows.append([number, *member, *([branches[number - 1]] if branches else [])])
    return write_xlsx(path, rows)


@dataclass
class World:
    url: str
    engine: Engine
    folder: Path
    files: dict[str, Path]


def build_world(url: str, folder: Path) -> World:
    initialize(url, ProvinceConfig(PROVINCE, districts=[DistrictConfig(DISTRICT)]))
    engine = open_database(url)
    files: dict[str, Path] = {}
    files["orgs"] = write_xlsx(
        folder / "to-chuc.xlsx",
        [
            [DISTRICT.upper()],
            ["DANH SÁCH TỔ CHỨC ĐẢNG"],
            [],
            ["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"],
            [1, "Chi bộ thôn 1", "Chi bộ cơ sở", DISTRICT, "Xã"],
            [2, SCHOOL, "Đảng bộ cơ sở", DISTRICT, "ĐVSN công lập"],
            [3, "Chi bộ 1", "Chi bộ trực thuộc", SCHOOL, ""],
            [4, "Chi bộ 2", "Chi bộ trực thuộc", SCHOOL, ""],
            [5, "Chi bộ thôn 2", "Chi bộ cơ sở", DISTRICT, "Xã"],
        ],
        sheet="TC",
    )
    thon1 = folder / "Chi bo thon 1"
    files["r1"] = roster(thon1 / "ds-2024.xlsx", "Chi bộ thôn 1", "31/12/2024", [AN, BINH, CUONG])
    files["changes"] = write_xlsx(
        thon1 / "bien-dong-2025.xlsx",
        [
            ["CHI BỘ THÔN 1"],
            ["BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2025"],
            [],
            ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Loại biến động", "Ngày"],
            [1, DUNG[0], DUNG[1], "", "Kết nạp", "15/03/2025"],
            [2, CUONG[0], CUONG[1], CUONG[4], "Từ trần", "10/05/2025"],
        ],
        sheet="BD",
    )
    an_new = [*AN[:3], "Mường", *AN[4:]]
    files["r2"] = roster(thon1 / "ds-2025.xlsx", "Chi bộ thôn 1", "30/6/2025", [an_new, BINH, DUNG])
    files["eval"] = write_xlsx(
        thon1 / "xep-loai-2025.xlsx",
        [
            ["CHI BỘ THÔN 1"],
            ["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"],
            [],
            ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Tổng điểm", "Tự xếp loại"],
            [1, AN[0], AN[1], AN[4], 92, "HTXSNV"],
            [2, BINH[0], BINH[1], BINH[4], 80, "HTTNV"],
        ],
        sheet="XL",
    )
    school = folder / "Dang bo Truong THCS Phu An"
    files["s1"] = roster(school / "ds-2024.xlsx", SCHOOL, "31/12/2024", [EM, GIANG],
                         branches=["Chi bộ 1", "Chi bộ 2"])  # fmt: skip
    files["s2"] = roster(school / "ds-2025.xlsx", SCHOOL, "30/6/2025", [EM, GIANG, HA],
                         branches=["Chi bộ 2", "Chi bộ 2", "Chi bộ 2"])  # fmt: skip
    order = ["orgs", "r1", "s1", "changes", "r2", "s2", "eval"]
    for name in order:  # one run per file: the order matters (a run sorts files by name)
        result = import_paths(engine, [files[name]])
        outcome = result.files[0]
        assert outcome.status == "imported" and not outcome.warnings, (name, outcome)
    return World(url, engine, folder, files)


D = date
