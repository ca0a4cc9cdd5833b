"""Python/JSON ↔ Deluge value conversion for request payloads and response bodies."""

from __future__ import annotations

import json
from typing import Any

from cloudburst.errors import DelugeRuntimeError
from cloudburst.numeric import JSON_NUMBERS, NumberRangeError
from cloudburst.values import DelugeList, DelugeMap, display, to_json_text

__all__ = ["json_to_deluge", "parse_body", "field_text", "payload_json"]


def _hook(pairs: list[tuple[str, Any]]) -> DelugeMap:
    return DelugeMap(pairs)


def json_to_deluge(text: str) -> Any:
    """Parse JSON into Deluge values: objects → KEY-VALUE, arrays → LIST, integers →
    NUMBER (DECIMAL beyond 64 bits), fractions → DECIMAL (never float), all bounded as
    :mod:`cloudburst.numeric` says (``NumberRangeError`` beyond)."""
    value = json.loads(text, object_pairs_hook=_hook, **JSON_NUMBERS)
    return _lists(value)


def _lists(value: Any) -> Any:
    if type(value) is list:
        return DelugeList(_lists(v) for v in value)
    if isinstance(value, DelugeMap):
        for k, v in value.items():
            if type(v) is list or isinstance(v, DelugeMap):
                value[k] = _lists(v)
        return value
    return value


def parse_body(text: str) -> Any:
    """A response body as Deluge sees it: a JSON object or array becomes a map or list,
    anything else (including a bare JSON string or number) stays text. A number beyond
    Deluge's range is an error rather than silently making the body text."""
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return text
    try:
        return json_to_deluge(text)
    except NumberRangeError as exc:
        raise DelugeRuntimeError(f"invokeurl: in the response JSON, {exc.message}") from None
    except (ValueError, RecursionError):
        return text


def field_text(value: Any) -> str:
    """A Deluge value as a query/form/header value (null → empty text)."""
    return "" if value is None else display(value)


def payload_json(value: Any) -> str:
    """A map or list body sent as JSON (64-bit numbers and decimals keep every digit)."""
    return to_json_text(value)
