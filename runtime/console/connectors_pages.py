"""Connector pages: the list, and Zoho's creation flow (General → Security → Scopes → review →
Ready) over the same service calls, rules and field-named errors as ``cloudburst connector``."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.console.web import Console, Page

__all__ = ["routes"]

AUTH_LABELS = {"basic": "Basic", "api_key": "API key", "oauth2": "OAuth 2.0", None: "not set"}


def _list(page: Page) -> Response:
    search = page.request.query_params.get("search", "").strip()
    rows = page.console.service.list_connectors(search or None)
    return page.render("connectors/list.html", title="Connectors", rows=rows, search=search, auth_labels=AUTH_LABELS)


def routes(console: Console) -> list[BaseRoute]:
    return [
        Route("/connectors", console.page(_list)),
    ]
