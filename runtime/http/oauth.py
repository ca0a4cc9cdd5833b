"""OAuth 2.0 protocol pieces: PKCE, authorization URL, token requests, revocation, and a
one-shot loopback listener for the authorization redirect.

Plain httpx2 calls (RFC 6749, 7636, 7009); no state is kept here. The connector CLI
(``connection authorize``) and the token refresher both use these functions.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx2

__all__ = [
    "TokenSet",
    "OAuthError",
    "TRANSIENT_STATUSES",
    "RECONNECT_ERRORS",
    "new_pkce_pair",
    "build_authorization_url",
    "exchange_code",
    "client_credentials_token",
    "refresh",
    "revoke",
    "wait_for_redirect",
    "wait_for_redirect_query",
]

#: Token-endpoint statuses worth retrying: the connection itself is fine.
TRANSIENT_STATUSES = frozenset({408, 409, 423, 425, 429}) | frozenset(range(500, 600))
#: Error codes meaning the stored grant or client is no longer usable. Zoho answers a
#: revoked or unknown refresh token with ``invalid_code`` (often with HTTP 200).
RECONNECT_ERRORS = frozenset({"invalid_grant", "invalid_client", "unauthorized_client", "invalid_code"})


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_in: int | None
    scope: str | None
    token_type: str | None


class OAuthError(Exception):
    """A failed token request. ``kind`` is the OAuth error code (``invalid_grant``, ...),
    ``"transient"`` (429, 5xx, network: retry later) or ``"protocol"`` (unusable answer).
    The message never contains a token or secret."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status

    @property
    def transient(self) -> bool:
        return self.kind == "transient"

    @property
    def needs_reconnect(self) -> bool:
        return self.kind in RECONNECT_ERRORS or (
            self.status is not None and 400 <= self.status < 500 and self.status not in TRANSIENT_STATUSES
            and self.kind != "protocol")


def new_pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _join_scopes(scopes: Sequence[str], delimiter: str) -> str:
    return (delimiter or " ").join(s for s in scopes if s)


def build_authorization_url(authorize_url: str, client_id: str, redirect_uri: str, scopes: Sequence[str],
                            delimiter: str, state: str, code_challenge: str | None,
                            extra: dict[str, str] | None = None) -> str:
    """The URL the user opens. Scopes are joined with the connector's delimiter *before*
    URL-encoding, so a ``+`` delimiter reaches the server as a literal ``+`` (a space)."""
    params: list[tuple[str, str]] = [("response_type", "code"), ("client_id", client_id),
                                     ("redirect_uri", redirect_uri), ("state", state)]
    query = urlencode(params)
    if scopes:
        joined = _join_scopes(scopes, delimiter)
        if delimiter == "+":
            encoded = "+".join(urlencode({"": s})[1:] for s in scopes if s)
        else:
            encoded = urlencode({"": joined})[1:]
        query += "&scope=" + encoded
    if code_challenge:
        query += "&" + urlencode({"code_challenge": code_challenge, "code_challenge_method": "S256"})
    if extra:
        query += "&" + urlencode(extra)
    parts = urlsplit(authorize_url)
    full = f"{parts.query}&{query}" if parts.query else query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, full, parts.fragment))


def _post_token(client: httpx2.Client, url: str, data: dict[str, str], timeout: float | None = None) -> TokenSet:
    try:
        response = client.post(url, data=data, headers={"Accept": "application/json"},
                               timeout=timeout if timeout is not None else httpx2.USE_CLIENT_DEFAULT,
                               follow_redirects=False)
    except httpx2.TransportError as exc:
        raise OAuthError("transient", f"token endpoint unreachable ({type(exc).__name__})") from None
    status = response.status_code
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    if status in TRANSIENT_STATUSES:
        raise OAuthError("transient", f"token endpoint answered HTTP {status}", status)
    if status >= 400 or not isinstance(payload, dict) or "error" in payload:
        code = str(payload.get("error")) if isinstance(payload, dict) and payload.get("error") else "rejected"
        if not code.replace("_", "").isalnum():
            code = "rejected"
        raise OAuthError(code, f"token endpoint refused the request: {code} (HTTP {status})", status)
    token = payload.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthError("protocol", "token endpoint answered without an access_token", status)
    expires = payload.get("expires_in")
    try:
        expires_in = int(expires) if expires is not None else None
    except (TypeError, ValueError):
        expires_in = None
    refresh_token = payload.get("refresh_token")
    return TokenSet(token, refresh_token if isinstance(refresh_token, str) and refresh_token else None,
                    expires_in, payload.get("scope"), payload.get("token_type"))


