"""OAuth 2.0 steps: authorization code (with PKCE; the CLI waits on a loopback listener, the
console splits the grant into :func:`begin_authorization` and :func:`complete_authorization`
around its own callback route), client credentials, and RFC 7009 revoke. The protocol pieces
come from ``cloudburst.http.oauth``, imported only when one of these runs.
"""

from __future__ import annotations

import contextlib
import secrets as _secrets
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TextIO

from cloudburst.connectors import rules
from cloudburst.connectors.countdown import announce, countdown
from cloudburst.connectors.credentials import ConnectionCredentials
from cloudburst.connectors.errors import ConnectorError

if TYPE_CHECKING:
    from cloudburst.connectors.connections import ConnectionAdmin

__all__ = ["authorize_oauth", "revoke_tokens", "http_client", "free_port", "PendingAuthorization",
           "begin_authorization", "complete_authorization"]


@dataclass(frozen=True)
class PendingAuthorization:
    """An authorization-code grant between the redirect to the provider and its callback.
    ``verifier`` is the PKCE secret: keep it server-side (never in a page or a cookie)."""

    link_name: str
    redirect_uri: str
    state: str
    verifier: str | None
    url: str


def _oauth() -> Any:
    try:
        from cloudburst.http import oauth
    except ImportError as exc:
        raise ConnectorError(f"OAuth 2.0 support is not available (cloudburst.http.oauth: {exc})") from None
    return oauth


def http_client() -> Any:
    import httpx2

    return httpx2.Client(timeout=40.0, follow_redirects=False)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _clean(message: str, creds: ConnectionCredentials) -> str:
    for value in sorted(creds.secret_values(), key=len, reverse=True):
        message = message.replace(value, rules.MASK)
    return message


def _save(service: ConnectionAdmin, creds: ConnectionCredentials, token: Any) -> None:
    seconds = token.expires_in if token.expires_in else creds.default_expiry_seconds
    service.save_tokens(creds.link_name, access_token=token.access_token, refresh_token=token.refresh_token,
                        expires_at=datetime.now(timezone.utc) + timedelta(seconds=int(seconds)), authorized=True)


def authorize_oauth(
    service: ConnectionAdmin, link_name: str, *, out: TextIO, open_browser: Callable[[str], object] | None = None,
    timeout: float = 90.0, port: int = 0, client: Any = None, live: bool = False,
) -> None:
    """Run the connector's grant and store the tokens; raises ConnectorError with a clear message."""
    oauth = _oauth()
    creds = service.authorization_settings(link_name)
    with _explained(creds, timeout), _client(client) as http:
        if creds.grant_type == "client_credentials":
            token = oauth.client_credentials_token(
                http, creds.token_url, client_id=creds.client_id, client_secret=creds.client_secret,
                scopes=list(creds.scopes), delimiter=creds.scope_delimiter)
        else:
            port = port or free_port()
            pending = begin_authorization(service, link_name, f"http://127.0.0.1:{port}/callback")
            announce(out, link_name, pending.url, pending.redirect_uri)
            if open_browser is not None:
                open_browser(pending.url)
            with countdown(out, timeout, live):
                code = oauth.wait_for_redirect("127.0.0.1", port, pending.state, timeout)
            token = _exchange(oauth, creds, pending, code, http)
    _save(service, creds, token)


def begin_authorization(service: ConnectionAdmin, link_name: str, redirect_uri: str) -> PendingAuthorization:
    """The provider's authorization URL for ``link_name`` (a fresh ``state`` and PKCE pair)."""
    oauth = _oauth()
    creds = service.authorization_settings(link_name)
    details = service.flow_details(link_name)
    if details["auth_type"] != "oauth2" or creds.grant_type != "authorization_code":
        raise ConnectorError(f'connection "{link_name}" is not authorized through an OAuth 2.0 authorization code')
    verifier, challenge = oauth.new_pkce_pair() if details["pkce"] else (None, None)
    state = _secrets.token_urlsafe(24)
    url = oauth.build_authorization_url(details["authorize_url"], creds.client_id, redirect_uri,
                                        list(creds.scopes), creds.scope_delimiter, state, challenge)
    return PendingAuthorization(link_name, redirect_uri, state, verifier, url)


def complete_authorization(service: ConnectionAdmin, pending: PendingAuthorization, code: str, *,
                           client: Any = None) -> None:
    """Exchange the callback's ``code`` (with the PKCE verifier) and store the tokens."""
    oauth = _oauth()
    creds = service.authorization_settings(pending.link_name)
    with _explained(creds, 40.0), _client(client) as http:
        token = _exchange(oauth, creds, pending, code, http)
    _save(service, creds, token)


def _exchange(oauth: Any, creds: ConnectionCredentials, pending: PendingAuthorization, code: str, client: Any) -> Any:
    return oauth.exchange_code(client, creds.token_url, code=code, redirect_uri=pending.redirect_uri,
                               client_id=creds.client_id, client_secret=creds.client_secret,
                               code_verifier=pending.verifier)


@contextlib.contextmanager
def _client(given: Any) -> Iterator[Any]:
    if given is not None:
        yield given
        return
    with http_client() as client:
        yield client


@contextlib.contextmanager
def _explained(creds: ConnectionCredentials, timeout: float) -> Iterator[None]:
    """OAuthError and transport errors become one ConnectorError without any secret in it."""
    try:
        yield
    except ConnectorError:
        raise
    except Exception as exc:
        if isinstance(exc, TimeoutError) or getattr(exc, "kind", None) == "timeout":
            raise ConnectorError(f"gave up waiting for the authorization after {timeout:g} seconds") from None
        raise ConnectorError(_clean(f"authorization failed: {exc}", creds)) from None


def revoke_tokens(service: ConnectionAdmin, link_name: str, client: Any = None) -> list[str]:
    """RFC 7009 revoke at the connector's revoke URL when set; the caller wipes the tokens after."""
    creds = service.authorization_settings(link_name)
    token, hint = (creds.refresh_token, "refresh_token") if creds.refresh_token else (creds.access_token, "access_token")
    if creds.auth_type != "oauth2" or not creds.revoke_url or not token:
        return []
    own_client = client is None
    try:
        oauth = _oauth()
        client = client or http_client()
        oauth.revoke(client, creds.revoke_url, token=token, token_type_hint=hint,
                     client_id=creds.client_id, client_secret=creds.client_secret)
    except Exception as exc:  # revoke is best effort: the local tokens are wiped regardless
        return [_clean(f"the revoke URL call failed ({exc}); the tokens were wiped locally", creds)]
    finally:
        if own_client and client is not None:
            client.close()
    return []
