"""Secrets never leave: error messages, log records (including tracebacks), helpers."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx2
import pytest
from fake_store import ApiKeyValue, Creds, FakeStore

from cloudburst.errors import DelugeRuntimeError
from cloudburst.http import MASK, RedactingFilter
from cloudburst.http.redact import Redactor
from cloudburst.values import DelugeFile, DelugeList, DelugeMap


def test_redactor_forms() -> None:
    r = Redactor()
    r.register(["p@ss word/1"])
    r.register_basic("ann", "p@ss word/1")
    basic = base64.b64encode(b"ann:p@ss word/1").decode()
    text = f"raw=p@ss word/1 enc=p%40ss%20word%2F1 plus=p%40ss+word%2F1 b64={basic}"
    assert r.redact(text) == f"raw={MASK} enc={MASK} plus={MASK} b64={MASK}"
    value = DelugeMap({"p@ss word/1": DelugeList(["x p@ss word/1"])})
    assert r.redact_value(value) == DelugeMap({MASK: DelugeList([f"x {MASK}"])})
    f = r.redact_value(DelugeFile("n", b"..p@ss word/1.."))
    assert f.content == f"..{MASK}..".encode()


def test_log_filter_masks_message_args_and_traceback(caplog: pytest.LogCaptureFixture) -> None:
    r = Redactor()
    r.register(["tok-SECRET-9"])
    logger = logging.getLogger("cloudburst.test_redact")
    handler_filter = RedactingFilter(r)
    caplog.handler.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.DEBUG, logger="cloudburst.test_redact"):
            logger.debug("sending %s", "Bearer tok-SECRET-9")
            try:
                raise ValueError("bad tok-SECRET-9")
            except ValueError:
                logger.exception("failed")
    finally:
        caplog.handler.removeFilter(handler_filter)
    assert "tok-SECRET-9" not in caplog.text
    assert f"sending Bearer {MASK}" in caplog.text and f"ValueError: bad {MASK}" in caplog.text


def test_errors_from_the_network_are_masked(make_service: Any, store: FakeStore) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("apikey", "qk-SECRET-77", "query"),)))

    def fail(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"cannot connect to {request.url}")

    service, _ = make_service(fail)
    with pytest.raises(DelugeRuntimeError) as info:
        service.invoke(None, {"url": "http://api.test/x", "connection": "k"})
    assert "qk-SECRET-77" not in str(info.value)
    assert MASK in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_httpx_logger_is_filtered(make_service: Any, store: FakeStore, caplog: pytest.LogCaptureFixture) -> None:
    store.add(Creds("k", api_keys=(ApiKeyValue("apikey", "qk-SECRET-88", "query"),)))
    service, _ = make_service()
    with caplog.at_level(logging.DEBUG):
        service.invoke(None, {"url": "http://api.test/x", "connection": "k"})
    logged = [r.getMessage() for r in caplog.records if r.name.startswith(("httpx2", "cloudburst"))]
    assert logged, "httpx2 logs each request at INFO"
    assert not any("qk-SECRET-88" in m for m in logged)


def test_every_way_a_script_could_print_a_secret(make_service: Any, store: FakeStore,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """Echo every credential back in body, headers and status text, then render the result
    every way a script can (info, toString, JSON, error text) and log at every level."""
    from cloudburst.values import display, to_json_text

    store.add(Creds("k", api_keys=(ApiKeyValue("X-Key", "hdr/Secret+1", "header"),
                                   ApiKeyValue("q", "qry Secret&2", "query"),
                                   ApiKeyValue("f", "frm=Secret3", "form"))))
    store.add(Creds("b", auth_type="basic", basic_username="u", basic_password="pw:Secret4"))
    secrets = ["hdr/Secret+1", "qry Secret&2", "frm=Secret3", "pw:Secret4"]

    def echo(request: httpx2.Request) -> httpx2.Response:
        dump = f"{request.url} {dict(request.headers)} {request.content.decode()}"
        return httpx2.Response(200, json={"dump": dump, "list": [dump]}, headers={"X-Dump": dump.encode("ascii", "replace").decode()})

    service, _ = make_service(echo)
    rendered: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for link, method in (("k", "POST"), ("b", "GET")):
            for detailed in (False, True):
                result = service.invoke(None, {"url": "http://api.test/x", "type": method, "connection": link,
                                               "parameters": DelugeMap(a="1"), "detailed": detailed})
                rendered += [display(result), to_json_text(result), repr(result)]
        for link in ("k", "b"):
            with pytest.raises(DelugeRuntimeError) as info:
                service.invoke(None, {"url": "http://api.test/x", "type": "POST", "connection": link,
                                      "body": "raw", "headers": DelugeMap(X_Fake="1")} if link == "k" else
                               {"url": "ftp://x", "connection": link})
            rendered.append(str(info.value))
    rendered.append(caplog.text)
    everything = "\n".join(rendered)
    from urllib.parse import quote, quote_plus
    for s in secrets:
        for form in (s, quote(s, safe=""), quote_plus(s)):
            assert form not in everything, form
    assert base64.b64encode(b"u:pw:Secret4").decode() not in everything
    assert MASK in everything
