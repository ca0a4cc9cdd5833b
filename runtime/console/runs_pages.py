"""Run pages: the history with filters (function, status, trigger, time), and one run with its
inputs, info lines, return value, error (the source line with a caret under the column) and
the HTTP calls it made; cancel and retry.

While a run has not ended its page updates itself: ``static/live.js`` fetches the page's
``/live`` fragment every second and swaps it in (showing the info lines and calls so far when
this process is running it); without JavaScript a ``<noscript>`` refresh reloads the page.

``GET /runs/{id}`` is also the JSON API's run record (an asynchronous webhook caller polls it
with its ``zapikey``): a browser asking for HTML without a key or token gets the page, every
other caller the JSON answer as before.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.console.source import excerpt
from cloudburst.console.web import Console, Page
from cloudburst.console.workflow_views import install, not_found, workflows
from cloudburst.workflows.errors import NotFound, WorkflowError
from cloudburst.workflows.states import FINAL, STATUSES, TRIGGERS

__all__ = ["routes"]

#: The time filter's choices: (value, label, age).
_WITHIN: tuple[tuple[str, str, timedelta | None], ...] = (
    ("", "any time", None), ("1h", "last hour", timedelta(hours=1)), ("24h", "last 24 hours", timedelta(days=1)),
    ("7d", "last 7 days", timedelta(days=7)), ("30d", "last 30 days", timedelta(days=30)))
_LIMITS = ("50", "200", "1000")


def _filters(page: Page) -> tuple[dict[str, str], dict[str, str]]:
    """The filters as given, and an error for each one that is not a known value."""
    q = page.request.query_params
    given = {key: q.get(key, "").strip() for key in ("function", "status", "trigger", "within", "limit", "before")}
    errors: dict[str, str] = {}
    if given["status"] and given["status"] not in STATUSES:
        errors["status"] = f"unknown status '{given['status']}' (one of {', '.join(STATUSES)})"
    if given["trigger"] and given["trigger"] not in TRIGGERS:
        errors["trigger"] = f"unknown trigger '{given['trigger']}' (one of {', '.join(TRIGGERS)})"
    if given["within"] not in {value for value, _, _ in _WITHIN}:
        errors["within"] = f"unknown period '{given['within']}' (one of 1h, 24h, 7d, 30d)"
    if given["limit"] and given["limit"] not in _LIMITS:
        errors["limit"] = f"one of {', '.join(_LIMITS)}"
    if given["before"] and not given["before"].isdigit():
        errors["before"] = f"'{given['before']}' is not a run number"
    return given, errors


def _found(page: Page, given: dict[str, str]) -> list[dict[str, Any]]:
    wf = workflows(page)
    age = next(age for value, _, age in _WITHIN if value == given["within"])
    return wf.runs.find(function=given["function"] or None, status=given["status"] or None,
                        trigger=given["trigger"] or None, since=wf.clock.now() - age if age else None,
                        before_id=int(given["before"]) if given["before"] else None,
                        limit=int(given["limit"] or _LIMITS[0]))


def _history(page: Page, template: str) -> Response:
    given, errors = _filters(page)
    runs = [] if errors else _found(page, given)
    query = page.request.url.query
    filters = {k: v for k, v in given.items() if v and k != "before"}
    older = newest = None
    if runs and len(runs) == int(given["limit"] or _LIMITS[0]):
        older = "/runs?" + urlencode({**filters, "before": runs[-1]["id"]})
    if given["before"]:
        newest = "/runs" + (f"?{urlencode(filters)}" if filters else "")
    return page.render(template, 400 if errors else 200, title="Runs", runs=runs, given=given, errors=errors,
                       older=older, newest=newest,
                       live=any(r["status"] not in FINAL for r in runs),
                       live_url="/runs/live" + (f"?{query}" if query else ""),
                       functions=_function_names(page, given["function"]),
                       statuses=STATUSES, triggers=TRIGGERS, within=_WITHIN, limits=_LIMITS)


def _function_names(page: Page, chosen: str) -> list[str]:
    """The function filter's choices (with the one asked for, even if it was deleted since)."""
    names = [f["name"] for f in workflows(page).functions.all()]
    return names if not chosen or chosen in names else [*names, chosen]


def _list(page: Page) -> Response:
    return _history(page, "runs/list.html")


def _list_live(page: Page) -> Response:
    return _history(page, "runs/_table.html")


def _context(page: Page) -> dict[str, Any] | None:
    """What the run's page shows, or None when there is no such run."""
    wf = workflows(page)
    raw = page.params["run_id"]
    if not raw.isdigit():
        return None
    try:
        run = wf.runs.get(int(raw))
    except NotFound:
        return None
    info, calls = run["info"], run["http_calls"]
    runner = getattr(page.console.state.executor, "runner", None)
    so_far = runner.progress(run["id"]) if runner is not None and run["status"] == "running" else None
    if so_far is not None:
        info, calls = so_far
    caret = None
    error = run["error"]
    if error and error["line"] and run["version"]:
        try:
            caret = excerpt(wf.functions.current(run["function"], run["version"]).source, error["line"],
                            error["column"])
        except WorkflowError:  # the function was deleted since; the message still says it all
            caret = None
    return {"title": f"Run {run['id']}", "run": run, "info": info, "calls": calls, "caret": caret,
            "live": run["status"] not in FINAL}


def _detail(page: Page) -> Response:
    context = _context(page)
    if context is None:
        return not_found(page, f"run {page.params['run_id']} does not exist")
    return page.render("runs/detail.html", **context)


def _live(page: Page) -> Response:
    context = _context(page)
    if context is None:
        return not_found(page, f"run {page.params['run_id']} does not exist")
    return page.render("runs/_live.html", **context)


def _act(page: Page, action: str) -> Response:
    wf = workflows(page)
    raw = page.params["run_id"]
    if not raw.isdigit():
        return not_found(page, f"run {raw} does not exist")
    try:
        if action == "cancel":
            done = wf.runs.cancel(int(raw)) == "cancelled"
            return page.redirect(f"/runs/{raw}", f"Run {raw}: {'cancelled' if done else 'cancellation asked for'}.")
        retry = wf.retry(int(raw))
    except NotFound as exc:
        return not_found(page, exc.message)
    except WorkflowError as exc:
        return page.redirect(f"/runs/{raw}", exc.message, "error")
    page.console.state.executor.submit(retry)
    return page.redirect(f"/runs/{retry}", f"Run {retry} queued: a retry of run {raw}.")


def _cancel(page: Page) -> Response:
    return _act(page, "cancel")


def _retry(page: Page) -> Response:
    return _act(page, "retry")


def _wants_page(request: Request) -> bool:
    return ("text/html" in request.headers.get("accept", "") and "zapikey" not in request.query_params
            and "authorization" not in request.headers)


def _page_or_record(page: Callable[[Request], Any]) -> Callable[[Request], Awaitable[Response]]:
    from cloudburst.server.api import show_run

    async def endpoint(request: Request) -> Response:
        if not _wants_page(request):
            return await show_run(request)
        answer: Response = await page(request)
        return answer

    return endpoint


def routes(console: Console) -> list[BaseRoute]:
    install(console.templates)
    return [
        Route("/runs", console.page(_list)),
        Route("/runs/live", console.page(_list_live)),
        Route("/runs/{run_id}", _page_or_record(console.page(_detail))),
        Route("/runs/{run_id}/live", console.page(_live)),
        Route("/runs/{run_id}/cancel", console.page(_cancel), methods=["POST"]),
        Route("/runs/{run_id}/retry", console.page(_retry), methods=["POST"]),
    ]
