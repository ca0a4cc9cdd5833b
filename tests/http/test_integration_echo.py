"""invokeurl against a real HTTP server on 127.0.0.1 with the real connection store."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from stores import api_key_connection, basic_connection

from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution
from cloudburst.http import MASK, HttpService, HttpSettings
from cloudburst.values import DelugeFile, DelugeMap

pytestmark = pytest.mark.integration


def service(svc: Any, **settings: Any) -> HttpService:
    return HttpService(connection_service=lambda: svc, settings=HttpSettings(**settings))


def seen(server: HTTPServer, path: str) -> list[Any]:
    """Requests the echo server received on ``path`` (werkzeug Request objects)."""
    return [req for req, _ in server.log if req.path == path]


def test_api_key_in_each_location_arrives_and_is_masked(echo_server: HTTPServer, svc: Any) -> None:
    api_key_connection(svc, "echo_keys", [("X-Api-Key", "header", "hdr-9f8e7d"), ("apikey", "query", "qry-1a2b3c"),
                                          ("token", "form", "frm-4d5e6f")])
    url = echo_server.url_for("/keys")
    result = service(svc).invoke(Execution(), {"url": url, "type": "POST", "connection": "echo_keys",
                                               "parameters": DelugeMap(name="w"), "detailed": True})
    request = seen(echo_server, "/keys")[-1]
    assert request.headers["X-Api-Key"] == "hdr-9f8e7d"
    assert request.args["apikey"] == "qry-1a2b3c"
    assert request.form.to_dict() == {"name": "w", "token": "frm-4d5e6f"}
    echoed = result["responseText"]
    assert echoed["headers"]["X-Api-Key"] == MASK and echoed["args"]["apikey"] == MASK
    assert echoed["form"]["token"] == MASK
    assert not any(s in repr(result) for s in ("hdr-9f8e7d", "qry-1a2b3c", "frm-4d5e6f"))


def test_basic_auth_arrives(echo_server: HTTPServer, svc: Any) -> None:
    basic_connection(svc, "echo_basic", "ann", "b4sic-pw!")
    result = service(svc).invoke(Execution(), {"url": echo_server.url_for("/basic"), "connection": "echo_basic"})
    request = seen(echo_server, "/basic")[-1]
    assert request.authorization.username == "ann" and request.authorization.password == "b4sic-pw!"
    assert result["headers"]["Authorization"] == f"Basic {MASK}"
    assert base64.b64encode(b"ann:b4sic-pw!").decode() not in repr(result)


@pytest.mark.parametrize("status", [302, 307])
def test_redirect_to_other_origin_drops_credentials(echo_server: HTTPServer, svc: Any, status: int) -> None:
    api_key_connection(svc, "echo_redir", [("X-Api-Key", "header", "hdr-redir-1"), ("apikey", "query", "qry-redir-2"),
                                           ("token", "form", "frm-redir-3")])
    port = echo_server.port
    target = f"http://localhost:{port}/landed-{status}"
    url = f"http://127.0.0.1:{port}/redirect?status={status}&to={target}"
    result = service(svc).invoke(Execution(), {"url": url, "type": "POST", "connection": "echo_redir",
                                               "parameters": DelugeMap(a="1")})
    first = seen(echo_server, "/redirect")[-1]
    assert first.headers["X-Api-Key"] == "hdr-redir-1"
    landed = seen(echo_server, f"/landed-{status}")[-1]
    assert landed.host == f"localhost:{port}"
    assert "X-Api-Key" not in landed.headers and "apikey" not in landed.args
    assert "frm-redir-3" not in landed.get_data(as_text=True)
    assert result["method"] == ("POST" if status == 307 else "GET")
    if status == 307:
        assert landed.form.to_dict() == {"a": "1"}


def test_same_origin_redirect_keeps_credentials(echo_server: HTTPServer, svc: Any) -> None:
    api_key_connection(svc, "echo_same", [("X-Api-Key", "header", "hdr-same-1")])
    url = echo_server.url_for("/redirect") + "?to=/same-landed"
    service(svc).invoke(Execution(), {"url": url, "connection": "echo_same"})
    assert seen(echo_server, "/same-landed")[-1].headers["X-Api-Key"] == "hdr-same-1"


def test_allowed_hosts_refuse_other_host_before_sending(echo_server: HTTPServer, svc: Any) -> None:
    api_key_connection(svc, "echo_pinned", [("X-Api-Key", "header", "hdr-pin-1")], allowed_hosts=("127.0.0.1",))
    port = echo_server.port
    http = service(svc)
    http.invoke(Execution(), {"url": f"http://127.0.0.1:{port}/pinned-ok", "connection": "echo_pinned"})
    with pytest.raises(DelugeRuntimeError, match="allowed hosts"):
        http.invoke(Execution(), {"url": f"http://localhost:{port}/pinned-bad", "connection": "echo_pinned"})
    assert len(seen(echo_server, "/pinned-ok")) == 1 and seen(echo_server, "/pinned-bad") == []


def test_files_multipart_and_non_2xx(echo_server: HTTPServer, svc: Any) -> None:
    http = service(svc)
    up = http.invoke(Execution(), {"url": echo_server.url_for("/upload"), "type": "POST",
                                   "files": DelugeFile("n.txt", b"file body", "text/plain"),
                                   "parameters": DelugeMap(kind="note")})
    assert up["files"]["file"] == DelugeMap(filename="n.txt", content="file body")
    assert up["form"] == DelugeMap(kind="note")
    missing = http.invoke(Execution(), {"url": echo_server.url_for("/status/404"), "detailed": True})
    assert missing["responseCode"] == 404 and missing["responseText"] == DelugeMap(status=404)
    assert missing["responseHeader"]["Content-Type"] == "application/json"


def test_timeout_size_cap_and_refused_port(echo_server: HTTPServer, svc: Any) -> None:
    http = service(svc, timeout=0.5, max_response_bytes=1000)
    with pytest.raises(DelugeRuntimeError, match="socket timeout"):
        http.invoke(Execution(), {"url": echo_server.url_for("/slow/2")})
    with pytest.raises(DelugeRuntimeError, match="larger than the 1000 bytes limit"):
        http.invoke(Execution(), {"url": echo_server.url_for("/bytes/5000")})
    assert http.invoke(Execution(), {"url": echo_server.url_for("/bytes/1000")}) == "x" * 1000
    from fixtures import free_port

    with pytest.raises(DelugeRuntimeError, match="could not reach 127.0.0.1"):
        http.invoke(Execution(), {"url": f"http://127.0.0.1:{free_port()}/"})


def test_unusable_connections_are_refused(svc: Any) -> None:
    basic_connection(svc, "echo_off", "ann", "pw-off-1")
    svc.set_enabled("echo_off", False)
    http = service(svc)
    with pytest.raises(DelugeRuntimeError, match="disabled"):
        http.invoke(Execution(), {"url": "http://127.0.0.1:9/", "connection": "echo_off"})
    with pytest.raises(DelugeRuntimeError, match="does not exist"):
        http.invoke(Execution(), {"url": "http://127.0.0.1:9/", "connection": "nope"})
