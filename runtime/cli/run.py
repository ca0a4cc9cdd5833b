"""``cloudburst run``: run one script and print its ``info`` output.

Only argparse is imported up front; the engine loads when a script really runs.
"""

from __future__ import annotations

import gc
import time

from cloudburst.cli.dispatch import (EXIT_COMPILE, EXIT_INTERRUPT, EXIT_LIMIT, EXIT_RUNTIME, EXIT_USAGE, Context,
                                     Usage, add_db_option)
from cloudburst.cli.sources import read_script
from cloudburst.cli.zoho import add_run_options, provider_for_run, report_calls

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from cloudburst.cli.dispatch import Arguments

__all__ = ["HELP", "configure", "non_negative"]

HELP = "run a script: print its info lines, then its return value"


def non_negative(kind: type[int] | type[float]) -> Any:
    """An argparse type: a number of ``kind`` that is 0 or more (0 means no limit)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value < 0:
            from argparse import ArgumentTypeError  # only for a bad value: a plain run never imports argparse

            raise ArgumentTypeError(f"expected a {'whole ' if kind is int else ''}number, got {text!r}" if value is None
                                    else f"must be 0 (no limit) or more, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_run)
    parser.add_argument("file", help="script file (.dg, .deluge, .ds) or - for standard input")
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                        help="a variable or argument for the script (NAME:=JSON for a typed value; "
                             "input.FIELD=VALUE for a Creator form's fields); repeatable")
    parser.add_argument("--input", metavar="FILE.json", help="a JSON object of inputs for the script")
    parser.add_argument("--max-statements", type=non_negative(int), default=5000, metavar="N",
                        help="statement limit (default 5000, 0 for none)")
    parser.add_argument("--timeout", type=non_negative(float), default=60.0, metavar="SECONDS",
                        help="wall-clock limit (default 60, 0 for none)")
    parser.add_argument("--timezone", metavar="ZONE",
                        help="time zone for zoho.currenttime etc. (default: this machine's)")
    parser.add_argument("--integer-division", choices=("truncate", "decimal"), default="truncate",
                        help="what NUMBER / NUMBER gives (default truncate, as Deluge)")
    parser.add_argument("--no-network", action="store_true", help="disable invokeurl and getUrl/postUrl")
    add_db_option(parser)
    parser.add_argument("--warnings", action="store_true", help="print resolver warnings to standard error")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: info lines, return value and its type, statements, duration")
    parser.add_argument("--no-cache", action="store_true", help="do not use or write the compiled-script cache")
    parser.add_argument("--records", metavar="FIXTURE.json",
                        help="serve zoho.crm/creator/books record tasks from this fixture (see docs/records.md)")
    parser.add_argument("--records-out", metavar="STATE.json",
                        help="after the run, write the records' final state here")
    add_run_options(parser)
    parser.add_argument("--creator-forms", action="store_true",
                        help="serve zoho.creator.createRecord/getRecords/updateRecord from the store's forms "
                             "(see docs/forms.md)")
    _add_mail_options(parser)


def _inputs(ctx: Context, parameters: dict[str, str]) -> dict[str, Any]:
    args = ctx.args
    if not args.input and not args.arg:
        return {}
    import json

    from cloudburst.numeric import JSON_NUMBERS
    from cloudburst.typecheck import from_text
    from cloudburst.values import from_python

    values: dict[str, Any] = {}
    if args.input:
        try:
            with open(args.input, encoding="utf-8") as fh:
                data = json.load(fh, **JSON_NUMBERS)
        except OSError as exc:
            raise Usage(f"cannot read --input file: {exc.strerror}") from None
        except ValueError as exc:
            raise Usage(f"--input is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise Usage("--input must hold a JSON object of NAME: value")
        values.update({k: from_python(v) for k, v in data.items()})
    for item in args.arg:
        if ":=" in item and item.index(":=") < item.index("=") + 1:
            name, raw = item.split(":=", 1)
            try:
                value = from_python(json.loads(raw, **JSON_NUMBERS))
            except ValueError as exc:
                raise Usage(f"--arg {name}: not valid JSON: {exc}") from None
        elif "=" not in item:
            raise Usage(f"--arg needs NAME=VALUE, got {item!r}")
        else:
            name, raw = item.split("=", 1)
            try:
                value = from_text(raw, parameters.get(name))
            except ValueError as exc:
                raise Usage(f"--arg {name}: {exc}") from None
        _assign(values, name, value)
    return values


def _assign(values: dict[str, Any], name: str, value: Any) -> None:
    """``NAME`` gets ``value``; ``NAME.KEY`` puts it under KEY in the map NAME (a Creator
    workflow's form fields: ``--arg input.Qty:=12 --arg input.Name=Ann``)."""
    from cloudburst.values import DelugeMap

    base, dot, key = name.partition(".")
    if not dot:
        values[name] = value
        return
    if not base or not key:
        raise Usage(f"--arg {name}: a field goes as NAME.FIELD=VALUE, e.g. input.Email=ann@zylker.com")
    holder = values.setdefault(base, DelugeMap())
    if not isinstance(holder, DelugeMap):
        raise Usage(f"--arg {name}: {base} already has a value that is not a map")
    holder[key] = value


def _run(ctx: Context) -> int:
    from cloudburst.diagnostics import format_diagnostic, format_error
    from cloudburst.engine import InputError, Runtime
    from cloudburst.errors import CancelledError, CloudburstError, ConfigurationError, LimitError
    from cloudburst.execution import Limits

    args = ctx.args
    try:
        source = read_script(args.file, ctx.stdin)
    except OSError as exc:
        raise Usage(f"cannot read {args.file}: {exc.strerror}") from None
    name = "<stdin>" if args.file == "-" else args.file
    limits = Limits(max_statements=args.max_statements or None, timeout=args.timeout or None)
    mailer = _mailer(ctx)
    try:
        runtime = Runtime(
            mailer=mailer,
            store=ctx.env.store(getattr(args, "db", None)),
            secret_keys=ctx.env.secret_keys(),
            timezone=args.timezone,
            integer_division=args.integer_division,
            limits=limits,
            network=not args.no_network,
            cache_dir=None if args.no_cache else ctx.env.cache_dir(),
        )
    except ConfigurationError as exc:
        raise Usage(exc.message) from None
    try:
        records = _records(args, runtime)
        zoho = provider_for_run(args, runtime)
        if args.creator_forms:  # after the provider: these take over its zoho.creator tasks
            if args.records:
                raise Usage("--creator-forms and --records both serve zoho.creator tasks: choose one")
            from cloudburst.forms.creator_tasks import CreatorTasks

            CreatorTasks(runtime.form_store()).install(runtime)
    except Usage:
        runtime.close()
        raise
    with runtime:
        started = time.monotonic()  # the run's time limit covers compiling too
        from cloudburst.gcpause import gc_paused

        try:
            with gc_paused():
                script = runtime.compile(source, name, started=started)
                if ctx.owns_process:
                    # What start-up built (modules, the script) lives until exit: the
                    # collector's passes during the run, and the one at exit, need not walk
                    # it (a tenth of a short run's instructions went to them; a long script
                    # keeps its syntax tree, which its first pass after compiling would walk).
                    gc.freeze()
        except LimitError as exc:
            ctx.err.write(format_error(exc, source) + "\n")
            return EXIT_LIMIT
        except CloudburstError as exc:
            ctx.err.write(format_error(exc, source) + "\n")
            return EXIT_COMPILE
        if args.warnings:
            for w in script.warnings:
                ctx.err.write(format_diagnostic(name, "warning", w.message, w.span, source) + "\n")
        try:
            inputs = _inputs(ctx, {p.name: p.type for p in script.parameters})
            _check_argument_names(inputs, [p.name for p in script.parameters])
            if script.page is None:
                result = script.run(inputs, on_info=None if args.json else ctx.print, started=started)
                _show_client_actions(ctx, result.client_actions)
                _show_result(ctx, result)
            else:  # a Creator page: its rendered HTML is the output; info lines go to stderr
                result = script.run(inputs, on_info=lambda line: print(line, file=ctx.err), started=started)
                ctx.out.write(str(result.value))
                ctx.out.flush()
        except InputError as exc:
            raise Usage(f"{exc.message} (pass them with --arg NAME=VALUE or --input FILE.json)") from None
        except CancelledError as exc:
            ctx.err.write(format_error(exc, source) + "\n")
            return EXIT_INTERRUPT
        except LimitError as exc:
            ctx.err.write(format_error(exc, source) + "\n")
            return EXIT_LIMIT
        except CloudburstError as exc:
            ctx.err.write(format_error(exc, source) + "\n")
            return EXIT_RUNTIME
        finally:
            _write_records(ctx, records)
            report_calls(ctx, zoho)
    return 0


def _check_argument_names(inputs: dict[str, Any], parameters: list[str]) -> None:
    """A function file takes exactly its parameters: an unknown ``--arg`` name is a typo, and
    the message names the parameter it most likely meant."""
    if not parameters:
        return
    from difflib import get_close_matches

    by_lower = {p.lower(): p for p in parameters}
    for name in inputs:
        if name in parameters:
            continue
        near = by_lower.get(name.lower()) or next(iter(get_close_matches(name, parameters, n=1, cutoff=0.6)), None)
        hint = f"; did you mean {near}?" if near else f" (it takes {', '.join(parameters)})"
        raise Usage(f"--arg {name}: the function has no parameter named {name}{hint}")


def _show_client_actions(ctx: Context, actions: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Creator's UI actions (``alert``, ``openUrl``, ``hide``, ``F:ui.add``) have no screen
    here: each is shown on standard error, in order, as ``client action: NAME ARGS``."""
    if ctx.args.json or not actions:
        return
    from cloudburst.values import display

    for name, action_args in actions:
        shown = ", ".join(display(a) if type(a) is not str else a for a in action_args)
        ctx.err.write(f"client action: {name}{' ' + shown if shown else ''}\n")


def _show_result(ctx: Context, result: Any) -> None:
    """The return value is a script's main output (Zoho's Execute console shows it): a last
    line in its ``info`` form, or with ``--json`` one object holding everything."""
    from cloudburst.values import display, type_name

    if ctx.args.json:
        import json

        ctx.print(json.dumps({
            "info": result.info,
            "return": _plain_json(result.python_value()),
            "type": None if result.value is None else type_name(result.value),
            "client_actions": [[name, [_plain_json(a) for a in action_args]]
                               for name, action_args in result.client_actions],
            "statements": result.statements,
            "duration_ms": round(result.duration * 1000, 3),
        }, ensure_ascii=False, indent=2))
    elif result.value is not None:
        ctx.print(display(result.value))


def _plain_json(value: Any) -> Any:
    """A Python value as JSON can hold it (exact decimals stay numbers, dates become text)."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_json(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _records(args: Arguments, runtime: Any) -> Any:
    """The record store --records asks for, installed on ``runtime`` (None without it)."""
    if args.records_out and not args.records:
        raise Usage("--records-out needs --records")
    if not args.records:
        return None
    from cloudburst.records import RecordStore
    from cloudburst.zoho import install_record_store

    try:
        store = RecordStore.from_file(args.records)
    except OSError as exc:
        raise Usage(f"cannot read --records file: {exc.strerror}") from None
    except ValueError as exc:
        raise Usage(f"--records: {exc}") from None
    install_record_store(store, runtime)
    return store


def _write_records(ctx: Context, records: Any) -> None:
    if records is None or not ctx.args.records_out:
        return
    try:
        with open(ctx.args.records_out, "w", encoding="utf-8") as fh:
            fh.write(records.dump_text())
    except OSError as exc:
        ctx.error(f"cannot write --records-out file: {exc.strerror}")


def _add_mail_options(run: argparse.ArgumentParser) -> None:
    mail = run.add_argument_group("sendmail (disabled unless one of --smtp-host or --mail-outbox is given)")
    mail.add_argument("--smtp-host", metavar="HOST", help="send mail through this SMTP server")
    mail.add_argument("--smtp-port", type=int, metavar="N", help="SMTP port (default 25, 465 with --smtp-ssl)")
    mail.add_argument("--smtp-starttls", action="store_true", help="upgrade the SMTP connection with STARTTLS")
    mail.add_argument("--smtp-ssl", action="store_true", help="connect with implicit TLS (SMTPS)")
    mail.add_argument("--smtp-user", metavar="USER",
                      help="log in as USER; the password is read from $CLOUDBURST_SMTP_PASSWORD")
    mail.add_argument("--mail-outbox", metavar="DIR", help="send nothing: write each message as an .eml file into DIR")


def _mailer(ctx: Context) -> Any:
    """The mailer the mail options ask for (None: sendmail stays disabled)."""
    args = ctx.args
    if args.mail_outbox and args.smtp_host:
        raise Usage("--mail-outbox and --smtp-host exclude each other")
    if args.mail_outbox:
        from cloudburst.mail import OutboxMailer

        return OutboxMailer(args.mail_outbox)
    if not args.smtp_host:
        if args.smtp_port or args.smtp_starttls or args.smtp_ssl or args.smtp_user:
            raise Usage("the --smtp-* options need --smtp-host")
        return None
    if args.smtp_starttls and args.smtp_ssl:
        raise Usage("--smtp-starttls and --smtp-ssl exclude each other")
    password = ctx.env.smtp_password()
    if args.smtp_user and not password:
        raise Usage("--smtp-user needs the password in $CLOUDBURST_SMTP_PASSWORD")
    from cloudburst.mail import SmtpMailer

    return SmtpMailer(args.smtp_host, args.smtp_port or (465 if args.smtp_ssl else 25), starttls=args.smtp_starttls,
                      ssl=args.smtp_ssl, username=args.smtp_user, password=password if args.smtp_user else None)
