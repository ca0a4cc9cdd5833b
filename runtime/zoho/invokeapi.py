"""The ``invokeapi`` task: a Zoho REST call given by service and path only
(https://www.zoho.com/deluge/help/webhook/invokeapitask.html); the host comes from the
connection's data centre. ``parameters`` go in the query string; a KEY-VALUE ``body`` is
sent as JSON, a TEXT one as it is. The result is the answer parsed like invokeurl's:
a map or list for JSON, else text.
"""

from __future__ import annotations

from typing import Any, Callable

from cloudburst.errors import DelugeRuntimeError
from cloudburst.values import DelugeList, DelugeMap, to_json_text, type_name
from cloudburst.zoho.connections import service_of
from cloudburst.zoho.wire import ZohoAnswer, ZohoRequest

__all__ = ["invokeapi_task", "KEYS"]

KEYS = frozenset({"service", "path", "type", "parameters", "body", "headers", "connection",
                  "response-format", "response-decoding"})
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

Send = Callable[[ZohoRequest], ZohoAnswer]


def _text(items: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = items.get(key)
    if value is None:
        if required:
            raise DelugeRuntimeError(f"invokeapi: '{key}' is required")
        return None
    if not isinstance(value, str):
        raise DelugeRuntimeError(f"invokeapi: '{key}' must be TEXT, got {type_name(value)}")
    return value


def _pairs(items: dict[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    value = items.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        from urllib.parse import parse_qsl

        return tuple(parse_qsl(value.lstrip("?"), keep_blank_values=True))
    if not isinstance(value, DelugeMap):
        raise DelugeRuntimeError(f"invokeapi: '{key}' must be KEY-VALUE or TEXT, got {type_name(value)}")
    from cloudburst.http.convert import field_text  # loaded with the first call

    return tuple((field_text(k), field_text(v)) for k, v in value.items())


def invokeapi_task(send: Send) -> Callable[[Any, dict[str, Any]], Any]:
    def task(ctx: Any, items: dict[str, Any]) -> Any:
        unknown = sorted(set(items) - KEYS)
        if unknown:
            raise DelugeRuntimeError(f"invokeapi: unknown key '{unknown[0]}'")
        service = (_text(items, "service", required=True) or "").strip().lower()
        path = (_text(items, "path", required=True) or "").strip()
        if not path.startswith("/") or "://" in path:
            raise DelugeRuntimeError(f"invokeapi: 'path' must start with / (e.g. \"/crm/v8/Leads\"), got {path!r}")
        method = (_text(items, "type") or "GET").upper()
        if method not in _METHODS:
            raise DelugeRuntimeError(f"invokeapi: 'type' must be one of {', '.join(_METHODS)}, got {method}")
        raw = items.get("body")
        if raw is not None and not isinstance(raw, (str, DelugeMap, DelugeList)):
            raise DelugeRuntimeError(f"invokeapi: 'body' must be TEXT or KEY-VALUE, got {type_name(raw)}")
        body = raw if isinstance(raw, str) or raw is None else to_json_text(raw)
        fmt = (_text(items, "response-format") or "AUTO").upper()
        request = ZohoRequest(service_of(service), method, path, _pairs(items, "parameters"), body,
                              headers=_pairs(items, "headers"), operation="READ" if method == "GET" else "UPDATE",
                              task="invokeapi", connection=_text(items, "connection") or None)
        answer = send(request)
        if fmt == "TEXT":
            return answer.text
        value = answer.value()
        return "" if value is None else value

    return task
