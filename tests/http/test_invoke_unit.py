"""invoke() against httpx2.MockTransport: results, errors, injection, redirects, limits."""

from __future__ import annotations

import base64
import datetime as _dt
import time
from decimal import Decimal
from typing import Any

import httpx2
import pytest
from fake_store import ApiKeyValue, Creds, FakeStore

from cloudburst.errors import DelugeRuntimeError, TimeoutLimitError
from cloudburst.execution import Execution, Limits
from cloudburst.http import MASK
from cloudburst.values import DelugeFile, DelugeList, DelugeMap

URL = "http://api.test/v1/items"


def test_json_object_becomes_map_with_exact_numbers(make_service: Any) -> None:
    service, _ = make_service(lambda r: httpx2.Response(
        200, content=b'{"id": 1234567890123456789, "price": 2.50, "big": 99999999999999999999, "tags": ["a", {"b": [1]}]}'))
    result = service.invoke(Execution(), {"url": URL})
    assert isinstance(result, DelugeMap)
    assert result["id"] == 1234567890123456789 and type(result["id"]) is int
    assert result["price"] == Decimal("2.50") and type(result["price"]) is Decimal
    assert type(result["big"]) is Decimal
    assert isinstance(result["tags"], DelugeList) and isinstance(result["tags"][1], DelugeMap)
    assert isinstance(result["tags"][1]["b"], DelugeList)


def test_json_array_becomes_list_and_other_text_stays_text(make_service: Any) -> None:
    bodies = iter([b"[1, 2.5]", b"plain text", b'"quoted"', b"{broken"])
    service, _ = make_service(lambda r: httpx2.Response(200, content=next(bodies)))
    assert service.invoke(None, {"url": URL}) == DelugeList([1, Decimal("2.5")])
    assert service.invoke(None, {"url": URL}) == "plain text"
    assert service.invoke(None, {"url": URL}) == '"quoted"'
    assert service.invoke(None, {"url": URL}) == "{broken"


def test_response_format_text_and_file(make_service: Any) -> None:
    service, _ = make_service(lambda r: httpx2.Response(
        200, content=b'{"a":1}', headers={"Content-Type": "application/json",
                                           "Content-Disposition": 'attachment; filename="r.json"'}))
    assert service.invoke(None, {"url": URL, "response-format": "TEXT"}) == '{"a":1}'
    f = service.invoke(None, {"url": URL, "response-format": "FILE"})
    assert isinstance(f, DelugeFile) and (f.name, f.content, f.content_type) == ("r.json", b'{"a":1}', "application/json")


def test_response_decoding(make_service: Any) -> None:
    service, _ = make_service(lambda r: httpx2.Response(200, content="café".encode("latin-1")))
    assert service.invoke(None, {"url": URL, "response-decoding": "ISO-8859-1"}) == "café"
    with pytest.raises(DelugeRuntimeError, match="unknown response-decoding"):
        service.invoke(None, {"url": URL, "response-decoding": "no-such-codec"})


def test_detailed_and_non_2xx_is_returned(make_service: Any) -> None:
    service, _ = make_service(lambda r: httpx2.Response(
        404, json={"error": "missing"}, headers=[("X-A", "1"), ("X-A", "2")]))
    plain = service.invoke(None, {"url": URL})
    assert plain == DelugeMap(error="missing")
    detailed = service.invoke(None, {"url": URL, "detailed": True})
    assert detailed["responseCode"] == 404
    assert detailed["responseText"] == DelugeMap(error="missing")
    assert detailed["responseHeader"]["X-A"] == "1, 2"
    assert list(detailed) == ["responseCode", "responseText", "responseHeader"]


def test_network_failure_is_runtime_error(make_service: Any) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("Connection refused")

    service, _ = make_service(refuse)
    with pytest.raises(DelugeRuntimeError, match="could not reach api.test: Connection refused"):
        service.invoke(None, {"url": URL})


def test_timeout_is_socket_timeout(make_service: Any) -> None:
    def slow(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out")

    service, _ = make_service(slow, timeout=0.5)
    with pytest.raises(DelugeRuntimeError, match="socket timeout.*0.5 s") as info:
        service.invoke(Execution(limits=Limits(timeout=None)), {"url": URL})
    assert not isinstance(info.value, TimeoutLimitError)


def test_call_timeout_never_exceeds_time_left(make_service: Any) -> None:
    seen: list[float] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.extensions["timeout"]["read"])
        return httpx2.Response(200, text="ok")

    service, _ = make_service(record, timeout=40.0)
    service.invoke(Execution(limits=Limits(timeout=2.0)), {"url": URL})
    assert 0 < seen[0] <= 2.0


def test_run_deadline_raises_timeout_limit(make_service: Any) -> None:
    def slow(request: httpx2.Request) -> httpx2.Response:
        time.sleep(0.3)
        raise httpx2.ReadTimeout("timed out")

    service, _ = make_service(slow)
    with pytest.raises(TimeoutLimitError):
        service.invoke(Execution(limits=Limits(timeout=0.2)), {"url": URL})


