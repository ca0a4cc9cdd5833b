"""``cloudburst repl``: the interactive shell. On a terminal it runs the prompt_toolkit
front end; with input piped in, the plain mode that reads like a script."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cloudburst.cli.dispatch import Context, add_db_option
from cloudburst.execution import Limits

if TYPE_CHECKING:
    from cloudburst.engine import Runtime

__all__ = ["HELP", "configure", "REPL_LIMITS"]

HELP = "start the interactive shell (the default when no command is given)"

#: An interactive run has no statement or time limit: Ctrl-C stops it (`:time` shows the
#: statement count a script needs).
REPL_LIMITS = Limits(max_statements=None, timeout=None)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_repl)
    add_db_option(parser)


def _repl(ctx: Context) -> int:
    """Run the REPL on the context's streams, with the store ``run`` would use."""
    from cloudburst.cli.repl.session import Session
    from cloudburst.engine import Runtime

    runtime = Runtime(store=ctx.env.store(ctx.db), secret_keys=ctx.env.secret_keys(), limits=REPL_LIMITS)
    with runtime:
        if ctx.stdin.isatty() and ctx.out.isatty():
            return _interactive(runtime, ctx)
        from cloudburst.cli.repl.pipe import run_piped

        return run_piped(Session(runtime, out=ctx.out, err=ctx.err), ctx.stdin)


def _interactive(runtime: Runtime, ctx: Context) -> int:
    from cloudburst.cli.repl.app import ErrorStream, run_interactive
    from cloudburst.cli.repl.connections import LinkNames
    from cloudburst.cli.repl.session import Session

    link_names = LinkNames(ctx.env, ctx.db)
    session = Session(runtime, out=ctx.out, err=ErrorStream())
    ctx.print("Cloudburst Deluge REPL. :help for commands, Ctrl-D to leave.")
    try:
        return run_interactive(session, link_names)
    finally:
        link_names.close()
