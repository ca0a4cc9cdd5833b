"""The ``cloudburst`` command: its command line read by :mod:`cloudburst.cli.quickargs` or by
the argparse tree of :mod:`cloudburst.cli.argtree` (built from :data:`~cloudburst.cli.groups.GROUPS`),
one :class:`Context` handed to every handler, and one place that turns failures into exit codes.

A group module's ``configure(parser)`` adds options and either sets a handler
(``parser.set_defaults(handler=fn)``) or adds subcommands with :func:`subcommands` and
:func:`command`. A handler takes the :class:`Context` and returns an exit status (None
means 0); it raises :class:`Usage` for a usage error (exit 2), and a ``CloudburstError``
for a refusal (exit 1). ``main`` never exits the process and never prints a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence

from cloudburst.cli.env import Env
from cloudburst.cli.groups import GROUPS
from cloudburst.cli import quickargs

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace
    from typing import Any, TextIO

    from cloudburst.cli.argtree import Parser

    #: A command's parsed arguments: argparse's, or the quick reader's (the same attributes).
    Arguments = argparse.Namespace | SimpleNamespace
    from cloudburst.connectors.service import ConnectorService

__all__ = ["main", "program", "Context", "Usage", "Cancelled", "Prompt", "Handler", "subcommands", "command",
           "add_db_option", "EXIT_OK", "EXIT_RUNTIME", "EXIT_USAGE", "EXIT_COMPILE", "EXIT_LIMIT", "EXIT_INTERRUPT"]

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2
EXIT_COMPILE = 3
EXIT_LIMIT = 4
EXIT_INTERRUPT = 130

PROG = "cloudburst"

Prompt = Callable[[str, bool], str]
"""Asks the user for a value: ``prompt(text, secret)``; secret input must not echo."""


class Usage(Exception):
    """The command line is wrong; exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Cancelled(Exception):
    """The user answered no to a confirmation."""


class Context:
    """What a handler needs: parsed arguments, streams, the environment, prompting, and
    the connection store (opened on first use)."""

    def __init__(self, args: Arguments, out: TextIO, err: TextIO, env: Env, prompt: Prompt | None,
                 service: ConnectorService | None = None, stdin: TextIO | None = None,
                 owns_process: bool = False) -> None:
        self.args, self.out, self.err, self.env, self.prompt = args, out, err, env, prompt
        #: Whether this command is the whole process (the ``cloudburst`` program), not a call
        #: from a host, a test or the REPL: process-wide settings are then its own to change.
        self.owns_process = owns_process
        self.stdin: TextIO = stdin if stdin is not None else sys.stdin
        self._service = service
        self._owned = service is None

    @property
    def db(self) -> str | None:
        """The store URL the command line and environment name (None: the default store)."""
        return self.env.database_url(getattr(self.args, "db", None))

    @property
    def service(self) -> ConnectorService:
        if self._service is None:
            from cloudburst.connectors.service import ConnectorService

            self._service = ConnectorService(self.db, secret_keys=self.env.secret_keys())
        return self._service

    def close(self) -> None:
        if self._owned and self._service is not None:
            self._service.close()

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def warn(self, text: str) -> None:
        self.err.write(f"{PROG}: warning: {text}\n")

    def error(self, text: str) -> None:
        self.err.write(f"{PROG}: error: {text}\n")
        self.err.flush()

    def report(self, text: str, record: Mapping[str, Any]) -> None:
        """A command's result: ``text`` for people, or with ``--json`` ``record`` as one JSON object."""
        if getattr(self.args, "json", False):
            self.json(dict(record))
        else:
            self.print(text)

    @property
    def chatter(self) -> TextIO:
        """Where progress and instructions go: standard output, or standard error with
        ``--json`` (so standard output holds only the JSON)."""
        return self.err if getattr(self.args, "json", False) else self.out

    def json(self, data: Any) -> None:
        import json

        self.print(json.dumps(data, indent=2, ensure_ascii=False))

    def ask(self, text: str, secret: bool) -> str | None:
        return None if self.prompt is None else self.prompt(text, secret)


Handler = Callable[[Context], "int | None"]


