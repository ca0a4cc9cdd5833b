"""``cloudburst runs ...``: the run history — list, show, follow, cancel, retry, prune."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from cloudburst.cli.dispatch import Context, Usage, command, subcommands
from cloudburst.cli.flows import execute_run, open_workflows, parse_age, print_run
from cloudburst.cli.tables import listing, show

__all__ = ["HELP", "configure"]

HELP = "the run history: list, show, tail, cancel, retry, prune"

_COLUMNS = ["id", "function", "version", "trigger", "status", "queued_at", "duration"]


def _since(text: str | None) -> datetime | None:
    if not text:
        return None
    if text[-1:].lower() in "smhdw" and text[:-1].isdigit():
        return datetime.now(timezone.utc) - timedelta(seconds=parse_age(text, "--since"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Usage(f"--since: expected an age such as 2h or an ISO 8601 date-time (got {text!r})") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _list(ctx: Context) -> None:
    a = ctx.args
    with open_workflows(ctx) as wf:
        rows = wf.runs.find(function=a.function, status=a.status, trigger=a.trigger, since=_since(a.since),
                            limit=a.limit)
    listing(ctx, rows, _COLUMNS)


def _show(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        run = wf.runs.get(ctx.args.id)
        error = run["error"]
        where = _error_report(wf, run) if error else None
    if ctx.args.json:
        ctx.json(run)
        return
    info, calls, notes = run.pop("info"), run.pop("http_calls"), run.pop("notes")
    show(ctx, {k: v for k, v in run.items() if k not in ("error",)})
    if where:
        ctx.print(where)
    if info:
        ctx.print("info:")
        for line in info:
            ctx.print(f"  {line}")
    for title, rows in (("http calls", calls), ("notes", notes)):
        if rows:
            ctx.print(f"{title}:")
            for row in rows:
                ctx.print("  " + ", ".join(f"{k}: {v}" for k, v in row.items() if v is not None))


def _error_report(wf: Any, run: dict[str, Any]) -> str:
    """``file:line:col: error: message`` with the source line and a caret, from the version that ran."""
    from cloudburst.diagnostics import format_diagnostic
    from cloudburst.errors import Span
    from cloudburst.workflows.errors import WorkflowError

    error = run["error"]
    if not error["line"] or run["version"] is None:
        return f"error: {error['message']}"
    try:
        deployed = wf.functions.current(run["function"], run["version"])
    except WorkflowError:  # the function was deleted since: no source to show
        return f"{run['function']}:{error['line']}:{error['column']}: error: {error['message']}"
    span = Span(error["line"], error["column"] or 1, error["line"], (error["column"] or 1) + 1)
    return format_diagnostic(deployed.source_name, "error", error["message"], span, deployed.source)


def _tail(ctx: Context) -> None:
    """Print runs as they are queued and as they end, until Ctrl-C."""
    a = ctx.args
    with open_workflows(ctx) as wf:
        seen: dict[int, str] = {}
        recent = wf.runs.find(function=a.function, limit=a.limit)
        for run in reversed(recent):
            _line(ctx, run)
            seen[run["id"]] = run["status"]
        last = max(seen, default=0)
        while True:
            fresh = wf.runs.find(function=a.function, after_id=last, limit=500)
            watched = [wf.runs.get(i) for i, s in seen.items() if s in ("queued", "waiting", "running")]
            for run in [*watched, *fresh]:
                if seen.get(run["id"]) != run["status"]:
                    _line(ctx, run)
                    seen[run["id"]] = run["status"]
                last = max(last, run["id"])
            if a.once:
                return
            time.sleep(a.interval)


def _line(ctx: Context, run: dict[str, Any]) -> None:
    if ctx.args.json:
        import json

        ctx.print(json.dumps(run, ensure_ascii=False))
    else:
        ctx.print(f"{run['id']:>6}  {run['status']:<10} {run['function']} ({run['trigger']}) {run['queued_at']}")


def _cancel(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        status = wf.runs.cancel(ctx.args.id)
    ctx.report(f"run {ctx.args.id}: {'cancelled' if status == 'cancelled' else 'cancellation asked for'}",
               {"id": ctx.args.id, "status": status})


def _retry(ctx: Context) -> int:
    with open_workflows(ctx) as wf:
        run_id = wf.retry(ctx.args.id)
        return print_run(ctx, execute_run(ctx, wf, run_id))


def _prune(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        count = wf.runs.prune(timedelta(seconds=parse_age(ctx.args.older_than, "--older-than")))
    ctx.report(f"deleted {count} run(s) that ended more than {ctx.args.older_than} ago", {"deleted": count})


def configure(parser: argparse.ArgumentParser) -> None:
    from cloudburst.workflows.states import STATUSES, TRIGGERS

    commands = subcommands(parser)
    listing = command(commands, "list", _list, "list runs, newest first")
    listing.add_argument("--function", help="only runs of this function")
    listing.add_argument("--status", choices=STATUSES, help="only runs in this state")
    listing.add_argument("--trigger", choices=TRIGGERS, help="only runs started this way")
    listing.add_argument("--since", metavar="AGE|DATETIME", help="e.g. 2h, 7d or 2026-12-01T00:00")
    listing.add_argument("--limit", type=int, default=50, metavar="N", help="at most N runs (default 50)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    shown = command(commands, "show", _show, "show one run: inputs, info lines, result, error, HTTP calls")
    shown.add_argument("id", type=int, help="the run's id (see runs list)")
    shown.add_argument("--json", action="store_true", help="print JSON")
    tail = command(commands, "tail", _tail, "follow runs live (Ctrl-C stops)")
    tail.add_argument("--function", help="only runs of this function")
    tail.add_argument("--limit", type=int, default=10, metavar="N", help="recent runs shown first (default 10)")
    tail.add_argument("--interval", type=float, default=0.5, metavar="SECONDS", help=argparse.SUPPRESS)
    tail.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    tail.add_argument("--json", action="store_true", help="one JSON object per line")
    cancel = command(commands, "cancel", _cancel, "cancel a queued run, or stop a running one", reports=True)
    cancel.add_argument("id", type=int, help="the run's id (see runs list)")
    retry = command(commands, "retry", _retry, "run a run's function again with the same inputs")
    retry.add_argument("id", type=int, help="the run's id (see runs list)")
    retry.add_argument("--json", action="store_true", help="print the new run as JSON")
    prune = command(commands, "prune", _prune, "delete runs that ended long ago", reports=True)
    prune.add_argument("--older-than", default="30d", metavar="AGE", help="e.g. 30d (the default), 12h")
