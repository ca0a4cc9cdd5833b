"""Meta-commands (``:help``, ``:vars``, ``:reset``, ``:load``, ``:time``, ``:quit``, ``:forms``, and
``:connector`` / ``:connection`` forwarded to the ``cloudburst`` command) and :func:`execute`, which
sends one finished input either here or to the session."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from cloudburst.diagnostics import read_source
from cloudburst.cli.repl.session import Session
from cloudburst.values import display, type_name

__all__ = ["COMMANDS", "execute", "Prompt"]

Prompt = Callable[[str, bool], str]
"""Asks the user for a value (``prompt(text, secret)``), for connector commands."""

#: Command groups of the connector CLI reachable as ``:group ...``.
STORE_GROUPS = ("connector", "connection")


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str


COMMANDS: tuple[Command, ...] = (
    Command("help", ":help", "show this help"),
    Command("vars", ":vars", "list the variables and functions of the session"),
    Command("reset", ":reset", "forget every variable and function"),
    Command("load", ":load FILE", "run a script file in the session (its variables and functions stay)"),
    Command("time", ":time", "show how long each input took (toggle)"),
    Command("quit", ":quit", "leave the REPL (Ctrl-D does too)"),
    Command("connector", ":connector ...", "manage connectors, as `cloudburst connector ...`"),
    Command("connection", ":connection ...", "manage connections, as `cloudburst connection ...`"),
    Command("forms", ":forms [FORM]", "list the session's Creator forms, or one form's fields"),
)

_HELP_TAIL = """
Type Deluge statements; a bare expression such as `1 + 2` or `m.get("a")` shows its value.
An unfinished statement, block or text keeps reading on a `...` line; press Enter on two
empty lines (or Esc then Enter) to run it anyway. Ctrl-C cancels the input or stops a
running script; Ctrl-D leaves."""


def execute(session: Session, text: str, prompt: Prompt | None = None, *, first_line: int = 1) -> bool:
    """Run one finished input: a meta-command (``:...``) or Deluge code that starts on
    line ``first_line`` of the input."""
    stripped = text.strip()
    if stripped.startswith(":"):
        return _command(session, stripped[1:], prompt)
    return session.run_source(text, first_line=first_line)


def _command(session: Session, line: str, prompt: Prompt | None) -> bool:
    try:
        words = shlex.split(line)
    except ValueError as exc:
        return _problem(session, f"cannot read the command: {exc}")
    if not words:
        return _problem(session, "a command name must follow ':' (try :help)")
    name, args = words[0].lower(), words[1:]
    if name in STORE_GROUPS:
        return _store_command(session, [name, *args], prompt)
    if name in ("quit", "q", "exit"):
        session.finished = True
        return True
    if name == "help":
        _help(session)
        return True
    if name == "vars":
        _vars(session)
        return True
    if name == "reset":
        session.reset()
        session.out.write("the session was reset\n")
        return True
    if name == "time":
        session.timing = not session.timing
        session.out.write(f"timing is {'on' if session.timing else 'off'}\n")
        return True
    if name == "load":
        if len(args) != 1:
            return _problem(session, "usage: :load FILE")
        return _load(session, args[0])
    if name == "forms":
        if len(args) > 1:
            return _problem(session, "usage: :forms [FORM]")
        return _forms(session, args[0] if args else None)
    return _problem(session, f"unknown command ':{words[0]}' (try :help)")


def _help(session: Session) -> None:
    width = max(len(c.usage) for c in COMMANDS)
    lines = [f"  {c.usage.ljust(width)}  {c.help}" for c in COMMANDS]
    session.out.write("Commands:\n" + "\n".join(lines) + "\n" + _HELP_TAIL.lstrip("\n") + "\n")


def _vars(session: Session) -> None:
    if not session.variables and not session.functions:
        session.out.write("no variables or functions yet\n")
        return
    for name, value in sorted(session.variables.items(), key=lambda item: item[0].lower()):
        session.out.write(f"{name} = {_short(display(value))}  ({type_name(value)})\n")
    for fn in sorted(session.function_names(), key=str.lower):
        session.out.write(f"{fn}()  (function)\n")


def _short(text: str, limit: int = 80) -> str:
    one_line = text.replace("\n", "\\n")
    return one_line if len(one_line) <= limit else one_line[: limit - 3] + "..."


def _load(session: Session, path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            source = read_source(fh.read())
    except OSError as exc:
        return _problem(session, f"cannot read {path}: {exc.strerror}")
    return session.run_source(source, path)


def _store_command(session: Session, argv: list[str], prompt: Prompt | None) -> bool:
    """``:connector``/``:connection`` run the ``cloudburst`` command on the session's own store."""
    from cloudburst.cli.dispatch import main
    from cloudburst.errors import CloudburstError

    try:
        service = session.runtime.connections(create=True)
    except CloudburstError as exc:
        return _problem(session, f"cloudburst: error: {exc.message}")
    status = main(argv, stdout=session.out, stderr=session.err, prompt=prompt, service=service)
    session.out.flush()
    if status != 0:
        session.failures += 1
    return status == 0


def _forms(session: Session, form: str | None) -> bool:
    """``:forms``: the forms scripts in this session read and write (the runtime's store)."""
    from cloudburst.cli.forms import show
    from cloudburst.errors import CloudburstError

    try:
        store = session.runtime.form_store()
        if store is None:
            return _problem(session, "this session has no form store")
        show(store, form, session.out)
    except CloudburstError as exc:
        return _problem(session, f"cloudburst: error: {exc.message}")
    session.out.flush()
    return True


def _problem(session: Session, message: str) -> bool:
    session.failures += 1
    session.err.write(message + "\n")
    session.err.flush()
    return False
