"""The interactive REPL (``cloudburst repl``): :func:`main` picks the terminal front end
when standard input and output are terminals, else the plain piped mode."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cloudburst.execution import Limits

if TYPE_CHECKING:
    from cloudburst.engine import Runtime

__all__ = ["main", "REPL_LIMITS"]

#: An interactive run has no statement or time limit: Ctrl-C stops it (`:time` shows the
#: statement count a script needs).
REPL_LIMITS = Limits(max_statements=None, timeout=None)


def main(environ: Mapping[str, str] | None = None) -> int:
    """Run the REPL on this process's standard streams; returns the exit status."""
    from cloudburst.engine import Runtime
    from cloudburst.repl.session import Session

    env = os.environ if environ is None else environ
    raw_keys = env.get("CLOUDBURST_SECRET_KEY")
    runtime = Runtime(
        store=env.get("CLOUDBURST_DATABASE_URL") or None,
        secret_keys=[k.strip() for k in raw_keys.split(",") if k.strip()] if raw_keys else None,
        limits=REPL_LIMITS,
    )
    with runtime:
        if sys.stdin.isatty() and sys.stdout.isatty():
            return _interactive(runtime, env)
        from cloudburst.repl.pipe import run_piped

        return run_piped(Session(runtime, out=sys.stdout, err=sys.stderr), sys.stdin)


def _interactive(runtime: Runtime, env: Mapping[str, str]) -> int:
    from cloudburst.repl.app import ErrorStream, run_interactive
    from cloudburst.repl.connections import LinkNames
    from cloudburst.repl.session import Session

    link_names = LinkNames(env)
    session = Session(runtime, out=sys.stdout, err=ErrorStream())
    sys.stdout.write("Cloudburst Deluge REPL. :help for commands, Ctrl-D to leave.\n")
    try:
        return run_interactive(session, link_names)
    finally:
        link_names.close()
