"""The run-wide identity keys of members (`tcxd.db.identities.MemberKeys`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, update

from tcxd.db.engine import create_schema, make_engine
from tcxd.db.identities import MemberKeys
from tcxd.db.models import Member

MEMBER = Member.__table__


def _add(conn, name_key, **values) -> int:
    return conn.execute(
        insert(MEMBER)
        .values(full_name=name_key, name_key=name_key, **values)
        .returning(MEMBER.c.id)
    ).scalar_one()


def test_keys_follow_inserts_and_updates(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with engine.begin() as conn:
        a = _add(conn, "nguyen van a", card_number="001", birth_date=date(1980, 1, 2))
        b = _add(conn, "nguyen van a", citizen_id="0123", birth_year=1980)
        keys = MemberKeys.load(conn)
        assert keys.by_card("001") == a and keys.by_card("") is None
        assert keys.by_citizen_id("0123") == b
        assert [m for m, _, _ in keys.namesakes("nguyen van a", "1980-01-02")] == [a]
        assert list(keys.namesakes("nguyen van a", "1980")) == [(b, None, "0123")]

        # A second holder of one CCCD (kept as it came): the newest member answers.
        c = _add(conn, "tran thi c", citizen_id="0123")
        keys.refresh(conn, [c])
        assert keys.by_citizen_id("0123") == c

        # Keys changed in the database: the old ones are forgotten, the new ones found.
        version = keys.version
        conn.execute(
            update(MEMBER).where(MEMBER.c.id == c).values(citizen_id="0999", name_key="tran c")
        )
        keys.refresh(conn, [c])
        assert keys.version > version
        assert keys.by_citizen_id("0123") == b and keys.by_citizen_id("0999") == c
        assert list(keys.namesakes("tran thi c", "")) == []
        assert list(keys.namesakes("tran c", "")) == [(c, None, "0999")]


def test_keys_of_rows_answer_as_the_run_wide_keys(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with engine.begin() as conn:
        a = _add(conn, "le van b", card_number="007", birth_date=date(1970, 5, 6))
        b = _add(conn, "le van b", birth_date=date(1970, 5, 6))
        _add(conn, "le van b", birth_date=date(1999, 1, 1))  # another birth key: not read
        c = _add(conn, "pham c", citizen_id="0456")
        rows = [
            ("007", "", "le van b", "1970-05-06"),
            ("", "0456", "x", ""),
            ("", "", "le van b", "1970-05-06"),
        ]
        some, every = MemberKeys.of_rows(conn, rows), MemberKeys.load(conn)
    for keys in (some, every):
        assert keys.by_card("007") == a and keys.by_citizen_id("0456") == c
        assert sorted(m for m, _, _ in keys.namesakes("le van b", "1970-05-06")) == [a, b]
    assert len(some._keys) == 3  # the 1999 namesake was not read


def test_a_members_keys_and_the_first_holder_of_a_cccd(db_url):
    """What the identity check decides on: a member's (card, CCCD, name key, birth key), and
    of several holders of one CCCD the oldest, as the lookup by the CCCD index finds it."""
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with engine.begin() as conn:
        a = _add(conn, "nguyen van a", card_number="001", birth_date=date(1980, 1, 2))
        b = _add(conn, "tran thi b", citizen_id="0123", birth_year=1975)
        c = _add(conn, "le van c", citizen_id="0123")
        keys = MemberKeys.load(conn)
        assert keys.person(a) == ("001", None, "nguyen van a", "1980-01-02")
        assert keys.person(b) == (None, "0123", "tran thi b", "1975")
        assert keys.person(10_000) is None
        assert keys.citizen_id_holder("0123") == b < c
        assert keys.citizen_id_holder("") is None and keys.citizen_id_holder("999") is None
