"""``cloudburst webhook ...``: Zoho-style REST-API URLs for functions (``zapikey`` keys shown
once, stored hashed, listed masked, rotated, revoked)."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import Context, command, subcommands
from cloudburst.cli.flows import open_workflows
from cloudburst.cli.tables import listing

__all__ = ["HELP", "configure"]

HELP = "webhook URLs for functions (Zoho's REST API function shape, with a zapikey)"

DEFAULT_BASE = "http://127.0.0.1:8470"


def _print_url(ctx: Context, hook_id: int, function: str, key: str) -> None:
    from cloudburst.workflows.webhooks import webhook_path

    url = ctx.args.base_url.rstrip("/") + webhook_path(function, key)
    ctx.report(url, {"id": hook_id, "function": function, "url": url})
    ctx.err.write("the key is shown only this once; POST {\"arguments\": {...}} as JSON or a form field\n")


def _create(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        hook, key = wf.webhooks.create(ctx.args.function)
    _print_url(ctx, hook["id"], ctx.args.function, key)


def _rotate(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        hook, key = wf.webhooks.rotate(ctx.args.id)
    _print_url(ctx, hook["id"], hook["function"], key)


def _revoke(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        wf.webhooks.revoke(ctx.args.id)
    ctx.report(f"revoked webhook {ctx.args.id}", {"id": ctx.args.id, "revoked": True})


def _list(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        rows = wf.webhooks.all(ctx.args.function)
    listing(ctx, rows, ["id", "function", "key", "revoked", "created_at", "last_used_at"])


def configure(parser: argparse.ArgumentParser) -> None:
    commands = subcommands(parser)
    for name, handler, text in (("create", _create, "a new webhook URL for a function (printed once)"),
                                ("rotate", _rotate, "replace a webhook's key (printed once)")):
        sub = command(commands, name, handler, text, reports=True)
        if name == "create":
            sub.add_argument("function", help="the deployed function the URL runs")
        else:
            sub.add_argument("id", type=int, help="the webhook's id (see webhook list)")
        sub.add_argument("--base-url", default=DEFAULT_BASE, metavar="URL",
                         help=f"where cloudburst serve is reached (default {DEFAULT_BASE})")
    revoke = command(commands, "revoke", _revoke, "stop a webhook's key from working", reports=True)
    revoke.add_argument("id", type=int, help="the webhook's id (see webhook list)")
    listing = command(commands, "list", _list, "list webhooks (keys masked)")
    listing.add_argument("--function", help="only the webhooks of this function")
    listing.add_argument("--json", action="store_true", help="print JSON")