def _client_auth(client_id: str | None, client_secret: str | None) -> dict[str, str]:
    data = {}
    if client_id:
        data["client_id"] = client_id
    if client_secret:
        data["client_secret"] = client_secret
    return data


def exchange_code(client: httpx2.Client, token_url: str, *, code: str, redirect_uri: str, client_id: str,
                  client_secret: str | None, code_verifier: str | None, timeout: float | None = None) -> TokenSet:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            **_client_auth(client_id, client_secret)}
    if code_verifier:
        data["code_verifier"] = code_verifier
    return _post_token(client, token_url, data, timeout)


def client_credentials_token(client: httpx2.Client, token_url: str, *, client_id: str, client_secret: str | None,
                             scopes: Sequence[str], delimiter: str, timeout: float | None = None) -> TokenSet:
    data = {"grant_type": "client_credentials", **_client_auth(client_id, client_secret)}
    if scopes:
        data["scope"] = _join_scopes(scopes, " " if delimiter == "+" else delimiter)
    return _post_token(client, token_url, data, timeout)


def refresh(client: httpx2.Client, refresh_url: str, *, refresh_token: str, client_id: str | None,
            client_secret: str | None, timeout: float | None = None) -> TokenSet:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **_client_auth(client_id, client_secret)}
    return _post_token(client, refresh_url, data, timeout)


def revoke(client: httpx2.Client, revoke_url: str, *, token: str, token_type_hint: str | None,
           client_id: str | None, client_secret: str | None, timeout: float | None = None) -> None:
    """RFC 7009 revocation. Raises :class:`OAuthError` on a refusal or network failure; the
    caller marks the connection not connected whatever happens."""
    data = {"token": token, **_client_auth(client_id, client_secret)}
    if token_type_hint:
        data["token_type_hint"] = token_type_hint
    try:
        response = client.post(revoke_url, data=data,
                               timeout=timeout if timeout is not None else httpx2.USE_CLIENT_DEFAULT)
    except httpx2.TransportError as exc:
        raise OAuthError("transient", f"revocation endpoint unreachable ({type(exc).__name__})") from None
    if response.status_code >= 400:
        kind = "transient" if response.status_code in TRANSIENT_STATUSES else "rejected"
        raise OAuthError(kind, f"revocation endpoint answered HTTP {response.status_code}", response.status_code)


class _RedirectHandler(http.server.BaseHTTPRequestHandler):
    result: dict[str, str]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if "code" not in query and "error" not in query:
            self.send_response(404)
            self.end_headers()
            return
        self.server.result = query  # type: ignore[attr-defined]
        ok = "code" in query
        body = ("Cloudburst: authorization received; you can close this window." if ok
                else "Cloudburst: authorization failed; see the terminal.").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # the query holds the code: never log it
        return


def wait_for_redirect(host: str, port: int, state: str, timeout: float) -> str:
    """Listen on ``host:port`` (loopback) for the provider's redirect and return the code.

    Raises :class:`OAuthError` on timeout, a provider error, or a state mismatch (CSRF)."""
    return wait_for_redirect_query(host, port, state, timeout)["code"]


def wait_for_redirect_query(host: str, port: int, state: str, timeout: float) -> dict[str, str]:
    """Like :func:`wait_for_redirect`, but the redirect's whole query (some providers add
    more than the code, e.g. Zoho's ``accounts-server`` and ``location``)."""
    server = http.server.HTTPServer((host, port), _RedirectHandler)
    server.result = {}  # type: ignore[attr-defined]
    server.timeout = 0.2
    done = threading.Event()
    timer = threading.Timer(timeout, done.set)
    timer.start()
    try:
        while not done.is_set() and not server.result:  # type: ignore[attr-defined]
            server.handle_request()
    finally:
        timer.cancel()
        server.server_close()
    result: dict[str, str] = server.result  # type: ignore[attr-defined]
    if not result:
        raise OAuthError("timeout", f"no authorization redirect arrived within {timeout:g} s")
    if result.get("state") != state:
        raise OAuthError("state_mismatch", "the authorization redirect carried the wrong state")
    if "error" in result:
        code = result["error"] if result["error"].replace("_", "").isalnum() else "rejected"
        raise OAuthError(code, f"the provider refused the authorization: {code}")
    return result
