"""The methods the HTTP layer (cloudburst.http) relies on, per the contract."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from cloudburst.connectors import ApiKeyValue, ConnectionUnavailable
from cloudburst.connectors.service import ConnectorService


def ready_oauth(svc: ConnectorService) -> None:
    svc.create_connector("CRM", auth_type="oauth2")
    svc.configure_oauth("crm", client_id="cid", client_secret="csecret", authorize_url="https://a.example.com/a",
                        token_url="https://a.example.com/t", revoke_url="https://a.example.com/r",
                        expiry_seconds=1200, bearer_name="Zoho")
    svc.add_scopes("crm", [("Read", "crm.read"), ("Write", "crm.write")])
    svc.set_scope_delimiter("crm", "plus")
    svc.mark_ready("crm")
    svc.create_connection("crm", "CRM prod", link_name="crm_prod", scopes=["crm.read"])


def test_credentials_for_refusals(svc: ConnectorService) -> None:
    with pytest.raises(ConnectionUnavailable, match='connection "nope" does not exist'):
        svc.credentials_for("nope")
    ready_oauth(svc)
    with pytest.raises(ConnectionUnavailable, match="not connected; run: cloudburst connection authorize crm_prod"):
        svc.credentials_for("crm_prod")
    svc.save_tokens("crm_prod", access_token="at1", refresh_token="rt1", expires_at=None)
    svc.set_enabled("crm_prod", False)
    with pytest.raises(ConnectionUnavailable, match="is disabled"):
        svc.credentials_for("crm_prod")
    svc.set_enabled("crm_prod", True)
    assert svc.credentials_for("crm_prod").access_token == "at1"
    with svc._engine.begin() as conn:  # a Draft connector can only come from tampering; still refused
        conn.execute(text("UPDATE cb_connector SET stage = 'draft'"))
    with pytest.raises(ConnectionUnavailable, match='its connector "crm" is a Draft'):
        svc.credentials_for("crm_prod")


def test_oauth_credentials_view(svc: ConnectorService) -> None:
    ready_oauth(svc)
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    svc.save_tokens("crm_prod", access_token="at1", refresh_token="rt1", expires_at=expires)
    creds = svc.credentials_for("crm_prod")
    assert (creds.auth_type, creds.grant_type, creds.client_id, creds.client_secret) == \
        ("oauth2", "authorization_code", "cid", "csecret")
    assert (creds.token_url, creds.refresh_url, creds.revoke_url) == \
        ("https://a.example.com/t", "https://a.example.com/t", "https://a.example.com/r")
    assert (creds.scopes, creds.scope_delimiter, creds.bearer_name, creds.default_expiry_seconds) == \
        (("crm.read",), "+", "Zoho", 1200)
    assert creds.expires_at == expires and creds.expires_at.tzinfo is not None
    assert creds.connector_link_name == "crm" and creds.allowed_hosts == ()


def test_basic_and_api_key_views(svc: ConnectorService) -> None:
    svc.create_connector("Jira", auth_type="basic")
    svc.mark_ready("jira")
    svc.create_connection("jira", "Jira")
    svc.authorize_with_values("jira", {"username": "me", "password": "pw"})
    creds = svc.credentials_for("jira")
    assert (creds.basic_username, creds.basic_password, creds.api_keys) == ("me", "pw", ())
    svc.create_connector("Weather", auth_type="api_key")
    svc.add_param("weather", "App ID", "appid", "query")
    svc.add_param("weather", "Token", "X-Token", "header")
    svc.add_param("weather", "Form key", "fk", "form")
    svc.mark_ready("weather")
    svc.create_connection("weather", "Weather")
    svc.authorize_with_values("weather", {"appid": "a1", "X-Token": "t1", "fk": "f1"})
    assert svc.credentials_for("weather").api_keys == (
        ApiKeyValue("appid", "a1", "query"), ApiKeyValue("X-Token", "t1", "header"), ApiKeyValue("fk", "f1", "form"))


def test_save_tokens_keeps_old_refresh_token(svc: ConnectorService) -> None:
    ready_oauth(svc)
    svc.save_tokens("crm_prod", access_token="at1", refresh_token="rt1", expires_at=None)
    first = svc.get_connection("crm_prod")["last_refreshed_at"]
    svc.save_tokens("crm_prod", access_token="at2", refresh_token=None, expires_at=None)
    creds = svc.credentials_for("crm_prod")
    assert (creds.access_token, creds.refresh_token) == ("at2", "rt1")
    assert svc.get_connection("crm_prod")["last_refreshed_at"] >= first


def test_failures_and_not_connected(svc: ConnectorService) -> None:
    ready_oauth(svc)
    svc.save_tokens("crm_prod", access_token="at1", refresh_token="rt1", expires_at=None)
    svc.record_failure("crm_prod", "HTTP 503 from token URL")
    info = svc.get_connection("crm_prod")
    assert info["status"] == "connected" and info["last_failure_reason"] == "HTTP 503 from token URL"
    svc.mark_not_connected("crm_prod", "invalid_grant (refresh token rt1 rejected)")
    info = svc.get_connection("crm_prod")
    assert info["status"] == "not connected" and info["last_failure_reason"] == "invalid_grant (refresh token •••• rejected)"
    with pytest.raises(ConnectionUnavailable):
        svc.credentials_for("crm_prod")


def test_refresh_lease(svc: ConnectorService) -> None:
    ready_oauth(svc)
    assert svc.acquire_refresh_lease("crm_prod", "worker-a", 30) is True
    assert svc.acquire_refresh_lease("crm_prod", "worker-b", 30) is False
    svc.release_refresh_lease("crm_prod", "worker-b")  # not the holder: no effect
    assert svc.acquire_refresh_lease("crm_prod", "worker-b", 30) is False
    svc.release_refresh_lease("crm_prod", "worker-a")
    assert svc.acquire_refresh_lease("crm_prod", "worker-b", -1) is True  # already expired
    assert svc.acquire_refresh_lease("crm_prod", "worker-c", 30) is True
    assert svc.acquire_refresh_lease("missing", "worker-c", 30) is False


def test_touch_used(svc: ConnectorService) -> None:
    ready_oauth(svc)
    assert svc.get_connection("crm_prod")["last_used_at"] is None
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    svc.touch_used("crm_prod")
    assert datetime.fromisoformat(svc.get_connection("crm_prod")["last_used_at"]) >= before


def test_works_on_postgres(any_db_url: str, key: str) -> None:
    with ConnectorService(any_db_url, secret_keys=[key]) as svc:
        ready_oauth(svc)
        svc.save_tokens("crm_prod", access_token="at", refresh_token="rt",
                        expires_at=datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
        assert svc.acquire_refresh_lease("crm_prod", "a", 30) and not svc.acquire_refresh_lease("crm_prod", "b", 30)
        assert svc.credentials_for("crm_prod").expires_at == datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
