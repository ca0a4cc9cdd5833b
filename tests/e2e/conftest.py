"""End-to-end fixtures: the real ``cloudburst`` command in a subprocess against a store in
``tmp_path``, the shared echo server, a reflecting server, an oidc-provider whose registered
redirect URI is the CLI's loopback listener, and the PostgreSQL server of the store tests."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest
from cryptography.fernet import Fernet

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS / "servers"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixtures import echo_server  # noqa: E402,F401  (session fixture re-exported)
from e2e_support import CliRunner, OAuthServer, reflect_handler, start_oauth_server  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402


def _load_store_fixtures() -> object:
    """The store tests' conftest, loaded under its own name so its PostgreSQL fixture is reused."""
    spec = importlib.util.spec_from_file_location("cb_e2e_store_fixtures", TESTS / "connectors" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pg_server = _load_store_fixtures().pg_server  # type: ignore[attr-defined]


@pytest.fixture
def key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def cb(tmp_path: Path, key: str) -> CliRunner:
    """``cloudburst`` in a subprocess with a SQLite store, key, cache and user dirs under ``tmp_path``."""
    return CliRunner(tmp_path, f"sqlite:///{tmp_path / 'store.db'}", key)


@pytest.fixture(scope="session")
def reflect_server() -> Iterator[HTTPServer]:
    """Answers every request by reflecting it in its response headers and body (JSON or text)."""
    from fixtures import catch_all_server

    with catch_all_server(reflect_handler) as server:
        yield server


@pytest.fixture(scope="session")
def oauth_server() -> Iterator[OAuthServer]:
    """oidc-provider 8.8.1 with 2-second access tokens and its redirect URI on a port kept
    for the CLI's ``--port``."""
    server = start_oauth_server(at_ttl=2)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_user_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-process runs must never reach the real user's key file or database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    for name in ("CLOUDBURST_DATABASE_URL", "CLOUDBURST_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(os.environ, "CLOUDBURST_CACHE_DIR", str(tmp_path / "scripts-cache"))

