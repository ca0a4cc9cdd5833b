"""Setting up Zoho connections: the connector preset, and authorization by self-client
grant code or in the browser, both keeping the ``api_domain`` Zoho returns with the token.

Zoho OAuth (https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html,
.../self-client/authorization-code-flow.html): authorize at ``{accounts}/oauth/v2/auth``
with ``access_type=offline`` (else no refresh token) and ``prompt=consent``; exchange at
``{accounts}/oauth/v2/token`` (a self-client code without ``redirect_uri``); the answer
holds ``access_token``, ``refresh_token``, ``api_domain``, ``token_type``, ``expires_in``.
Zoho reports a refused exchange as ``{"error": "invalid_code"}`` even with HTTP 200.
Every API call sends ``Authorization: Zoho-oauthtoken <token>``.
"""

from __future__ import annotations

import secrets as _secrets
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping, Sequence, TextIO
from urllib.parse import urlsplit

from cloudburst.connectors.errors import ConnectorError
from cloudburst.zoho.connections import BEARER_NAME
from cloudburst.zoho.datacentres import DataCentre, from_accounts_url, lookup
from cloudburst.zoho.scopes import scopes_for

__all__ = ["create_zoho_connector", "authorize_with_grant_code", "authorize_in_browser", "complete_redirect"]

_EXCHANGE_ERRORS = {
    "invalid_code": "the grant code is invalid, already used, or expired (a self-client code lasts 3 minutes "
                    "unless you chose longer): generate a new one and run this again at once",
    "invalid_client": "Zoho does not know this client id/secret at {accounts}: check them, and that the "
                      "connector's data centre is the one the client was registered in",
    "invalid_client_secret": "the client secret is wrong for this client id",
    "invalid_redirect_uri": "the redirect URI is not registered for this client in Zoho's API console",
}


def create_zoho_connector(service: Any, name: str, *, client_id: str, client_secret: str, dc: str = "us",
                          apps: Sequence[str] = ("crm",), link_name: str | None = None,
                          extra_scopes: Sequence[str] = (), table: Mapping[str, DataCentre] | None = None,
                          accounts_url: str | None = None) -> dict[str, Any]:
    """Create a Ready OAuth 2.0 connector for Zoho in data centre ``dc`` with the scopes
    the ``apps``' tasks need (ValueError for an unknown DC or app). ``accounts_url``
    replaces the DC's accounts server (a proxy, or a test double); the API domain then
    comes from the token answer."""
    centre = lookup(dc, table)
    if accounts_url:
        centre = DataCentre(centre.code, accounts_url.rstrip("/"), centre.api_domain)
    scopes = scopes_for(apps)
    scopes += [(f"Extra {n}", s) for n, s in enumerate(extra_scopes, start=1) if s not in {v for _, v in scopes}]
    created = service.create_connector(name, link_name=link_name, auth_type="oauth2",
                                       description=f"Zoho {', '.join(a.upper() for a in apps)} ({centre.code.upper()} data centre)")
    link = created["link_name"]
    try:
        service.configure_oauth(
            link, grant_type="authorization_code", pkce=False, client_id=client_id, client_secret=client_secret,
            authorize_url=f"{centre.authorize_url}?access_type=offline&prompt=consent",
            token_url=centre.token_url, revoke_url=centre.revoke_url, bearer_name=BEARER_NAME, expiry_seconds=3600)
        service.add_scopes(link, scopes)
        service.mark_ready(link)
    except Exception:
        service.delete_connector(link)
        raise
    info: dict[str, Any] = service.get_connector(link)
    return info


def _post(client: Any, url: str, data: dict[str, str]) -> dict[str, Any]:
    try:
        response = client.post(url, data=data, headers={"Accept": "application/json"})
    except Exception as exc:
        raise ConnectorError(f"cannot reach Zoho's accounts server {_origin(url)} ({type(exc).__name__})") from None
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ConnectorError(f"Zoho's accounts server answered HTTP {response.status_code} without JSON")
    return payload


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _exchange(service: Any, link: str, code: str, redirect_uri: str | None, client: Any) -> dict[str, Any]:
    creds = service.authorization_settings(link)
    if not creds.token_url or not creds.client_id:
        raise ConnectorError(f'connection "{link}": its connector has no token URL or client id')
    data = {"grant_type": "authorization_code", "code": code.strip(), "client_id": creds.client_id,
            "client_secret": creds.client_secret or ""}
    if redirect_uri:
        data["redirect_uri"] = redirect_uri
    own = client is None
    if own:
        from cloudburst.connectors.oauth_flow import http_client

        client = http_client()
    try:
        payload = _post(client, creds.token_url, data)
    finally:
        if own:
            client.close()
    error = payload.get("error")
    if error or not payload.get("access_token"):
        kind = str(error or "no access_token")
        why = _EXCHANGE_ERRORS.get(kind, f"Zoho refused the exchange ({kind})")
        raise ConnectorError(f'connection "{link}": {why.format(accounts=_origin(creds.token_url))}')
    return payload


