"""The REPL without a terminal (input piped in): the text reads as the same script would.
Statements run as soon as they are finished, errors name the line of the input they are
on, and an ``if`` block waits for an ``else`` on a later line (blank lines and comments
may come between, as in a script file). Output is plain text, with no prompts or escape codes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cloudburst.cli.repl.commands import execute
from cloudburst.cli.repl.incomplete import awaits_else, is_complete
from cloudburst.cli.repl.session import Session

__all__ = ["run_piped"]

_ELSE = re.compile(r"\s*else\b", re.IGNORECASE)
_NOTHING = re.compile(r"\s*(//.*)?")


class _Input:
    """Lines read but not yet run, and the input line number of the first of them."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.first_line = 1

    def add(self, line: str, number: int) -> None:
        if not self.lines:
            self.first_line = number
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def run_piped(session: Session, lines: Iterable[str]) -> int:
    """Run every input in ``lines``; returns 0 when all succeeded, 1 otherwise."""
    pending = _Input()
    held: _Input | None = None  # a finished if block that may still get its else
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if held is not None:
            if _NOTHING.fullmatch(line):
                held.add(line, number)
                continue
            if _ELSE.match(line):
                pending, held = held, None
            else:
                _run(session, held)
                held = None
                if session.finished:
                    return _status(session)
        pending.add(line, number)
        if not is_complete(pending.text, blank_lines_run=False):
            continue
        finished, pending = pending, _Input()
        if not finished.text.strip():
            continue
        if awaits_else(finished.text):
            held = finished
            continue
        _run(session, finished)
        if session.finished:
            return _status(session)
    for rest in (held, pending):
        if rest is not None and rest.text.strip() and not session.finished:
            _run(session, rest)
    return _status(session)


def _run(session: Session, given: _Input) -> None:
    execute(session, given.text, first_line=given.first_line)


def _status(session: Session) -> int:
    return 0 if session.failures == 0 else 1
