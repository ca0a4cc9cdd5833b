"""``cloudburst serve``: webhooks, the JSON API, the scheduler and a local worker pool (or
Celery) in one process. Loopback only unless ``--allow-remote`` and an admin token."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING

from cloudburst.cli.dispatch import Context, Usage, add_db_option
from cloudburst.cli.flows import open_workflows, parse_age

if TYPE_CHECKING:
    from cloudburst.workflows.executor import Executor

__all__ = ["HELP", "configure"]

HELP = "serve the web console, webhooks and the API, fire schedules and run queued runs (one process)"


def _serve(ctx: Context) -> None:
    from cloudburst.server.app import create_app
    from cloudburst.server.serving import LOOPBACK, bind, run_server
    from cloudburst.server.state import ServerState
    from cloudburst.workflows.scheduler import Scheduler

    a = ctx.args
    token = ctx.env.admin_token()
    if a.host not in LOOPBACK:
        if not a.allow_remote:
            raise Usage(f"--host {a.host} listens beyond this machine: add --allow-remote (and set "
                        "CLOUDBURST_ADMIN_TOKEN)")
        if not token or len(token) < 16:
            raise Usage("listening beyond loopback needs an admin token of 16 or more characters in "
                        "$CLOUDBURST_ADMIN_TOKEN")
    if a.workers < 1:
        raise Usage("--workers must be at least 1")
    retention = timedelta(seconds=parse_age(a.retention, "--retention")) if a.retention != "0" else None
    wf = open_workflows(ctx)
    executor: Executor
    try:
        if a.executor == "celery":
            broker = ctx.env.broker_url()
            if not broker:
                raise Usage("--executor celery needs the broker URL in $CLOUDBURST_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
            from cloudburst.workflows.celery_executor import CeleryExecutor, make_app

            executor = CeleryExecutor(make_app(broker, wf.store.database_url))
            kind = "celery executor"
        else:
            from cloudburst.workflows.executor import LocalExecutor

            executor = LocalExecutor(wf, workers=a.workers)
            kind = f"local executor, {a.workers} worker{'s' if a.workers != 1 else ''}"
        scheduler = Scheduler(wf, executor.submit, lost_after=a.lost_after, lost_policy=a.lost_policy,
                              retention=retention)
        state = ServerState(wf, executor, admin_token=token, max_body=a.max_body)
        try:
            sock = bind(a.host, a.port)
        except OSError as exc:
            raise Usage(f"cannot listen on {a.host}:{a.port}: {exc.strerror}") from None
        from cloudburst.console import Console, routes

        console = Console(state, allow_remote=a.allow_remote)
        if a.reset_console_password:
            console.admin.clear()
        app = create_app(state, scheduler=scheduler, grace=a.grace, extra_routes=routes(console),
                         html_not_found=console.not_found_page())

        def ready(url: str) -> None:
            ctx.print(f"cloudburst serve: listening on {url} ({kind}); Ctrl-C stops")
            first = console.first_start_path()
            ctx.print(f"console: {url}{first}  (first start: choose the admin password there)" if first
                      else f"console: {url}/")
            if a.host not in LOOPBACK:
                ctx.warn("the console's password and session cookie cross the network in clear over plain HTTP: "
                         "reach it through a TLS proxy (https)")

        try:
            run_server(app, sock, grace=a.grace, on_ready=ready)
        finally:
            console.close()
    finally:
        wf.close()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_serve)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8470, help="port (default 8470; 0 picks a free one)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a non-loopback --host (needs $CLOUDBURST_ADMIN_TOKEN)")
    parser.add_argument("--executor", choices=("local", "celery"), default="local",
                        help="run queued runs here (local, default) or send them to Celery workers")
    parser.add_argument("--workers", type=int, default=4, help="local worker threads (default 4)")
    parser.add_argument("--grace", type=float, default=30.0, metavar="SECONDS",
                        help="on shutdown, how long running runs may finish before they are cancelled")
    parser.add_argument("--retention", default="30d", metavar="AGE", help="delete runs older than this (default 30d; 0 keeps all)")
    parser.add_argument("--lost-after", type=float, default=30.0, metavar="SECONDS",
                        help="a running run without a worker heartbeat this long is lost (default 30)")
    parser.add_argument("--lost-policy", choices=("requeue", "fail"), default="requeue",
                        help="what happens to a lost run (default requeue)")
    parser.add_argument("--reset-console-password", action="store_true",
                        help="forget the console's admin password; the printed setup address sets a new one")
    parser.add_argument("--max-body", type=int, default=1024 * 1024, metavar="BYTES",
                        help="largest webhook request body (default 1 MiB)")
    add_db_option(parser)
