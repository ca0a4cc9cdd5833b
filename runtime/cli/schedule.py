"""``cloudburst schedule ...``: run functions on cron expressions or Zoho's schedule kinds,
in a time zone, with overlap and missed-run policies."""

from __future__ import annotations

import argparse
from typing import Any

from cloudburst.cli.dispatch import Context, command, subcommands
from cloudburst.cli.flows import add_input_options, open_workflows, raw_inputs
from cloudburst.cli.tables import show, table

__all__ = ["HELP", "configure"]

HELP = "schedule functions (cron or once/daily/weekly/monthly/yearly, with a time zone)"


def _create(ctx: Context) -> None:
    a = ctx.args
    with open_workflows(ctx) as wf:
        made = wf.schedules.create(a.function, cron=a.cron, kind=a.kind, at=a.at, days=a.days, day=a.day,
                                   date=a.date, timezone_name=a.timezone, start=a.start, end=a.end,
                                   inputs=raw_inputs(ctx), overlap=a.overlap, missed=a.missed)
    if a.json:
        ctx.json(made)
    else:
        ctx.print(f"schedule {made['id']} created; next fire {made['next_fire'] or '-'}")


def _list(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        rows = wf.schedules.all()
    if ctx.args.json:
        ctx.json(rows)
        return
    for row in rows:
        row["when"] = row["cron"] or row["run_at"]
        row["state"] = "paused" if row["paused"] else ("PROBLEM: " + row["problem"] if row["problem"] else "active")
    table(ctx, rows, ["id", "function", "kind", "when", "timezone", "next_fire", "state"])


def _pause(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        _shown(ctx, wf.schedules.set_paused(ctx.args.id, True))


def _resume(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        _shown(ctx, wf.schedules.set_paused(ctx.args.id, False))


def _shown(ctx: Context, schedule: dict[str, Any]) -> None:
    ctx.json(schedule) if ctx.args.json else show(ctx, schedule)


def _delete(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        wf.schedules.delete(ctx.args.id)
    ctx.report(f"deleted schedule {ctx.args.id}", {"id": ctx.args.id, "deleted": True})


def configure(parser: argparse.ArgumentParser) -> None:
    from cloudburst.workflows.states import KINDS, MISSED, OVERLAP

    commands = subcommands(parser)
    create = command(commands, "create", _create, "schedule a function")
    create.add_argument("function", help="the deployed function to run")
    create.add_argument("--cron", metavar="EXPR", help='a cron expression, e.g. "*/5 * * * *" (a 6th field: seconds)')
    create.add_argument("--kind", choices=KINDS, help="Zoho's kinds (default: cron with --cron, else once)")
    create.add_argument("--at", metavar="TIME", help="HH:MM for daily/weekly/monthly/yearly; a date-time for once")
    create.add_argument("--days", metavar="DAYS", help="weekly: weekdays such as mon,wed,fri")
    create.add_argument("--day", type=int, metavar="N", help="monthly: the day of the month")
    create.add_argument("--date", metavar="MM-DD", help="yearly: the month and day")
    create.add_argument("--timezone", default="UTC", metavar="ZONE", help="IANA time zone of the times (default UTC)")
    create.add_argument("--start", metavar="DATETIME", help="first possible fire (ISO 8601, in --timezone)")
    create.add_argument("--end", metavar="DATETIME", help="last possible fire (ISO 8601, in --timezone)")
    create.add_argument("--overlap", choices=OVERLAP, default="skip",
                        help="when the previous run is still going: skip (default), queue or allow")
    create.add_argument("--missed", choices=MISSED, default="once",
                        help="fires missed during downtime: run once (default), all, or skip")
    add_input_options(create)
    create.add_argument("--json", action="store_true", help="print JSON")
    listing = command(commands, "list", _list, "list schedules with their next fire time and any problem")
    listing.add_argument("--json", action="store_true", help="print JSON (next_fire in ISO 8601)")
    for name, handler, text in (("pause", _pause, "stop firing"), ("resume", _resume, "fire again from now"),
                                ("delete", _delete, "delete a schedule")):
        sub = command(commands, name, handler, text, reports=True)
        sub.add_argument("id", type=int, help="the schedule's id (see schedule list)")
