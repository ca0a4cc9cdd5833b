"""Connector pages: the list, and Zoho's creation flow (General → Security → Scopes → review →
Ready) over the same service calls, rules and field-named errors as ``cloudburst connector``.

Creation and import live under ``/connectors/-/``: ``-`` starts no link name, so no
connector's own pages can be shadowed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.connectors import rules
from cloudburst.connectors.errors import NotFoundError, RuleViolation
from cloudburst.console.outcome import GENERAL, Errors, attempt, perform
from cloudburst.console.web import Console, Page

__all__ = ["routes", "AUTH_LABELS"]

AUTH_LABELS: dict[str | None, str] = {"basic": "Basic", "api_key": "API key", "oauth2": "OAuth 2.0", None: "not set"}
STEPS = (("general", "General"), ("security", "Security"), ("scopes", "Scopes"), ("review", "Review"))
_OAUTH_URLS = ("authorize_url", "token_url", "refresh_url", "revoke_url")


def _read_upload(page: Page, name: str, limit: int, field: str) -> bytes | None:
    """The bytes of an uploaded file (None when no file was chosen); at most ``limit`` + 1 are
    read, so the rule can say the file is too big without holding all of it."""
    upload = page.form.get(name) if page.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = upload.file.read(limit + 1)
    if not data:
        raise RuleViolation(field, f"the file {upload.filename} is empty")
    return data


def _connector(page: Page) -> dict[str, Any] | None:
    try:
        return page.console.service.get_connector(page.params["link"])
    except NotFoundError:
        return None


def _missing(page: Page) -> Response:
    return page.render("message.html", 404, title="No such connector",
                       message=f'There is no connector "{page.params["link"]}".')


def _for_connector(handler: Callable[[Page, dict[str, Any]], Response]) -> Callable[[Page], Response]:
    """A page of the connector in the path (a 404 page when there is none)."""

    def with_connector(page: Page) -> Response:
        info = _connector(page)
        return _missing(page) if info is None else handler(page, info)

    return with_connector


def _step_page(page: Page, template: str, step: str, info: dict[str, Any], status: int = 200,
               **context: Any) -> Response:
    return page.render(template, status, title=f"{info['name']} · {dict(STEPS)[step]}", info=info, steps=STEPS,
                       step=step, auth_labels=AUTH_LABELS, draft=info["stage"] == "Draft", **context)


# -- list, create, import ---------------------------------------------------------------------

def _list(page: Page) -> Response:
    search = page.request.query_params.get("search", "").strip()
    rows = page.console.service.list_connectors(search or None)
    return page.render("connectors/list.html", title="Connectors", rows=rows, search=search, auth_labels=AUTH_LABELS)


def _general_values(page: Page) -> dict[str, Any]:
    return {"name": page.field("name"), "link_name": page.field("link_name"),
            "description": page.field("description") or None}


def _new(page: Page) -> Response:
    errors: Errors = {}
    values: dict[str, Any] = {"name": "", "link_name": "", "description": ""}
    if page.form is not None:
        values = _general_values(page)
        logo = attempt(lambda: _read_upload(page, "logo", rules.MAX_LOGO_BYTES, "logo"), errors)
        if not errors:
            info = attempt(lambda: page.console.service.create_connector(
                values["name"], link_name=values["link_name"] or None, description=values["description"],
                logo=logo), errors)
            if info is not None:
                return page.redirect(f"/connectors/{info['link_name']}/security",
                                     f"Connector {info['name']} created as a Draft. Next: its security.")
    return page.render("connectors/general.html", 400 if errors else 200, title="New connector", info=None,
                       values=values, errors=errors, steps=STEPS, step="general", draft=True)


def _import(page: Page) -> Response:
    errors: Errors = {}
    values = {"name": page.field("name"), "link_name": page.field("link_name"), "text": page.field("text")}
    if page.form is not None:
        raw = attempt(lambda: _read_upload(page, "file", 8 * rules.MAX_LOGO_BYTES, "file"), errors)
        text = raw.decode("utf-8", "replace") if raw else values["text"]
        data: Any = None
        if not errors:
            if not text:
                errors["file"] = "file: choose an exported connector file or paste its JSON"
            else:
                try:
                    data = json.loads(text)
                except ValueError as exc:
                    errors["text"] = f"not valid JSON: {exc}"
        if not errors:
            info = attempt(lambda: page.console.service.import_connector(
                data, name=values["name"] or None, link_name=values["link_name"] or None), errors)
            if info is not None:
                return page.redirect(f"/connectors/{info['link_name']}",
                                     f"Imported {info['name']} as a Draft; set its client secret again before "
                                     "marking it Ready." if info["auth_type"] == "oauth2" else
                                     f"Imported {info['name']} as a Draft.")
    return page.render("connectors/import.html", 400 if errors else 200, title="Import a connector",
                       values=values, errors=errors)


# -- one connector ----------------------------------------------------------------------------

@_for_connector
def _review(page: Page, info: dict[str, Any]) -> Response:
    return _step_page(page, "connectors/review.html", "review", info, redirect_uri=f"{page.base_url()}/oauth/callback")


@_for_connector
def _general(page: Page, info: dict[str, Any]) -> Response:
    errors: Errors = {}
    values: dict[str, Any] = {"name": info["name"], "link_name": info["link_name"],
                              "description": info["description"] or "", "test_url": info["test_url"] or "",
                              "allowed_hosts": "\n".join(info["allowed_hosts"])}
    if page.form is not None:
        values = {**_general_values(page), "test_url": page.field("test_url"),
                  "allowed_hosts": page.field("allowed_hosts")}
        changes: dict[str, Any] = {"name": values["name"], "description": values["description"],
                                   "test_url": values["test_url"] or None,
                                   "allowed_hosts": values["allowed_hosts"].split()}
        if info["stage"] == "Draft":
            changes["link_name"] = values["link_name"]
        if page.field("remove_logo"):
            changes["logo"] = None
        logo = attempt(lambda: _read_upload(page, "logo", rules.MAX_LOGO_BYTES, "logo"), errors)
        if logo is not None:
            changes["logo"] = logo
        if not errors:
            saved = attempt(lambda: page.console.service.edit_connector(info["link_name"], **changes), errors)
            if saved is not None:
                return page.redirect(f"/connectors/{saved['link_name']}/general", "General details saved.")
    return _step_page(page, "connectors/general.html", "general", info, 400 if errors else 200,
                      values=values, errors=errors)


@_for_connector
def _security(page: Page, info: dict[str, Any]) -> Response:
    link = info["link_name"]
    svc = page.console.service
    errors: Errors = {}
    oauth_values = {**(info.get("oauth") or {}), "client_secret": None}
    action = page.field("action")
    if page.form is not None:
        done: Any = None
        if action == "auth_type":
            wanted = page.field("auth_type")
            if info["auth_type"] is not None and info["auth_type"] != wanted and not page.field("confirm"):
                errors["auth_type"] = ("auth_type: changing the auth type discards all auth configuration; "
                                       "tick the box to confirm")
            else:
                done = attempt(lambda: svc.set_auth_type(link, wanted), errors)
        elif action == "oauth":
            oauth_values = _oauth_form(page)
            changes = {k: v for k, v in oauth_values.items() if not (k == "client_secret" and v is None)}
            done = attempt(lambda: svc.configure_oauth(link, **changes), errors)
        elif action == "add_param":
            done = attempt(lambda: svc.add_param(link, page.field("display_name"), page.field("key"),
                                                 page.field("location") or "header"), errors)
        elif action == "edit_param":
            current = info["params"]
            old = next((p for p in current if p["key"] == page.field("current")), None)
            if old is None:
                errors[GENERAL] = f'connector "{link}" has no parameter with key "{page.field("current")}"'
            else:
                location = page.field("location") or None
                done = attempt(lambda: svc.edit_param(
                    link, old["key"], display_name=page.field("display_name"),
                    new_key=page.field("key") if page.field("key") != old["key"] else None,
                    location=location if old["role"] == "api_key" and location != old["location"] else None), errors)
        elif action == "delete_param":
            done = attempt(lambda: svc.delete_params(link, [page.field("key")]), errors)
        else:
            errors[GENERAL] = "unknown action"
        if done is not None and not errors:
            return page.redirect(f"/connectors/{link}/security", "Security details saved.")
        info = svc.get_connector(link)
    return _step_page(page, "connectors/security.html", "security", info, 400 if errors else 200, errors=errors,
                      action=action, current=page.field("current"), oauth={**oauth_values, "client_secret": None},
                      redirect_uri=f"{page.base_url()}/oauth/callback")


def _oauth_form(page: Page) -> dict[str, Any]:
    """The OAuth 2.0 form as ``configure_oauth`` changes: blank URLs clear, a blank client secret
    keeps the stored one (the field is write-only)."""
    values: dict[str, Any] = {"grant_type": page.field("grant_type"), "client_id": page.field("client_id") or None,
                              "pkce": bool(page.field("pkce")), "bearer_name": page.field("bearer_name"),
                              "expiry_seconds": page.field("expiry_seconds")}
    for field in _OAUTH_URLS:
        values[field] = page.field(field) or None
    secret = page.form.get("client_secret") if page.form is not None else None
    values["client_secret"] = secret if isinstance(secret, str) and secret else None
    return values


@_for_connector
def _scopes(page: Page, info: dict[str, Any]) -> Response:
    link = info["link_name"]
    svc = page.console.service
    errors: Errors = {}
    action = page.field("action")
    if page.form is not None:
        done: Any = None
        if action == "add":
            done = attempt(lambda: svc.add_scopes(link, [(page.field("display_name"), page.field("value"))]), errors)
        elif action == "edit":
            done = attempt(lambda: svc.edit_scopes(link, [(page.field("current"), page.field("display_name"),
                                                           page.field("value"))]), errors)
        elif action == "delete":
            done = attempt(lambda: svc.delete_scopes(link, [page.field("value")]), errors)
        elif action == "delimiter":
            done = perform(lambda: svc.set_scope_delimiter(link, page.field("scope_delimiter")), errors) or None
        else:
            errors[GENERAL] = "unknown action"
        if done is not None and not errors:
            return page.redirect(f"/connectors/{link}/scopes", "Scopes saved.")
    return _step_page(page, "connectors/scopes.html", "scopes", info, 400 if errors else 200, errors=errors,
                      action=action, current=page.field("current"), values={"display_name": page.field("display_name"),
                                                                            "value": page.field("value")})


def _ready(page: Page) -> Response:
    link = page.params["link"]
    errors: Errors = {}
    warnings = attempt(lambda: page.console.service.mark_ready(link), errors)
    if warnings is None:
        return page.redirect(f"/connectors/{link}", "; ".join(errors.values()), "error")
    for warning in warnings:
        page.session.flash(f"warning: {warning}", "error")
    return page.redirect(f"/connectors/{link}", "Connector marked Ready: connections can now be made from it.")


def _delete(page: Page) -> Response:
    link = page.params["link"]
    errors: Errors = {}
    attempt(lambda: page.console.service.delete_connector(link), errors)
    if errors:
        return page.redirect(f"/connectors/{link}", "; ".join(errors.values()), "error")
    return page.redirect("/connectors", f"Connector {link} deleted.")


def _export(page: Page) -> Response:
    try:
        data = page.console.service.export_connector(page.params["link"])
    except NotFoundError:
        return _missing(page)
    body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return Response(body, media_type="application/json", headers={
        "content-disposition": f'attachment; filename="{data["link_name"]}.connector.json"'})


def _logo(page: Page) -> Response:
    try:
        data = page.console.service.export_connector(page.params["link"])
    except NotFoundError:
        return _missing(page)
    if not data["logo"]:
        return Response(status_code=404)
    import base64

    return Response(base64.b64decode(data["logo"]["base64"]), media_type=data["logo"]["type"])


def routes(console: Console) -> list[BaseRoute]:
    both = ["GET", "POST"]
    return [
        Route("/connectors", console.page(_list)),
        Route("/connectors/-/new", console.page(_new), methods=both),
        Route("/connectors/-/import", console.page(_import), methods=both),
        Route("/connectors/{link}", console.page(_review)),
        Route("/connectors/{link}/general", console.page(_general), methods=both),
        Route("/connectors/{link}/security", console.page(_security), methods=both),
        Route("/connectors/{link}/scopes", console.page(_scopes), methods=both),
        Route("/connectors/{link}/ready", console.page(_ready), methods=["POST"]),
        Route("/connectors/{link}/delete", console.page(_delete), methods=["POST"]),
        Route("/connectors/{link}/export", console.page(_export)),
        Route("/connectors/{link}/logo", console.page(_logo)),
    ]
