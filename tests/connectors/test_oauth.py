"""OAuth 2.0 authorize and revoke through the CLI, against a token endpoint on 127.0.0.1
(cloudburst.http.oauth does the protocol; these tests check the store side end to end)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


CLIENT_SECRET = "cs-very-secret-123"


def setup_connector(cli: Any, httpserver: HTTPServer, grant: str, *, pkce: bool = True) -> None:
    assert cli("connector", "create", "CRM", "--auth", "oauth2").code == 0
    args = ["connector", "oauth", "crm", "--grant-type", grant, "--client-id", "cid-1",
            "--client-secret", CLIENT_SECRET, "--authorize-url", httpserver.url_for("/authorize"),
            "--token-url", httpserver.url_for("/token"), "--revoke-url", httpserver.url_for("/revoke"),
            "--expiry", "1000", "--pkce" if pkce else "--no-pkce"]
    assert cli(*args).code == 0
    assert cli("connector", "scope", "add", "crm", "Read", "crm.read", "Write", "crm.write").code == 0
    assert cli("connector", "scope", "delimiter", "crm", "space").code == 0
    assert cli("connector", "ready", "crm").code == 0
    assert cli("connection", "create", "crm", "CRM prod", "--link-name", "crm_prod").code == 0


def token_handler(seen: list[dict[str, str]], body: dict[str, Any], status: int = 200) -> Any:
    def handle(request: Request) -> Response:
        seen.append({k: v for k, v in request.form.items()})
        return Response(json.dumps(body), status=status, content_type="application/json")
    return handle


def test_client_credentials(cli: Any, httpserver: HTTPServer, svc_factory: Any) -> None:
    seen: list[dict[str, str]] = []
    httpserver.expect_request("/token", method="POST").respond_with_handler(
        token_handler(seen, {"access_token": "cc-access-1", "token_type": "Bearer", "expires_in": 1800}))
    setup_connector(cli, httpserver, "client_credentials")
    result = cli("connection", "authorize", "crm_prod")
    assert (result.code, result.out) == (0, "crm_prod: connected\n"), result.err
    assert seen == [{"grant_type": "client_credentials", "client_id": "cid-1", "client_secret": CLIENT_SECRET,
                     "scope": "crm.read crm.write"}]
    creds = svc_factory().credentials_for("crm_prod")
    assert creds.access_token == "cc-access-1" and creds.refresh_token is None
    assert creds.expires_at is not None
    left = creds.expires_at - datetime.now(timezone.utc)
    assert timedelta(seconds=1700) < left <= timedelta(seconds=1800)
    shown = json.loads(cli("connection", "show", "crm_prod", "--json").out)
    assert shown["access_token"] == "••••" and shown["authorized_at"] and shown["last_refreshed_at"]
    assert "pkce" not in cli("connector", "show", "crm").out  # PKCE is part of the code grant only


def test_default_expiry_when_no_expires_in(cli: Any, httpserver: HTTPServer, svc_factory: Any) -> None:
    httpserver.expect_request("/token").respond_with_handler(token_handler([], {"access_token": "a"}))
    setup_connector(cli, httpserver, "client_credentials")
    assert cli("connection", "authorize", "crm_prod").code == 0
    left = svc_factory().credentials_for("crm_prod").expires_at - datetime.now(timezone.utc)
    assert timedelta(seconds=900) < left <= timedelta(seconds=1000)


def test_token_refusal_is_clear_and_secret_free(cli: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/token").respond_with_handler(
        token_handler([], {"error": "invalid_client"}, status=401))
    setup_connector(cli, httpserver, "client_credentials")
    result = cli("connection", "authorize", "crm_prod")
    assert result.code == 1 and "authorization failed:" in result.err and "invalid_client" in result.err
    assert CLIENT_SECRET not in result.err + result.out
    assert json.loads(cli("connection", "show", "crm_prod", "--json").out)["status"] == "not connected"


def fake_browser(monkeypatch: pytest.MonkeyPatch, opened: list[str], *, send_state: str | None = None) -> None:
    """Stand in for the user: follow the authorize URL's redirect_uri with a code."""

    def open_url(url: str) -> bool:
        opened.append(url)
        query = parse_qs(urlsplit(url).query)

        def deliver() -> None:
            state = send_state or query["state"][0]
            for _ in range(100):
                try:
                    httpx2.get(query["redirect_uri"][0], params={"code": "the-code", "state": state}, timeout=2)
                    return
                except httpx2.TransportError:
                    time.sleep(0.05)

        threading.Thread(target=deliver, daemon=True).start()
        return True

    monkeypatch.setattr("webbrowser.open", open_url)


