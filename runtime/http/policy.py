"""The invokeurl access policy, in one place: which connections a script may name, which
hosts its requests may reach (redirects and token requests included), and which hosts a
connection's credentials may be sent to (the connector's allowed hosts).

:class:`~cloudburst.http.invoke.HttpService` is its only caller: it checks the connection
and the credentials' host before a call, and installs :meth:`AccessPolicy.check_request` on
its client so every request is checked before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudburst.errors import DelugeRuntimeError

if TYPE_CHECKING:
    import httpx2

    from cloudburst.http.contract import Credentials

__all__ = ["AccessPolicy", "origin", "host_allowed"]


@dataclass(frozen=True)
class AccessPolicy:
    """What the host allows: ``connections`` (None: every connection in the store) and
    ``hosts`` (None: any host; empty: none)."""

    connections: frozenset[str] | None = None
    hosts: tuple[str, ...] | None = None

    def check_connection(self, link: str) -> None:
        if self.connections is not None and link not in self.connections:
            raise DelugeRuntimeError(f"connection '{link}' is not available to scripts in this runtime")

    def check_request(self, request: Any) -> None:
        """An httpx request hook: refuse a request to a host outside ``hosts``."""
        if self.hosts is not None and (not self.hosts or not host_allowed(request.url, self.hosts)):
            raise DelugeRuntimeError(f"requests to {request.url.host} are not allowed in this runtime")

    @staticmethod
    def check_credentials(url: httpx2.URL, creds: Credentials) -> None:
        """A connection's credentials go only to its connector's allowed hosts (if any are set)."""
        if not host_allowed(url, tuple(creds.allowed_hosts)):
            raise DelugeRuntimeError(
                f"connection '{creds.link_name}' may not be used with host '{url.host}' "
                "(not in the connector's allowed hosts); nothing was sent")


def origin(url: httpx2.URL) -> tuple[str, str, int | None]:
    """(scheme, host, port) with default ports filled in: the unit of trust for credentials."""
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host.lower(), port


def host_allowed(url: httpx2.URL, allowed: Sequence[str]) -> bool:
    """Match ``url`` against allowed-host entries: a bare host (``api.example.com``), a
    wildcard (``*.example.com``, subdomains only), ``host:port`` or an origin
    (``https://api.example.com[:port]``). An empty list allows every host."""
    import httpx2

    if not allowed:
        return True
    scheme, host, port = origin(url)
    for entry in allowed:
        entry = entry.strip().lower().rstrip("/")
        if "://" in entry:
            try:
                e = httpx2.URL(entry)
            except Exception:
                continue
            if origin(e) == (scheme, host, port):
                return True
        elif entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif ":" in entry and not entry.startswith("["):
            h, _, p = entry.partition(":")
            if host == h and str(port) == p:
                return True
        elif host == entry:
            return True
    return False
