"""What the workflow pages (functions, schedules, webhooks, runs) share: Jinja filters that show
times, durations and values as a person reads them (the records keep ISO 8601 UTC and JSON),
and the answer for a record that does not exist."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from starlette.responses import Response

from cloudburst.workflows.states import FINAL

if TYPE_CHECKING:
    from cloudburst.console.web import Page
    from cloudburst.workflows.service import Workflows

__all__ = ["install", "not_found", "workflows"]


def when(value: str | None) -> str:
    """``2026-12-03T13:40:02.123+00:00`` → ``2026-12-03 13:40:02 UTC``; empty → ``—``."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    offset = moment.utcoffset()
    if offset is None:
        return text
    return f"{text} UTC" if not offset else f"{text} {moment.strftime('%z')}"


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def shown(value: Any) -> str:
    """A value as JSON text (strings as they are), indented when it is a map or list."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2 if isinstance(value, (dict, list)) and value else None)


def pair(value: str) -> tuple[str, str]:
    """A select option whose label is its value."""
    return value, value


def choice(option: tuple[str, str, Any]) -> tuple[str, str]:
    """(value, label, extra) → a select option."""
    return option[0], option[1]


def _final(status: str) -> bool:
    return status in FINAL


def install(env: Environment) -> None:
    """Add the filters (``when``, ``seconds``, ``shown``, ``pair``, ``choice``) and the test
    ``final`` to ``env``."""
    env.filters.update(when=when, seconds=seconds, shown=shown, pair=pair, choice=choice)
    env.tests["final"] = _final


def not_found(page: Page, message: str) -> Response:
    """A 404 page saying what is missing (the service's own message)."""
    return page.render("message.html", 404, title="Not found", message=message)


def workflows(page: Page) -> Workflows:
    """The workflow store the server runs on (the same service calls as the JSON API)."""
    return page.console.state.workflows