def test_authorization_code_with_pkce(cli: Any, httpserver: HTTPServer, svc_factory: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, str]] = []
    httpserver.expect_request("/token", method="POST").respond_with_handler(
        token_handler(seen, {"access_token": "ac-access", "refresh_token": "ac-refresh", "expires_in": 3600}))
    setup_connector(cli, httpserver, "authorization_code")
    opened: list[str] = []
    fake_browser(monkeypatch, opened)
    result = cli("connection", "authorize", "crm_prod", "--timeout", "20")
    assert result.code == 0, result.err
    assert result.out.endswith("crm_prod: connected\n") and opened[0] in result.out
    query = parse_qs(urlsplit(opened[0]).query)
    assert query["client_id"] == ["cid-1"] and query["scope"] == ["crm.read crm.write"]
    assert query["code_challenge_method"] == ["S256"]
    sent = seen[0]
    assert sent["grant_type"] == "authorization_code" and sent["code"] == "the-code"
    assert sent["redirect_uri"] == query["redirect_uri"][0]
    digest = hashlib.sha256(sent["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"][0]
    creds = svc_factory().credentials_for("crm_prod")
    assert (creds.access_token, creds.refresh_token) == ("ac-access", "ac-refresh")


def test_authorization_code_without_pkce(cli: Any, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, str]] = []
    httpserver.expect_request("/token").respond_with_handler(token_handler(seen, {"access_token": "x"}))
    setup_connector(cli, httpserver, "authorization_code", pkce=False)
    opened: list[str] = []
    fake_browser(monkeypatch, opened)
    assert cli("connection", "authorize", "crm_prod", "--timeout", "20").code == 0
    assert "code_challenge" not in opened[0] and "code_verifier" not in seen[0]


def test_wrong_state_is_refused(cli: Any, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    setup_connector(cli, httpserver, "authorization_code")
    fake_browser(monkeypatch, [], send_state="forged")
    result = cli("connection", "authorize", "crm_prod", "--timeout", "20")
    assert result.code == 1 and "wrong state" in result.err
    assert len(httpserver.log) == 0


def test_gives_up_after_timeout(cli: Any, httpserver: HTTPServer) -> None:
    setup_connector(cli, httpserver, "authorization_code")
    started = time.monotonic()
    result = cli("connection", "authorize", "crm_prod", "--no-browser", "--timeout", "0.5")
    assert result.code == 1 and "gave up waiting for the authorization after 0.5 seconds" in result.err
    assert "http://127.0.0.1:" in result.out and time.monotonic() - started < 10


def test_no_browser_shows_the_redirect_uri_and_a_live_countdown(cli: Any, httpserver: HTTPServer) -> None:
    """On a terminal: the address, the exact redirect URI to register, then seconds ticking down."""
    import os
    import sys

    import pexpect

    setup_connector(cli, httpserver, "authorization_code")
    child = pexpect.spawn(sys.executable, ["-m", "cloudburst", "connection", "authorize", "crm_prod", "--no-browser",
                                           "--port", "0", "--timeout", "4"],
                          env={**os.environ, **cli.env}, encoding="utf-8", timeout=60)
    try:
        child.expect(r"Open this address to authorize crm_prod:\r?\n(http\S+)")
        address = child.match.group(1)
        assert address.startswith(httpserver.url_for("/authorize"))
        child.expect(r"redirect URI \(register it with the OAuth client; --port keeps the port fixed\): "
                     r"(http://127\.0\.0\.1:\d+/callback)")
        assert parse_qs(urlsplit(address).query)["redirect_uri"] == [child.match.group(1)]
        child.expect(r"waiting for the browser: [34] s left")
        child.expect(r"waiting for the browser: [12] s left")
        child.expect("gave up waiting for the authorization after 4 seconds")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 1


def test_oauth_takes_no_params(cli: Any, httpserver: HTTPServer) -> None:
    setup_connector(cli, httpserver, "client_credentials")
    result = cli("connection", "authorize", "crm_prod", "--param", "a=b")
    assert result.code == 1 and "take no --param" in result.err


def test_revoke_calls_rfc7009_then_wipes(cli: Any, httpserver: HTTPServer, svc_factory: Any) -> None:
    revoked: list[dict[str, str]] = []
    httpserver.expect_request("/token").respond_with_handler(
        token_handler([], {"access_token": "acc-1", "refresh_token": "ref-1"}))
    httpserver.expect_request("/revoke", method="POST").respond_with_handler(token_handler(revoked, {}))
    setup_connector(cli, httpserver, "client_credentials")
    assert cli("connection", "authorize", "crm_prod").code == 0
    result = cli("connection", "revoke", "crm_prod")
    assert result.code == 0 and result.err == ""
    assert revoked == [{"token": "ref-1", "token_type_hint": "refresh_token", "client_id": "cid-1",
                        "client_secret": CLIENT_SECRET}]
    shown = json.loads(cli("connection", "show", "crm_prod", "--json").out)
    assert (shown["status"], shown["access_token"], shown["refresh_token"]) == ("not connected", None, None)
    assert svc_factory().authorization_settings("crm_prod").access_token is None


def test_revoke_failure_still_wipes(cli: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/token").respond_with_handler(token_handler([], {"access_token": "acc-2"}))
    httpserver.expect_request("/revoke").respond_with_data("down", status=503)
    setup_connector(cli, httpserver, "client_credentials")
    assert cli("connection", "authorize", "crm_prod").code == 0
    result = cli("connection", "revoke", "crm_prod")
    assert result.code == 0 and "cloudburst: warning: the revoke URL call failed" in result.err
    assert "acc-2" not in result.err
    assert json.loads(cli("connection", "show", "crm_prod", "--json").out)["status"] == "not connected"
