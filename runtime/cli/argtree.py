"""The ``cloudburst`` argparse tree: built only when a command line needs it (help, a usage
error, subcommands, or any form :mod:`cloudburst.cli.quickargs` leaves to argparse), since
importing argparse and building a group's parser was a third of a cached run's start-up."""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from cloudburst.cli.dispatch import EXIT_USAGE, PROG
from cloudburst.cli.env import terminal_columns
from cloudburst.cli.groups import GROUPS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn, TextIO

__all__ = ["Parser", "build_parser", "parse"]


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _ParseError(Exception):
    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        self.message = message
        self.parser = parser


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized as ``shutil.get_terminal_size`` would size it: argparse
    builds one per option added, and importing shutil for it is a tenth of a run's start-up."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to its class's streams and raises instead of exiting."""

    _out: TextIO = sys.stdout
    _err: TextIO = sys.stderr
    SUPPRESS = argparse.SUPPRESS  # see cloudburst.cli.dispatch.add_db_option

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            (self._err if file is sys.stderr else self._out).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._err.write(message)
        raise _Exit(status)

    def error(self, message: str) -> NoReturn:
        raise _ParseError(message, self)


def build_parser(out: TextIO, err: TextIO, only: str | None = None) -> Parser:
    """The whole tree; with ``only`` (a group's command-line name) just that group, so a
    command that names its group imports no other group's module (start-up is measured)."""

    class Bound(Parser):
        _out, _err = out, err

    root = Bound(prog=PROG, description="Run, check and explore Deluge scripts; manage API connections.")
    root.add_argument("--version", action="store_true", help="print the version and exit")
    commands = root.add_subparsers(dest="group", metavar="COMMAND", title="commands", parser_class=Bound)
    for name in GROUPS:
        if only is not None and name.replace("_", "-") != only:
            continue
        module = import_module(f"cloudburst.cli.{name}")
        parser = commands.add_parser(name.replace("_", "-"), help=module.HELP, description=module.HELP)
        module.configure(parser)
    return root


def parse(argv: list[str], out: TextIO, err: TextIO, only: str | None) -> argparse.Namespace | int:
    """``argv`` parsed, or the exit status once help, a version or a usage error is printed;
    a bare ``cloudburst`` is ``cloudburst repl``."""
    parser = build_parser(out, err, only)
    try:
        args = parser.parse_args(argv)
        if args.group is None and not args.version:
            args = parser.parse_args(["repl"])
    except _Exit as done:
        return done.status
    except _ParseError as problem:
        problem.parser.print_usage(err)
        err.write(f"{PROG}: error: {problem.message}\n")
        return EXIT_USAGE
    return args
