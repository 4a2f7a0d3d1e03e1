"""The JSON twin: exactly the keys of spec reports.md, and the form definitions behind them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from report_fixtures import make_report

from tcxd.core.vocab import codes
from tcxd.reports.forms import (
    age_band,
    check_forms,
    degree_code,
    empty_forms,
    joined_band,
    load_form,
    occupation_code,
    school_code,
    theory_code,
)
from tcxd.reports.workbook import ReportError, twin, write_json_twin

# The row codes as spec reports.md writes them (typed here, not read from the form files).
# Every block of attributes ends in its "Chưa rõ" row (`*_unknown`).
AGES = [
    "age_18_30",
    "age_31_35",
    "age_36_40",
    "age_41_45",
    "age_46_50",
    "age_51_55",
    "age_56_60",
    "age_over_60",
    "age_unknown",
    "age_mean",
]
SCHOOL = [
    "school_literate",
    "school_primary",
    "school_lower_secondary",
    "school_upper_secondary",
    "school_unknown",
]
DEGREE = [
    "degree_vocational",
    "degree_intermediate",
    "degree_college",
    "degree_university",
    "degree_master",
    "degree_doctor",
    "degree_unknown",
]
TITLES = ["title_assoc_professor", "title_professor"]
OCCUPATIONS = [
    "occ_state_district_up",
    "occ_party_mass_district_up",
    "occ_commune_staff",
    "occ_village_staff",
    "occ_public_service",
    "occ_non_public_service",
    "occ_enterprise_manager",
    "occ_enterprise_staff",
    "occ_enterprise_worker",
    "occ_farming",
    "occ_armed_forces",
    "occ_university_student",
    "occ_pupil",
    "occ_other",
    "occ_unknown",
]
SPEC = {
    "bieu1": [
        "A",
        "B",
        "B1",
        "B2",
        "B2a",
        "B2b",
        "B3",
        "C",
        "C1",
        "C2",
        "C3",
        "C3a",
        "C4",
        "C5",
        "C5a",
        "C5b",
        "D",
    ],
    "bieu2": [
        "total",
        "women",
        "ethnic_minority",
        "religious",
        "youth_union",
        "private_business_owner",
        "family_planning_violation",
        "married_to_foreigner",
        "readmitted",
        *OCCUPATIONS,
        *AGES,
        *SCHOOL,
        *DEGREE,
        *TITLES,
        "dang_bo_co_so",
        "dang_bo_co_so_admitting",
        "chi_bo_co_so",
        "chi_bo_co_so_admitting",
    ],
    "bieu3": [
        "total",
        "women",
        "probationary",
        "ethnic_minority",
        "religious",
        "youth_union",
        "private_business_owner",
        "married_to_foreigner",
        *OCCUPATIONS,
        "retired",
        "exempt",
        *AGES,
        "joined_before_1945_08_19",
        "joined_1945_1954",
        "joined_1954_1975",
        "joined_from_1975_05_01",
        "joined_unknown",
        *SCHOOL,
        *DEGREE,
        *TITLES,
        "theory_basic",
        "theory_intermediate",
        "theory_advanced",
        "theory_unknown",
    ],
    "xl_dang_vien": [
        "total",
        "rated",
        "not_rated",
        "exempt",
        "new",
        "suspended",
        "other",
        "htxs",
        "exemplary",
        "htt",
        "ht",
        "kht",
        "kht_discipline",
        "kht_score",
        "kht_other",
        "capped",
        "assumed",
        "decided_not_allowed",
    ],
}
# Figures tcxd cannot know from the files it reads: null in the twin, "không có số liệu" on paper.
NO_DATA = {
    "bieu2": {"family_planning_violation", "married_to_foreigner"},
    "bieu3": {"married_to_foreigner"},
}
# Biểu 5: the official rows and sub-rows (spec reports.md), and "Chưa rõ" sub-rows for a unit
# known only to its group, and for a TCCSĐ whose loại hình no file gives.
BIEU5_ROWS = [
    "xa",
    "phuong",
    "dac_khu",
    "co_quan_dang",
    "co_quan_nha_nuoc",
    "su_nghiep",
    "su_nghiep_cong_lap",
    "su_nghiep_ngoai_cong_lap",
    "su_nghiep_unknown",
    "quan_doi",
    "cong_an",
    "doanh_nghiep_htx",
    "dn_von_nha_nuoc",
    "dn_nn_100",
    "dn_nn_tu_50",
    "dn_nn_duoi_50",
    "dn_von_nha_nuoc_unknown",
    "dn_ngoai_nha_nuoc",
    "dn_co_phan",
    "dn_tu_nhan",
    "dn_tnhh",
    "dn_hop_danh",
    "dn_fdi",
    "dn_fdi_100",
    "dn_ngoai_nha_nuoc_unknown",
    "hop_tac_xa",
    "doanh_nghiep_htx_unknown",
    "ngoai_nuoc",
    "khac",
    "unknown",
    "total",
]
BIEU5_COLUMNS = [
    "tccsd",
    "dang_bo_co_so",
    "chi_bo_co_so",
    "dang_bo_bo_phan",
    "chi_bo_truc_thuoc",
    "members",
]
# XL tổ chức's loại hình columns: the Biểu 5 rows down to the a/b/c sub-rows
XL_KINDS = [
    "xa",
    "phuong",
    "dac_khu",
    "co_quan_dang",
    "co_quan_nha_nuoc",
    "su_nghiep",
    "su_nghiep_cong_lap",
    "su_nghiep_ngoai_cong_lap",
    "su_nghiep_unknown",
    "quan_doi",
    "cong_an",
    "doanh_nghiep_htx",
    "dn_von_nha_nuoc",
    "dn_ngoai_nha_nuoc",
    "hop_tac_xa",
    "doanh_nghiep_htx_unknown",
    "ngoai_nuoc",
    "khac",
    "unknown",
]
XL_TO_CHUC = [
    f"{p}_{m}"
    for p in ("tccsd", "cbtt", "dbbp", "district")
    for m in ("total", "rated", "not_rated", "new", "htxs", "exemplary", "htt", "ht", "kht")
]


def test_empty_forms_have_exactly_the_spec_keys():
    forms = empty_forms()
    assert set(forms) == {"bieu1", "bieu2", "bieu3", "bieu5", "xl_to_chuc", "xl_dang_vien"}
    for name, keys in SPEC.items():
        assert sorted(forms[name]) == sorted(keys), name
        assert len(forms[name]) == len(keys)
    assert sorted(forms["bieu5"]) == sorted(BIEU5_ROWS)
    assert all(sorted(row) == sorted(BIEU5_COLUMNS) for row in forms["bieu5"].values())
    assert sorted(forms["xl_to_chuc"]) == sorted(XL_TO_CHUC)
    columns = ["total", *XL_KINDS]
    for code, row in forms["xl_to_chuc"].items():
        expected = ["total"] if code.startswith("district_") else columns
        assert sorted(row) == sorted(expected), code
    for name, keys in NO_DATA.items():
        assert {k for k, v in forms[name].items() if v is None} == keys
    assert check_forms(forms) == []


def test_every_kind_of_place_has_one_row_of_bieu5():
    """Each loại hình code of vocab.yaml is counted by exactly one row of its own (its groups
    add it up through their parts), so Cộng counts every TCCSĐ once."""
    rows = load_form("bieu5").rows
    own = [kind for row in rows for kind in row.kinds]
    assert sorted(own, key=str) == sorted([*codes("kinds_of_place"), None], key=str)


def test_twin_keys_exactly(tmp_path):
    report = make_report(seed=2)
    path = write_json_twin(tmp_path / "dang-bo-phuong-an-lac.json", report)
    data = json.loads(path.read_text("utf-8"))
    assert list(data) == ["unit", "period", "forms", "by_unit", "checks"]
    assert data["unit"] == {
        "id": 3,
        "name": "Đảng bộ phường An Lạc",
        "level": "district",
        "parent_name": "Tỉnh ủy Bình Minh",
    }
    assert data["period"] == {
        "code": "year",
        "year": 2025,
        "start": "2025-01-01",
        "end": "2025-12-31",
    }
    for name, keys in SPEC.items():
        assert list(data["forms"][name]) == [k for k in load_form(name).empty_figures()]
        assert sorted(data["forms"][name]) == sorted(keys)
    assert sorted(data["forms"]["bieu5"]) == sorted(BIEU5_ROWS)
    assert sorted(data["forms"]["xl_to_chuc"]) == sorted(XL_TO_CHUC)
    assert data == twin(report)
    assert "previous_year" not in data and "ratings_available" not in data
    for unit in data["by_unit"]:
        assert list(unit) == ["id", "name", "submitted", "bieu1", "members_end", "ratings"]
    for check in data["checks"]:
        assert list(check) == ["check", "description", "unit", "file", "row", "detail"]


def test_twin_numbers_and_balance(tmp_path):
    report = make_report(seed=4, units=20)
    data = twin(report)
    b1 = data["forms"]["bieu1"]
    assert all(isinstance(v, int) for v in b1.values())
    assert b1["D"] == b1["A"] + b1["B"] - b1["C"]
    for unit in data["by_unit"]:
        f = unit["bieu1"]
        assert f["D"] == f["A"] + f["B"] - f["C"] == unit["members_end"]
    assert isinstance(data["forms"]["bieu3"]["age_mean"], float)
    assert data["forms"]["bieu5"]["total"]["members"] == b1["D"]


def test_twin_without_ratings_has_null_rating_forms(tmp_path):
    report = make_report(ratings=False, previous=False, period=("h1", 2026))
    data = json.loads(write_json_twin(tmp_path / "t.json", report).read_text("utf-8"))
    assert data["forms"]["xl_to_chuc"] is None and data["forms"]["xl_dang_vien"] is None
    assert all(unit["ratings"] is None for unit in data["by_unit"])
    # figures code may hand zero-filled rating forms with ratings_available False: same twin
    report["forms"]["xl_dang_vien"] = empty_forms()["xl_dang_vien"]
    assert twin(report)["forms"]["xl_dang_vien"] is None


def test_twin_masks_ids_and_keeps_text_verbatim():
    data = twin(make_report(seed=9))
    text = json.dumps(data, ensure_ascii=False)
    assert "001234567890" not in text and "[số định danh đã ẩn]" in text
    assert any(c["description"] == '=HYPERLINK("http://x.invalid")' for c in data["checks"])
    assert "Đảng bộ phường An Lạc" in text  # diacritics kept, not \\u escapes


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r["forms"]["bieu1"].pop("C3a"),
        lambda r: r["forms"]["bieu2"].__setitem__("extra_row", 1),
        lambda r: r["forms"]["bieu5"]["xa"].pop("members"),
        lambda r: r["forms"]["xl_to_chuc"].pop("dbbp_kht"),
        lambda r: r["forms"].pop("bieu3"),
        lambda r: r["forms"]["bieu1"].__setitem__("A", "12"),
        lambda r: r.pop("period"),
    ],
)
def test_a_report_of_the_wrong_shape_is_refused(tmp_path, damage):
    report = make_report(previous=False)
    damage(report)
    with pytest.raises(ReportError):
        write_json_twin(tmp_path / "t.json", report)
    assert list(tmp_path.iterdir()) == []


def test_atomic_replace_of_the_twin(tmp_path):
    path = tmp_path / "tinh.json"
    path.write_text("old", "utf-8")
    write_json_twin(path, make_report(previous=False))
    assert json.loads(path.read_text("utf-8"))["period"]["code"] == "year"
    assert [p.name for p in tmp_path.iterdir()] == ["tinh.json"]


# --- the attribute mappings of docs/figures.md (data in tcxd/reports/forms) ---------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("5/12", "school_primary"),
        ("9/12", "school_lower_secondary"),
        ("10/12", "school_upper_secondary"),
        ("12/12", "school_upper_secondary"),
        ("4/10", "school_primary"),
        ("7/10", "school_lower_secondary"),
        ("10/10", "school_upper_secondary"),
        (" 9 / 12 ", "school_lower_secondary"),
        ("THCS", "school_lower_secondary"),
        ("Trung học phổ thông", "school_upper_secondary"),
        ("tieu hoc", "school_primary"),
        ("13/12", None),
        ("", None),
        (None, None),
        ("abc", None),
    ],
)
def test_school_levels(text, code):
    assert school_code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sơ cấp", "degree_vocational"),
        ("Công nhân kỹ thuật", "degree_vocational"),
        ("Trung cấp", "degree_intermediate"),
        ("Cao đẳng", "degree_college"),
        ("Đại học", "degree_university"),
        ("Cử nhân", "degree_university"),
        ("Kỹ sư", "degree_university"),
        ("Thạc sĩ", "degree_master"),
        ("Tiến sĩ", "degree_doctor"),
        ("Tiến sĩ khoa học", "degree_doctor"),
        ("DAI HOC", "degree_university"),
        ("Đại học Luật", "degree_university"),
        ("Không", None),
        (None, None),
    ],
)
def test_degrees(text, code):
    assert degree_code(text) == code


def test_theory_levels():
    assert theory_code("Sơ cấp") == "theory_basic"
    assert theory_code("Trung cấp") == "theory_intermediate"
    assert theory_code("Cao cấp") == theory_code("Cử nhân") == "theory_advanced"
    assert theory_code("") is None


@pytest.mark.parametrize(
    ("text", "kind", "commune", "code"),
    [
        ("Công nhân may", "dn_tnhh", False, "occ_enterprise_worker"),
        ("Công nhân quốc phòng", "quan_doi", False, "occ_armed_forces"),
        ("Làm nông", "xa", False, "occ_farming"),
        ("Giáo viên", "su_nghiep_cong_lap", False, "occ_public_service"),
        ("Giáo viên", "su_nghiep_ngoai_cong_lap", False, "occ_non_public_service"),
        ("Giáo viên", "xa", False, None),  # a teacher living in a village: unit unknown
        ("Cán bộ hưu trí", "xa", False, "retired"),
        ("Công chức", "co_quan_nha_nuoc", False, "occ_state_district_up"),
        ("Công chức", "co_quan_nha_nuoc", True, "occ_commune_staff"),
        ("Cán bộ", "co_quan_dang", False, "occ_party_mass_district_up"),
        ("Trưởng thôn", "xa", False, "occ_village_staff"),
        ("Nhân viên kinh doanh", "dn_co_phan", False, "occ_enterprise_staff"),
        ("Giám đốc", "dn_nn_100", False, "occ_enterprise_manager"),
        ("Sĩ quan quân đội", "quan_doi", False, "occ_armed_forces"),
        ("Kinh doanh tự do", "phuong", False, "occ_other"),
        ("Sinh viên", "xa", False, "occ_university_student"),
        ("HỌC SINH", "xa", False, "occ_pupil"),
        ("Nghỉ hưu", "phuong", False, "retired"),
        ("Thợ mộc", "xa", False, "occ_other"),
        ("Phi công vũ trụ", "xa", False, None),
        ("", "xa", False, None),
        (None, "xa", False, None),
    ],
)
def test_occupations_longest_phrase_and_the_unit_decide(text, kind, commune, code):
    """Unknown or unrecognised occupations are "Chưa rõ" (occ_unknown), never "khác"."""
    assert occupation_code(text, kind, commune) == (code or "occ_unknown")


def test_age_and_joined_bands():
    assert [age_band(a) for a in (16, 30, 31, 60, 61, 95)] == [
        "age_18_30",
        "age_18_30",
        "age_31_35",
        "age_56_60",
        "age_over_60",
        "age_over_60",
    ]
    assert joined_band(date(1945, 8, 18)) == "joined_before_1945_08_19"
    assert joined_band(date(1945, 8, 19)) == "joined_1945_1954"
    assert joined_band(date(1954, 7, 21)) == "joined_1954_1975"
    assert joined_band(date(1975, 5, 1)) == "joined_from_1975_05_01"
