"""The ``cloudburst`` command: run, check, repl, connector, connection, secrets.

Start-up is kept short: only argparse is imported up front; each command imports what it
needs. This is the only layer that reads environment variables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Sequence, TextIO

__all__ = ["main", "EXIT_OK", "EXIT_RUNTIME", "EXIT_USAGE", "EXIT_COMPILE", "EXIT_LIMIT", "EXIT_INTERRUPT"]

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2
EXIT_COMPILE = 3
EXIT_LIMIT = 4
EXIT_INTERRUPT = 130

_STORE_GROUPS = ("connector", "connection", "secrets")


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit; we return code 2 ourselves
        raise _Usage(f"{self.prog}: error: {message}")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cloudburst", description="Run, check and explore Deluge scripts.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    run = sub.add_parser("run", help="run a script and print its info output")
    run.add_argument("file", help="script file (.dg, .deluge, .ds) or - for standard input")
    run.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                     help="a variable or argument for the script (NAME:=JSON for a typed value); repeatable")
    run.add_argument("--input", metavar="FILE.json", help="a JSON object of inputs for the script")
    run.add_argument("--max-statements", type=int, default=5000, metavar="N",
                     help="statement limit (default 5000, 0 for none)")
    run.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="wall-clock limit (default 60, 0 for none)")
    run.add_argument("--timezone", metavar="ZONE", help="time zone for zoho.currenttime etc. (default: this machine's)")
    run.add_argument("--integer-division", choices=("truncate", "decimal"), default="truncate",
                     help="what NUMBER / NUMBER gives (default truncate, as Deluge)")
    run.add_argument("--no-network", action="store_true", help="disable invokeurl and getUrl/postUrl")
    run.add_argument("--db", metavar="URL", help="connection store (default: $CLOUDBURST_DATABASE_URL or a SQLite file)")
    run.add_argument("--warnings", action="store_true", help="print resolver warnings to standard error")
    run.add_argument("--no-cache", action="store_true", help="do not use or write the compiled-script cache")
    run.add_argument("--records", metavar="FIXTURE.json",
                     help="serve zoho.crm/creator/books record tasks from this fixture (see docs/records.md)")
    run.add_argument("--records-out", metavar="STATE.json", help="after the run, write the records' final state here")
    _add_mail_options(run)

    check = sub.add_parser("check", help="parse and check scripts without running them")
    check.add_argument("files", nargs="+", help="script files")
    check.add_argument("--strict", action="store_true", help="treat undefined names as errors")
    check.add_argument("--warnings", action="store_true", help="print warnings too")
    check.add_argument("--quiet", action="store_true", help="print only the summary line")

    sub.add_parser("repl", help="start the interactive shell")
    for group in _STORE_GROUPS:
        sub.add_parser(group, help=f"manage {group}s" if group != "secrets" else "manage the encryption keys", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in _STORE_GROUPS:
        from cloudburst.connectors.cli import main as store_main

        return store_main(args_list)
    try:
        if not args_list and sys.stdin.isatty() and sys.stdout.isatty():
            return _repl()
        try:
            args = _build_parser().parse_args(args_list)
        except _Usage as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        except SystemExit as exc:  # --help
            return EXIT_OK if not exc.code else EXIT_USAGE
        if args.version:
            from cloudburst import __version__

            print(f"cloudburst {__version__}")
            return EXIT_OK
        if args.command == "run":
            return _run(args)
        if args.command == "check":
            return _check(args)
        if args.command == "repl" or args.command is None:
            return _repl()
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPT


def _read(path: str) -> str:
    from cloudburst.diagnostics import read_source

    if path == "-":
        return read_source(sys.stdin.buffer.read())
    with open(path, "rb") as fh:
        return read_source(fh.read())


def _inputs(args: argparse.Namespace, parameters: dict[str, str]) -> dict[str, Any]:
    from decimal import Decimal

    from cloudburst.typecheck import from_text
    from cloudburst.values import from_python

    values: dict[str, Any] = {}
    if args.input:
        try:
            with open(args.input, encoding="utf-8") as fh:
                data = json.load(fh, parse_float=Decimal)
        except OSError as exc:
            raise _Usage(f"cannot read --input file: {exc.strerror}") from None
        except ValueError as exc:
            raise _Usage(f"--input is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise _Usage("--input must hold a JSON object of NAME: value")
        values.update({k: from_python(v) for k, v in data.items()})
    for item in args.arg:
        if ":=" in item and item.index(":=") < item.index("=") + 1:
            name, raw = item.split(":=", 1)
            try:
                values[name] = from_python(json.loads(raw, parse_float=Decimal))
            except ValueError as exc:
                raise _Usage(f"--arg {name}: not valid JSON: {exc}") from None
            continue
        if "=" not in item:
            raise _Usage(f"--arg needs NAME=VALUE, got {item!r}")
        name, raw = item.split("=", 1)
        try:
            values[name] = from_text(raw, parameters.get(name))
        except ValueError as exc:
            raise _Usage(f"--arg {name}: {exc}") from None
    return values


def _run(args: argparse.Namespace) -> int:
    from cloudburst.diagnostics import format_diagnostic, format_error
    from cloudburst.engine import InputError, Runtime
    from cloudburst.errors import CancelledError, ConfigurationError, DelugeRuntimeError, LimitError
    from cloudburst.execution import Limits

    try:
        source = _read(args.file)
    except OSError as exc:
        print(f"cloudburst: error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    name = "<stdin>" if args.file == "-" else args.file
    limits = Limits(max_statements=args.max_statements or None, timeout=args.timeout or None)
    try:
        mailer = _mailer(args)
    except _Usage as exc:
        print(f"cloudburst: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        runtime = Runtime(
            mailer=mailer,
            store=args.db or os.environ.get("CLOUDBURST_DATABASE_URL") or "default",
            secret_keys=_secret_keys(),
            timezone=args.timezone,
            integer_division=args.integer_division,
            limits=limits,
            network=not args.no_network,
            cache_dir=None if args.no_cache else _cache_dir(),
        )
    except ConfigurationError as exc:
        print(f"cloudburst: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        records = _records(args, runtime)
    except _Usage as exc:
        runtime.close()
        print(f"cloudburst: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = sys.stdout
    with runtime:
        try:
            script = runtime.compile(source, name)
        except (DelugeRuntimeError, LimitError):
            raise
        except Exception as exc:
            from cloudburst.errors import CloudburstError

            if isinstance(exc, CloudburstError):
                print(format_error(exc, source), file=sys.stderr)
                return EXIT_COMPILE
            raise
        if args.warnings:
            for w in script.warnings:
                print(format_diagnostic(name, "warning", w.message, w.span, source), file=sys.stderr)
        try:
            inputs = _inputs(args, {p.name: p.type for p in script.parameters})
            script.run(inputs, on_info=lambda line: _emit(out, line))
        except _Usage as exc:
            print(f"cloudburst: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except InputError as exc:
            print(f"cloudburst: error: {exc.message} (pass them with --arg NAME=VALUE or --input FILE.json)", file=sys.stderr)
            return EXIT_USAGE
        except CancelledError as exc:
            print(format_error(exc, source), file=sys.stderr)
            return EXIT_INTERRUPT
        except LimitError as exc:
            print(format_error(exc, source), file=sys.stderr)
            return EXIT_LIMIT
        except DelugeRuntimeError as exc:
            print(format_error(exc, source), file=sys.stderr)
            return EXIT_RUNTIME
        finally:
            _write_records(args, records)
    return EXIT_OK


def _records(args: argparse.Namespace, runtime: Any) -> Any:
    """The record store --records asks for, installed on ``runtime`` (None without it)."""
    if args.records_out and not args.records:
        raise _Usage("--records-out needs --records")
    if not args.records:
        return None
    from cloudburst.records import RecordStore

    try:
        store = RecordStore.from_file(args.records)
    except OSError as exc:
        raise _Usage(f"cannot read --records file: {exc.strerror}") from None
    except ValueError as exc:
        raise _Usage(f"--records: {exc}") from None
    store.install(runtime)
    return store


def _write_records(args: argparse.Namespace, records: Any) -> None:
    if records is None or not args.records_out:
        return
    try:
        with open(args.records_out, "w", encoding="utf-8") as fh:
            json.dump(records.dump(), fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        print(f"cloudburst: error: cannot write --records-out file: {exc.strerror}", file=sys.stderr)


def _add_mail_options(run: argparse.ArgumentParser) -> None:
    mail = run.add_argument_group("sendmail (disabled unless one of --smtp-host or --mail-outbox is given)")
    mail.add_argument("--smtp-host", metavar="HOST", help="send mail through this SMTP server")
    mail.add_argument("--smtp-port", type=int, metavar="N", help="SMTP port (default 25, 465 with --smtp-ssl)")
    mail.add_argument("--smtp-starttls", action="store_true", help="upgrade the SMTP connection with STARTTLS")
    mail.add_argument("--smtp-ssl", action="store_true", help="connect with implicit TLS (SMTPS)")
    mail.add_argument("--smtp-user", metavar="USER",
                      help="log in as USER; the password is read from $CLOUDBURST_SMTP_PASSWORD")
    mail.add_argument("--mail-outbox", metavar="DIR", help="send nothing: write each message as an .eml file into DIR")


def _mailer(args: argparse.Namespace) -> Any:
    """The mailer the mail options ask for (None: sendmail stays disabled)."""
    if args.mail_outbox and args.smtp_host:
        raise _Usage("--mail-outbox and --smtp-host exclude each other")
    if args.mail_outbox:
        from cloudburst.mail import OutboxMailer

        return OutboxMailer(args.mail_outbox)
    if not args.smtp_host:
        if args.smtp_port or args.smtp_starttls or args.smtp_ssl or args.smtp_user:
            raise _Usage("the --smtp-* options need --smtp-host")
        return None
    if args.smtp_starttls and args.smtp_ssl:
        raise _Usage("--smtp-starttls and --smtp-ssl exclude each other")
    password = os.environ.get("CLOUDBURST_SMTP_PASSWORD")
    if args.smtp_user and not password:
        raise _Usage("--smtp-user needs the password in $CLOUDBURST_SMTP_PASSWORD")
    from cloudburst.mail import SmtpMailer

    return SmtpMailer(args.smtp_host, args.smtp_port or (465 if args.smtp_ssl else 25), starttls=args.smtp_starttls,
                      ssl=args.smtp_ssl, username=args.smtp_user, password=password if args.smtp_user else None)


def _emit(out: TextIO, line: str) -> None:
    out.write(line + "\n")
    out.flush()


def _cache_dir() -> str:
    """Compiled scripts are cached per user ($CLOUDBURST_CACHE_DIR overrides the place)."""
    override = os.environ.get("CLOUDBURST_CACHE_DIR")
    if override:
        return override
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("cloudburst"), "scripts")


def _secret_keys() -> list[str] | None:
    raw = os.environ.get("CLOUDBURST_SECRET_KEY")
    return [k.strip() for k in raw.split(",") if k.strip()] if raw else None


def _check(args: argparse.Namespace) -> int:
    from cloudburst.diagnostics import format_diagnostic, format_error
    from cloudburst.engine import Runtime
    from cloudburst.errors import CloudburstError

    runtime = Runtime(network=False)
    bad = 0
    for path in args.files:
        try:
            source = _read(path)
        except OSError as exc:
            bad += 1
            print(f"{path}: error: cannot read: {exc.strerror}", file=sys.stderr)
            continue
        try:
            warnings = runtime.check(source, path, strict=args.strict)
        except CloudburstError as exc:
            bad += 1
            if not args.quiet:
                print(format_error(exc, source), file=sys.stderr)
            continue
        if args.warnings and not args.quiet:
            for w in warnings:
                print(format_diagnostic(path, "warning", w.message, w.span, source), file=sys.stderr)
    total = len(args.files)
    print(f"checked {total} file{'s' if total != 1 else ''}: {total - bad} ok, {bad} with errors")
    return EXIT_OK if bad == 0 else EXIT_COMPILE


def _repl() -> int:
    from cloudburst.repl import main as repl_main

    return repl_main()


if __name__ == "__main__":
    sys.exit(main())
