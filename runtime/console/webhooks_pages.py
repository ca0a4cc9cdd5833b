"""Webhook pages: the keys (only their last four characters) per function, one webhook with
its URL shape, and creating, rotating and revoking keys. A new key is shown once, on the page
that answers the form (never stored, never in a redirect or a later page)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.console.web import Console, Page
from cloudburst.console.workflow_views import install, not_found, workflows
from cloudburst.workflows.errors import NotFound, WorkflowError

__all__ = ["routes"]


def _list(page: Page, errors: dict[str, str] | None = None, chosen: str = "") -> Response:
    wf = workflows(page)
    return page.render("webhooks/list.html", 400 if errors else 200, title="Webhooks", rows=wf.webhooks.all(),
                       functions=[f["name"] for f in wf.functions.all()], errors=errors or {}, chosen=chosen)


def _show_list(page: Page) -> Response:
    return _list(page)


def _find(page: Page) -> dict[str, Any]:
    raw = page.params["webhook_id"]
    hook = next((h for h in workflows(page).webhooks.all() if raw.isdigit() and h["id"] == int(raw)), None)
    if hook is None:
        raise NotFound(f"webhook {raw} does not exist")
    return hook


def _detail(page: Page) -> Response:
    try:
        hook = _find(page)
    except NotFound as exc:
        return not_found(page, exc.message)
    return page.render("webhooks/detail.html", title=f"Webhook {hook['id']}", hook=hook,
                       base=page.base_url(), runs=workflows(page).runs.find(function=hook["function"],
                                                                          trigger="webhook", limit=10))


def _key_page(page: Page, hook: dict[str, Any], key: str, what: str) -> Response:
    from cloudburst.workflows.webhooks import webhook_path

    return page.render("webhooks/key.html", title=f"Webhook {hook['id']}", hook=hook, what=what,
                       url=page.base_url() + webhook_path(hook["function"], key))


def _create(page: Page) -> Response:
    function = page.field("function")
    if not function:
        return _list(page, {"function": "choose the function this webhook runs"})
    try:
        hook, key = workflows(page).webhooks.create(function)
    except WorkflowError as exc:
        return _list(page, {"function": exc.message}, function)
    return _key_page(page, hook, key, "created")


def _rotate(page: Page) -> Response:
    try:
        hook, key = workflows(page).webhooks.rotate(_find(page)["id"])
    except NotFound as exc:
        return not_found(page, exc.message)
    return _key_page(page, hook, key, "rotated")


def _revoke(page: Page) -> Response:
    try:
        hook = _find(page)
        workflows(page).webhooks.revoke(hook["id"])
    except NotFound as exc:
        return not_found(page, exc.message)
    return page.redirect(f"/webhooks/{hook['id']}", f"Webhook {hook['id']} revoked: its key no longer works.")


def routes(console: Console) -> list[BaseRoute]:
    install(console.templates)
    return [
        Route("/webhooks", console.page(_show_list)),
        Route("/webhooks/new", console.page(_create), methods=["POST"]),
        Route("/webhooks/{webhook_id}", console.page(_detail)),
        Route("/webhooks/{webhook_id}/rotate", console.page(_rotate), methods=["POST"]),
        Route("/webhooks/{webhook_id}/revoke", console.page(_revoke), methods=["POST"]),
    ]
