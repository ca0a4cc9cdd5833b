"""How an invokeurl task's keys become a request (no network)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from cloudburst.errors import DelugeRuntimeError
from cloudburst.http.request import build_outgoing, read_options
from cloudburst.values import DelugeFile, DelugeList, DelugeMap

CLIENT = httpx2.Client()


def built(**task: Any) -> httpx2.Request:
    task = {k.replace("_", "-"): v for k, v in task.items()}
    request = build_outgoing(task).to_request(CLIENT)
    request.read()
    return request


def test_get_map_parameters_become_query() -> None:
    r = built(url="http://h.test/p?x=1", parameters=DelugeMap(q="a b", n=5, z=None))
    assert r.method == "GET"
    assert r.url.params.multi_items() == [("x", "1"), ("q", "a b"), ("n", "5"), ("z", "")]
    assert r.content == b""


def test_delete_map_parameters_become_query() -> None:
    r = built(url="http://h.test/p", type="delete", parameters=DelugeMap(id=7))
    assert (r.method, r.url.params["id"]) == ("DELETE", "7")


def test_post_map_parameters_become_form() -> None:
    r = built(url="http://h.test/p", type="POST", parameters=DelugeMap(name="w idget", n=DelugeList([1, 2])))
    assert r.headers["content-type"] == "application/x-www-form-urlencoded"
    assert r.content == b"name=w+idget&n=1%2C2"


def test_text_parameters_are_raw_body() -> None:
    r = built(url="http://h.test/p", type="PUT", parameters='{"a":1}')
    assert r.content == b'{"a":1}'
    assert r.headers["content-type"].startswith("text/plain")


def test_json_content_type_sends_map_as_json() -> None:
    r = built(url="http://h.test/p", type="POST", content_type="application/json",
              parameters=DelugeMap(id=1234567890123456789, price=__import__("decimal").Decimal("2.50")))
    assert r.content == b'{"id":1234567890123456789,"price":2.5}'
    assert r.headers["content-type"] == "application/json"


def test_body_wins_and_map_parameters_go_to_query() -> None:
    r = built(url="http://h.test/p", type="POST", body="raw", parameters=DelugeMap(a="1"))
    assert r.content == b"raw"
    assert r.url.params["a"] == "1"


def test_headers_and_content_type_key() -> None:
    r = built(url="http://h.test/p", type="POST", headers=DelugeMap({"X-Trace": "abc", "Content-Type": "text/x"}),
              content_type="application/xml", body="<a/>")
    assert r.headers["x-trace"] == "abc"
    assert r.headers.get_list("content-type") == ["application/xml"]


def test_files_are_multipart_with_map_fields() -> None:
    f = DelugeFile("a.txt", b"hello", "text/plain")
    r = built(url="http://h.test/up", type="POST", files=DelugeList([f]), parameters=DelugeMap(kind="doc"))
    assert r.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="kind"' in r.content and b"doc" in r.content
    assert b'filename="a.txt"' in r.content and b"hello" in r.content


@pytest.mark.parametrize("task, message", [
    ({}, "'url' is required"),
    ({"url": 5}, "'url' must be TEXT"),
    ({"url": "ftp://h.test/"}, "only http and https"),
    ({"url": "http://h.test/", "type": "TRACE"}, "'type' must be one of"),
    ({"url": "http://h.test/", "headers": "x"}, "'headers' must be KEY-VALUE"),
    ({"url": "http://h.test/", "files": "x"}, "'files' must be a FILE"),
    ({"url": "http://h.test/", "parameters": 5}, "'parameters' must be"),
    ({"url": "http://h.test/", "type": "POST", "body": "x", "files": DelugeFile("f", b"")}, "cannot be sent together"),
])
def test_bad_tasks_are_runtime_errors(task: dict[str, Any], message: str) -> None:
    with pytest.raises(DelugeRuntimeError, match=message):
        build_outgoing(task)


@pytest.mark.parametrize("task, message", [
    ({"url": "u", "detailed": "yes"}, "'detailed' must be BOOLEAN"),
    ({"url": "u", "response-format": "XML"}, "'response-format' must be one of"),
    ({"url": "u", "bogus": 1}, "unknown key 'bogus'"),
    ({"url": "u", "connection": 3}, "'connection' must be TEXT"),
])
def test_bad_options(task: dict[str, Any], message: str) -> None:
    with pytest.raises(DelugeRuntimeError, match=message):
        read_options(task)
