"""`tcxd.importing.resolve.members`: which member a row is, and the identity checks."""

from __future__ import annotations

from datetime import date

from tcxd.importing.resolve.members import (
    check_duplicates,
    check_identities,
    member_keys,
    resolve_members,
)
from tcxd.importing.writers.roster import write_members
from tests.importing.conftest import AN, BINH, org_id, sheet, with_batch


def stored_an(context):
    """A file context whose database holds AN (written by a roster of Chi bộ thôn 1)."""
    table = sheet("members", [AN], as_of=date(2024, 12, 31))
    file = with_batch(context(table), table)
    unit = org_id(file.conn, "Chi bộ thôn 1")
    write_members(file, table, unit)
    assert not file.problems
    return file, unit, file.conn.exec_driver_sql("SELECT id FROM member").scalar()


def test_a_row_is_the_member_of_its_card_else_its_name_and_birth_date(context):
    file, unit, an = stored_an(context)
    no_card = {k: v for k, v in AN.items() if k != "card_number"}
    other_birth = {**no_card, "birth_date": date(1981, 1, 1)}
    rows = sheet("members", [{**AN, "full_name": "Nguyễn Văn Ân"}, no_card, other_birth, BINH])
    assert resolve_members(file, rows.rows, [unit] * 4) == [an, an, None, None]


def test_a_card_held_by_someone_else_is_refused_naming_the_member(context):
    file, unit, an = stored_an(context)
    other = {**BINH, "card_number": AN["card_number"]}
    table = sheet("members", [other])
    keys = member_keys(file, table.rows)
    ids = resolve_members(file, table.rows, [unit], keys)
    assert ids == [an]
    check_identities(file, table, ids, keys)
    assert file.problems == [
        'Tệp "tep.xlsx", trang "DS", dòng 5, cột "card_number": giá trị "01234567" đã là số '
        'thẻ đảng viên của "Nguyễn Văn An" (sinh 05/03/1980), người khác với "Trần Thị Bình" '
        "(sinh 12/07/1975) ở dòng này; không ghi đè thông tin của đảng viên đã có."
    ]


def test_one_card_on_two_rows_names_both_rows(context):
    table = sheet("members", [AN, {**BINH, "card_number": AN["card_number"]}])
    file = context(table)
    check_duplicates(file, table, [None, None])
    assert file.problems == [
        'Tệp "tep.xlsx", trang "DS", dòng 6, cột "card_number": giá trị "01234567" trùng với '
        "dòng 5 (một người chỉ được ghi một lần)."
    ]
