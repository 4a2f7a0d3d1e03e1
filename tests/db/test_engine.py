import os
import stat

import pytest
from sqlalchemy import text

from tcxd.core.errors import NotInitializedError, SchemaVersionError
from tcxd.core.settings import database_url, sqlite_path
from tcxd.db.engine import create_schema, make_engine, open_database


def test_sqlite_file_is_private_and_in_wal_mode(tmp_path):
    url = database_url(str(tmp_path / "a.db"))
    engine = make_engine(url, create=True)
    create_schema(engine)
    path = sqlite_path(url)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            assert stat.S_IMODE(os.stat(side).st_mode) == 0o600


def test_missing_sqlite_file_is_not_created_without_init(tmp_path):
    url = database_url(str(tmp_path / "none.db"))
    with pytest.raises(NotInitializedError, match="tcxd init"):
        open_database(url)
    assert not (tmp_path / "none.db").exists()


def test_other_schema_version_is_refused(db_url):
    engine = make_engine(db_url, create=True)
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(SchemaVersionError, match="phiên bản cấu trúc 999"):
        open_database(db_url)


def test_database_url_resolution(tmp_path):
    assert database_url("x.db", {}).endswith("/x.db")
    assert (
        database_url(None, {"TCXD_DB": "postgresql://u:p@h/db"}) == "postgresql+psycopg://u:p@h/db"
    )
    assert database_url(None, {}).endswith("/tcxd.db")
    assert database_url("postgresql+psycopg://h/db", {}) == "postgresql+psycopg://h/db"
