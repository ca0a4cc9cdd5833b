"""The REPL without a terminal (input piped in): statements are read line by line and run
as soon as they are finished; output is plain text, with no prompts or escape codes."""

from __future__ import annotations

from collections.abc import Iterable

from cloudburst.cli.repl.commands import execute
from cloudburst.cli.repl.incomplete import is_complete
from cloudburst.cli.repl.session import Session

__all__ = ["run_piped"]


def run_piped(session: Session, lines: Iterable[str]) -> int:
    """Run every input in ``lines``; returns 0 when all succeeded, 1 otherwise.

    An input ending in ``}`` waits for the next line, which may start with ``else``
    (script files often put ``else`` on its own line).
    """
    buffer: list[str] = []
    held: str | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if held is not None:
            if line.lstrip()[:4].lower() == "else":
                buffer = [held]
            else:
                execute(session, held)
                if session.finished:
                    return _status(session)
            held = None
        buffer.append(line)
        text = "\n".join(buffer)
        if not is_complete(text):
            continue
        buffer = []
        if not text.strip():
            continue
        if text.rstrip().endswith("}") and not text.lstrip().startswith(":"):
            held = text
            continue
        execute(session, text)
        if session.finished:
            return _status(session)
    for rest in (held, "\n".join(buffer)):
        if rest is not None and rest.strip() and not session.finished:
            execute(session, rest)
    return _status(session)


def _status(session: Session) -> int:
    return 0 if session.failures == 0 else 1
