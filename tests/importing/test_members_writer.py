"""`writers.members`: new members written column by column store what one record per member
stored (`member_records`, each record given the columns of the others as their defaults)."""

from __future__ import annotations

from datetime import date

from tcxd.importing.writers.members import default_of, member_records, new_member_columns
from tests.importing.conftest import AN, BINH, sheet


def as_records_were(file, rows, positions) -> dict[str, list]:
    """The columns the record-per-member insert sent: every key any record has, a record
    without it given the column's default."""
    records = member_records(file, rows, positions)
    keys = sorted({key for record in records for key in record})
    return {key: [record.get(key, default_of(key)) for record in records] for key in keys}


def test_new_members_as_columns_are_the_records_they_were(context):
    table = sheet(
        "members",
        [
            {**AN, "extra": {"Ghi chú cũ": "x"}},  # birth year from the birth date
            {**BINH, "birth_date": None, "birth_year": 1975, "birth_year_only": True},
            {"full_name": "Lê Văn Cư", "birth_year_only": True, "youth_union": True},  # no birth
            {"full_name": None, "card_number": "00999999", "extra": {}},  # no name given
            {"full_name": "Phạm Thị Dung", "birth_date": date(1990, 1, 1), "birth_year": 1991},
        ],
    )
    file = context(table)
    positions = [0, 1, 2, 3, 4]
    columns = new_member_columns(file, table.rows, positions)
    assert columns == as_records_were(file, table.rows, positions)
    assert columns["birth_year"] == [1980, 1975, None, None, 1991]
    assert columns["birth_year_only"] == [False, True, False, False, False]
    assert columns["full_name"][3] == columns["name_key"][3] == ""
    assert columns["extra"] == [{"Ghi chú cũ": "x"}, {}, {}, {}, {}]


def test_a_column_no_new_member_gives_is_left_to_its_default(context):
    table = sheet("members", [AN, {**BINH, "note": "chuyển đến"}])
    file = context(table)
    columns = new_member_columns(file, table.rows, [0])
    assert "note" not in columns
    assert columns == as_records_were(file, table.rows, [0])
    assert new_member_columns(file, table.rows, [1])["note"] == ["chuyển đến"]
