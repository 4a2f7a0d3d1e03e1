"""Biểu 2, 3, 5 and the XL sheets in the official shape (spec reports.md; issue 15, the forms),
end to end from the command line on a hand-made province whose every figure is counted here by
hand: occupation groups read from the text and the unit's loại hình, "Chưa rõ" rows, figures
tcxd cannot know, the finer loại hình of Biểu 5, and "Cùng kỳ năm trước" without data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from tests.cli.test_import import query
from tests.sheets import write_xlsx

NO_DATA = "không có số liệu"
COMMUNE = "Đảng bộ xã An Phú"
BLOC = "Đảng bộ Khối doanh nghiệp tỉnh"

TINH = f"""province: Tỉnh ủy Thử Nghiệm
place: Thử Nghiệm
districts:
  - {{name: {COMMUNE}, kind_of_place: Xã}}
  - {BLOC}
"""

# name, type, parent, loại hình as a clerk writes it
ORGANISATIONS = [
    ("Chi bộ thôn Đông", "Chi bộ cơ sở", COMMUNE, "Xã"),
    ("Chi bộ Ủy ban nhân dân xã", "Chi bộ cơ sở", COMMUNE, "CQ Nhà nước"),
    ("Chi bộ Trạm y tế", "Chi bộ cơ sở", COMMUNE, ""),
    ("Chi bộ Công ty TNHH Minh Long", "Chi bộ cơ sở", BLOC, "Công ty TNHH"),
    ("Đảng bộ Công ty Điện lực", "Đảng bộ cơ sở", BLOC, "DN 100% vốn nhà nước"),
    ("Chi bộ Phân xưởng 1", "Chi bộ trực thuộc", "Đảng bộ Công ty Điện lực", ""),
    ("Chi bộ Công ty Hoa Sen", "Chi bộ cơ sở", BLOC, "DN ngoài NN"),
    ("Chi bộ Sở Tài chính", "Chi bộ cơ sở", BLOC, "Cơ quan Nhà nước"),
]

D = date
# name, birth, gender, card, admitted, official, chi bộ, occupation, GDPT, degree, exempt
MEMBERS = [
    ("Nguyễn Văn An", D(1970, 1, 1), "Nam", "00000001", D(2000, 1, 1), D(2001, 1, 1),
     "Chi bộ thôn Đông", "Nông dân", "12/12", "", ""),
    ("Trần Thị Bình", D(1985, 2, 2), "Nữ", "00000002", D(2025, 3, 15), None,
     "Chi bộ Ủy ban nhân dân xã", "Công chức", "12/12", "Đại học", ""),
    ("Lê Văn Cường", D(1980, 3, 3), "Nam", "00000003", D(2005, 5, 5), D(2006, 5, 5),
     "Chi bộ Sở Tài chính", "Công chức", "12/12", "Thạc sĩ", ""),
    ("Phạm Văn Dũng", D(1995, 4, 4), "Nam", "00000004", D(2025, 6, 1), None,
     "Chi bộ Công ty TNHH Minh Long", "Công nhân", "9/12", "", ""),
    ("Hoàng Văn Em", D(1965, 5, 5), "Nam", "00000005", D(1990, 1, 1), D(1991, 1, 1),
     "Chi bộ Phân xưởng 1", "Giám đốc", "12/12", "PGS.TS", ""),
    ("Vũ Thị Phương", D(1990, 6, 6), "Nữ", "00000006", D(2015, 1, 1), D(2016, 1, 1),
     "Chi bộ Công ty Hoa Sen", "", "", "", ""),
    ("Đỗ Văn Giang", D(1950, 7, 7), "Nam", "00000007", D(1975, 1, 1), D(1976, 1, 1),
     "Chi bộ thôn Đông", "Hưu trí", "10/10", "", ""),
    ("Bùi Văn Hải", D(1988, 8, 8), "Nam", "00000008", None, None,
     "Chi bộ Trạm y tế", "Phi công", "12/12", "", ""),
    ("Ngô Văn Ích", D(1945, 9, 9), "Nam", "00000009", D(1968, 1, 1), D(1969, 1, 1),
     "Chi bộ thôn Đông", "Lao động tự do", "Tiểu học", "", "x"),
]  # fmt: skip
ADMITTED_2025 = ("00000002", "00000004")


def _roster(path, as_of: date, members) -> None:
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo",
              "Số thẻ đảng viên", "Ngày vào Đảng", "Ngày chính thức", "Chi bộ", "Nghề nghiệp",
              "GDPT", "Chuyên môn", "Miễn sinh hoạt"]  # fmt: skip
    rows = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        [f"Tính đến ngày {as_of.day}/{as_of.month}/{as_of.year}"],
        header,
    ]
    for number, member in enumerate(members, start=1):
        name, born, gender, card, admitted, official, branch, job, school, degree, exempt = member
        row = [number, name, born, gender, "Kinh", "Không", card, admitted, official, branch]
        rows.append([*row, job, school, degree, exempt])
    write_xlsx(path, rows)


@pytest.fixture
def province(tcxd, tmp_path):
    """The hand-made province imported: organisations, a 2025 roster, the two admissions of
    2025; and a roster of Chi bộ thôn Đông as of 31/12/2024 (the records begin there)."""
    (tmp_path / "tinh.yaml").write_text(TINH, encoding="utf-8")
    files = tmp_path / "files"
    write_xlsx(
        files / "to-chuc.xlsx",
        [["STT", "Tên tổ chức đảng", "Loại tổ chức", "Trực thuộc", "Loại hình"]]
        + [[n, *org] for n, org in enumerate(ORGANISATIONS, start=1)],
    )
    _roster(files / "ds-2025.xlsx", D(2025, 12, 31), MEMBERS)
    old = [m for m in MEMBERS if m[6] == "Chi bộ thôn Đông"]
    _roster(files / "ds-thon-dong-2024.xlsx", D(2024, 12, 31), old)
    changes = [["BIẾN ĐỘNG ĐẢNG VIÊN NĂM 2025"],
               ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Loại biến động", "Ngày",
                "Chi bộ"]]  # fmt: skip
    for number, member in enumerate((m for m in MEMBERS if m[3] in ADMITTED_2025), start=1):
        changes.append([number, member[0], member[1], member[3], "Kết nạp", member[4], member[6]])
    write_xlsx(files / "bien-dong-2025.xlsx", changes)
    db = tmp_path / "tcxd.db"
    assert tcxd("init", "--config", tmp_path / "tinh.yaml", "--db", db).exit_code == 0
    result = tcxd("import", files, "--db", db)
    assert result.exit_code == 0, result.output
    return db


def _report(tcxd, db, out, period="year"):
    result = tcxd(
        "report", "--period", period, "--year", "2025", "--out", out, "--format", "all",
        "--db", db,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    folder = out / f"2025-{period}"
    twin = json.loads((folder / "tinh.json").read_text("utf-8"))
    return twin["forms"], CalamineWorkbook.from_path(str(folder / "tinh.xlsx"))


def _rows(workbook, sheet):
    return workbook.get_sheet_by_name(sheet).to_python()


def _row(rows, label):
    found = [r for r in rows if len(r) > 1 and r[1] == label]
    assert found, label
    return found[0]


def _nonzero(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if v}


def test_bieu3_official_blocks_each_with_its_unknown_row(tcxd, province, tmp_path):
    """Biểu số 3-BTCTW II.1: working members by the official groups, read from the occupation
    text and the loại hình of the unit (a "Công chức" of a xã's office is commune staff, of a
    provincial department district-up), retired (an exempt member is not working); a member
    whose text is missing or not understood is "Chưa rõ", never "khác"."""
    forms, workbook = _report(tcxd, province, tmp_path / "bc")
    b3 = forms["bieu3"]
    occupations = {k: v for k, v in b3.items() if k.startswith("occ_") or k == "retired"}
    assert _nonzero(occupations) == {
        "occ_farming": 1,  # Nông dân, thôn Đông
        "occ_commune_staff": 1,  # Công chức, Ủy ban nhân dân xã
        "occ_state_district_up": 1,  # Công chức, Sở Tài chính
        "occ_enterprise_worker": 1,  # Công nhân, Công ty TNHH
        "occ_enterprise_manager": 1,  # Giám đốc, Công ty Điện lực
        "occ_unknown": 2,  # no text; "Phi công" (no group says so)
        "retired": 2,  # Hưu trí; Lao động tự do but exempt
    }
    assert b3["total"] == 9 and b3["exempt"] == 1 and b3["women"] == 2
    assert b3["probationary"] == 3  # the two admitted in 2025, and one with no dates at all
    degrees = {k: v for k, v in b3.items() if k.startswith(("degree_", "title_"))}
    assert _nonzero(degrees) == {
        "degree_university": 1,
        "degree_master": 1,
        "degree_doctor": 1,
        "degree_unknown": 6,
        "title_assoc_professor": 1,
    }
    school = {k: v for k, v in b3.items() if k.startswith("school_")}
    assert _nonzero(school) == {
        "school_upper_secondary": 6,
        "school_lower_secondary": 1,
        "school_primary": 1,
        "school_unknown": 1,
    }
    joined = {k: v for k, v in b3.items() if k.startswith("joined_")}
    assert _nonzero(joined) == {
        "joined_1954_1975": 2,
        "joined_from_1975_05_01": 6,
        "joined_unknown": 1,
    }
    assert b3["married_to_foreigner"] is None  # no file tells it
    rows = _rows(workbook, "Biểu 3")
    assert _row(rows, "Có vợ hoặc chồng là người nước ngoài")[2] == NO_DATA
    unknown = _row(rows, "Chưa rõ (danh sách không ghi hoặc ghi không rõ nghề nghiệp)")
    assert unknown[2] == 2
    assert _row(rows, "Nghỉ hưu, không còn làm việc")[:3] == [
        "b",
        "Nghỉ hưu, không còn làm việc",
        2,
    ]


def test_bieu2_admitted_with_occupations_and_the_tccsd_block(tcxd, province, tmp_path):
    forms, workbook = _report(tcxd, province, tmp_path / "bc")
    b2 = forms["bieu2"]
    assert b2["total"] == 2 and b2["women"] == 1
    assert _nonzero({k: v for k, v in b2.items() if k.startswith("occ_")}) == {
        "occ_commune_staff": 1,
        "occ_enterprise_worker": 1,
    }
    assert b2["family_planning_violation"] is None and b2["married_to_foreigner"] is None
    # III: TCCSĐ at the end of the year, and those where someone was admitted
    assert (b2["dang_bo_co_so"], b2["dang_bo_co_so_admitting"]) == (1, 0)
    assert (b2["chi_bo_co_so"], b2["chi_bo_co_so_admitting"]) == (6, 2)
    rows = _rows(workbook, "Biểu 2")
    violation = _row(rows, "Quần chúng vi phạm chính sách dân số - kế hoạch hóa gia đình")
    assert violation[2:5] == [NO_DATA, NO_DATA, NO_DATA]


def test_bieu5_official_rows_fill_from_the_finer_kinds(tcxd, province, tmp_path):
    """Biểu số 5-BTCTW: Doanh nghiệp 100 % vốn Nhà nước and Công ty TNHH in their sub-rows, a
    unit written only "DN ngoài NN" in the group's "chưa rõ" row, a unit with no loại hình in
    "Chưa rõ loại hình"; groups are the sums of their rows, Cộng counts every TCCSĐ."""
    forms, workbook = _report(tcxd, province, tmp_path / "bc")
    b5 = forms["bieu5"]
    filled = {
        row: (v["tccsd"], v["dang_bo_co_so"], v["chi_bo_truc_thuoc"], v["members"])
        for row, v in b5.items()
        if any(v.values())
    }
    assert filled == {
        "xa": (1, 0, 0, 3),
        "co_quan_nha_nuoc": (2, 0, 0, 2),
        "doanh_nghiep_htx": (3, 1, 1, 3),
        "dn_von_nha_nuoc": (1, 1, 1, 1),
        "dn_nn_100": (1, 1, 1, 1),
        "dn_ngoai_nha_nuoc": (2, 0, 0, 2),
        "dn_tnhh": (1, 0, 0, 1),
        "dn_ngoai_nha_nuoc_unknown": (1, 0, 0, 1),
        "unknown": (1, 0, 0, 1),
        "total": (7, 1, 1, 9),
    }
    rows = _rows(workbook, "Biểu 5")
    shorts = [r[0] for r in rows if r and r[0] in {str(n) for n in range(1, 12)}]
    assert shorts == [str(n) for n in range(1, 12)]  # 1 Xã … 7 Quân đội … 11 Loại hình khác
    assert _row(rows, "Quân đội")[0] == "7" and _row(rows, "Doanh nghiệp và hợp tác xã")[0] == "9"
    assert _row(rows, "Cộng")[2:8] == [7, 1, 6, 0, 1, 9]


def test_the_same_period_of_a_year_without_data_says_so(tcxd, province, tmp_path):
    """The records begin on 31/12/2024 (the first roster): the stock at the end of 2024 is
    known (Biểu 3 compares with it), the flows of 2024 are not (Biểu 1 and 2 say "không có số
    liệu", not 0 and not members carried back in time)."""
    _, workbook = _report(tcxd, province, tmp_path / "bc")
    bieu1 = _rows(workbook, "Biểu 1")
    start = _row(bieu1, "Tổng số đảng viên đầu kỳ")
    assert start[3:5] == [NO_DATA, NO_DATA]
    assert _row(_rows(workbook, "Biểu 2"), "Tổng số đảng viên mới kết nạp")[3] == NO_DATA
    stock = _row(_rows(workbook, "Biểu 3"), "Tổng số đảng viên")
    # thôn Đông's three of its 2024 list, and the four members of the other units' first lists
    # admitted before 2025 (on a unit's first list: members since before the records began)
    assert stock[2:4] == [9, 7]
    # Q4 2024 holds the roster of 31/12/2024: its stock, not its flows; Q2 2024 holds nothing
    _, q4 = _report(tcxd, province, tmp_path / "bc-q4", period="q4")
    assert _row(_rows(q4, "Biểu 1"), "Tổng số đảng viên đầu kỳ")[3:5] == [NO_DATA, NO_DATA]
    assert _row(_rows(q4, "Biểu 3"), "Tổng số đảng viên")[3] == 7
    _, q2 = _report(tcxd, province, tmp_path / "bc-q2", period="q2")
    for sheet, label in (("Biểu 1", "Tổng số đảng viên đầu kỳ"), ("Biểu 3", "Tổng số đảng viên")):
        assert _row(_rows(q2, sheet), label)[3:5] == [NO_DATA, NO_DATA], sheet


def test_occupation_words_are_data_matched_on_folded_words():
    """The mapping is forms/occupations.yaml: what a text says is matched on folded words
    (no diacritics, any case), the longest phrase first."""
    from tcxd.reports.forms import occupation_code

    assert occupation_code("CONG NHAN QUOC PHONG", "quan_doi") == "occ_armed_forces"
    assert occupation_code("cán bộ hưu trí", "xa") == "retired"
    assert occupation_code("Công chức", "co_quan_nha_nuoc", True) == "occ_commune_staff"


def _evaluations(files) -> None:
    """Member and organisation results of 2025: scores, a decided level, tiêu biểu marks, and
    the district-level committee's own result decided by the province."""
    members = [["KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM 2025"],
               ["STT", "Họ và tên", "Số thẻ đảng viên", "Chi bộ", "Tổng điểm",
                "Cấp ủy xếp loại", "Tiêu biểu"]]  # fmt: skip
    for number, member in enumerate(MEMBERS, start=1):
        top = member[3] in ("00000001", "00000003")
        members.append(
            [number, member[0], member[3], member[6], 95 if top else 80,
             "Hoàn thành xuất sắc nhiệm vụ" if top else "", "x" if member[3] == "00000001" else ""]
        )  # fmt: skip
    write_xlsx(files / "xep-loai-dang-vien-2025.xlsx", members)
    orgs = [["KẾT QUẢ XẾP LOẠI TỔ CHỨC ĐẢNG NĂM 2025"],
            ["STT", "Tên tổ chức đảng", "Trực thuộc", "Tổng điểm", "Cấp ủy xếp loại",
             "Tiêu biểu"]]  # fmt: skip
    for number, (name, _type, parent, _kind) in enumerate(ORGANISATIONS, start=1):
        top = name == "Chi bộ thôn Đông"
        level = "Hoàn thành xuất sắc nhiệm vụ" if top else ""
        orgs.append([number, name, parent, 95 if top else 80, level, "x" if top else ""])
    orgs.append([len(orgs), COMMUNE, "Tỉnh ủy Thử Nghiệm", 92, "Hoàn thành tốt nhiệm vụ", ""])
    write_xlsx(files / "xep-loai-to-chuc-2025.xlsx", orgs)


def test_xl_sheets_count_exemplary_assumed_and_the_committees_own_ratings(tcxd, province, tmp_path):
    """XL đảng viên: tiêu biểu counted among HTXSNV, ratings resting on conditions taken as met
    counted, the decided levels the rules would not allow as classify flagged them; XL tổ chức:
    tiêu biểu, and the district-level committee's own rating (block IV)."""
    _evaluations(tmp_path / "eval")
    assert tcxd("import", tmp_path / "eval", "--db", province).exit_code == 0
    classified = tcxd("classify", "--year", "2025", "--db", province)
    assert classified.exit_code == 0, classified.output
    forms, workbook = _report(tcxd, province, tmp_path / "bc")
    xl = forms["xl_dang_vien"]
    assert xl["htxs"] >= 1 and xl["exemplary"] == 1
    # the decided levels classify flagged (below the band or over the cap), each counted once
    [(flagged,)] = query(
        f"sqlite:///{province}",
        "SELECT count(*) FROM member_rating WHERE year = 2025 AND quarter = 0 "
        "AND decided_not_allowed IS NOT NULL",
    )
    assert xl["decided_not_allowed"] == flagged
    assert 0 <= xl["assumed"] <= xl["htxs"] + xl["htt"]
    rows = _rows(workbook, "XL đảng viên")
    assert (
        _row(rows, "Mức do cấp có thẩm quyền quyết định mà quy định không cho phép")[2] == flagged
    )
    exemplary = _row(rows, "Trong đó: tiêu biểu (cấp có thẩm quyền quyết định)")
    assert exemplary[2] == 1
    tc = forms["xl_to_chuc"]
    assert tc["tccsd_exemplary"]["total"] == 1 and tc["tccsd_exemplary"]["xa"] == 1
    assert tc["district_total"] == {"total": 2}
    assert tc["district_htt"] == {"total": 1}  # Đảng bộ xã An Phú, decided by the province
    assert tc["district_not_rated"] == {"total": 1}  # no result for the bloc committee
    block = _row(_rows(workbook, "XL tổ chức"), "Đảng bộ trực thuộc Tỉnh ủy (do Tỉnh ủy xếp loại)")
    assert block[0] == "IV" and block[2] == 2
