"""Token refresh policy against MockTransport and the fake store."""

from __future__ import annotations

import datetime as _dt
import threading
import time
from typing import Any

import httpx2
import pytest
from fake_store import Creds, FakeStore

from cloudburst.errors import DelugeRuntimeError
from cloudburst.values import DelugeMap

URL = "http://api.test/me"


def _oauth(expires_in: float = 3600, **kw: Any) -> Creds:
    base: dict[str, Any] = dict(auth_type="oauth2", grant_type="authorization_code", client_id="cid",
                                client_secret="csecret", token_url="http://auth.test/token",
                                access_token="at-0", refresh_token="rt-0",
                                expires_at=_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=expires_in))
    base.update(kw)
    return Creds("o", **base)


class TokenServer:
    """Answers the token endpoint from a list of (status, json) and the API with 200."""

    def __init__(self, *answers: tuple[int, dict[str, Any]], delay: float = 0.0) -> None:
        self.answers = list(answers)
        self.token_calls: list[dict[str, str]] = []
        self.delay = delay
        self.lock = threading.Lock()
        self.seen_auth: list[str] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/token":
            time.sleep(self.delay)
            with self.lock:
                self.token_calls.append(dict(httpx2.QueryParams(request.content.decode())))
                status, body = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
            return httpx2.Response(status, json=body)
        with self.lock:
            self.seen_auth.append(request.headers.get("authorization", ""))
        return httpx2.Response(200, json={"ok": 1})


def test_refresh_before_expiry_within_margin(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=10))
    server = TokenServer((200, {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 3600}))
    service, _ = make_service(server, refresh_margin=30)
    assert service.invoke(None, {"url": URL, "connection": "o"}) == DelugeMap(ok=1)
    assert server.seen_auth == ["Bearer at-1"]
    assert server.token_calls[0]["grant_type"] == "refresh_token"
    assert server.token_calls[0]["refresh_token"] == "rt-0"
    assert store.rows["o"].refresh_token == "rt-1"
    expires = store.rows["o"].expires_at
    assert expires is not None and 3500 < (expires - _dt.datetime.now(_dt.timezone.utc)).total_seconds() <= 3600


def test_no_refresh_when_outside_margin(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=100))
    server = TokenServer((200, {"access_token": "at-1"}))
    service, _ = make_service(server, refresh_margin=30)
    assert service.invoke(None, {"url": URL, "connection": "o"}) == DelugeMap(ok=1)
    assert server.seen_auth == ["Bearer at-0"]
    assert server.token_calls == []


def test_missing_expiry_uses_connector_default(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=-5, default_expiry_seconds=900))
    service, _ = make_service(TokenServer((200, {"access_token": "at-1"})))
    service.invoke(None, {"url": URL, "connection": "o"})
    left = (store.rows["o"].expires_at - _dt.datetime.now(_dt.timezone.utc)).total_seconds()  # type: ignore[operator]
    assert 890 < left <= 900
    assert store.rows["o"].refresh_token == "rt-0"


@pytest.mark.parametrize("error", ["invalid_grant", "invalid_client", "unauthorized_client"])
def test_refusal_marks_not_connected(make_service: Any, store: FakeStore, error: str) -> None:
    store.add(_oauth(expires_in=-5))
    service, rec = make_service(TokenServer((400, {"error": error})))
    with pytest.raises(DelugeRuntimeError, match=f"no longer authorized \\({error}\\); reconnect it"):
        service.invoke(None, {"url": URL, "connection": "o"})
    assert store.connected["o"] is False
    assert ("not_connected", "o", f"token refresh refused: {error}") in store.events
    assert [r.url.path for r in rec.requests] == ["/token"]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_failure_retries_then_leaves_connection(make_service: Any, store: FakeStore, status: int) -> None:
    store.add(_oauth(expires_in=-5))
    server = TokenServer((status, {}))
    service, _ = make_service(server, refresh_attempts=3, refresh_backoff=0.01)
    with pytest.raises(DelugeRuntimeError, match="could not refresh.*unchanged"):
        service.invoke(None, {"url": URL, "connection": "o"})
    assert len(server.token_calls) == 3
    assert store.connected["o"] is True
    assert any(e[0] == "failure" for e in store.events)


def test_transient_then_success(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=-5))
    server = TokenServer((503, {}), (200, {"access_token": "at-1", "expires_in": 60}))
    service, _ = make_service(server, refresh_backoff=0.01)
    assert service.invoke(None, {"url": URL, "connection": "o"}) == DelugeMap(ok=1)
    assert server.seen_auth == ["Bearer at-1"]


def test_network_failure_of_token_endpoint_is_transient(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=-5))

    def down(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused")

    service, _ = make_service(down, refresh_attempts=2, refresh_backoff=0.01)
    with pytest.raises(DelugeRuntimeError, match="unreachable"):
        service.invoke(None, {"url": URL, "connection": "o"})
    assert store.connected["o"] is True


def test_single_flight_in_process(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=-5))
    server = TokenServer((200, {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 3600}), delay=0.2)
    service, _ = make_service(server)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(service.invoke(None, {"url": URL, "connection": "o"})))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.token_calls) == 1
    assert results == [DelugeMap(ok=1)] * 8
    assert server.seen_auth == ["Bearer at-1"] * 8


def test_waits_for_other_process_holding_lease(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=-5))
    assert store.acquire_refresh_lease("o", "other-process", 10)
    server = TokenServer((200, {"access_token": "never"}))
    service, _ = make_service(server)

    def other_finishes() -> None:
        time.sleep(0.3)
        store.save_tokens("o", access_token="at-other", refresh_token="rt-other",
                          expires_at=_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(hours=1))
        store.release_refresh_lease("o", "other-process")

    threading.Thread(target=other_finishes).start()
    assert service.invoke(None, {"url": URL, "connection": "o"}) == DelugeMap(ok=1)
    assert server.seen_auth == ["Bearer at-other"]
    assert server.token_calls == []


def test_client_credentials_grant(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(expires_in=-5, grant_type="client_credentials", refresh_token=None,
                     scopes=("read", "write"), scope_delimiter=","))
    server = TokenServer((200, {"access_token": "cc-1", "expires_in": 60}))
    service, _ = make_service(server)
    assert service.invoke(None, {"url": URL, "connection": "o"}) == DelugeMap(ok=1)
    assert server.seen_auth == ["Bearer cc-1"]
    assert server.token_calls[0] == {"grant_type": "client_credentials", "client_id": "cid",
                                     "client_secret": "csecret", "scope": "read,write"}