def _store(service: Any, link: str, payload: dict[str, Any], accounts: str) -> dict[str, Any]:
    seconds = int(payload.get("expires_in") or 3600)
    service.save_tokens(link, access_token=str(payload["access_token"]),
                        refresh_token=payload.get("refresh_token") or None,
                        expires_at=datetime.now(timezone.utc) + timedelta(seconds=seconds), authorized=True)
    api_domain = payload.get("api_domain")
    service.set_connection_properties(link, api_domain=str(api_domain).rstrip("/") if api_domain else None,
                                      accounts_server=accounts)
    summary = {"api_domain": api_domain, "expires_in": seconds, "refresh_token": bool(payload.get("refresh_token"))}
    if not payload.get("refresh_token"):
        summary["warning"] = ("Zoho gave no refresh token (the code was not for offline access): the connection "
                              "works for one hour, then needs authorizing again")
    return summary


def authorize_with_grant_code(service: Any, link: str, code: str, *, client: Any = None) -> dict[str, Any]:
    """Exchange a self-client grant code (Zoho API console → Self Client → Generate Code)
    for tokens and store them; returns a non-secret summary."""
    if not code or not code.strip():
        raise ConnectorError("the grant code is empty")
    payload = _exchange(service, link, code, None, client)
    return _store(service, link, payload, _origin(service.authorization_settings(link).token_url))


def authorize_in_browser(service: Any, link: str, *, out: TextIO, open_browser: Callable[[str], object] | None = None, timeout: float = 120.0,
                         port: int = 0, client: Any = None, table: Mapping[str, DataCentre] | None = None,
                         live: bool = False) -> dict[str, Any]:
    """Zoho's browser flow: open the consent page, wait on a loopback redirect, refuse an
    account from another data centre by name, exchange the code and store the tokens."""
    from cloudburst.connectors.countdown import announce, countdown
    from cloudburst.connectors.oauth_flow import free_port
    from cloudburst.http import oauth

    creds = service.authorization_settings(link)
    details = service.flow_details(link)
    port = port or free_port()
    redirect_uri = f"http://127.0.0.1:{port}/callback"
    state = _secrets.token_urlsafe(24)
    url = oauth.build_authorization_url(details["authorize_url"], creds.client_id, redirect_uri, list(creds.scopes),
                                        creds.scope_delimiter, state, None)
    announce(out, link, url, redirect_uri)
    if open_browser:  # the front door's way to show the address (it alone may open a browser)
        open_browser(url)
    try:
        with countdown(out, timeout, live):
            query = oauth.wait_for_redirect_query("127.0.0.1", port, state, timeout)
    except oauth.OAuthError as exc:
        raise ConnectorError(f'connection "{link}": {exc}') from None
    return complete_redirect(service, link, query, redirect_uri, client=client, table=table)


def complete_redirect(service: Any, link: str, query: Mapping[str, str], redirect_uri: str, *, client: Any = None,
                      table: Mapping[str, DataCentre] | None = None) -> dict[str, Any]:
    """The end of Zoho's browser flow, wherever the redirect landed (the CLI's loopback
    listener, the console's callback): refuse an account from another data centre by name,
    exchange the code and store the tokens; returns a non-secret summary."""
    creds = service.authorization_settings(link)
    expected = _origin(creds.token_url)
    server = query.get("accounts-server")
    if server and _origin(server) != expected:
        dc = from_accounts_url(server, table)
        where = f"the {dc.code.upper()} data centre" if dc else server
        raise ConnectorError(f'connection "{link}": this Zoho account lives in {where}, but the connector uses '
                             f"{expected}; create a connector with --dc {dc.code if dc else 'DC'} for it")
    payload = _exchange(service, link, query["code"], redirect_uri, client)
    return _store(service, link, payload, expected)
