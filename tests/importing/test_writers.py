"""`tcxd.importing.writers`: each kind of sheet written on its own, then a whole file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from tcxd.importing.writers import write_file
from tcxd.importing.writers.changes import write_changes
from tcxd.importing.writers.evaluations import write_member_evaluations
from tcxd.importing.writers.organizations import write_organizations
from tcxd.importing.writers.roster import write_members
from tests.importing.conftest import AN, BINH, org_id, sheet, with_batch


def rows(conn, sql):
    return [tuple(r) for r in conn.execute(text(sql))]


def write_roster(context, members, as_of):
    table = sheet("members", members, as_of=as_of)
    file = with_batch(context(table), table)
    write_members(file, table, org_id(file.conn, "Chi bộ thôn 1"))
    assert not file.problems
    return file


def test_a_roster_writes_its_members_and_their_roster_entries(context):
    file = write_roster(context, [AN, BINH], date(2024, 12, 31))
    assert file.outcome.rows_new == 2
    assert rows(
        file.conn,
        "SELECT m.card_number, o.name, r.as_of, r.source_row FROM roster_entry r "
        "JOIN member m ON m.id = r.member_id JOIN organization o ON o.id = r.org_id "
        "ORDER BY r.source_row",
    ) == [
        ("01234567", "Chi bộ thôn 1", "2024-12-31", 5),
        ("00234568", "Chi bộ thôn 1", "2024-12-31", 6),
    ]


def test_an_older_roster_fills_only_what_the_newer_left_empty(context):
    file = write_roster(context, [AN], date(2024, 12, 31))
    older = {**AN, "gender": "Nữ", "ethnicity": "Tày"}
    table = sheet("members", [older], as_of=date(2024, 6, 30))
    with_batch(file, table)
    file.outcome.rows_new = 0
    write_members(file, table, org_id(file.conn, "Chi bộ thôn 1"))
    assert rows(file.conn, "SELECT gender, ethnicity, attributes_as_of FROM member") == [
        ("Nam", "Tày", "2024-12-31")
    ]


def test_changes_write_events_and_an_official_date(context):
    file = write_roster(context, [AN], date(2024, 12, 31))
    change = {**AN, "change": "made_official", "date": date(2025, 3, 1)}
    table = sheet("changes", [change])
    with_batch(file, table)
    write_changes(file, table, org_id(file.conn, "Chi bộ thôn 1"))
    assert not file.problems
    assert rows(file.conn, "SELECT kind, event_on FROM membership_event") == [
        ("made_official", "2025-03-01")
    ]
    assert rows(file.conn, "SELECT official_on FROM member") == [("2025-03-01",)]


def test_evaluations_never_blank_a_stored_value(context):
    file = write_roster(context, [AN], date(2024, 12, 31))
    unit = org_id(file.conn, "Chi bộ thôn 1")
    file.outcome.rows_new = 0  # (the roster's member)
    first = sheet("member_evaluations", [{**AN, "score": 90.0, "decided_level": "HTTNV"}])
    first.year = 2025
    with_batch(file, first)
    write_member_evaluations(file, first, unit)
    again = sheet("member_evaluations", [{**AN, "score": None, "decided_level": "HTXSNV"}])
    again.year = 2025
    with_batch(file, again)
    write_member_evaluations(file, again, unit)
    assert not file.problems
    assert rows(file.conn, "SELECT year, quarter, score, decided_level FROM member_evaluation") == [
        (2025, 0, 90.0, "HTXSNV")
    ]
    assert (file.outcome.rows_new, file.outcome.rows_updated) == (1, 1)


def test_an_organisation_list_adds_units_and_refuses_a_loop(context):
    school = "Đảng bộ Trường THCS Phú An"
    table = sheet(
        "organizations",
        [
            {"name": "Chi bộ 3", "parent": school, "code": None},
            {"name": school, "parent": "Chi bộ 1", "code": "S1"},  # under its own chi bộ
        ],
    )
    file = with_batch(context(table), table)
    write_organizations(file, table, None)
    assert file.index.parent[org_id(file.conn, "Chi bộ 3")] == org_id(file.conn, school)
    assert file.index.types[org_id(file.conn, "Chi bộ 3")] == "chi_bo_truc_thuoc"
    assert file.outcome.rows_new == 1
    assert len(file.problems) == 1
    assert '"Chi bộ 1" là đơn vị cấp dưới của "Đảng bộ Trường THCS Phú An"' in file.problems[0]
    assert "đặt như vậy sẽ tạo vòng lặp trong cây tổ chức" in file.problems[0]


def test_a_whole_file_gets_its_batch_and_the_members_spells(context):
    table = sheet("members", [AN, BINH], as_of=date(2024, 12, 31))
    file = context(table, folder="01. Dang bo xa Phu An/Chi bo thon 1")
    write_file(file, last_try=True)
    assert rows(
        file.conn,
        "SELECT kind, rows_new, rows_total FROM import_batch WHERE id = :b".replace(
            ":b", str(file.batch_id)
        ),
    ) == [("members", 2, 2)]
    assert rows(file.conn, "SELECT COUNT(*) FROM membership") == [(2,)]
    assert file.outcome.unit == "Chi bộ thôn 1"
