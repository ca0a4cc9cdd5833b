"""Built-ins: the deprecated web functions getUrl and postUrl, on the invokeurl machinery."""

from __future__ import annotations

from typing import Any

from cloudburst.stdlib.registry import builtin, expect, fail
from cloudburst.values import DelugeMap, type_name

__all__ = ["get_url", "post_url"]


def _headers_and_simple(fn: str, headers: Any, simple: Any, position: int) -> tuple[DelugeMap | None, bool]:
    """Split the optional ``[headerMap] [, simple]`` tail (a lone BOOLEAN is ``simple``)."""
    if isinstance(headers, bool) and simple is None:
        headers, simple = None, headers
    if headers is not None and not isinstance(headers, DelugeMap):
        raise fail(f"{fn}: argument {position} must be a KEY-VALUE of headers, got {type_name(headers)}")
    if simple is None:
        simple = True
    expect(fn, simple, "BOOLEAN", position + 1)
    return headers, simple


def _service(ctx: Any) -> Any:
    """The runtime's HTTP side: the same one ``invokeurl`` uses."""
    runtime = getattr(ctx, "runtime", None)
    if runtime is None:
        raise fail("getUrl/postUrl need a runtime (they run inside Runtime.run)")
    return runtime.http_service()


@builtin("getUrl", returns="ANY", tier=2,
         doc="HTTP GET; text, or with simple=false a map of responseCode, responseText, responseHeader.")
def get_url(ctx: Any, url: Any, headers: Any = None, simple: Any = None) -> Any:
    expect("getUrl", url, "TEXT", 1)
    header_map, is_simple = _headers_and_simple("getUrl", headers, simple, 2)
    return _service(ctx).simple(ctx, "GET", url, None, header_map, is_simple)


@builtin("postUrl", returns="ANY", tier=2,
         doc="HTTP POST of a map (form) or text body; text, or with simple=false the detailed map.")
def post_url(ctx: Any, url: Any, body: Any, headers: Any = None, simple: Any = None) -> Any:
    expect("postUrl", url, "TEXT", 1)
    if body is not None and not isinstance(body, (str, DelugeMap)):
        raise fail(f"postUrl: argument 2 must be KEY-VALUE or TEXT, got {type_name(body)}")
    header_map, is_simple = _headers_and_simple("postUrl", headers, simple, 3)
    return _service(ctx).simple(ctx, "POST", url, body, header_map, is_simple)
