"""Schema 3 adds the evaluation inputs of QĐ 366 (leaders, violations, organisations' triggers)
and the check of decided levels: a database of schema 2 gains the columns in place, empty, and
keeps every stored row."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from tcxd.db import models
from tcxd.db.engine import NEW_COLUMNS, create_schema, make_engine, open_database

V3_TABLES = NEW_COLUMNS[3]


def _version_2_database(url: str) -> dict[str, set[str]]:
    """A database as tcxd with schema 2 left it: the schema-3 columns dropped. Returns them."""
    engine = make_engine(url, create=True)
    create_schema(engine)
    dropped: dict[str, set[str]] = {}
    v2 = {
        "member_evaluation": {"led_unit", "violation_year", "violation_unit",
                              "low_confidence_votes_pct", "led_unit_tasks_completed_pct",
                              "led_unit_tasks_on_time", "led_unit_tasks_exceeding_pct",
                              "led_unit_tasks_late_pct", "led_units_kht_share",
                              "locality_targets_met", "remit_corruption_disciplined"},
        "organization_evaluation": {"leadership_member_any_discipline", "force_majeure",
                                    "degradation_members_concluded", "locality_targets_met",
                                    "self_reported_remedied"},
        "member_rating": {"decided_not_allowed"},
        "organization_rating": {"decided_not_allowed"},
    }  # fmt: skip
    with engine.begin() as conn:
        for table, columns in v2.items():
            for column in sorted(columns):
                conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            dropped[table] = columns
        conn.execute(
            text(
                "INSERT INTO member (id, full_name, name_key, birth_year_only, youth_union, "
                "exempt, extra) VALUES (1, 'An', 'an', 0, 0, 0, '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO member_evaluation (id, member_id, year, quarter, score, exemplary, "
                "extra) VALUES (1, 1, 2025, 0, 92.5, 0, '{}')"
            )
        )
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
    engine.dispose()
    return dropped


def test_a_schema_2_database_gains_the_new_columns_in_place_and_loses_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'tcxd.db'}"
    dropped = _version_2_database(url)

    open_database(url).dispose()

    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta")).scalar() == str(models.SCHEMA_VERSION)
        for table in V3_TABLES:
            present = {c["name"] for c in inspect(conn).get_columns(table)}
            assert dropped[table] <= present, table
        row = conn.execute(
            text("SELECT member_id, score, led_unit, violation_year FROM member_evaluation")
        ).one()
    engine.dispose()
    assert tuple(row) == (1, 92.5, None, None)
    assert models.SCHEMA_VERSION == 3
