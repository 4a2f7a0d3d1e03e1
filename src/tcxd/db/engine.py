"""Opening the database: SQLite (the embedded default) or PostgreSQL.

SQLite files are created readable by their owner only (0600), in WAL mode with
synchronous=NORMAL, foreign keys on and a busy timeout so that a second tcxd waits instead of
failing at once. The schema version lives in the `meta` table.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from tcxd.core.errors import DatabaseError, NotInitializedError, SchemaVersionError
from tcxd.core.settings import sqlite_path
from tcxd.db import models, rating_texts, waiting
from tcxd.db.waiting import LOCK_NOTICE_AFTER_MS

BUSY_TIMEOUT_MS = 30_000  # the CLI's Environment may set another (TCXD_BUSY_TIMEOUT_MS)


def _create_private_file(path: Path) -> None:
    """Create the SQLite file with mode 0600 before SQLite does (it would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        _set_pragmas(dbapi_connection, busy_timeout_ms)

    return on_connect


def _set_pragmas(dbapi_connection, busy_timeout_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Take transaction control from pysqlite (which defers BEGIN) so that `_begin` decides.
    dbapi_connection.isolation_level = None


def _begin(conn) -> None:
    """Writers start with BEGIN IMMEDIATE: they queue on the busy timeout instead of failing
    half-way when another writer holds the lock. Readers use a plain BEGIN (WAL: no blocking)."""
    immediate = conn.get_execution_options().get("write", False)
    if immediate:
        _begin_writing(conn)
    else:
        conn.exec_driver_sql("BEGIN")


def _begin_writing(conn) -> None:
    """BEGIN IMMEDIATE; after LOCK_NOTICE_AFTER_MS of waiting for another writer, the listeners
    hear that it waits (and for how long at most), then it waits the rest of the timeout."""
    total = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar())
    if not waiting.listening() or total <= LOCK_NOTICE_AFTER_MS:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={LOCK_NOTICE_AFTER_MS}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    except OperationalError as error:
        if not is_lock_error(error):
            raise
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={total}")
    waits = (total - LOCK_NOTICE_AFTER_MS) / 1000
    waiting.waiting(waits)
    conn.exec_driver_sql(f"PRAGMA busy_timeout={total - LOCK_NOTICE_AFTER_MS}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={total}")


def is_lock_error(error: BaseException) -> bool:
    """SQLite's "database is locked" (another writer held the lock past the busy timeout)."""
    original = getattr(error, "orig", error)
    return "locked" in str(original).lower() or "busy" in str(original).lower()


def make_engine(url: str, *, create: bool = False, busy_timeout_ms: int | None = None) -> Engine:
    """An engine for `url`; a missing SQLite file is created (0600) only when `create`. A
    writer waits `busy_timeout_ms` (default BUSY_TIMEOUT_MS) for another one to finish."""
    timeout = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            if not create:
                raise NotInitializedError(
                    f'Chưa có cơ sở dữ liệu "{path}". Hãy chạy "tcxd init" trước '
                    "(hoặc chỉ đúng tệp bằng --db / TCXD_DB)."
                )
            _create_private_file(path)
        engine = create_engine(url, connect_args={"timeout": timeout / 1000})
        event.listen(engine, "connect", _sqlite_pragmas(timeout))
        event.listen(engine, "begin", _begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:
        raise DatabaseError(f'Địa chỉ cơ sở dữ liệu không dùng được: "{_redact(url)}".') from exc


def _redact(url: str) -> str:
    """Hide a password in a URL before it goes into a message."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def write_transaction(engine: Engine):
    """`with write_transaction(engine) as conn:` one transaction that writes (all or nothing)."""
    return engine.execution_options(write=True).begin()


def create_schema(engine: Engine) -> None:
    """Create every table and record the schema version (a no-op on an existing database)."""
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        stored = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        if stored is None:
            conn.execute(
                text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
                {"v": str(models.SCHEMA_VERSION)},
            )
    check_schema(engine)


def check_schema(engine: Engine) -> None:
    """Refuse a database that is not tcxd's or is of another schema version."""
    try:
        has_meta = inspect(engine).has_table("meta")
    except Exception as exc:
        raise DatabaseError(
            f"Không kết nối được cơ sở dữ liệu ({type(exc).__name__}). "
            "Kiểm tra đường dẫn --db / TCXD_DB."
        ) from exc
    if not has_meta:
        raise NotInitializedError(
            'Cơ sở dữ liệu chưa được khởi tạo cho tcxd. Hãy chạy "tcxd init" trước.'
        )
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    if stored in UPGRADABLE:
        upgrade_schema(engine)
        stored = str(models.SCHEMA_VERSION)
    if stored != str(models.SCHEMA_VERSION):
        raise SchemaVersionError(
            f"Cơ sở dữ liệu có phiên bản cấu trúc {stored}, còn phiên bản tcxd này dùng "
            f"{models.SCHEMA_VERSION}. Hãy dùng phiên bản tcxd phù hợp, hoặc sao lưu rồi "
            "nhập lại dữ liệu vào một cơ sở dữ liệu mới."
        )


# Tables each schema version added, tables that gained nullable columns, and the steps that then
# move stored data. An older database is brought up to date in place when it is opened: new
# tables are created, empty columns added (ALTER TABLE ADD COLUMN), and a step moves what it
# changes without losing any of it (each one's docstring says how).
NEW_TABLES: dict[int, tuple[str, ...]] = {
    2: ("period_lock",),
    3: ("rating_reason", "rating_inputs"),
}
NEW_COLUMNS: dict[int, tuple[str, ...]] = {
    3: ("member_evaluation", "organization_evaluation", "member_rating", "organization_rating"),
}
DATA_STEPS: dict[int, tuple] = {3: (rating_texts.move_texts_out_of_ratings,)}
UPGRADABLE = {str(version - 1) for version in (*NEW_TABLES, *NEW_COLUMNS)}


def upgrade_schema(engine: Engine) -> None:
    """Create the tables added since the stored version and record the current version, in one
    transaction (a second tcxd opening the same old database at once waits, then finds it done)."""
    with write_transaction(engine) as conn:
        if not is_sqlite(engine):
            conn.execute(text("LOCK TABLE meta IN EXCLUSIVE MODE"))
        stored = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        if stored not in UPGRADABLE:
            return  # done meanwhile by another tcxd, or not ours to upgrade (check_schema says)
        for version in range(int(stored) + 1, models.SCHEMA_VERSION + 1):
            names = NEW_TABLES.get(version, ())
            SQLModel.metadata.create_all(
                conn, tables=[SQLModel.metadata.tables[name] for name in names]
            )
            for name in NEW_COLUMNS.get(version, ()):
                _add_missing_columns(conn, SQLModel.metadata.tables[name])
            for step in DATA_STEPS.get(version, ()):
                step(conn)
        conn.execute(
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(models.SCHEMA_VERSION)},
        )


def _add_missing_columns(conn, table) -> None:
    """Add the model's columns the stored table lacks, empty (they are all nullable)."""
    present = {column["name"] for column in inspect(conn).get_columns(table.name)}
    preparer = conn.dialect.identifier_preparer
    for column in table.columns:
        if column.name in present:
            continue
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(
            text(
                f"ALTER TABLE {preparer.quote(table.name)} "
                f"ADD COLUMN {preparer.quote(column.name)} {kind}"
            )
        )


def open_database(url: str, *, busy_timeout_ms: int | None = None) -> Engine:
    """Open an existing tcxd database, checking its schema version."""
    engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
    check_schema(engine)
    return engine
