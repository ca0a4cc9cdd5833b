"""Connection link names for completion: from an existing store only, never failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from cloudburst.cli.env import Env
from cloudburst.cli.repl.connections import LinkNames


def test_no_store_means_no_names_and_nothing_created(isolated_user_dirs: Path) -> None:
    names = LinkNames(Env({}))
    assert names() == []
    assert not any(p.is_file() for p in isolated_user_dirs.rglob("*")), "completion must not create files"


def test_names_from_the_configured_store(tmp_path: Path) -> None:
    from cloudburst.connectors.service import ConnectorService

    url, key = f"sqlite:///{tmp_path / 'store.db'}", Fernet.generate_key().decode()
    with ConnectorService(url, secret_keys=[key]) as svc:
        svc.create_connector("Jira", auth_type="basic")
        svc.mark_ready("jira")
        svc.create_connection("jira", "Jira prod", link_name="jira_prod")
        svc.create_connection("jira", "Jira test", link_name="jira_test")
    names = LinkNames(Env({"CLOUDBURST_DATABASE_URL": url, "CLOUDBURST_SECRET_KEY": key}))
    try:
        assert names() == ["jira_prod", "jira_test"]
    finally:
        names.close()


def test_default_store_is_used_when_it_exists(isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cloudburst.connectors.service import ConnectorService

    with ConnectorService() as svc:  # default file store and key file in the isolated dirs
        svc.create_connector("Weather", auth_type="api_key")
        svc.add_param("weather", "App ID", "appid", "query")
        svc.mark_ready("weather")
        svc.create_connection("weather", "Weather")
    names = LinkNames(Env({}))
    try:
        assert names() == ["weather"]
    finally:
        names.close()


def test_a_broken_store_gives_no_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    from cloudburst.connectors.service import ConnectorService

    with ConnectorService(url, secret_keys=[Fernet.generate_key().decode()]):
        pass
    names = LinkNames(Env({"CLOUDBURST_DATABASE_URL": url, "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode()}))
    assert names() == []  # wrong key: the store refuses to open
