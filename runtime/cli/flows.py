"""What the workflow command groups share: opening the workflows in the store the command
line names, reading ``--arg``/``--input`` as plain JSON inputs, running a run here or through
Celery and printing how it ended."""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING, Any

from cloudburst.cli.dispatch import EXIT_LIMIT, EXIT_OK, EXIT_RUNTIME, Context, Usage

if TYPE_CHECKING:
    from cloudburst.workflows.service import Workflows

__all__ = ["open_workflows", "add_input_options", "raw_inputs", "execute_run", "print_run", "parse_age"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def open_workflows(ctx: Context) -> Workflows:
    from cloudburst.workflows.service import Workflows

    return Workflows(ctx.db, secret_keys=ctx.env.secret_keys())


def add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                        help="an argument (NAME:=JSON for a typed value); repeatable")
    parser.add_argument("--input", metavar="FILE.json", help="a JSON object of arguments")


def raw_inputs(ctx: Context) -> dict[str, Any]:
    """``--input`` then ``--arg`` values as JSON; text stays text until the run converts it
    to the parameter's declared type."""
    values: dict[str, Any] = {}
    if ctx.args.input:
        try:
            with open(ctx.args.input, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise Usage(f"cannot read --input file: {exc.strerror}") from None
        except ValueError as exc:
            raise Usage(f"--input is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise Usage("--input must hold a JSON object of NAME: value")
        values.update(data)
    for item in ctx.args.arg:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise Usage(f"--arg needs NAME=VALUE, got {item!r}")
        if name.endswith(":"):
            try:
                values[name[:-1]] = json.loads(raw)
            except ValueError as exc:
                raise Usage(f"--arg {name[:-1]}: not valid JSON: {exc}") from None
        else:
            values[name] = raw
    return values


def parse_age(text: str, option: str) -> float:
    """``30d``, ``12h``, ``15m``, ``45s`` or ``2w`` in seconds."""
    number, unit = text[:-1], text[-1:].lower()
    if unit not in _UNITS or not number.isdigit():
        raise Usage(f"{option}: expected a number and a unit such as 30d, 12h, 15m (got {text!r})")
    return int(number) * _UNITS[unit]


def execute_run(ctx: Context, wf: Workflows, run_id: int) -> dict[str, Any]:
    """Run a queued run to its end: on Celery workers when ``$CLOUDBURST_BROKER_URL`` is set
    (polling the store), else here, through the same runner a worker uses."""
    broker = ctx.env.broker_url()
    if broker:
        from cloudburst.workflows.celery_executor import CeleryExecutor, make_app

        CeleryExecutor(make_app(broker, wf.store.database_url)).submit(run_id)
        hinted_at = time.monotonic() + 5
        while True:
            run = wf.runs.get(run_id)
            if run["status"] not in ("queued", "waiting", "running"):
                return run
            if run["status"] == "queued" and time.monotonic() > hinted_at:
                ctx.warn(f"run {run_id} is still queued: is a `cloudburst worker` running on this broker? "
                         "(Ctrl-C stops waiting; the run stays queued)")
                hinted_at = float("inf")
            time.sleep(0.2)
    from cloudburst.workflows.executor import LocalExecutor

    pool = LocalExecutor(wf, workers=1)
    try:
        pool.runner.execute(run_id)
        while True:  # follow-ups (on_failure) run here too
            pending = [r for r in wf.runs.queued() if r > run_id]
            if not pending:
                break
            for follow in pending:
                pool.runner.execute(follow)
    finally:
        pool.runner.close()
    return wf.runs.get(run_id)


def print_run(ctx: Context, run: dict[str, Any]) -> int:
    """Info lines on standard output, the outcome on standard error; the exit status."""
    if ctx.args.json:
        ctx.json(run)
    else:
        for line in run["info"]:
            ctx.print(line)
        summary = f"run {run['id']} {run['status']}"
        if run["error"]:
            where = f" at line {run['error']['line']}:{run['error']['column']}" if run["error"]["line"] else ""
            summary += f"{where}: {run['error']['message']}"
        elif run["status"] == "succeeded" and run["result"] is not None:
            summary += f", returned {json.dumps(run['result'], ensure_ascii=False)}"
        ctx.err.write(summary + "\n")
    if run["status"] == "succeeded":
        return EXIT_OK
    return EXIT_LIMIT if run["status"] == "timed_out" else EXIT_RUNTIME
