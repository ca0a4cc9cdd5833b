"""Schedule pages: every schedule with its next and last fire and what keeps it from firing,
and one schedule with its timing, policies, inputs (masked) and the runs it fired; pause and
resume."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cloudburst.console.web import Console, Page
from cloudburst.console.workflow_views import install, not_found, workflows
from cloudburst.workflows.errors import NotFound

__all__ = ["routes"]


def _list(page: Page) -> Response:
    return page.render("schedules/list.html", title="Schedules", rows=workflows(page).schedules.all())


def _number(page: Page) -> int | None:
    raw = page.params["schedule_id"]
    return int(raw) if raw.isdigit() else None


def _detail(page: Page) -> Response:
    wf = workflows(page)
    number = _number(page)
    try:
        if number is None:
            raise NotFound(f"schedule {page.params['schedule_id']} does not exist")
        schedule = wf.schedules.get(number)
    except NotFound as exc:
        return not_found(page, exc.message)
    return page.render("schedules/detail.html", title=f"Schedule {number}", schedule=schedule,
                       runs=wf.runs.find(schedule_id=number, limit=20))


def _pause(page: Page, paused: bool) -> Response:
    number = _number(page)
    try:
        if number is None:
            raise NotFound(f"schedule {page.params['schedule_id']} does not exist")
        workflows(page).schedules.set_paused(number, paused)
    except NotFound as exc:
        return not_found(page, exc.message)
    return page.redirect(f"/schedules/{number}", f"Schedule {number} {'paused' if paused else 'resumed'}.")


def _paused(page: Page) -> Response:
    return _pause(page, True)


def _resumed(page: Page) -> Response:
    return _pause(page, False)


def routes(console: Console) -> list[BaseRoute]:
    install(console.templates)
    return [
        Route("/schedules", console.page(_list)),
        Route("/schedules/{schedule_id}", console.page(_detail)),
        Route("/schedules/{schedule_id}/pause", console.page(_paused), methods=["POST"]),
        Route("/schedules/{schedule_id}/resume", console.page(_resumed), methods=["POST"]),
    ]
