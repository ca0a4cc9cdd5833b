"""Reading a request body with a size cap (413 before the whole body is read), and the
``arguments`` of a call from a JSON body, a form field or the query string."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request

__all__ = ["BodyError", "read_body", "call_arguments"]


class BodyError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, "REQUEST_TOO_LARGE", f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, "REQUEST_TOO_LARGE", f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(text: str | bytes, where: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BodyError(400, "INVALID_DATA", f"{where} is not valid JSON: {exc}") from None


def _object(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, str):
        value = _json(value, where)
    if not isinstance(value, dict):
        raise BodyError(400, "INVALID_DATA", f"{where} must be a JSON object of name: value")
    return value


def call_arguments(request: Request, body: bytes) -> dict[str, Any]:
    """Zoho's ``arguments``: a JSON body (``{"arguments": {...}}`` or the object itself), a
    form field ``arguments`` holding JSON, or the ``arguments`` query parameter."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if body.strip():
        if content_type == "application/x-www-form-urlencoded":
            try:
                fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise BodyError(400, "INVALID_DATA", "the form body is not UTF-8") from None
            if "arguments" in fields:
                return _object(fields["arguments"][-1], "the 'arguments' form field")
            return {k: v[-1] for k, v in fields.items()}
        if content_type.startswith("multipart/"):
            raise BodyError(400, "INVALID_DATA", "send arguments as JSON or as a urlencoded form field")
        data = _json(body, "the request body")
        if isinstance(data, dict) and set(data) == {"arguments"}:
            return _object(data["arguments"], "'arguments'")
        return _object(data, "the request body")
    query = request.query_params.get("arguments")
    return _object(query, "the 'arguments' query parameter") if query else {}
