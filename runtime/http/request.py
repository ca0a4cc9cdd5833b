"""Turn an invokeurl task's evaluated keys into a plain description of the request.

The description (:class:`Outgoing`) keeps the script's own parts apart from anything a
connection adds later, so credentials can be injected last and dropped on a redirect.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field, replace
from typing import Any

import httpx2

from cloudburst.errors import DelugeRuntimeError
from cloudburst.http.convert import field_text, payload_json
from cloudburst.values import DelugeFile, DelugeList, DelugeMap, type_name

__all__ = ["Outgoing", "Options", "KNOWN_KEYS", "METHODS", "build_outgoing", "read_options", "text_encoding"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
KNOWN_KEYS = frozenset({"url", "type", "parameters", "body", "headers", "content-type", "files",
                        "connection", "detailed", "response-format", "response-decoding"})
RESPONSE_FORMATS = ("AUTO", "TEXT", "JSON", "FILE")

Pairs = list[tuple[str, str]]


@dataclass
class Outgoing:
    """One HTTP request before it becomes an ``httpx2.Request``.

    ``form`` is a form body (urlencoded, or multipart fields when ``files`` is set);
    ``content`` a raw body. At most one of them is used.
    """

    method: str
    url: httpx2.URL
    headers: Pairs = field(default_factory=list)
    query: Pairs = field(default_factory=list)
    form: Pairs | None = None
    content: bytes | None = None
    files: list[DelugeFile] = field(default_factory=list)

    def copy(self) -> Outgoing:
        return replace(self, headers=list(self.headers), query=list(self.query),
                       form=None if self.form is None else list(self.form), files=list(self.files))

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in reversed(self.headers):
            if k.lower() == low:
                return v
        return None

    def set_header(self, name: str, value: str) -> None:
        low = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != low]
        self.headers.append((name, value))

    def to_request(self, client: httpx2.Client) -> httpx2.Request:
        url = self.url.copy_merge_params(tuple(self.query)) if self.query else self.url
        if self.files:
            files = [(f.param_name or "file", (f.name, f.content, f.content_type)) for f in self.files]
            headers = [(k, v) for k, v in self.headers if k.lower() != "content-type"]
            return client.build_request(self.method, url, headers=headers, data=_form_dict(self.form or []),
                                        files=files)
        if self.form is not None:
            return client.build_request(self.method, url, headers=self.headers,
                                        content=_urlencode(self.form))
        return client.build_request(self.method, url, headers=self.headers, content=self.content)


def _urlencode(pairs: Pairs) -> bytes:
    return str(httpx2.QueryParams(tuple(pairs))).encode("ascii")


def _form_dict(pairs: Pairs) -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for k, v in pairs:
        prev = out.get(k)
        if prev is None:
            out[k] = v
        elif isinstance(prev, list):
            prev.append(v)
        else:
            out[k] = [prev, v]
    return out


@dataclass(frozen=True)
class Options:
    """The keys that shape the result rather than the request."""

    connection: str | None
    detailed: bool
    response_format: str
    response_decoding: str | None


def _text(task: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = task.get(key)
    if value is None:
        if required:
            raise DelugeRuntimeError(f"invokeurl: '{key}' is required")
        return None
    if not isinstance(value, str):
        raise DelugeRuntimeError(f"invokeurl: '{key}' must be TEXT, got {type_name(value)}")
    return value


def read_options(task: dict[str, Any]) -> Options:
    unknown = sorted(set(task) - KNOWN_KEYS)
    if unknown:
        raise DelugeRuntimeError(f"invokeurl: unknown key '{unknown[0]}'")
    detailed = task.get("detailed", False)
    if detailed is None:
        detailed = False
    if not isinstance(detailed, bool):
        raise DelugeRuntimeError(f"invokeurl: 'detailed' must be BOOLEAN, got {type_name(detailed)}")
    fmt = (_text(task, "response-format") or "AUTO").upper()
    if fmt not in RESPONSE_FORMATS:
        raise DelugeRuntimeError(f"invokeurl: 'response-format' must be one of TEXT, JSON, FILE, got {fmt}")
    connection = _text(task, "connection")
    decoding = _text(task, "response-decoding")
    if decoding is not None:
        name = text_encoding(decoding)
        if name is None:
            raise DelugeRuntimeError(
                f"invokeurl: unknown response-decoding '{decoding[:40]}': not a character set "
                "(use one such as UTF-8, ISO-8859-1 or Shift_JIS)")
        decoding = name
    return Options(connection or None, detailed, fmt, decoding)


def text_encoding(name: str | None) -> str | None:
    """The codec for a character-set name, or None when Python knows no such *text*
    encoding (``base64``, ``rot13`` and ``zlib`` are codecs, but not character sets)."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
        if not getattr(info, "_is_text_encoding", True):
            return None
        b"a".decode(info.name, "replace")  # the "undefined" codec refuses everything
    except (LookupError, ValueError, TypeError, UnicodeError):
        return None
    return info.name


