"""The history function on hand-built histories (docs/design.md, "Membership history")."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select, text

from tcxd.core.text import fold, key
from tcxd.db import history
from tcxd.db.engine import create_schema, make_engine, write_transaction
from tcxd.db.models import (
    HistoryNote,
    ImportBatch,
    Member,
    MembershipEvent,
    Organization,
    OrganizationParent,
    RosterEntry,
)

D = date


class World:
    """A tiny province: two districts, TCCSĐ and chi bộ, built row by row."""

    def __init__(self, db_url):
        self.engine = make_engine(db_url, create=True)
        create_schema(self.engine)
        self.conn = self.engine.connect()
        self.tx = self.conn.begin()
        self.batch = self.conn.execute(
            insert(ImportBatch.__table__)
            .values(file_name="f.xlsx", file_path="f.xlsx", sha256="x")
            .returning(ImportBatch.__table__.c.id)
        ).scalar_one()
        self.province = self.org("Tỉnh ủy Thử", "province")
        self.d1 = self.org("Đảng bộ xã A", "district", self.province)
        self.d2 = self.org("Đảng bộ xã B", "district", self.province)
        self.t1 = self.org("Đảng bộ Trường X", "dang_bo_co_so", self.d1)
        self.c1 = self.org("Chi bộ 1", "chi_bo_truc_thuoc", self.t1)
        self.c2 = self.org("Chi bộ 2", "chi_bo_truc_thuoc", self.t1)
        self.t2 = self.org("Chi bộ thôn Y", "chi_bo_co_so", self.d1)
        self.t3 = self.org("Chi bộ thôn Z", "chi_bo_co_so", self.d2)
        self._members = 0

    def org(self, name, org_type, parent=None, parent_from=None, parent_to=None):
        org_id = self.conn.execute(
            insert(Organization.__table__)
            .values(name=name, name_key=key(name), name_fold=fold(name), org_type=org_type)
            .returning(Organization.__table__.c.id)
        ).scalar_one()
        if parent is not None:
            self.link(org_id, parent, parent_from, parent_to)
        return org_id

    def link(self, org_id, parent, valid_from=None, valid_to=None):
        self.conn.execute(
            insert(OrganizationParent.__table__).values(
                org_id=org_id, parent_id=parent, valid_from=valid_from, valid_to=valid_to
            )
        )

    def member(self, **attributes):
        self._members += 1
        values = {"full_name": f"Người {self._members}", "name_key": f"nguoi {self._members}"}
        values.update(attributes)
        return self.conn.execute(
            insert(Member.__table__).values(**values).returning(Member.__table__.c.id)
        ).scalar_one()

    def event(self, member, kind, on, org, scope=None):
        self.conn.execute(
            insert(MembershipEvent.__table__).values(
                member_id=member, kind=kind, event_on=on, org_id=org, scope=scope,
                batch_id=self.batch, source_sheet="BD", source_row=7,
            )
        )  # fmt: skip

    def roster(self, member, org, as_of):
        self.conn.execute(
            insert(RosterEntry.__table__).values(
                member_id=member, org_id=org, as_of=as_of, batch_id=self.batch,
                source_sheet="DS", source_row=9,
            )
        )  # fmt: skip

    def rebuild(self):
        ids = self.conn.execute(select(Member.__table__.c.id)).scalars().all()
        history.rebuild_spells(self.conn, ids)

    def where(self, member, on):
        frame = history.members_on(self.conn, on)
        rows = frame[frame.member_id == member]
        return None if rows.empty else int(rows.iloc[0].org_id)

    def status(self, member, on):
        frame = history.members_on(self.conn, on)
        return frame[frame.member_id == member].iloc[0]

    def notes(self, member):
        return (
            self.conn.execute(
                select(HistoryNote.__table__.c.code).where(
                    HistoryNote.__table__.c.member_id == member
                )
            )
            .scalars()
            .all()
        )


@pytest.fixture
def world(db_url):
    w = World(db_url)
    yield w
    w.tx.rollback()
    w.conn.close()
    w.engine.dispose()


def test_first_roster_member_is_a_member_since_before_the_records(world):
    m = world.member(admitted_on=D(1990, 5, 1))
    world.roster(m, world.c1, D(2024, 12, 31))
    world.rebuild()
    assert world.where(m, D(2000, 1, 1)) == world.c1
    assert world.where(m, D(2025, 6, 1)) == world.c1


def test_death_ends_membership_on_its_day(world):
    m = world.member()
    world.roster(m, world.c1, D(2024, 12, 31))
    world.event(m, "died", D(2025, 3, 31), world.c1)
    world.rebuild()
    assert world.where(m, D(2025, 3, 30)) == world.c1
    assert world.where(m, D(2025, 3, 31)) is None


def test_known_only_from_a_changes_file_was_a_member_until_the_event(world):
    m = world.member()
    world.event(m, "removed", D(2025, 2, 10), world.t2)
    world.rebuild()
    assert world.where(m, D(2025, 2, 9)) == world.t2
    assert world.where(m, D(2025, 2, 10)) is None


def test_admission_counts_from_its_day(world):
    m = world.member(admitted_on=D(2025, 4, 2))
    world.event(m, "admitted", D(2025, 4, 2), world.c2)
    world.rebuild()
    assert world.where(m, D(2025, 4, 1)) is None
    assert world.where(m, D(2025, 4, 2)) == world.c2
    assert bool(world.status(m, D(2025, 4, 2)).probationary)


def test_transfer_seen_on_both_sides_is_one_event_dated_by_the_receiver(world):
    m = world.member()
    world.roster(m, world.t2, D(2024, 12, 31))
    world.event(m, "transferred_out", D(2025, 3, 1), world.t2, "in_province")
    world.event(m, "transferred_in", D(2025, 3, 20), world.t3, "in_province")
    world.rebuild()
    assert world.where(m, D(2025, 3, 19)) == world.t2  # still meets at the old chi bộ
    assert world.where(m, D(2025, 3, 20)) == world.t3  # moved between districts
    frame = history.spells(world.conn)
    spells = sorted(
        frame[frame.member_id == m].to_dict("records"), key=lambda s: s["start_on"] or D.min
    )
    assert [s["end_kind"] for s in spells] == ["transferred_out", None]
    assert [s["start_kind"] for s in spells] == [None, "transferred_in"]
    assert spells[0]["end_on"] == spells[1]["start_on"] == D(2025, 3, 20)
    assert world.notes(m) == []


def test_transfer_seen_only_by_the_sender_is_listed(world):
    m = world.member()
    world.roster(m, world.t2, D(2024, 12, 31))
    world.event(m, "transferred_out", D(2025, 3, 1), world.t2, "in_province")
    world.rebuild()
    assert world.where(m, D(2025, 3, 1)) is None
    assert world.notes(m) == ["sent_not_received"]


def test_transfers_further_apart_than_60_days_are_two_events(world):
    m = world.member()
    world.roster(m, world.t2, D(2024, 12, 31))
    world.event(m, "transferred_out", D(2025, 1, 1), world.t2, "in_province")
    world.event(m, "transferred_in", D(2025, 3, 15), world.t3, "in_province")
    world.rebuild()
    assert world.where(m, D(2025, 2, 1)) is None
    assert sorted(world.notes(m)) == ["received_not_sent", "sent_not_received"]


def test_readmission_after_expulsion(world):
    m = world.member()
    world.roster(m, world.c1, D(2024, 12, 31))
    world.event(m, "expelled", D(2025, 1, 15), world.c1)
    world.event(m, "readmitted", D(2025, 9, 1), world.t2)
    world.rebuild()
    assert world.where(m, D(2025, 5, 1)) is None
    assert world.where(m, D(2025, 9, 1)) == world.t2


def test_roster_after_recorded_death_is_listed_and_does_not_revive(world):
    m = world.member()
    world.roster(m, world.c1, D(2024, 12, 31))
    world.event(m, "died", D(2025, 5, 1), world.c1)
    world.roster(m, world.c1, D(2025, 12, 31))
    world.rebuild()
    assert world.where(m, D(2025, 12, 31)) is None
    assert world.notes(m) == ["listed_after_end"]


def test_member_listed_by_another_district_without_a_transfer_is_an_implied_move(world):
    m = world.member(admitted_on=D(2001, 1, 1))
    world.roster(m, world.t2, D(2024, 12, 31))
    world.roster(m, world.t3, D(2025, 6, 30))
    world.rebuild()
    assert world.where(m, D(2025, 6, 29)) == world.t2
    assert world.where(m, D(2025, 6, 30)) == world.t3
    assert world.notes(m) == ["implied_transfer"]


def test_new_name_in_a_later_roster_is_an_implied_admission_or_arrival(world):
    old, new_admit, arrival = (
        world.member(),
        world.member(admitted_on=D(2025, 2, 1)),
        world.member(admitted_on=D(1999, 1, 1)),
    )
    world.roster(old, world.t2, D(2024, 12, 31))
    for m in (old, new_admit, arrival):
        world.roster(m, world.t2, D(2025, 6, 30))
    world.rebuild()
    assert world.where(new_admit, D(2025, 1, 31)) is None
    assert world.where(new_admit, D(2025, 2, 1)) == world.t2
    assert world.where(arrival, D(2025, 6, 29)) is None
    assert world.where(arrival, D(2025, 6, 30)) == world.t2
    assert world.notes(new_admit) == ["implied_admission"]
    assert world.notes(arrival) == ["implied_arrival"]


def test_member_missing_from_newer_roster_stays_a_member(world):
    stays, other = world.member(), world.member()
    world.roster(stays, world.t2, D(2024, 12, 31))
    world.roster(other, world.t2, D(2024, 12, 31))
    world.roster(other, world.t2, D(2025, 12, 31))
    world.rebuild()
    assert world.where(stays, D(2025, 12, 31)) == world.t2


def test_status_probationary_exempt_suspended(world):
    m = world.member(official_on=D(2025, 6, 1), exempt=True, exempt_on=D(2025, 8, 1))
    s = world.member()
    world.roster(m, world.c1, D(2024, 12, 31))
    world.roster(s, world.c1, D(2024, 12, 31))
    world.event(s, "suspended", D(2025, 10, 1), world.c1)
    world.rebuild()
    before = world.status(m, D(2025, 5, 31))
    after = world.status(m, D(2025, 8, 1))
    assert bool(before.probationary) and not bool(before.exempt)
    assert not bool(after.probationary) and bool(after.exempt)
    assert not bool(world.status(s, D(2025, 9, 30)).suspended)
    assert bool(world.status(s, D(2025, 12, 31)).suspended)
    assert not bool(world.status(s, D(2026, 1, 1)).suspended)  # lasts the rating year


def test_tree_on_a_date_follows_an_organisation_moved_to_another_parent(world):
    moved = world.org("Chi bộ Công ty K", "chi_bo_co_so")
    world.link(moved, world.d1, None, D(2025, 7, 1))
    world.link(moved, world.d2, D(2025, 7, 1), None)
    chi_bo = world.org("Chi bộ 3", "chi_bo_truc_thuoc", world.t1)
    tree_before = history.tree_on(world.conn, D(2025, 6, 30)).set_index("org_id")
    tree_after = history.tree_on(world.conn, D(2025, 7, 1)).set_index("org_id")
    assert tree_before.loc[moved, "district_id"] == world.d1
    assert tree_after.loc[moved, "district_id"] == world.d2
    assert tree_after.loc[moved, "tccsd_id"] == moved
    assert tree_after.loc[chi_bo, "tccsd_id"] == world.t1
    assert tree_after.loc[chi_bo, "district_id"] == world.d1


def test_dissolved_and_future_organisations_are_not_in_the_tree(world):
    gone = world.org("Chi bộ cũ", "chi_bo_co_so", world.d1)
    world.conn.execute(
        text("UPDATE organization SET dissolved_on = :d WHERE id = :i"),
        {"d": D(2025, 3, 1), "i": gone},
    )
    assert gone in set(history.tree_on(world.conn, D(2025, 2, 28)).org_id)
    assert gone not in set(history.tree_on(world.conn, D(2025, 3, 1)).org_id)


def test_rebuild_is_idempotent(world):
    m = world.member()
    world.roster(m, world.c1, D(2024, 12, 31))
    world.event(m, "transferred_out", D(2025, 3, 1), world.c1, "out_province")
    world.rebuild()
    first = history.spells(world.conn).to_dict("records")
    world.rebuild()
    assert history.spells(world.conn).to_dict("records") == first


def test_write_transaction_rolls_back_on_error(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with pytest.raises(RuntimeError), write_transaction(engine) as conn:
        conn.execute(
            insert(Organization.__table__).values(
                name="X", name_key="x", name_fold="x", org_type="district"
            )
        )
        raise RuntimeError("stop")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM organization")).scalar() == 0


def _history_rows(world):
    spells = world.conn.execute(
        text(
            "SELECT member_id, org_id, start_on, end_on, start_kind, start_scope, end_kind,"
            " end_scope, start_event_id, end_event_id, implied_start, implied_end"
            " FROM membership ORDER BY id"
        )
    ).all()
    notes = world.conn.execute(
        text(
            'SELECT member_id, "check", code, "on", org_id, detail, batch_id, source_sheet,'
            " source_row FROM history_note ORDER BY member_id, id"
        )
    ).all()
    return [tuple(r) for r in spells], [tuple(r) for r in notes]


def test_first_roster_members_written_in_sql_as_their_timelines_would(world):
    """The common case (listed by one unit only, first in its first roster, no start or end
    event) is written by one SQL statement; every member's spells and notes are what
    `build_timeline` gives."""
    first_only = world.member(admitted_on=D(1990, 5, 1))
    world.roster(first_only, world.c1, D(2024, 12, 31))
    plain = world.member()
    world.roster(plain, world.t3, D(2025, 6, 30))  # (the first roster of its unit too)
    twice = world.member()
    world.roster(twice, world.c1, D(2025, 12, 31))
    world.roster(twice, world.c1, D(2024, 12, 31))
    elsewhere = world.member()  # (then listed by another unit: an implied transfer)
    world.roster(elsewhere, world.c1, D(2024, 12, 31))
    world.roster(elsewhere, world.t2, D(2025, 12, 31))
    later = world.member(admitted_on=D(2025, 2, 1))  # not in its unit's first roster
    world.roster(later, world.c1, D(2025, 12, 31))
    arrival = world.member(admitted_on=D(1999, 1, 1))
    world.roster(arrival, world.c1, D(2025, 12, 31))
    moved = world.member()
    world.roster(moved, world.c2, D(2024, 12, 31))
    world.event(moved, "transferred_out", D(2025, 3, 1), world.c2, "out_province")
    official = world.member()  # (an event that starts or ends no spell)
    world.roster(official, world.c2, D(2024, 12, 31))
    world.event(official, "made_official", D(2025, 3, 1), world.c2)
    members = [first_only, plain, twice, elsewhere, later, arrival, moved, official]
    written = set(world.conn.execute(history._FIRST_ROSTER_SPELLS, {"ids": members}).scalars())
    assert written == {first_only, plain, twice, official}
    world.rebuild()
    by_sql = _history_rows(world)
    world.conn.execute(text("DELETE FROM membership"))
    world.conn.execute(text("DELETE FROM history_note"))
    history._rebuild_timelines(world.conn, members)
    assert _history_rows(world)[1] == by_sql[1]
    # (ids aside: the SQL path writes its spells before the others')
    assert _history_rows(world)[0] == sorted(by_sql[0], key=lambda spell: spell[0])
    assert len(by_sql[0]) == 9 and [n[2] for n in by_sql[1]] == [
        "implied_transfer",
        "implied_admission",
        "implied_arrival",
    ]
