"""OAuth protocol helpers: PKCE, authorization URL, token parsing, loopback redirect."""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from cloudburst.http import oauth


def test_pkce_pair_is_s256() -> None:
    verifier, challenge = oauth.new_pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
    assert oauth.new_pkce_pair()[0] != verifier


@pytest.mark.parametrize("delimiter, raw_scope, decoded", [
    (" ", "openid+offline_access", "openid offline_access"),
    ("+", "openid+offline_access", "openid offline_access"),
    (",", "openid%2Coffline_access", "openid,offline_access"),
])
def test_authorization_url_scopes(delimiter: str, raw_scope: str, decoded: str) -> None:
    url = oauth.build_authorization_url("https://as.test/auth?tenant=1", "cid", "http://127.0.0.1:9/cb",
                                        ["openid", "offline_access"], delimiter, "st", "ch")
    query = urlsplit(url).query
    assert f"scope={raw_scope}" in query
    q = parse_qs(query)
    assert q["scope"] == [decoded] and q["tenant"] == ["1"] and q["state"] == ["st"]
    assert q["code_challenge"] == ["ch"] and q["code_challenge_method"] == ["S256"]


def _client(status: int, body: Any) -> httpx2.Client:
    return httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(status, json=body)))


def test_token_parsing_and_errors() -> None:
    t = oauth.exchange_code(_client(200, {"access_token": "a", "refresh_token": "r", "expires_in": "30",
                                          "token_type": "Bearer"}),
                            "http://as.test/token", code="c", redirect_uri="u", client_id="i",
                            client_secret="s", code_verifier="v")
    assert (t.access_token, t.refresh_token, t.expires_in, t.token_type) == ("a", "r", 30, "Bearer")
    with pytest.raises(oauth.OAuthError) as e:
        oauth.refresh(_client(400, {"error": "invalid_grant"}), "http://as.test/t", refresh_token="r",
                      client_id="i", client_secret="s")
    assert e.value.kind == "invalid_grant" and e.value.needs_reconnect
    with pytest.raises(oauth.OAuthError) as e:
        oauth.refresh(_client(429, {}), "http://as.test/t", refresh_token="r", client_id="i", client_secret="s")
    assert e.value.transient and not e.value.needs_reconnect
    with pytest.raises(oauth.OAuthError) as e:
        oauth.refresh(_client(200, {"token_type": "Bearer"}), "http://as.test/t", refresh_token="r",
                      client_id="i", client_secret="s")
    assert e.value.kind == "protocol" and not e.value.needs_reconnect
    with pytest.raises(oauth.OAuthError) as e:
        oauth.refresh(_client(400, {"error": "<script>"}), "http://as.test/t", refresh_token="r",
                      client_id="i", client_secret="s")
    assert e.value.kind == "rejected" and e.value.needs_reconnect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _hit_later(url: str) -> None:
    def go() -> None:
        for _ in range(50):
            try:
                httpx2.get(url)
                return
            except httpx2.TransportError:
                time.sleep(0.05)

    threading.Thread(target=go, daemon=True).start()


def test_wait_for_redirect_returns_code_and_checks_state() -> None:
    port = _free_port()
    _hit_later(f"http://127.0.0.1:{port}/cb?code=abc&state=s1")
    assert oauth.wait_for_redirect("127.0.0.1", port, "s1", 5) == "abc"
    port = _free_port()
    _hit_later(f"http://127.0.0.1:{port}/cb?code=abc&state=forged")
    with pytest.raises(oauth.OAuthError, match="wrong state"):
        oauth.wait_for_redirect("127.0.0.1", port, "s1", 5)
    with pytest.raises(oauth.OAuthError, match="no authorization redirect"):
        oauth.wait_for_redirect("127.0.0.1", _free_port(), "s1", 0.3)
