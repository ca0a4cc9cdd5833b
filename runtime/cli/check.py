"""``cloudburst check``: parse and check scripts without running them."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from cloudburst.cli.dispatch import EXIT_COMPILE, EXIT_OK, Context
from cloudburst.cli.sources import read_script

if TYPE_CHECKING:
    from cloudburst.errors import Diagnostic

__all__ = ["HELP", "configure"]

HELP = "parse and check scripts without running them"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_check)
    parser.add_argument("files", nargs="+", help="script files")
    parser.add_argument("--strict", action="store_true", help="treat undefined names as errors")
    parser.add_argument("--warnings", action="store_true",
                        help="print every warning (without it: only variables read but never assigned, and "
                             "names with a near known name)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    parser.add_argument("--syntax-only", action="store_true", help="only parse (no name, type or arity checks)")
    parser.add_argument("--json", action="store_true",
                        help="print every diagnostic as JSON with its kind and code (see docs/diagnostics.md)")


def _check(ctx: Context) -> int:
    from cloudburst.diagnostics import diagnostic_record, error_records, format_diagnostic, format_error
    from cloudburst.engine import Runtime
    from cloudburst.errors import CloudburstError

    args = ctx.args
    text = not args.json
    runtime = Runtime(network=False, cache_dir=ctx.env.cache_dir())  # for the built-in index (see cloudburst.stdlib.index)
    bad = 0
    records: list[dict[str, Any]] = []
    for path in args.files:
        try:
            source = read_script(path, ctx.stdin)
        except OSError as exc:
            bad += 1
            records.append({"file": path, "severity": "error", "kind": "file", "code": "F001",
                            "message": f"cannot read: {exc.strerror}"})
            if text:
                ctx.err.write(f"{path}: error: cannot read: {exc.strerror}\n")
            continue
        try:
            warnings = runtime.check(source, path, strict=args.strict, syntax_only=args.syntax_only)
        except CloudburstError as exc:
            bad += 1
            records.extend(error_records(exc))
            found: list[Diagnostic] = getattr(exc, "diagnostics", None) or []
            if text and not args.quiet:
                if not found:
                    ctx.err.write(format_error(exc, source) + "\n")
                for d in found:
                    if d.severity == "error" or args.warnings or _always_shown(d):
                        ctx.err.write(format_diagnostic(exc.source_name, d.severity, d.message, d.span, source) + "\n")
            continue
        records.extend(diagnostic_record(path, w.severity, w.message, w.span, w.code) for w in warnings)
        if text and not args.quiet:
            for w in warnings:
                if args.warnings or _always_shown(w):
                    ctx.err.write(format_diagnostic(path, "warning", w.message, w.span, source) + "\n")
    total = len(args.files)
    if args.json:
        ctx.print(json.dumps({"diagnostics": records, "files": total, "ok": total - bad, "with_errors": bad}, indent=2))
    else:
        ctx.print(f"checked {total} file{'s' if total != 1 else ''}: {total - bad} ok, {bad} with errors")
    return EXIT_OK if bad == 0 else EXIT_COMPILE


def _always_shown(warning: Diagnostic) -> bool:
    """Warnings that most likely mean trouble: a variable read but never assigned anywhere
    (N203), a Zoho service or a method this runtime does not know (N206, N208), or any name
    with a near known name."""
    from cloudburst.suggest import suggestion_in

    return warning.code in ("N203", "N206", "N208") or bool(suggestion_in(warning.message))