def add_db_option(parser: Any) -> None:
    """``--db``, set only when given (``parser.SUPPRESS``: argparse's marker, or the quick
    reader's, which does not import argparse), so a subcommand's keeps its group's."""
    parser.add_argument("--db", metavar="URL", default=parser.SUPPRESS,
                        help="connection store: a SQLAlchemy database URL "
                             "(default: $CLOUDBURST_DATABASE_URL, else a SQLite file in the user data dir)")


def subcommands(parser: argparse.ArgumentParser, dest: str = "command") -> argparse._SubParsersAction[Any]:
    """Subcommands of ``parser``; the bare group prints its help (and the list of commands)."""

    def show_help(ctx: Context) -> int:
        parser.print_help(ctx.out)
        return EXIT_OK

    parser.set_defaults(handler=show_help)
    return parser.add_subparsers(dest=dest, metavar="COMMAND", title="commands", parser_class=type(parser))


def command(commands: argparse._SubParsersAction[Any], name: str, handler: Handler, help_text: str, *,
            db: bool = True, reports: bool = False) -> Parser:
    """A subcommand running ``handler``; with ``db`` it takes ``--db``; with ``reports``
    it takes ``--json`` (its handler reports through :meth:`Context.report`)."""
    parser: Parser = commands.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    if db:
        add_db_option(parser)
    if reports:
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    return parser


_COMMANDS = frozenset(name.replace("_", "-") for name in GROUPS)


def _terminal_prompt(text: str, secret: bool) -> str:
    import getpass

    return getpass.getpass(text) if secret else input(text)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    prompt: Prompt | None = None,
    environ: Mapping[str, str] | None = None,
    service: ConnectorService | None = None,
    stdin: TextIO | None = None,
    owns_process: bool = False,
) -> int:
    """Run one ``cloudburst`` command line (``argv`` without the program name).

    ``prompt`` defaults to input/getpass when standard input is a terminal; without one,
    values must come from options. ``service`` replaces the connection store the
    environment names (the REPL hands in its own). ``owns_process``: see :func:`program`.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args_list = list(sys.argv[1:] if argv is None else argv)
    if prompt is None and sys.stdin is not None and sys.stdin.isatty():
        prompt = _terminal_prompt
    first = args_list[0] if args_list else None
    if first == "__names":  # shell completion's hidden, fast lister (no argparse tree, no store module)
        from cloudburst.cli.completion.names import print_names

        return print_names(args_list[1:], out, Env(environ))
    args: Arguments | int | None = None
    if first in _COMMANDS:
        args = quickargs.read(first, args_list[1:])
    if args is None:
        from cloudburst.cli.argtree import parse

        args = parse(args_list, out, err, first if first in _COMMANDS else None)
    if isinstance(args, int):
        return args
    if args.version:
        from cloudburst import __version__

        out.write(f"cloudburst {__version__}\n")
        return EXIT_OK
    ctx = Context(args, out, err, Env(environ), prompt, service, stdin, owns_process)
    try:
        return args.handler(ctx) or EXIT_OK
    except Usage as exc:
        ctx.error(exc.message)
        return EXIT_USAGE
    except Cancelled:
        err.write(f"{PROG}: cancelled\n")
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        err.write(f"{PROG}: interrupted\n")
        return EXIT_INTERRUPT
    except Exception as exc:
        message = _refusal(exc)
        if message is None:  # never a traceback; the type alone cannot leak a secret
            message = f"internal error ({exc.__class__.__name__}); please report it"
        ctx.error(message)
        return EXIT_RUNTIME
    finally:
        ctx.close()


def program() -> int:
    """The ``cloudburst`` program (its console script and ``python -m cloudburst``): :func:`main`
    of ``sys.argv`` as the whole process, which lets a command tune the process (``run``
    freezes its start-up objects out of the garbage collector's passes)."""
    return main(owns_process=True)


def _refusal(exc: Exception) -> str | None:
    """The user-facing message of an error the library raises on purpose."""
    from cloudburst.connectors.credentials import ConnectionUnavailable
    from cloudburst.errors import CloudburstError

    if isinstance(exc, (CloudburstError, ConnectionUnavailable)):
        return str(getattr(exc, "message", exc))
    return None