def _pairs(value: DelugeMap) -> Pairs:
    return [(field_text(k), field_text(v)) for k, v in value.items()]


def _files(value: Any) -> list[DelugeFile]:
    if value is None:
        return []
    if isinstance(value, DelugeFile):
        return [value]
    if isinstance(value, DelugeList) and all(isinstance(f, DelugeFile) for f in value):
        return list(value)
    raise DelugeRuntimeError(f"invokeurl: 'files' must be a FILE or a LIST of files, got {type_name(value)}")


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or mime.endswith("+json")


def build_outgoing(task: dict[str, Any]) -> Outgoing:
    """The script's request: method, URL, headers, and the payload placed as documented in
    docs/http.md (map parameters → query for GET/DELETE, form body otherwise)."""
    url_text = _text(task, "url", required=True) or ""
    try:
        url = httpx2.URL(url_text.strip())
    except Exception:
        raise DelugeRuntimeError(f"invokeurl: invalid URL '{url_text}'") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise DelugeRuntimeError(f"invokeurl: invalid URL '{url_text}' (only http and https URLs can be called)")
    method = (_text(task, "type") or "GET").upper()
    if method not in METHODS:
        raise DelugeRuntimeError(f"invokeurl: 'type' must be one of {', '.join(METHODS)}, got {method}")
    out = Outgoing(method, url)

    headers = task.get("headers")
    if headers is not None:
        if not isinstance(headers, DelugeMap):
            raise DelugeRuntimeError(f"invokeurl: 'headers' must be KEY-VALUE, got {type_name(headers)}")
        out.headers = _pairs(headers)
    content_type = task.get("content-type")
    if isinstance(content_type, DelugeMap):  # one documented variant passes it as a map
        content_type = next(iter(content_type.values()), None)
    if content_type is not None:
        if not isinstance(content_type, str):
            raise DelugeRuntimeError(f"invokeurl: 'content-type' must be TEXT, got {type_name(content_type)}")
        out.set_header("Content-Type", content_type)
    json_body = _is_json(out.header("Content-Type"))

    out.files = _files(task.get("files"))
    params = task.get("parameters")
    body = task.get("body")
    if isinstance(params, DelugeFile):
        out.files.append(params)
        params = None
    if body is not None and not isinstance(body, (str, DelugeMap, DelugeList)):
        raise DelugeRuntimeError(f"invokeurl: 'body' must be TEXT or KEY-VALUE, got {type_name(body)}")
    if params is not None and not isinstance(params, (str, DelugeMap, DelugeList)):
        raise DelugeRuntimeError(f"invokeurl: 'parameters' must be KEY-VALUE or TEXT, got {type_name(params)}")
    if isinstance(params, DelugeList):
        if not json_body:
            raise DelugeRuntimeError("invokeurl: a LIST in 'parameters' needs a JSON content-type")
        params = payload_json(params)

    bodyless = method in ("GET", "DELETE")
    if isinstance(params, DelugeMap) and (bodyless or body is not None) and not out.files:
        out.query = _pairs(params)
        params = None
    raw = body if body is not None else params
    if isinstance(raw, DelugeMap) and json_body and not out.files:
        raw = payload_json(raw)
    if isinstance(raw, DelugeList):
        raw = payload_json(raw)
    if isinstance(raw, DelugeMap):
        out.form = _pairs(raw)
        if out.header("Content-Type") is None and not out.files:
            out.set_header("Content-Type", "application/x-www-form-urlencoded")
    elif isinstance(raw, str):
        if out.files:
            raise DelugeRuntimeError("invokeurl: a TEXT body cannot be sent together with 'files'")
        out.content = raw.encode("utf-8")
        if out.header("Content-Type") is None:
            out.set_header("Content-Type", "text/plain; charset=utf-8")
    elif out.files:
        out.form = []
    return out