def test_size_cap_declared_and_streamed(make_service: Any) -> None:
    def big(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/declared":
            return httpx2.Response(200, content=b"x" * 2000)
        return httpx2.Response(200, content=iter([b"x" * 600, b"x" * 600]))  # no Content-Length

    service, _ = make_service(big, max_response_bytes=1000)
    with pytest.raises(DelugeRuntimeError, match="larger than the 1000 bytes limit"):
        service.invoke(None, {"url": "http://api.test/declared"})
    with pytest.raises(DelugeRuntimeError, match="larger than the 1000 bytes limit"):
        service.invoke(None, {"url": "http://api.test/streamed"})
    service2, _ = make_service(lambda r: httpx2.Response(200, content=b"y" * 1000), max_response_bytes=1000)
    assert service2.invoke(None, {"url": URL}) == "y" * 1000


# -- connections ---------------------------------------------------------------------------

def test_api_key_in_every_location_overrides_script(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("X-Api-Key", "hdr-secret-1", "header"),
                                   ApiKeyValue("apikey", "qry-secret-2", "query"),
                                   ApiKeyValue("token", "frm-secret-3", "form"))))
    service, rec = make_service()
    service.invoke(None, {"url": URL + "?apikey=mine", "type": "POST", "connection": "k",
                          "headers": DelugeMap({"x-api-key": "script"}), "parameters": DelugeMap(token="mine", a="1")})
    r = rec.requests[0]
    assert r.headers.get_list("x-api-key") == ["hdr-secret-1"]
    assert r.url.params.get_list("apikey") == ["qry-secret-2"]
    assert r.content == b"a=1&token=frm-secret-3"
    assert ("used", "k") in store.events


def test_form_key_on_get_goes_to_query_and_text_body_refused(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("token", "frm-secret-3", "form"),)))
    service, rec = make_service()
    service.invoke(None, {"url": URL, "connection": "k", "parameters": DelugeMap(a="1")})
    assert rec.requests[0].url.params.multi_items() == [("a", "1"), ("token", "frm-secret-3")]
    with pytest.raises(DelugeRuntimeError, match="needs a KEY-VALUE body"):
        service.invoke(None, {"url": URL, "type": "POST", "connection": "k", "body": "raw"})


def test_basic_auth_header(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("b", auth_type="basic", basic_username="ann", basic_password="pw-s3cret"))
    service, rec = make_service()
    service.invoke(None, {"url": URL, "connection": "b", "headers": DelugeMap(Authorization="Bearer forged")})
    expected = "Basic " + base64.b64encode(b"ann:pw-s3cret").decode()
    assert rec.requests[0].headers.get_list("authorization") == [expected]


def test_unknown_or_disconnected_connection(make_service: Any, store: FakeStore) -> None:
    service, rec = make_service()
    with pytest.raises(DelugeRuntimeError, match="connection 'nope' does not exist"):
        service.invoke(None, {"url": URL, "connection": "nope"})
    store.add(Creds("k"))
    store.connected["k"] = False
    with pytest.raises(DelugeRuntimeError, match="not connected"):
        service.invoke(None, {"url": URL, "connection": "k"})
    assert rec.requests == []


def test_allowed_hosts_refuse_before_sending(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("X-Key", "v-secret", "header"),),
                    allowed_hosts=("api.test", "https://secure.test", "*.corp.test")))
    service, rec = make_service()
    for ok in (URL, "https://secure.test/x", "http://a.corp.test/x"):
        service.invoke(None, {"url": ok, "connection": "k"})
    for bad in ("http://evil.test/", "http://secure.test/x", "http://corp.test/", "http://api.test.evil/"):
        with pytest.raises(DelugeRuntimeError, match="allowed hosts"):
            service.invoke(None, {"url": bad, "connection": "k"})
    assert len(rec.requests) == 3


def _redirect_chain(target: str, status: int = 307) -> Any:
    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "api.test" and request.url.path == "/start":
            return httpx2.Response(status, headers={"Location": target})
        return httpx2.Response(200, json={"where": str(request.url)})

    return answer


@pytest.mark.parametrize("status", [302, 307, 308])
def test_cross_origin_redirect_drops_every_credential(make_service: Any, store: FakeStore, status: int) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("X-Key", "hdr-secret", "header"),
                                   ApiKeyValue("qk", "qry-secret", "query"),
                                   ApiKeyValue("fk", "frm-secret", "form"))))
    service, rec = make_service(_redirect_chain("http://other.test/land?qk=qry-secret&keep=1", status))
    service.invoke(None, {"url": "http://api.test/start", "type": "POST", "connection": "k",
                          "headers": DelugeMap(Authorization="mine", X_Other="x"), "parameters": DelugeMap(a="1")})
    first, second = rec.requests
    assert first.headers["x-key"] == "hdr-secret" and first.url.params["qk"] == "qry-secret"
    assert second.url.host == "other.test"
    assert "x-key" not in second.headers and "authorization" not in second.headers
    assert "qk" not in second.url.params and second.url.params["keep"] == "1"
    assert b"frm-secret" not in second.content
    if status in (307, 308):
        assert second.method == "POST" and second.content == b"a=1"
    else:
        assert second.method == "GET" and second.content == b""


