"""OAuth 2.0 against a real provider (oidc-provider 8.8.1, tokens live 2 s, rotation on)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.fernet import Fernet
from fixtures import Provider
from oidc_login import authorize
from pytest_httpserver import HTTPServer
from stores import new_store, oauth_connection, store_tokens

from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution
from cloudburst.http import MASK, HttpService, HttpSettings, oauth
from cloudburst.values import DelugeMap

pytestmark = pytest.mark.integration


def http_for(svc: Any, **settings: Any) -> HttpService:
    settings.setdefault("refresh_margin", 0.5)
    return HttpService(connection_service=lambda: svc, settings=HttpSettings(**settings))


def connect(svc: Any, provider: Provider, link: str, lifetime: float | None = None) -> oauth.TokenSet:
    """Authorization code + PKCE through the dev login, stored as the connection's tokens."""
    oauth_connection(svc, link, provider)
    code, verifier = authorize(provider.authorize_url, provider.client_id, provider.redirect_uri,
                               ["openid", "offline_access"])
    with httpx2.Client() as client:
        tokens = oauth.exchange_code(client, provider.token_url, code=code, redirect_uri=provider.redirect_uri,
                                     client_id=provider.client_id, client_secret=provider.client_secret,
                                     code_verifier=verifier)
    store_tokens(svc, link, tokens, lifetime)
    return tokens


def me(http: HttpService, provider: Provider, link: str, **task: Any) -> Any:
    return http.invoke(Execution(), {"url": provider.userinfo_url, "connection": link, **task})


def test_authorization_code_with_pkce(oauth_provider: Provider, svc: Any) -> None:
    tokens = connect(svc, oauth_provider, "oc_code")
    assert tokens.refresh_token and tokens.expires_in == 2
    assert me(http_for(svc), oauth_provider, "oc_code") == DelugeMap(sub="alice")


def test_wrong_code_verifier_is_refused(oauth_provider: Provider) -> None:
    code, _ = authorize(oauth_provider.authorize_url, oauth_provider.client_id, oauth_provider.redirect_uri,
                        ["openid", "offline_access"])
    with httpx2.Client() as client, pytest.raises(oauth.OAuthError) as info:
        oauth.exchange_code(client, oauth_provider.token_url, code=code, redirect_uri=oauth_provider.redirect_uri,
                            client_id=oauth_provider.client_id, client_secret=oauth_provider.client_secret,
                            code_verifier="x" * 50)
    assert info.value.kind == "invalid_grant"


def test_refresh_on_expiry_rotates_and_stores(oauth_provider: Provider, svc: Any) -> None:
    tokens = connect(svc, oauth_provider, "oc_expiry")
    time.sleep(2.2)  # the access token is now expired at the provider (clock tolerance 0)
    assert me(http_for(svc), oauth_provider, "oc_expiry") == DelugeMap(sub="alice")
    creds = svc.credentials_for("oc_expiry")
    assert creds.access_token != tokens.access_token
    assert creds.refresh_token and creds.refresh_token != tokens.refresh_token  # rotated and saved
    # The old refresh token is spent: using it would be reuse.
    with httpx2.Client() as client, pytest.raises(oauth.OAuthError) as info:
        oauth.refresh(client, oauth_provider.token_url, refresh_token=tokens.refresh_token or "",
                      client_id=oauth_provider.client_id, client_secret=oauth_provider.client_secret)
    assert info.value.kind == "invalid_grant"


def test_refresh_after_401(oauth_provider: Provider, svc: Any) -> None:
    tokens = connect(svc, oauth_provider, "oc_401", lifetime=3600)  # the store believes it is valid for 1 h
    time.sleep(2.2)
    result = me(http_for(svc), oauth_provider, "oc_401", detailed=True)
    assert result["responseCode"] == 200 and result["responseText"] == DelugeMap(sub="alice")
    assert svc.credentials_for("oc_401").access_token != tokens.access_token


def test_revoked_grant_marks_connection_not_connected(oauth_provider: Provider, svc: Any) -> None:
    tokens = connect(svc, oauth_provider, "oc_revoked")
    with httpx2.Client() as client:
        oauth.revoke(client, oauth_provider.revoke_url, token=tokens.refresh_token or "",
                     token_type_hint="refresh_token", client_id=oauth_provider.client_id,
                     client_secret=oauth_provider.client_secret)
    time.sleep(2.2)
    with pytest.raises(DelugeRuntimeError, match="no longer authorized \\(invalid_grant\\)"):
        me(http_for(svc), oauth_provider, "oc_revoked")
    with pytest.raises(DelugeRuntimeError, match="not connected"):
        me(http_for(svc), oauth_provider, "oc_revoked")
    info = svc.get_connection("oc_revoked")
    assert "invalid_grant" in json.dumps(info, default=str)


def test_client_credentials(oauth_provider: Provider, svc: Any, echo_server: HTTPServer) -> None:
    oauth_connection(svc, "oc_cc", oauth_provider, grant_type="client_credentials", scopes=())
    with httpx2.Client() as client:
        tokens = oauth.client_credentials_token(client, oauth_provider.token_url, client_id=oauth_provider.client_id,
                                                client_secret=oauth_provider.client_secret, scopes=(), delimiter=" ")
    store_tokens(svc, "oc_cc", tokens)
    http = http_for(svc)
    first = http.invoke(Execution(), {"url": echo_server.url_for("/cc"), "connection": "oc_cc"})
    assert first["headers"]["Authorization"] == f"Bearer {MASK}"
    sent = [req for req, _ in echo_server.log if req.path == "/cc"][-1].headers["Authorization"]
    assert sent == f"Bearer {tokens.access_token}"
    time.sleep(2.2)  # expired: a new client-credentials token is fetched
    http.invoke(Execution(), {"url": echo_server.url_for("/cc2"), "connection": "oc_cc"})
    sent2 = [req for req, _ in echo_server.log if req.path == "/cc2"][-1].headers["Authorization"]
    assert sent2.startswith("Bearer ") and sent2 != sent
    with httpx2.Client() as client:
        active = client.post(f"{oauth_provider.issuer}/token/introspection",
                             data={"token": sent2[7:], "client_id": oauth_provider.client_id,
                                   "client_secret": oauth_provider.client_secret}).json()
    assert active["active"] is True


def test_four_processes_share_one_rotating_connection(oauth_provider: Provider, tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    store = new_store(tmp_path, key)
    try:
        first = connect(store, oauth_provider, "oc_shared", lifetime=0)  # stale: all four start by refreshing
    finally:
        store.close()
    worker = Path(__file__).with_name("concurrency_worker.py")
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    start = str(time.time() + 4)
    procs = [subprocess.Popen([sys.executable, str(worker), db_url, key, oauth_provider.userinfo_url, "oc_shared",
                               "25", "0.2", start], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    errors = [e for r in results for e in r["errors"]]
    assert errors == [] and sum(r["ok"] for r in results) == 100
    store = new_store(tmp_path, key)
    try:
        creds = store.credentials_for("oc_shared")  # raises if no longer connected
        assert creds.refresh_token != first.refresh_token  # it was refreshed (and rotated) along the way
    finally:
        store.close()
