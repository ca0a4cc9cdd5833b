"""One Zoho REST exchange as data: what a task asks (:class:`ZohoRequest`) and what came
back (:class:`ZohoAnswer`), and the :class:`Transport` seam the live, recording and
replaying providers implement.

A request names its path from the API domain (``/crm/v8/Leads``), never a host, and holds
no credential: the live transport adds both, so recordings and messages cannot leak them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from cloudburst.values import DelugeFile, from_python, to_json_text

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

__all__ = ["ZohoRequest", "ZohoAnswer", "Transport", "json_text"]

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ZohoRequest:
    """``service`` picks the connection (crm, books, creator, or the invokeapi service);
    ``operation`` and ``module`` say which scope the call needs."""

    service: str
    method: str
    path: str
    query: Pairs = ()
    body: str | None = None  # JSON text
    form: Pairs | None = None
    files: tuple[DelugeFile, ...] = ()
    headers: Pairs = ()
    operation: str = "READ"
    module: str | None = None
    task: str = ""
    connection: str | None = None

    def key(self) -> dict[str, Any]:
        """The request as recordings store and match it (no credentials, no host)."""
        import hashlib

        return {
            "service": self.service, "method": self.method, "path": self.path,
            "query": [list(p) for p in self.query], "body": self.body,
            "form": None if self.form is None else [list(p) for p in self.form],
            "files": [{"name": f.name, "type": f.content_type, "sha256": hashlib.sha256(f.content).hexdigest(),
                       "size": len(f.content)} for f in self.files],
        }

    def describe(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class ZohoAnswer:
    status: int
    text: str
    headers: Pairs = ()

    def value(self) -> Any:
        """The body as Deluge values: a JSON object or array as a map or list, else text
        (an empty body, e.g. HTTP 204, is null)."""
        if not self.text.strip():
            return None
        from cloudburst.http.convert import parse_body  # loaded with the first answer

        return parse_body(self.text)

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)


class Transport(Protocol):
    def send(self, request: ZohoRequest) -> ZohoAnswer: ...


def json_text(value: Any) -> str:
    """A request body as JSON; 64-bit numbers and decimals keep every digit."""
    from cloudburst.records import plain_value  # loaded with the first request body

    return to_json_text(from_python(plain_value(value)))