def test_same_origin_redirect_keeps_credentials_and_other_port_does_not(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("X-Key", "hdr-secret", "header"),)))
    service, rec = make_service(_redirect_chain("/next"))
    service.invoke(None, {"url": "http://api.test/start", "connection": "k"})
    assert [r.headers.get("x-key") for r in rec.requests] == ["hdr-secret", "hdr-secret"]
    service, rec = make_service(_redirect_chain("http://api.test:8080/next"))
    service.invoke(None, {"url": "http://api.test/start", "connection": "k"})
    assert [r.headers.get("x-key") for r in rec.requests] == ["hdr-secret", None]


def test_chain_never_regains_credentials(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("X-Key", "hdr-secret", "header"),)))

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/start":
            return httpx2.Response(302, headers={"Location": "http://other.test/bounce"})
        if request.url.path == "/bounce":
            return httpx2.Response(302, headers={"Location": "http://api.test/back"})
        return httpx2.Response(200, text="ok")

    service, rec = make_service(answer)
    service.invoke(None, {"url": "http://api.test/start", "connection": "k"})
    assert [r.headers.get("x-key") for r in rec.requests] == ["hdr-secret", None, None]


def test_redirect_loop_is_an_error(make_service: Any) -> None:
    service, _ = make_service(lambda r: httpx2.Response(302, headers={"Location": "/again"}), max_redirects=3)
    with pytest.raises(DelugeRuntimeError, match="more than 3 redirects"):
        service.invoke(None, {"url": URL})


def test_secrets_are_masked_in_echoed_body_and_headers(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("b", auth_type="basic", basic_username="ann", basic_password="pw/s3cret"))

    def echo(request: httpx2.Request) -> httpx2.Response:
        auth = request.headers["authorization"]
        return httpx2.Response(200, json={"auth": auth, "raw": "pw/s3cret", "enc": "pw%2Fs3cret"},
                               headers={"X-Echo": auth})

    service, _ = make_service(echo)
    result = service.invoke(None, {"url": URL, "connection": "b", "detailed": True})
    text = repr(result)
    for leak in ("pw/s3cret", "pw%2Fs3cret", base64.b64encode(b"ann:pw/s3cret").decode()):
        assert leak not in text
    assert result["responseText"]["auth"] == f"Basic {MASK}"
    assert result["responseHeader"]["X-Echo"] == f"Basic {MASK}"


def _oauth(**kw: Any) -> Creds:
    base: dict[str, Any] = dict(auth_type="oauth2", grant_type="authorization_code", client_id="cid",
                                client_secret="csecret", token_url="http://auth.test/token",
                                access_token="at-old", refresh_token="rt-old",
                                expires_at=_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(hours=1))
    base.update(kw)
    return Creds("o", **base)


def test_oauth_bearer_and_refresh_after_401(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth(bearer_name="Zoho-oauthtoken"))

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/token":
            return httpx2.Response(200, json={"access_token": "at-new", "refresh_token": "rt-new", "expires_in": 60})
        if request.headers["authorization"] == "Zoho-oauthtoken at-new":
            return httpx2.Response(200, json={"ok": 1})
        return httpx2.Response(401, json={"error": "invalid_token"})

    service, rec = make_service(answer)
    assert service.invoke(None, {"url": URL, "connection": "o"}) == DelugeMap(ok=1)
    assert [r.url.path for r in rec.requests] == ["/v1/items", "/token", "/v1/items"]
    assert store.rows["o"].refresh_token == "rt-new" and store.rows["o"].access_token == "at-new"


def test_second_401_is_returned_not_looped(make_service: Any, store: FakeStore) -> None:
    store.add(_oauth())

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/token":
            return httpx2.Response(200, json={"access_token": "at-new", "expires_in": 60})
        return httpx2.Response(401, text="no")

    service, rec = make_service(answer)
    assert service.invoke(None, {"url": URL, "connection": "o", "detailed": True})["responseCode"] == 401
    assert len(rec.requests) == 3
    assert store.rows["o"].refresh_token == "rt-old"  # none returned: the old one is kept


def test_credentials_cache_expires_and_errors_drop_it(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("X-Key", "v-cache-1", "header"),)))
    service, rec = make_service(credentials_ttl=0.3)
    service.invoke(None, {"url": URL, "connection": "k"})
    store.connected["k"] = False
    service.invoke(None, {"url": URL, "connection": "k"})  # still cached
    time.sleep(0.35)
    with pytest.raises(DelugeRuntimeError, match="not connected"):
        service.invoke(None, {"url": URL, "connection": "k"})
    assert len(rec.requests) == 2
    no_cache, _ = make_service(credentials_ttl=0)
    store.connected["k"] = True
    no_cache.invoke(None, {"url": URL, "connection": "k"})
    store.connected["k"] = False
    with pytest.raises(DelugeRuntimeError, match="not connected"):
        no_cache.invoke(None, {"url": URL, "connection": "k"})
