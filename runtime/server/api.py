"""The JSON API over functions, schedules and runs (the console and scripts use it).

With an admin token configured every route needs ``Authorization: Bearer TOKEN``;
``GET /runs/{id}`` also accepts the ``zapikey`` of the run's function, so an asynchronous
webhook caller can poll its own run.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any, Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from cloudburst.server.body import BodyError, call_arguments, read_body
from cloudburst.server.envelope import error_envelope
from cloudburst.server.state import ServerState, state_of
from cloudburst.workflows.errors import InvalidRequest, NotFound, WorkflowError

__all__ = ["routes", "is_admin"]

Handler = Callable[[Request, ServerState], Awaitable[Any]]


def is_admin(request: Request, state: ServerState) -> bool:
    if state.admin_token is None:
        return True
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), state.admin_token.encode())


def _unauthorized() -> JSONResponse:
    return JSONResponse(error_envelope("AUTHENTICATION_FAILURE", "this API needs the admin token "
                                       "(Authorization: Bearer TOKEN)"), 401)


def _admin(handler: Handler) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def endpoint(request: Request) -> JSONResponse:
        state = state_of(request)
        if not is_admin(request, state):
            return _unauthorized()
        try:
            result = await handler(request, state)
        except NotFound as exc:
            return JSONResponse(error_envelope("NOT_FOUND", exc.message), 404)
        except (InvalidRequest, WorkflowError) as exc:
            return JSONResponse(error_envelope("INVALID_DATA", exc.message), 400)
        except BodyError as exc:
            return JSONResponse(error_envelope(exc.code, exc.message), exc.status)
        return result if isinstance(result, JSONResponse) else JSONResponse(result)

    return endpoint


def _int(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if not str(raw).isdigit():
        raise NotFound(f"{name.replace('_', ' ')} '{raw}' does not exist")
    return int(raw)


async def list_functions(request: Request, state: ServerState) -> Any:
    return {"functions": await run_in_threadpool(state.workflows.functions.all)}


async def show_function(request: Request, state: ServerState) -> Any:
    return await run_in_threadpool(state.workflows.functions.show, request.path_params["name"])


async def run_function(request: Request, state: ServerState) -> Any:
    arguments = call_arguments(request, await read_body(request, state.max_body))
    run_id = await run_in_threadpool(state.workflows.request_run, request.path_params["name"], arguments, "manual")
    state.executor.submit(run_id)
    return JSONResponse(await run_in_threadpool(state.workflows.runs.get, run_id), 202)


async def list_schedules(request: Request, state: ServerState) -> Any:
    return {"schedules": await run_in_threadpool(state.workflows.schedules.all)}


async def list_runs(request: Request, state: ServerState) -> Any:
    q = request.query_params
    since = None
    if q.get("since"):
        try:
            since = datetime.fromisoformat(q["since"])
        except ValueError:
            raise InvalidRequest(f"since: '{q['since']}' is not an ISO 8601 date-time") from None
    limit = q.get("limit", "50")
    if not limit.isdigit():
        raise InvalidRequest("limit: a whole number")
    after = q.get("after")
    runs = await run_in_threadpool(lambda: state.workflows.runs.find(
        function=q.get("function"), status=q.get("status"), trigger=q.get("trigger"), since=since,
        limit=min(int(limit), 1000), after_id=int(after) if after and after.isdigit() else None))
    return {"runs": runs}


async def show_run(request: Request) -> JSONResponse:
    """``GET /runs/{id}``: the admin, or a caller holding the function's webhook key."""
    state = state_of(request)
    try:
        run = await run_in_threadpool(state.workflows.runs.get, _int(request, "run_id"))
    except NotFound as exc:
        return JSONResponse(error_envelope("NOT_FOUND", exc.message), 404)
    if not is_admin(request, state):
        key = request.query_params.get("zapikey")
        if not await run_in_threadpool(state.workflows.webhooks.check, run["function"], key):
            return _unauthorized()
    return JSONResponse(run)


async def cancel_run(request: Request, state: ServerState) -> Any:
    status = await run_in_threadpool(state.workflows.runs.cancel, _int(request, "run_id"))
    return {"id": _int(request, "run_id"), "status": status}


async def retry_run(request: Request, state: ServerState) -> Any:
    run_id = await run_in_threadpool(state.workflows.retry, _int(request, "run_id"))
    state.executor.submit(run_id)
    return JSONResponse(await run_in_threadpool(state.workflows.runs.get, run_id), 202)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def routes() -> list[BaseRoute]:
    return [
        Route("/healthz", health),
        Route("/runs/{run_id}", show_run),
        Route("/api/runs/{run_id}", show_run),
        Route("/api/functions", _admin(list_functions)),
        Route("/api/functions/{name}", _admin(show_function)),
        Route("/api/functions/{name}/runs", _admin(run_function), methods=["POST"]),
        Route("/api/schedules", _admin(list_schedules)),
        Route("/api/runs", _admin(list_runs)),
        Route("/api/runs/{run_id}/cancel", _admin(cancel_run), methods=["POST"]),
        Route("/api/runs/{run_id}/retry", _admin(retry_run), methods=["POST"]),
    ]
