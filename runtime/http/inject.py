"""Credential injection: what a connection adds to a request.

Injection happens on a copy of the script's :class:`Outgoing`, after its headers and
parameters are in place, and replaces any same-named part the script set: a script can
neither overwrite nor read a secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx2

from cloudburst.errors import DelugeRuntimeError
from cloudburst.http.redact import basic_token
from cloudburst.http.request import Outgoing
from cloudburst.http.contract import Credentials

__all__ = ["Injection", "injection_for"]


@dataclass(frozen=True)
class Injection:
    """What a connection adds to a request; applied by :meth:`apply`, never merged in place."""

    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    form: tuple[tuple[str, str], ...] = ()
    secrets: frozenset[str] = field(default_factory=frozenset)

    def apply(self, base: Outgoing) -> Outgoing:
        out = base.copy()
        for name, value in self.headers:
            out.set_header(name, value)
        if self.query:
            names = {k for k, _ in self.query}
            out.url = out.url.copy_with(params=[(k, v) for k, v in out.url.params.multi_items() if k not in names])
            out.query = [(k, v) for k, v in out.query if k not in names] + list(self.query)
        if self.form:
            if out.content is not None:
                raise DelugeRuntimeError(
                    "invokeurl: this connection sends its API key as a form field, so the request "
                    "needs a KEY-VALUE body (parameters: {...}), not TEXT")
            if out.method in ("GET", "DELETE") and out.form is None and not out.files:
                names = {k for k, _ in self.form}
                out.query = [(k, v) for k, v in out.query if k not in names] + list(self.form)
            else:
                names = {k for k, _ in self.form}
                out.form = [(k, v) for k, v in (out.form or []) if k not in names] + list(self.form)
                if out.header("Content-Type") is None and not out.files:
                    out.set_header("Content-Type", "application/x-www-form-urlencoded")
        return out

    def strip_url(self, url: httpx2.URL) -> httpx2.URL:
        """Remove injected query keys a server copied into a redirect target."""
        names = {k for k, _ in self.query + self.form}
        if not names:
            return url
        kept = [(k, v) for k, v in url.params.multi_items() if not (k in names and v in self.secrets)]
        return url.copy_with(params=kept) if len(kept) != len(url.params.multi_items()) else url


def injection_for(creds: Credentials) -> Injection:
    """The headers/query/form entries that authenticate a request for ``creds``."""
    kind = creds.auth_type
    if kind == "basic":
        user, password = creds.basic_username or "", creds.basic_password or ""
        token = basic_token(user, password)
        return Injection(headers=(("Authorization", f"Basic {token}"),), secrets=frozenset({token, password}))
    if kind == "api_key":
        headers: list[tuple[str, str]] = []
        query: list[tuple[str, str]] = []
        form: list[tuple[str, str]] = []
        for k in creds.api_keys:
            target = {"header": headers, "query": query, "form": form}.get(k.location)
            if target is None:
                raise DelugeRuntimeError(f"connection '{creds.link_name}': unknown API key location '{k.location}'")
            target.append((k.key, k.value))
        return Injection(tuple(headers), tuple(query), tuple(form),
                         frozenset(k.value for k in creds.api_keys))
    if kind == "oauth2":
        if not creds.access_token:
            raise DelugeRuntimeError(f"connection '{creds.link_name}' has no access token; authorize it again")
        bearer = creds.bearer_name or "Bearer"
        return Injection(headers=(("Authorization", f"{bearer} {creds.access_token}"),),
                         secrets=frozenset({creds.access_token}))
    raise DelugeRuntimeError(f"connection '{creds.link_name}': unsupported authentication type '{kind}'")
