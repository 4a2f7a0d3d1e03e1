"""`bulk.bulk_insert` / `bulk_update` store what SQLAlchemy's Core statements would."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tcxd.db import bulk
from tcxd.db.engine import create_schema, make_engine
from tcxd.db.models import Member

MEMBER = Member.__table__


def test_bulk_insert_and_update_convert_like_core(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with engine.begin() as conn:
        bulk.bulk_insert(
            conn,
            MEMBER,
            [
                {"full_name": "A", "name_key": "a", "birth_date": date(1980, 1, 2), "exempt": True},
                {"full_name": "B", "name_key": "b", "birth_date": None, "exempt": False},
            ],
        )
        ids = dict(conn.execute(select(MEMBER.c.name_key, MEMBER.c.id)).all())
        bulk.bulk_update(
            conn,
            MEMBER,
            [
                {"_id": ids["a"], "official_on": date(2001, 5, 6), "extra": {"x": "ý"}},
                {"_id": ids["b"], "official_on": None, "extra": {}},
            ],
        )
        rows = {
            row.name_key: row
            for row in conn.execute(
                select(
                    MEMBER.c.name_key,
                    MEMBER.c.birth_date,
                    MEMBER.c.exempt,
                    MEMBER.c.youth_union,
                    MEMBER.c.official_on,
                    MEMBER.c.extra,
                )
            )
        }
    assert rows["a"].birth_date == date(1980, 1, 2) and rows["a"].exempt is True
    assert rows["a"].youth_union is False  # a column left out gets its default
    assert rows["a"].official_on == date(2001, 5, 6) and rows["a"].extra == {"x": "ý"}
    assert rows["b"].birth_date is None and rows["b"].official_on is None
    assert rows["b"].extra == {}


def test_insert_one_gives_the_new_id(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with engine.begin() as conn:
        first = bulk.insert_one(conn, MEMBER, {"full_name": "A", "name_key": "a"})
        second = bulk.insert_one(
            conn, MEMBER, {"full_name": "B", "name_key": "b", "birth_date": date(1990, 3, 4)}
        )
        stored = dict(conn.execute(select(MEMBER.c.id, MEMBER.c.name_key)).all())
        born = conn.execute(select(MEMBER.c.birth_date).where(MEMBER.c.id == second)).scalar()
    assert stored == {first: "a", second: "b"}
    assert born == date(1990, 3, 4)
