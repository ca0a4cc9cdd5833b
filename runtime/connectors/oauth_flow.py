"""OAuth 2.0 steps driven by the CLI: authorization code (with PKCE and a loopback listener),
client credentials, and RFC 7009 revoke. The protocol pieces come from ``cloudburst.http.oauth``,
imported only when one of these runs.
"""

from __future__ import annotations

import secrets as _secrets
import socket
from datetime import datetime, timedelta, timezone
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from cloudburst.connectors import rules
from cloudburst.connectors.credentials import ConnectionCredentials
from cloudburst.connectors.errors import ConnectorError

if TYPE_CHECKING:
    from cloudburst.connectors.connections import ConnectionAdmin

__all__ = ["authorize_oauth", "revoke_tokens", "http_client", "free_port"]


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
    timeout: float = 90.0, port: int = 0, client: Any = None,
) -> None:
    """Run the connector's grant and store the tokens; raises ConnectorError with a clear message."""
    oauth = _oauth()
    creds = service.authorization_settings(link_name)
    details = service.flow_details(link_name)
    own_client = client is None
    client = client or http_client()
    try:
        if creds.grant_type == "client_credentials":
            token = oauth.client_credentials_token(
                client, creds.token_url, client_id=creds.client_id, client_secret=creds.client_secret,
                scopes=list(creds.scopes), delimiter=creds.scope_delimiter)
        else:
            token = _authorization_code(oauth, creds, details, out, open_browser, timeout, port, client)
    except ConnectorError:
        raise
    except Exception as exc:  # OAuthError and transport errors become one clear message
        if isinstance(exc, TimeoutError) or getattr(exc, "kind", None) == "timeout":
            raise ConnectorError(f"gave up waiting for the authorization after {timeout:g} seconds") from None
        raise ConnectorError(_clean(f"authorization failed: {exc}", creds)) from None
    finally:
        if own_client:
            client.close()
    _save(service, creds, token)


def _authorization_code(
    oauth: Any, creds: ConnectionCredentials, details: dict[str, Any], out: TextIO,
    open_browser: Callable[[str], object] | None, timeout: float, port: int, client: Any,
) -> Any:
    port = port or free_port()
    redirect_uri = f"http://127.0.0.1:{port}/callback"
    verifier, challenge = oauth.new_pkce_pair() if details["pkce"] else (None, None)
    state = _secrets.token_urlsafe(24)
    url = oauth.build_authorization_url(details["authorize_url"], creds.client_id, redirect_uri,
                                        list(creds.scopes), creds.scope_delimiter, state, challenge)
    out.write(f"Open this address to authorize {creds.link_name} (waiting {timeout:g} s for {redirect_uri}):\n{url}\n")
    out.flush()
    if open_browser is not None:
        open_browser(url)
    code = oauth.wait_for_redirect("127.0.0.1", port, state, timeout)
    return oauth.exchange_code(client, creds.token_url, code=code, redirect_uri=redirect_uri,
                               client_id=creds.client_id, client_secret=creds.client_secret,
                               code_verifier=verifier)


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
