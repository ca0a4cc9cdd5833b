"""The web console of ``cloudburst serve``: connectors, connections, functions, schedules,
webhooks and runs in the browser (server-rendered Jinja2 pages; see ``README.md`` here and
``docs/console.md``). Imported only by ``serve``, so other commands never load Jinja2."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount

from cloudburst.console import (connections_pages, connectors_pages, functions_pages, login, oauth_pages, runs_pages,
                                schedules_pages, webhooks_pages)
from cloudburst.console.web import Console, SecureHeaders

__all__ = ["Console", "routes"]


def routes(console: Console) -> list[BaseRoute]:
    """Every console route, for :func:`cloudburst.server.app.create_app`'s ``extra_routes``."""
    from importlib.resources import files

    from starlette.staticfiles import StaticFiles

    static = StaticFiles(directory=str(files("cloudburst.console") / "static"))
    return [
        *login.routes(console),
        *connectors_pages.routes(console),
        *connections_pages.routes(console),
        *oauth_pages.routes(console),
        *functions_pages.routes(console),
        *schedules_pages.routes(console),
        *webhooks_pages.routes(console),
        *runs_pages.routes(console),
        Mount("/static", app=SecureHeaders(static), name="static"),
    ]
