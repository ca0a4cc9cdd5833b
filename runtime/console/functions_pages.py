"""Function pages: the deployed functions, one function with its highlighted source, versions,
schedules, webhooks and recent runs, and a form that runs it with inputs (then follows the
run's page, which updates live until the run ends)."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.console.outcome import GENERAL
from cloudburst.console.source import highlighted
from cloudburst.console.web import Console, Page
from cloudburst.console.workflow_views import install, not_found, workflows
from cloudburst.workflows.errors import NotFound, WorkflowError

__all__ = ["routes"]


def _list(page: Page) -> Response:
    wf = workflows(page)
    rows = wf.functions.all()
    last = {f["name"]: next(iter(wf.runs.find(function=f["name"], limit=1)), None) for f in rows}
    return page.render("functions/list.html", title="Functions", rows=rows, last=last)


def _detail(page: Page, values: dict[str, str] | None = None, errors: dict[str, str] | None = None, *,
            schedule_values: dict[str, str] | None = None, schedule_inputs: dict[str, str] | None = None,
            schedule_errors: dict[str, str] | None = None) -> Response:
    wf = workflows(page)
    name = page.params["name"]
    try:
        function = wf.functions.show(name)
        versions = wf.functions.versions(name)
    except NotFound as exc:
        return not_found(page, exc.message)
    from cloudburst.workflows.inputs import secret_name
    from cloudburst.workflows.states import KINDS, MISSED, OVERLAP

    return page.render(
        "functions/detail.html", 400 if errors or schedule_errors else 200, title=f"Function {name}", function=function,
        secret={p: secret_name(p) for p, _ in function["parameters"]},
        source=highlighted(function["source"]), versions=versions,
        schedules=[s for s in wf.schedules.all() if s["function"] == name], webhooks=wf.webhooks.all(name),
        runs=wf.runs.find(function=name, limit=10), values=values or {}, errors=errors or {},
        schedule_values=schedule_values or {}, schedule_inputs=schedule_inputs or {},
        schedule_errors=schedule_errors or {},
        kinds=[(k, k) for k in KINDS], overlaps=[(o, o) for o in OVERLAP], misses=[(m, m) for m in MISSED])


def _show(page: Page) -> Response:
    return _detail(page)


def _field_errors(parameters: list[list[str]], values: dict[str, str]) -> dict[str, str]:
    """Each input checked on its own, so every wrong field gets its own message."""
    from cloudburst.workflows.inputs import to_deluge

    errors: dict[str, str] = {}
    for name, kind in parameters:
        try:
            to_deluge([(name, kind)], {name: values[name]})
        except WorkflowError as exc:
            errors[name] = exc.message
    return errors


def _posted_inputs(page: Page, prefix: str) -> tuple[dict[str, str], dict[str, str]] | Response:
    """The inputs posted for the function's parameters (fields ``PREFIX.NAME``) and each wrong
    one's message; or the 404 page when the function does not exist."""
    try:
        parameters: list[list[str]] = workflows(page).functions.show(page.params["name"])["parameters"]
    except NotFound as exc:
        return not_found(page, exc.message)
    # Form fields keep their spaces: an input's value is the script's, not the form's.
    values = {p: _raw(page, f"{prefix}.{p}") for p, _ in parameters}
    return values, _field_errors(parameters, values)


def _run(page: Page) -> Response:
    wf = workflows(page)
    name = page.params["name"]
    posted = _posted_inputs(page, "arg")
    if isinstance(posted, Response):
        return posted
    values, errors = posted
    if errors:
        return _detail(page, values, errors)
    try:
        run_id = wf.request_run(name, values, "manual")
    except WorkflowError as exc:  # the function changed between the two reads
        return _detail(page, values, {"inputs": exc.message})
    page.console.state.executor.submit(run_id)
    return page.redirect(f"/runs/{run_id}", f"Run {run_id} of {name} queued.")


#: The schedule form's fields (named as the CLI's options, whose names the refusals start with).
_SCHEDULE_FIELDS = ("kind", "cron", "at", "days", "day", "date", "timezone", "start", "end", "overlap", "missed")
_OPTION = re.compile(r"^--([a-z]+)\b")


def _schedule(page: Page) -> Response:
    """Create a schedule from the function's page; a refusal is shown beside its field."""
    wf = workflows(page)
    name = page.params["name"]
    posted = _posted_inputs(page, "sarg")
    if isinstance(posted, Response):
        return posted
    inputs, errors = posted
    form = {f: _raw(page, f).strip() for f in _SCHEDULE_FIELDS}
    if not form["day"].isdigit() and form["day"]:
        errors["day"] = f"--day: '{form['day']}' is not a day of the month (1 to 31)"
    if not errors:
        try:
            made = wf.schedules.create(
                name, kind=form["kind"] or None, cron=form["cron"] or None, at=form["at"] or None,
                days=form["days"] or None, day=int(form["day"]) if form["day"] else None, date=form["date"] or None,
                timezone_name=form["timezone"] or "UTC", start=form["start"] or None, end=form["end"] or None,
                inputs=inputs, overlap=form["overlap"] or "skip", missed=form["missed"] or "once")
        except WorkflowError as exc:
            option = _OPTION.match(exc.message)
            errors[option.group(1) if option and option.group(1) in _SCHEDULE_FIELDS else GENERAL] = exc.message
        else:
            return page.redirect(f"/schedules/{made['id']}", f"Schedule {made['id']} created.")
    return _detail(page, schedule_values=form, schedule_inputs=inputs, schedule_errors=errors)


def _raw(page: Page, field: str) -> str:
    value: Any = page.form.get(field) if page.form is not None else None
    return value if isinstance(value, str) else ""


def routes(console: Console) -> list[BaseRoute]:
    install(console.templates)
    return [
        Route("/functions", console.page(_list)),
        Route("/functions/{name}", console.page(_show)),
        Route("/functions/{name}/run", console.page(_run), methods=["POST"]),
        Route("/functions/{name}/schedule", console.page(_schedule), methods=["POST"]),
    ]
