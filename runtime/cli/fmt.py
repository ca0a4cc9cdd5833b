"""``cloudburst fmt``: rewrite scripts in the canonical layout (or, with ``--check``/``--diff``,
only say which would change, for CI)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from cloudburst.cli.dispatch import EXIT_COMPILE, EXIT_OK, EXIT_RUNTIME, Context
from cloudburst.cli.sources import read_script

__all__ = ["HELP", "configure", "script_files"]

HELP = "format scripts in Zoho's layout (tabs, braces on their own lines); --check for CI"

SUFFIXES = (".dg", ".deluge", ".ds")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_fmt)
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="script files or folders (searched for *.dg, *.deluge, *.ds); - formats stdin to stdout")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if any file is not formatted (for CI)")
    parser.add_argument("--diff", action="store_true", help="change nothing; print what would change as a diff")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: each file's status (unchanged, reformatted, would reformat, "
                             "skipped, error) and the counts")


def script_files(paths: list[str]) -> Iterator[str]:
    """The script files named by ``paths``: files as given, folders searched recursively."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                yield from (os.path.join(root, f) for f in sorted(files) if f.endswith(SUFFIXES))
        else:
            yield path


def _fmt(ctx: Context) -> int:
    import difflib

    from cloudburst.diagnostics import format_error
    from cloudburst.errors import CloudburstError
    from cloudburst.tooling.formatter import FormatError, format_source

    args = ctx.args
    quiet = args.quiet or args.json
    files: list[dict[str, str]] = []

    def record(path: str, status: str, error: str | None = None) -> None:
        files.append({"path": path, "status": status, **({"error": error} if error else {})})
        if error is not None and not args.json:
            ctx.err.write(error + "\n")

    for path in script_files(args.paths):
        try:
            source = read_script(path, ctx.stdin)
        except OSError as exc:
            record(path, "error", f"{path}: error: cannot read: {exc.strerror}")
            continue
        if "<%" in source and "%>" in source:
            record(path, "skipped")
            if not quiet:
                ctx.err.write(f"{path}: skipped: Creator pages (HTML with <% %>) are not formatted\n")
            continue
        try:
            formatted = format_source(source, path)
        except CloudburstError as exc:
            record(path, "error", format_error(exc, source))
            continue
        except FormatError as exc:
            record(path, "error", f"error: {exc}")
            continue
        if path == "-" and not (args.check or args.diff or args.json):
            ctx.out.write(formatted)
            record(path, "formatted")
            continue
        if formatted == source:
            record(path, "unchanged")
            continue
        if args.diff:
            ctx.out.writelines(difflib.unified_diff(source.splitlines(True), formatted.splitlines(True),
                                                    f"{path} (original)", f"{path} (formatted)"))
        if args.check or args.diff or path == "-":
            record(path, "would reformat")
            if args.check and not quiet:
                ctx.err.write(f"would reformat {path}\n")
        else:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(formatted)
            record(path, "reformatted")
            if not quiet:
                ctx.err.write(f"reformatted {path}\n")
    changed = sum(f["status"] in ("reformatted", "would reformat") for f in files)
    failed = sum(f["status"] == "error" for f in files)
    if args.json:
        ctx.json({"files": files, "changed": changed, "errors": failed})
    elif not quiet and not (len(files) == 1 and args.paths == ["-"]):
        verb = "would reformat" if args.check or args.diff else "reformatted"
        total = len(files)
        ctx.err.write(f"{total} file{'s' if total != 1 else ''}: {verb} {changed}, {failed} with errors\n")
    if failed:
        return EXIT_COMPILE
    return EXIT_RUNTIME if changed and (args.check or args.diff) else EXIT_OK
