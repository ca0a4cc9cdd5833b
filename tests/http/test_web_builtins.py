"""getUrl / postUrl map onto invokeurl."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution
from cloudburst.stdlib import REGISTRY  # every built-in module loaded
from cloudburst.values import DelugeMap


def _ctx(handler: Any) -> Execution:
    """An execution on a runtime without a store whose network is a mock transport."""
    return Execution(Runtime(http_transport=httpx2.MockTransport(handler)))


def echo(request: httpx2.Request) -> httpx2.Response:
    request.read()
    return httpx2.Response(201, json={"m": request.method, "h": request.headers.get("x-h"),
                                      "b": request.content.decode()}, headers={"X-R": "1"})


def test_registered() -> None:
    found = {b.name: (b.min_args, b.max_args) for b in REGISTRY.builtins if not b.receiver}
    assert found["getUrl"] == (1, 3)
    assert found["postUrl"] == (2, 4)


def test_get_url_simple_text_and_detailed() -> None:
    get_url = REGISTRY.function("getUrl")
    assert get_url is not None
    ctx = _ctx(echo)
    text = get_url(ctx, "http://h.test/", DelugeMap({"X-H": "v"}))
    assert text == '{"m":"GET","h":"v","b":""}'
    detailed = get_url(ctx, "http://h.test/", False)
    assert detailed["responseCode"] == 201 and detailed["responseHeader"]["X-R"] == "1"
    assert detailed["responseText"]["m"] == "GET"


def test_post_url_map_body_is_form() -> None:
    post_url = REGISTRY.function("postUrl")
    assert post_url is not None
    result = post_url(_ctx(echo), "http://h.test/", DelugeMap(a="1 2"), DelugeMap({"X-H": "v"}), False)
    assert result["responseText"] == DelugeMap(m="POST", h="v", b="a=1+2")


def test_runtime_without_store_refuses_connections() -> None:
    ctx = _ctx(echo)
    with pytest.raises(DelugeRuntimeError, match="no connection store"):
        ctx.runtime.http_service().invoke(ctx, {"url": "http://h.test/", "connection": "x"})


@pytest.mark.parametrize("args", [(None,), (5,), ("http://h.test/", "x"), ("http://h.test/", None, "yes")])
def test_get_url_bad_arguments(args: tuple[Any, ...]) -> None:
    get_url = REGISTRY.function("getUrl")
    assert get_url is not None
    with pytest.raises(DelugeRuntimeError, match="getUrl"):
        get_url(_ctx(echo), *args)


@pytest.mark.parametrize("args", [(None, "b"), ("http://h.test/", 5), ("http://h.test/", "b", "x")])
def test_post_url_bad_arguments(args: tuple[Any, ...]) -> None:
    post_url = REGISTRY.function("postUrl")
    assert post_url is not None
    with pytest.raises(DelugeRuntimeError, match="postUrl"):
        post_url(_ctx(echo), *args)
