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


def test_plain_columns_store_what_bulk_insert_stores(db_url):
    """Rows given column by column, with constants and columns left out to their defaults,
    are the rows `bulk_insert` writes from records."""
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    columns = {
        "full_name": ["A", "B"],
        "name_key": ["a", "b"],
        "birth_date": [date(1980, 1, 2), None],
        "exempt": [True, False],
        "extra": [{"x": "ý"}, {}],
    }
    constants = {"attributes_as_of": date(2024, 12, 31), "source_sheet": "DS", "youth_union": True}
    shown = [c for c in MEMBER.c if c.key not in ("id", "full_name", "name_key")]
    with engine.begin() as conn:
        bulk.insert_columns(conn, MEMBER, columns, constants=constants, plain=True)
        by_columns = conn.execute(select(*shown).order_by(MEMBER.c.id)).all()
        conn.execute(MEMBER.delete())
        records = [
            {**dict(zip(columns, row, strict=True)), **constants}
            for row in zip(*columns.values(), strict=True)
        ]
        bulk.bulk_insert(conn, MEMBER, records)
        by_records = conn.execute(select(*shown).order_by(MEMBER.c.id)).all()
        bulk.insert_columns(
            conn, MEMBER, {"full_name": []}, constants=constants, plain=True
        )  # (no statement)
        assert len(conn.execute(select(MEMBER.c.id)).all()) == 2
    engine.dispose()
    assert by_columns == by_records
    assert [(r.birth_date, r.exempt, r.youth_union, r.extra) for r in by_columns] == [
        (date(1980, 1, 2), True, True, {"x": "ý"}),
        (None, False, True, {}),
    ]
