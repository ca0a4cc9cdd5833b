"""The OAuth 2.0 authorization-code grant through the browser: the connection's Authorize link
redirects to the provider with a fresh ``state`` and PKCE challenge, and the provider sends the
browser back to ``/oauth/callback``. The pending grant (``state``, PKCE verifier, redirect URI)
stays in this console session, so a callback whose ``state`` this session did not start, or
already used, is refused."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.connectors.errors import ConnectorError
from cloudburst.connectors.oauth_flow import PendingAuthorization, begin_authorization, complete_authorization
from cloudburst.console.web import Console, Page

__all__ = ["routes", "start_authorization", "CALLBACK"]

CALLBACK = "/oauth/callback"
#: Zoho gives a user 90 seconds to consent; a login at the provider can take longer.
PENDING_SECONDS = 600
_MAX_PENDING = 8


@dataclass(frozen=True)
class _Pending:
    grant: PendingAuthorization
    started: float


def start_authorization(page: Page, link_name: str) -> str:
    """The provider's authorization URL; the grant waits in the session for the callback."""
    grant = begin_authorization(page.console.service, link_name, page.base_url() + CALLBACK)
    pending = page.session.oauth
    now = time.monotonic()
    for state in [s for s, p in pending.items() if now - p.started > PENDING_SECONDS]:
        del pending[state]
    while len(pending) >= _MAX_PENDING:
        del pending[next(iter(pending))]
    pending[grant.state] = _Pending(grant, now)
    return grant.url


def _refused(page: Page, message: str) -> Response:
    return page.render("message.html", 400, title="Authorization refused", message=message)


def _callback(page: Page) -> Response:
    query = page.request.query_params
    state = query.get("state", "")
    found = page.session.oauth.pop(state, None) if state else None
    if not isinstance(found, _Pending) or time.monotonic() - found.started > PENDING_SECONDS:
        return _refused(page, "This authorization was not started from this console session, has expired or was "
                              "already used (the state does not match). Start again with Authorize on the "
                              "connection's page.")
    link = found.grant.link_name
    back = f"/connections/{link}"
    if query.get("error"):
        detail = query.get("error_description", "")
        return page.redirect(back, f"The provider refused the authorization: {query['error']}"
                                   + (f" ({detail[:300]})" if detail else ""), "error")
    code = query.get("code", "")
    if not code:
        return page.redirect(back, "The provider sent no authorization code back.", "error")
    try:
        summary = _complete(page, found.grant, query)
    except ConnectorError as exc:
        return page.redirect(back, str(exc), "error")
    if summary.get("warning"):
        page.session.flash(f"warning: {summary['warning']}", "error")
    domain = f" (API domain {summary['api_domain']})" if summary.get("api_domain") else ""
    return page.redirect(back, f"{link} is connected.{domain}")


def _complete(page: Page, grant: PendingAuthorization, query: Mapping[str, str]) -> dict[str, Any]:
    """Exchange the code: Zoho's own way for a Zoho connector (its data centre check and API
    domain, as ``cloudburst connection authorize`` does), the standard way otherwise."""
    from cloudburst.zoho.connections import is_zoho_connector

    service = page.console.service
    if is_zoho_connector(service.get_connector(service.get_connection(grant.link_name)["connector"])):
        from cloudburst.zoho.setup import complete_redirect

        return complete_redirect(service, grant.link_name, query, grant.redirect_uri)
    complete_authorization(service, grant, query["code"])
    return {}


def routes(console: Console) -> list[BaseRoute]:
    return [Route(CALLBACK, console.page(_callback))]
