"""``cloudburst worker``: a Celery worker running queued runs (broker from
``$CLOUDBURST_BROKER_URL``, the store from ``--db``/``$CLOUDBURST_DATABASE_URL``)."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import Context, Usage, add_db_option

__all__ = ["HELP", "configure"]

HELP = "run queued runs as a Celery worker (scale-out; broker in $CLOUDBURST_BROKER_URL)"


def _worker(ctx: Context) -> None:
    from cloudburst.connectors.database import default_database_url
    from cloudburst.workflows.celery_executor import make_app, run_worker

    a = ctx.args
    broker = ctx.env.broker_url()
    if not broker:
        raise Usage("cloudburst worker needs the broker URL in $CLOUDBURST_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    if a.concurrency < 1:
        raise Usage("--concurrency must be at least 1")
    url = ctx.db or default_database_url()
    app = make_app(broker, url, secret_keys=ctx.env.secret_keys(), lost_after=a.lost_after,
                   lost_policy=a.lost_policy)
    from cloudburst.connectors.database import safe_url

    ctx.print(f"cloudburst worker: {a.concurrency} process(es), store {safe_url(url)}; Ctrl-C stops")
    run_worker(app, concurrency=a.concurrency, loglevel=a.loglevel.upper())


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_worker)
    parser.add_argument("--concurrency", type=int, default=2, metavar="N", help="worker processes (default 2)")
    parser.add_argument("--lost-after", type=float, default=30.0, metavar="SECONDS",
                        help="a running run without a heartbeat this long is lost (default 30)")
    parser.add_argument("--lost-policy", choices=("requeue", "fail"), default="requeue",
                        help="what happens to a lost run (default requeue)")
    parser.add_argument("--loglevel", default="warning", choices=("debug", "info", "warning", "error"),
                        help="Celery's log level (default warning)")
    add_db_option(parser)
