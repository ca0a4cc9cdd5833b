"""Encryption at rest: no secret in the raw file, wrong key detected at start, rotation, key file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from cloudburst.connectors import SecretKeyError
from cloudburst.connectors.secrets import SecretBox, load_keys
from cloudburst.connectors.service import ConnectorService

SECRETS = {
    "api": "apikey-9d8c7b6a-RAW",
    "password": "pa55word-Unique-42",
    "client": "client-secret-QWERTY-77",
    "access": "access-token-ZXCV-0001",
    "refresh": "refresh-token-ASDF-0002",
}


def populate(svc: ConnectorService) -> None:
    svc.create_connector("Weather", auth_type="api_key")
    svc.add_param("weather", "App ID", "appid", "query")
    svc.mark_ready("weather")
    svc.create_connection("weather", "Weather prod")
    svc.authorize_with_values("weather_prod", {"appid": SECRETS["api"]})
    svc.create_connector("Jira", auth_type="basic")
    svc.mark_ready("jira")
    svc.create_connection("jira", "Jira")
    svc.authorize_with_values("jira", {"username": "me", "password": SECRETS["password"]})
    svc.create_connector("CRM", auth_type="oauth2")
    svc.configure_oauth("crm", client_id="cid", client_secret=SECRETS["client"],
                        authorize_url="https://a.example.com/a", token_url="https://a.example.com/t")
    svc.mark_ready("crm")
    svc.create_connection("crm", "CRM")
    svc.save_tokens("crm", access_token=SECRETS["access"], refresh_token=SECRETS["refresh"], expires_at=None)


def raw_bytes(db_file: Path) -> bytes:
    """The database file plus its WAL and shared-memory files, as stored on disk."""
    return b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))


def test_no_secret_in_raw_database_file(tmp_path: Path, key: str) -> None:
    db_file = tmp_path / "raw.db"
    svc = ConnectorService(f"sqlite:///{db_file}", secret_keys=[key])
    populate(svc)
    data = raw_bytes(db_file)
    assert b"cid" in data and b"weather_prod" in data  # the file is readable and holds our rows
    for value in SECRETS.values():
        assert value.encode() not in data, value
    svc.close()
    data = raw_bytes(db_file)
    for value in SECRETS.values():
        assert value.encode() not in data, value
    reopened = ConnectorService(f"sqlite:///{db_file}", secret_keys=[key])
    assert reopened.credentials_for("weather_prod").api_keys[0].value == SECRETS["api"]
    assert reopened.credentials_for("crm").refresh_token == SECRETS["refresh"]


def test_wrong_key_detected_at_start(sqlite_url: str, key: str) -> None:
    ConnectorService(sqlite_url, secret_keys=[key]).close()
    with pytest.raises(SecretKeyError, match="secret key does not match this connection store"):
        ConnectorService(sqlite_url, secret_keys=[Fernet.generate_key().decode()])


def test_wrong_key_message_in_cli(sqlite_url: str, key: str, make_cli: Any) -> None:
    assert make_cli({"CLOUDBURST_DATABASE_URL": sqlite_url, "CLOUDBURST_SECRET_KEY": key})(
        "connector", "create", "A").code == 0
    result = make_cli({"CLOUDBURST_DATABASE_URL": sqlite_url,
                       "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode()})("connector", "list")
    assert result.code == 1 and "secret key does not match" in result.err and "Traceback" not in result.err
    result = make_cli({"CLOUDBURST_DATABASE_URL": sqlite_url, "CLOUDBURST_SECRET_KEY": "not-a-key"})(
        "connector", "list")
    assert result.code == 1 and "secret key #1 is not a valid Fernet key" in result.err


def test_rotate_with_new_key_first(sqlite_url: str, key: str) -> None:
    svc = ConnectorService(sqlite_url, secret_keys=[key])
    populate(svc)
    svc.close()
    new = Fernet.generate_key().decode()
    rotating = ConnectorService(sqlite_url, secret_keys=[new, key])
    assert rotating.rotate_secrets() == 6  # 2 value sets, client secret, 2 tokens, canary
    rotating.close()
    only_new = ConnectorService(sqlite_url, secret_keys=[new])
    assert only_new.credentials_for("jira").basic_password == SECRETS["password"]
    assert only_new.credentials_for("crm").client_secret == SECRETS["client"]
    with pytest.raises(SecretKeyError):
        ConnectorService(sqlite_url, secret_keys=[key])


def test_rotate_command_with_key_file(sqlite_url: str, isolated_user_dirs: Path, make_cli: Any) -> None:
    cli = make_cli({"CLOUDBURST_DATABASE_URL": sqlite_url})
    svc = ConnectorService(sqlite_url)
    populate(svc)
    svc.close()
    key_file = isolated_user_dirs / "config" / "cloudburst" / "secret.key"
    old = key_file.read_text().split()
    result = cli("secrets", "rotate", "--new-key", "--drop-old-keys")
    assert result.code == 0, result.err
    new = key_file.read_text().split()
    assert len(new) == 1 and new != old and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert ConnectorService(sqlite_url).credentials_for("weather_prod").api_keys[0].value == SECRETS["api"]
    with pytest.raises(SecretKeyError):
        ConnectorService(sqlite_url, secret_keys=old)
    assert cli("secrets", "check").code == 0
    assert "re-encrypted 6" in cli("secrets", "rotate").out


def test_rotate_new_key_refused_with_env_keys(cli: Any) -> None:
    result = cli("secrets", "rotate", "--new-key")
    assert result.code == 1 and "put the new key first" in result.err


def test_generate_key_is_usable(cli: Any) -> None:
    result = cli("secrets", "generate-key")
    assert result.code == 0 and SecretBox([result.out.strip()]).key_count == 1


def test_key_file_created_0600_and_refused_when_open(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "secret.key"
    keys = load_keys(None, path)
    assert len(keys) == 1 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keys(None, path) == keys
    os.chmod(path, 0o644)
    with pytest.raises(SecretKeyError, match="readable by other users"):
        load_keys(None, path)
    with pytest.raises(SecretKeyError, match="empty"):
        load_keys([" ", ""])


def test_secrets_never_printed(cli: Any, sqlite_url: str, key: str) -> None:
    svc = ConnectorService(sqlite_url, secret_keys=[key])
    populate(svc)
    svc.record_failure("weather_prod", f"server said bad key {SECRETS['api']}")
    svc.close()
    outputs = []
    for argv in (["connector", "show", "crm"], ["connector", "show", "crm", "--json"], ["connector", "export", "crm"],
                 ["connection", "show", "crm"], ["connection", "show", "crm", "--json"],
                 ["connection", "show", "weather_prod", "--json"], ["connection", "list", "--json"],
                 ["connection", "show", "jira"]):
        result = cli(*argv)
        assert result.code == 0
        outputs.append(result.out + result.err)
    text = "\n".join(outputs)
    for value in SECRETS.values():
        assert value not in text
    assert "••••" in text
    shown = json.loads(cli("connection", "show", "weather_prod", "--json").out)
    assert shown["last_failure_reason"] == "server said bad key ••••"


def test_credentials_repr_hides_secrets(svc: ConnectorService) -> None:
    populate(svc)
    creds = svc.credentials_for("crm")
    assert SECRETS["access"] not in repr(creds) and SECRETS["api"] not in repr(svc.credentials_for("weather_prod"))
    assert set(creds.secret_values()) == {SECRETS["client"], SECRETS["access"], SECRETS["refresh"]}
