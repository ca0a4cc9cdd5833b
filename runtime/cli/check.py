"""``cloudburst check``: parse and check scripts without running them."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import EXIT_COMPILE, EXIT_OK, Context
from cloudburst.cli.sources import read_script

__all__ = ["HELP", "configure"]

HELP = "parse and check scripts without running them"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_check)
    parser.add_argument("files", nargs="+", help="script files")
    parser.add_argument("--strict", action="store_true", help="treat undefined names as errors")
    parser.add_argument("--warnings", action="store_true", help="print warnings too")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")


def _check(ctx: Context) -> int:
    from cloudburst.diagnostics import format_diagnostic, format_error
    from cloudburst.engine import Runtime
    from cloudburst.errors import CloudburstError

    args = ctx.args
    runtime = Runtime(network=False)
    bad = 0
    for path in args.files:
        try:
            source = read_script(path, ctx.stdin)
        except OSError as exc:
            bad += 1
            ctx.err.write(f"{path}: error: cannot read: {exc.strerror}\n")
            continue
        try:
            warnings = runtime.check(source, path, strict=args.strict)
        except CloudburstError as exc:
            bad += 1
            if not args.quiet:
                ctx.err.write(format_error(exc, source) + "\n")
            continue
        if args.warnings and not args.quiet:
            for w in warnings:
                ctx.err.write(format_diagnostic(path, "warning", w.message, w.span, source) + "\n")
    total = len(args.files)
    ctx.print(f"checked {total} file{'s' if total != 1 else ''}: {total - bad} ok, {bad} with errors")
    return EXIT_OK if bad == 0 else EXIT_COMPILE
