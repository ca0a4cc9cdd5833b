"""Connection pages: create from a Ready connector, authorize (values typed into write-only
fields, OAuth 2.0 client credentials, or the authorization-code redirect of :mod:`oauth_pages`),
test with the stored secret, revoke, disable/enable, rename and delete; the same service calls
and messages as ``cloudburst connection``."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from cloudburst.connectors.errors import NotFoundError
from cloudburst.console.connectors_pages import AUTH_LABELS
from cloudburst.console.oauth_pages import start_authorization
from cloudburst.console.outcome import GENERAL, Errors, attempt, perform
from cloudburst.console.web import Console, Page

__all__ = ["routes"]


def _connection(page: Page) -> dict[str, Any] | None:
    try:
        return page.console.service.get_connection(page.params["link"])
    except NotFoundError:
        return None


def _missing(page: Page) -> Response:
    return page.render("message.html", 404, title="No such connection",
                       message=f'There is no connection "{page.params["link"]}".')


def _grant(connector: dict[str, Any]) -> str | None:
    grant: str | None = (connector.get("oauth") or {}).get("grant_type")
    return grant


def _expiry_note(info: dict[str, Any]) -> str:
    """How long the access token has left, as a person reads it (``in 58 min``, ``expired``)."""
    if not info["token_expires_at"]:
        return ""
    left = (datetime.fromisoformat(info["token_expires_at"]) - datetime.now(timezone.utc)).total_seconds()
    if left <= 0:
        return "expired; refreshed on the next use" if info["refresh_token"] else "expired"
    return f"in {left / 60:.0f} min" if left < 7200 else f"in {left / 3600:.1f} h"


def _authorize_label(info: dict[str, Any]) -> str:
    """Zoho's wording: Authorize the first time; Reconnect once an authorization was lost or a
    token refresh failed; otherwise authorize again."""
    refresh_failed = (info["last_failure_reason"] or "").startswith("token refresh")
    if info["authorized_at"] and (info["status"] != "connected" or refresh_failed):
        return "Reconnect"
    return "Authorize again" if info["status"] == "connected" else "Authorize"


# -- list, create -----------------------------------------------------------------------------

def _list(page: Page) -> Response:
    connector = page.request.query_params.get("connector", "").strip() or None
    errors: Errors = {}
    rows = attempt(lambda: page.console.service.list_connections(connector), errors) or []
    return page.render("connections/list.html", 404 if errors else 200, title="Connections", rows=rows,
                       connector=connector, errors=errors, auth_labels=AUTH_LABELS)


def _new(page: Page) -> Response:
    svc = page.console.service
    ready = [c for c in svc.list_connectors() if c["stage"] == "Ready"]
    chosen = page.field("connector") or page.request.query_params.get("connector", "")
    errors: Errors = {}
    connector = None
    if chosen:
        try:
            connector = svc.get_connector(chosen)
        except NotFoundError as exc:
            errors["connector"] = f"connector: {exc}"
    values: dict[str, Any] = {"name": page.field("name"), "link_name": page.field("link_name"),
                              "scopes": [sc["value"] for sc in (connector or {}).get("scopes", [])]}
    if page.form is not None and connector is not None and not errors:
        values["scopes"] = [v for v in page.form.getlist("scopes") if isinstance(v, str)]
        scopes = values["scopes"] if connector["auth_type"] == "oauth2" else None
        info = attempt(lambda: svc.create_connection(connector["link_name"], values["name"],
                                                     link_name=values["link_name"] or None, scopes=scopes), errors)
        if info is not None:
            return page.redirect(f"/connections/{info['link_name']}",
                                 f"Connection {info['name']} created; authorize it to use it.")
    return page.render("connections/new.html", 400 if errors else 200, title="New connection", ready=ready,
                       connector=connector, values=values, errors=errors, auth_labels=AUTH_LABELS)


# -- one connection ---------------------------------------------------------------------------

def _show(page: Page) -> Response:
    info = _connection(page)
    if info is None:
        return _missing(page)
    connector = page.console.service.get_connector(info["connector"])
    return page.render("connections/show.html", title=info["name"], info=info, connector=connector,
                       grant=_grant(connector),
                       test_url=connector["test_url"],
                       expiry_note=_expiry_note(info),
                       authorize_label=_authorize_label(info), auth_labels=AUTH_LABELS)


def _authorize(page: Page) -> Response:
    """GET: the form of values (Basic, API key), the client-credentials button, or the redirect
    to the provider (authorization code); POST: store the values or fetch the token."""
    info = _connection(page)
    if info is None:
        return _missing(page)
    link = info["link_name"]
    svc = page.console.service
    grant = _grant(svc.get_connector(info["connector"]))
    errors: Errors = {}
    if grant == "authorization_code":
        target = attempt(lambda: start_authorization(page, link), errors)
        if target is not None:
            return RedirectResponse(target, 303)
        return page.redirect(f"/connections/{link}", " ".join(errors.values()), "error")
    prompts = attempt(lambda: svc.authorization_prompts(link), errors) or []
    if page.form is not None and not errors:
        if grant == "client_credentials":
            done = perform(lambda: svc.authorize_oauth(link, out=io.StringIO()), errors)
        else:
            values = {p["key"]: str(page.form.get(f"value-{p['key']}") or "") for p in prompts}
            done = perform(lambda: svc.authorize_with_values(link, values), errors)
        if done:
            return page.redirect(f"/connections/{link}", f"{info['name']} is connected.")
    return page.render("connections/authorize.html", 400 if errors else 200, title=f"Authorize {info['name']}",
                       info=info, grant=grant, prompts=prompts, errors=errors)


def _action(page: Page) -> Response:
    """The buttons of a connection's page: test, revoke, scopes, enable, disable, rename, delete."""
    link = page.params["link"]
    svc = page.console.service
    action = page.params["action"]
    errors: Errors = {}
    back = f"/connections/{link}"
    if action == "test":
        result = attempt(lambda: svc.test_connection(link), errors)
        if result is not None:
            took = f" in {result.seconds * 1000:.0f} ms" if result.seconds is not None else ""
            return page.redirect(back, f"Test: {result.reason}{took}", "ok" if result.ok else "error")
    elif action == "revoke":
        warnings = attempt(lambda: svc.revoke(link), errors)
        if warnings is not None:
            for warning in warnings:
                page.session.flash(f"warning: {warning}", "error")
            return page.redirect(back, "Authorization revoked; the connection is not connected.")
    elif action == "scopes":
        chosen = [v for v in page.form.getlist("scopes") if isinstance(v, str)] if page.form is not None else []
        warnings = attempt(lambda: svc.set_connection_scopes(link, chosen), errors)
        if warnings is not None:
            for warning in warnings:
                page.session.flash(f"warning: {warning}", "error")
            status = svc.get_connection(link)["status"]
            again = "" if status == "connected" else " Authorize the connection for them."
            return page.redirect(back, f"Scopes saved.{again}")
    elif action in ("enable", "disable"):
        if perform(lambda: svc.set_enabled(link, action == "enable"), errors):
            return page.redirect(back, f"Connection {action}d.")
    elif action == "rename":
        if perform(lambda: svc.rename_connection(link, page.field("name")), errors):
            return page.redirect(back, "Display name changed (the link name never changes).")
    elif action == "delete":
        if perform(lambda: svc.delete_connection(link), errors):
            return page.redirect("/connections", f"Connection {link} deleted.")
    else:
        errors[GENERAL] = f"unknown action {action}"
    return page.redirect(back, " ".join(errors.values()), "error")


def routes(console: Console) -> list[BaseRoute]:
    return [
        Route("/connections", console.page(_list)),
        Route("/connections/-/new", console.page(_new), methods=["GET", "POST"]),
        Route("/connections/{link}", console.page(_show)),
        Route("/connections/{link}/authorize", console.page(_authorize), methods=["GET", "POST"]),
        Route("/connections/{link}/{action}", console.page(_action), methods=["POST"]),
    ]
