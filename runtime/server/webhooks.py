"""Zoho-style REST-API-function webhooks:
``POST|GET /functions/{name}/actions/execute?auth_type=apikey&zapikey=KEY[&mode=async]``.

Order of checks: unknown function (404), wrong or missing key (401), body too large (413),
malformed body or arguments that do not fit the function (400) — a refused call queues
nothing. Then the run is queued; synchronous calls wait for its end, ``mode=async`` answers
202 with the run id at once (poll ``GET /runs/{id}``).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from cloudburst.server.body import BodyError, call_arguments, read_body
from cloudburst.server.envelope import error_envelope, run_envelope
from cloudburst.server.state import state_of
from cloudburst.workflows.errors import InvalidRequest, NotFound

__all__ = ["routes"]


async def execute(request: Request) -> JSONResponse:
    state = state_of(request)
    wf = state.workflows
    name = request.path_params["name"]
    verdict = await run_in_threadpool(wf.webhooks.authorize, name, request.query_params.get("zapikey"))
    if verdict == "no-function":
        return JSONResponse(error_envelope("NOT_FOUND", f'function "{name}" does not exist'), 404)
    if request.query_params.get("auth_type", "apikey") != "apikey":
        return JSONResponse(error_envelope("INVALID_AUTH_TYPE", "auth_type must be apikey"), 401)
    if verdict != "ok":
        return JSONResponse(error_envelope("INVALID_API_KEY", "the zapikey is missing, wrong or revoked"), 401)
    try:
        arguments = call_arguments(request, await read_body(request, state.max_body))
        run_id = await run_in_threadpool(wf.request_run, name, arguments, "webhook")
    except BodyError as exc:
        return JSONResponse(error_envelope(exc.code, exc.message), exc.status)
    except InvalidRequest as exc:
        return JSONResponse(error_envelope("INVALID_DATA", exc.message), 400)
    except NotFound as exc:  # deleted between the checks
        return JSONResponse(error_envelope("NOT_FOUND", exc.message), 404)
    if request.query_params.get("mode") == "async":
        state.executor.submit(run_id)
        _, envelope = run_envelope(await run_in_threadpool(wf.runs.get, run_id))
        return JSONResponse(envelope, 202, headers={"Location": f"/runs/{run_id}"})
    future = state.completion.expect(run_id)
    state.executor.submit(run_id)
    run = await state.completion.wait(run_id, future, state.sync_timeout)
    status, envelope = run_envelope(run)
    return JSONResponse(envelope, status)


def routes() -> list[BaseRoute]:
    return [Route("/functions/{name}/actions/execute", execute, methods=["GET", "POST"])]
