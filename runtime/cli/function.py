"""``cloudburst function ...``: deploy scripts as versioned functions, list, show, roll back,
delete, and run them through the run queue."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import EXIT_COMPILE, Context, Usage, command, subcommands
from cloudburst.cli.flows import add_input_options, execute_run, open_workflows, print_run, raw_inputs
from cloudburst.cli.sources import read_script
from cloudburst.cli.tables import listing, show, table

__all__ = ["HELP", "configure"]

HELP = "deploy and run functions (versioned scripts that schedules and webhooks run)"


def _deploy(ctx: Context) -> int:
    from cloudburst.diagnostics import format_diagnostic, format_error
    from cloudburst.errors import DelugeSyntaxError, ResolveError

    a = ctx.args
    try:
        source = read_script(a.file, ctx.stdin)
    except OSError as exc:
        raise Usage(f"cannot read {a.file}: {exc.strerror}") from None
    with open_workflows(ctx) as wf:
        try:
            deployed = wf.functions.deploy(source, a.file, a.name, on_failure=a.on_failure)
        except (DelugeSyntaxError, ResolveError) as exc:
            ctx.err.write(format_error(exc, source) + "\n")
            ctx.error("deploy refused: nothing was stored")
            return EXIT_COMPILE
    for warning in deployed["warnings"]:
        ctx.err.write(format_diagnostic(a.file, "warning", warning, None, source) + "\n")
    if a.json:
        ctx.json(deployed)
    else:
        ctx.print(f"deployed {deployed['name']} version {deployed['version']}")
    return 0


def _list(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        rows = wf.functions.all()
    if ctx.args.json:
        ctx.json(rows)
        return
    for row in rows:
        row["parameters"] = ", ".join(f"{t} {n}" for n, t in row["parameters"])
    table(ctx, rows, ["name", "version", "versions", "parameters", "updated_at"])


def _show(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        info = wf.functions.show(ctx.args.name)
    if ctx.args.json:
        ctx.json(info)
        return
    source = info.pop("source")
    info["parameters"] = ", ".join(f"{t} {n}" for n, t in info["parameters"]) or "-"
    show(ctx, info)
    if ctx.args.source:
        ctx.print("")
        ctx.print(source.rstrip("\n"))


def _versions(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        rows = wf.functions.versions(ctx.args.name)
    listing(ctx, rows, ["version", "current", "source_name", "created_at"])


def _rollback(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        version = wf.functions.rollback(ctx.args.name, ctx.args.to)
    ctx.report(f"{ctx.args.name} now runs version {version}", {"function": ctx.args.name, "version": version})


def _delete(ctx: Context) -> None:
    with open_workflows(ctx) as wf:
        wf.functions.delete(ctx.args.name)
    ctx.report(f"deleted {ctx.args.name} (its runs stay in the history)",
               {"function": ctx.args.name, "deleted": True})


def _run(ctx: Context) -> int:
    with open_workflows(ctx) as wf:
        run_id = wf.request_run(ctx.args.name, raw_inputs(ctx), "manual")
        return print_run(ctx, execute_run(ctx, wf, run_id))


NAME = "the function's name (as deployed)"


def configure(parser: argparse.ArgumentParser) -> None:
    commands = subcommands(parser)
    deploy = command(commands, "deploy", _deploy, "check a script and store it as the function's next version")
    deploy.add_argument("file", help="script file (.dg) or a Zoho function export; - for standard input")
    deploy.add_argument("--name", help="the function's name (default: the file name without extension)")
    deploy.add_argument("--on-failure", metavar="FUNCTION",
                        help="a function to run with the failed run's record when a run fails ('' to clear)")
    deploy.add_argument("--json", action="store_true", help="print JSON")
    listed = command(commands, "list", _list, "list deployed functions")
    listed.add_argument("--json", action="store_true", help="print JSON")
    shown = command(commands, "show", _show, "show a function's current version")
    shown.add_argument("name", help=NAME)
    shown.add_argument("--source", action="store_true", help="print the source too")
    shown.add_argument("--json", action="store_true", help="print JSON")
    versions = command(commands, "versions", _versions, "list a function's versions")
    versions.add_argument("name", help=NAME)
    versions.add_argument("--json", action="store_true", help="print JSON")
    rollback = command(commands, "rollback", _rollback, "make an earlier version current", reports=True)
    rollback.add_argument("name", help=NAME)
    rollback.add_argument("--to", type=int, metavar="VERSION", help="the version (default: the one before)")
    delete = command(commands, "delete", _delete, "delete a function and its versions (runs are kept)", reports=True)
    delete.add_argument("name", help=NAME)
    run = command(commands, "run", _run, "run a function now, through the run queue, and wait for it")
    run.add_argument("name", help=NAME)
    add_input_options(run)
    run.add_argument("--json", action="store_true", help="print the run record as JSON")
