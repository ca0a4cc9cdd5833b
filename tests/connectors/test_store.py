"""The store itself: migrations, persistence, lazy imports, concurrent writers, PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from cloudburst.connectors.service import ConnectorService

WORKER = Path(__file__).with_name("concurrent_worker.py")


def test_import_is_lazy() -> None:
    code = ("import sys, cloudburst.connectors, cloudburst.cli.connector, cloudburst.cli.connection, cloudburst.connectors.rules;"
            "heavy = [m for m in sys.modules if m.split('.')[0] in ('sqlmodel', 'sqlalchemy', 'alembic')];"
            "print(heavy)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_migrations_match_models(any_db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cloudburst.connectors.models import SQLModel

    ConnectorService(any_db_url, secret_keys=[_key()]).close()
    engine = create_engine(any_db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": "cb_alembic_version"})
        assert compare_metadata(context, SQLModel.metadata) == []
        assert conn.execute(text("SELECT version_num FROM cb_alembic_version")).scalar() == _head()
    engine.dispose()


def _head() -> str:
    """The newest migration (one linear history: every migration revises the one before)."""
    from alembic.script import ScriptDirectory

    from cloudburst.connectors.database import MIGRATIONS_DIR

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def _key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def test_reopen_keeps_data_and_pragmas(sqlite_url: str, key: str, tmp_path: Path) -> None:
    with ConnectorService(sqlite_url, secret_keys=[key]) as svc:
        svc.create_connector("Weather", auth_type="api_key")
        svc.add_param("weather", "App ID", "appid")
    with ConnectorService(sqlite_url, secret_keys=[key]) as svc:
        assert svc.get_connector("weather")["params"][0]["key"] == "appid"
        with svc._engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    tables = set(inspect(create_engine(sqlite_url)).get_table_names())
    assert {"cb_connector", "cb_connection", "cb_connection_secret", "cb_alembic_version"} <= tables


def test_upgrade_from_an_unversioned_empty_database(tmp_path: Path, key: str) -> None:
    """A database that already holds unrelated tables gets ours added and keeps its own."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE other_app (id INTEGER PRIMARY KEY, note TEXT)"))
        conn.execute(text("INSERT INTO other_app (note) VALUES ('keep me')"))
    with ConnectorService(url, secret_keys=[key]) as svc:
        svc.create_connector("A")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT note FROM other_app")).scalar() == "keep me"
    engine.dispose()


def test_in_memory_sqlite(key: str) -> None:
    with ConnectorService("sqlite://", secret_keys=[key]) as svc:
        svc.create_connector("A")
        assert [c["link_name"] for c in svc.list_connectors()] == ["a"]


def test_foreign_keys_enforced(svc: ConnectorService) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), svc._engine.begin() as conn:
        conn.execute(text("INSERT INTO cb_connection (connector_id, name, link_name, scopes, status, disabled) "
                          "VALUES (999, 'x', 'x', '[]', 'not_connected', 0)"))


def test_concurrent_writers_lose_nothing(any_db_url: str, key: str) -> None:
    with ConnectorService(any_db_url, secret_keys=[key]) as svc:
        svc.create_connector("Weather", auth_type="api_key")
        svc.add_param("weather", "App ID", "appid", "query")
        svc.mark_ready("weather")
    count = 25
    workers = [subprocess.Popen([sys.executable, str(WORKER), any_db_url, key, prefix, str(count)],
                                stderr=subprocess.PIPE, text=True) for prefix in ("alpha", "beta", "gamma")]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-2000:]
    with ConnectorService(any_db_url, secret_keys=[key]) as svc:
        rows = svc.list_connections()
        assert len(rows) == 3 * count
        assert all(r["status"] == "connected" for r in rows)
        assert svc.credentials_for("beta_7").api_keys[0].value == "value-beta-7"


def test_first_open_race(any_db_url: str, key: str) -> None:
    """Several processes opening a brand-new store at once all succeed (one migrates, one writes the canary)."""
    code = ("import sys; from cloudburst.connectors.service import ConnectorService;"
            "ConnectorService(sys.argv[1], secret_keys=[sys.argv[2]]).close()")
    procs = [subprocess.Popen([sys.executable, "-c", code, any_db_url, key], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
    with ConnectorService(any_db_url, secret_keys=[key]) as svc:
        assert svc.list_connectors() == []


@pytest.mark.postgres
def test_postgres_url_without_driver(pg_server: Any, key: str) -> None:
    url = pg_server.new_database().replace("postgresql+psycopg://", "postgresql://")
    with ConnectorService(url, secret_keys=[key]) as svc:
        svc.create_connector("A")
        assert svc.list_connectors()[0]["link_name"] == "a"

