"""`tcxd.importing.resolve.units`: the unit of a file and of each row."""

from __future__ import annotations

import pytest

from tcxd.importing.context import Deferred
from tcxd.importing.resolve.units import file_unit, find_branch, row_units
from tcxd.importing.results import ImportOptions
from tests.importing.conftest import AN, BINH, org_id, sheet


def test_the_folders_name_the_unit_of_a_file_without_a_title(context):
    table = sheet("members", [AN])
    file = context(table, folder="01. Dang bo xa Phu An/Chi bo thon 1")
    assert file_unit(file, table, last_try=True) == org_id(file.conn, "Chi bộ thôn 1")


def test_the_title_names_the_unit_before_the_folders(context):
    table = sheet("members", [AN], unit_names=["CHI BỘ 2"])
    file = context(table, folder="01. Dang bo xa Phu An/Dang bo Truong THCS Phu An")
    assert file_unit(file, table, last_try=True) == org_id(file.conn, "Chi bộ 2")


def test_an_unknown_unit_defers_the_file_then_names_what_was_tried(context):
    table = sheet("members", [AN], unit_names=["CHI BỘ THÔN 9"])
    file = context(table, folder="khong ro")
    with pytest.raises(Deferred):
        file_unit(file, table, last_try=False)
    assert file_unit(file, table, last_try=True) is None
    assert "không xác định được đơn vị của tệp" in file.problems[0]
    assert '"CHI BỘ THÔN 9"' in file.problems[0]


def test_rows_name_their_chi_bo_under_the_unit_in_any_spelling(context):
    rows = [{**AN, "branch": "Chi bộ 1"}, {**BINH, "branch": "chi bo 2"}]
    table = sheet("members", rows)
    file = context(table, folder="01. Dang bo xa Phu An/Dang bo Truong THCS Phu An")
    unit = org_id(file.conn, "Đảng bộ Trường THCS Phú An")
    assert row_units(file, table, unit, holding_only=True) == [
        org_id(file.conn, "Chi bộ 1"),
        org_id(file.conn, "Chi bộ 2"),
    ]
    assert find_branch(file, "1", unit) == org_id(file.conn, "Chi bộ 1")  # "Chi bộ" understood


def test_unknown_chi_bo_give_one_problem_naming_their_rows(context):
    rows = [{**AN, "branch": "Chi bộ 7"}, {**BINH, "branch": "Chi bộ 7"}]
    table = sheet("members", rows)
    file = context(table)
    unit = org_id(file.conn, "Đảng bộ Trường THCS Phú An")
    file.last_try = False
    with pytest.raises(Deferred):
        row_units(file, table, unit, holding_only=True)
    file.last_try = True
    row_units(file, table, unit, holding_only=True)
    assert len(file.problems) == 1
    assert '"Chi bộ 7" (dòng 5–6)' in file.problems[0]


def test_create_units_makes_the_chi_bo_under_the_unit(context):
    table = sheet("members", [{**AN, "branch": "Chi bộ 7"}])
    file = context(table, options=ImportOptions(create_units=True))
    unit = org_id(file.conn, "Đảng bộ Trường THCS Phú An")
    [made] = row_units(file, table, unit, holding_only=True)
    assert made == org_id(file.conn, "Chi bộ 7")
    assert file.index.parent[made] == unit and file.index.types[made] == "chi_bo_truc_thuoc"
    assert file.outcome.created_units == ["Chi bộ 7 (trực thuộc Đảng bộ Trường THCS Phú An)"]
