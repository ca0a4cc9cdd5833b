"""Database engine for the connector store: URL handling, SQLite pragmas, automatic migrations."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from cloudburst.connectors.location import default_database_path
from cloudburst.errors import ConfigurationError

__all__ = ["default_database_path", "default_database_url", "open_engine", "safe_url", "MIGRATIONS_DIR",
           "VERSION_TABLE"]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Where Alembic records the store's schema revision.
VERSION_TABLE = "cb_alembic_version"
_PG_MIGRATION_LOCK = 0x636C6F7564  # "cloud": serialises concurrent first opens on PostgreSQL


def default_database_url() -> str:
    """The default store's URL (its directory is created on first use)."""
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{path}"


def safe_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError("invalid database URL (expected e.g. sqlite:///path/to/file.db)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE so concurrent writers queue up."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; no fsync per commit
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _head_revision() -> str | None:
    """The newest migration's revision id, read from the migration files themselves (one
    head: each ``down_revision`` points at the one before)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for name, found in re.findall(r"^(revision|down_revision)\s*=\s*['\"]([^'\"]+)['\"]", source, re.MULTILINE):
            (revisions if name == "revision" else parents).add(found)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """Whether the store's schema is already the newest: then opening it needs no Alembic,
    whose import is a good part of every store command's start-up."""
    head = _head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    except SQLAlchemyError:
        return False  # a new store: no version table yet
    return [row[0] for row in rows] == [head]


def _migrate(engine: Engine) -> None:
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _create_private(path: Path) -> None:
    """Create a new store file owner-only (0600) before SQLite opens it: SQLite gives the
    ``-wal`` and ``-shm`` files the database file's mode, and the rows hold encrypted
    secrets and their metadata. An existing file keeps the mode its owner chose."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError:
        return  # a missing directory or no permission: SQLite reports it with its own words
    os.close(fd)


def open_engine(url: str) -> Engine:
    """Create the engine for ``url`` and bring its schema up to date."""
    parsed = _parse(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            in_memory = parsed.database in (None, "", ":memory:")
            if parsed.database and not in_memory:
                _create_private(Path(parsed.database))
            engine = create_engine(
                parsed,
                connect_args={"timeout": 30, "check_same_thread": False},
                poolclass=StaticPool if in_memory else None,
            )
            _configure_sqlite(engine, in_memory)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
        _migrate(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc.__class__.__name__).splitlines()[0]
        raise ConfigurationError(f"cannot open the connection store {safe_url(parsed)}: {reason}") from None
    except ImportError as exc:
        raise ConfigurationError(f"cannot open the connection store {safe_url(parsed)}: {exc}") from None
    return engine
