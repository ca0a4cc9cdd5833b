"""The ASGI app: route groups (webhooks, JSON API; the console adds its own) over one
:class:`~cloudburst.server.state.ServerState`. The lifespan starts and stops the executor and,
when given, the scheduler, so any ASGI server (uvicorn in ``serve``, tests) runs it whole."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from cloudburst.server import api, webhooks
from cloudburst.server.envelope import error_envelope
from cloudburst.server.state import ServerState

__all__ = ["create_app"]


async def _not_found(request: Request, exc: Exception) -> Response:
    page: Callable[[Request], Awaitable[Response]] | None = request.app.state.html_not_found
    if page is not None and "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/"):
        return await page(request)  # a browser gets a page, not JSON
    return JSONResponse(error_envelope("NOT_FOUND", f"no route for {request.method} {request.url.path}"), 404)


async def _not_allowed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_envelope("METHOD_NOT_ALLOWED", f"{request.method} is not allowed here"), 405)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_envelope("INTERNAL_ERROR", f"internal error ({type(exc).__name__})"), 500)


def create_app(state: ServerState, *, scheduler: Any = None, grace: float = 30.0,
               extra_routes: Sequence[BaseRoute] = (),
               html_not_found: Callable[[Request], Awaitable[Response]] | None = None) -> Starlette:
    """The app for ``state``; ``extra_routes`` come first (the console mounts itself there),
    and ``html_not_found`` answers a browser's request for a path nothing serves."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runner = getattr(state.executor, "runner", None)
        if runner is not None:
            runner.listeners.append(state.completion.finished)
        state.executor.start()
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()
            state.executor.shutdown(grace)

    app = Starlette(routes=[*extra_routes, *webhooks.routes(), *api.routes()], lifespan=lifespan,
                    exception_handlers={404: _not_found, 405: _not_allowed, 500: _internal})
    app.state.cloudburst = state
    app.state.html_not_found = html_not_found
    return app
