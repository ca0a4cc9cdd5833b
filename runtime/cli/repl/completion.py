"""Tab completion: meta-commands, keywords, variables and functions in scope, built-in
functions, ``zoho.*`` system variables, methods after ``.`` (by the receiver's type when it
is a variable with a value or a text literal) and connection link names inside
``connection: "``.

:func:`candidates` holds the logic on plain strings; :class:`DelugeCompleter` adapts it to
prompt_toolkit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from cloudburst.highlight import TASKS, grammar_keywords
from cloudburst.cli.repl.commands import COMMANDS
from cloudburst.cli.repl.scan import CODE, scan
from cloudburst.cli.repl.session import Session
from cloudburst.stdlib import REGISTRY
from cloudburst.stdlib.registry import TYPES, Builtin
from cloudburst.values import type_name

__all__ = ["Candidate", "candidates", "DelugeCompleter"]

_WORD = re.compile(r"[A-Za-z_$][\w$]*\Z")
_METHOD = re.compile(r"""(?P<recv>[A-Za-z_$][\w$]*|"(?:[^"\\\n]|\\.)*"|[)\]}])\s*\.\s*(?P<part>[A-Za-z_]\w*)?\Z""")
_SYSTEM = re.compile(r"(?<![\w$.])zoho\.(?P<part>[\w.]*)\Z", re.IGNORECASE)
_CONNECTION = re.compile(r"""connection\s*:\s*"(?P<part>[^"\n]*)\Z""", re.IGNORECASE)
_COMMAND = re.compile(r"\s*:(?P<part>\w*)\Z")
_LOAD = re.compile(r"\s*:load\s+(?P<part>.*)\Z", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """Replace the last ``replace`` characters before the cursor with ``text``."""

    text: str
    replace: int
    meta: str = ""


def candidates(before: str, session: Session, link_names: Callable[[], list[str]],
               requested: bool = False) -> list[Candidate]:
    """What may complete ``before`` (the text left of the cursor). ``requested`` (Tab) also
    lists every name when no word has been started."""
    command = _COMMAND.match(before)
    if command is not None and "\n" not in before:
        part = command.group("part")
        return [Candidate(c.name, len(part), c.help) for c in COMMANDS if c.name.startswith(part.lower())]
    if before.lstrip().startswith(":"):
        return []
    connection = _CONNECTION.search(before)
    if connection is not None:
        part = connection.group("part")
        return [Candidate(name, len(part), "connection") for name in link_names() if name.startswith(part)]
    if scan(before).ends_in != CODE:
        return []
    system = _SYSTEM.search(before)
    if system is not None:
        part = system.group("part")
        return [Candidate(v.name[5:], len(part), v.doc) for key, v in sorted(REGISTRY.system.items())
                if key.startswith("zoho.") and key[5:].startswith(part.lower())]
    method = _METHOD.search(before)
    if method is not None:
        part = method.group("part") or ""
        receiver = _receiver_type(method.group("recv"), session)
        return [Candidate(name, len(part), b.signature) for name, b in _methods(receiver)
                if name.lower().startswith(part.lower())]
    word = _WORD.search(before)
    part = word.group(0) if word is not None else ""
    if not part and not requested:
        return []
    found: dict[str, Candidate] = {}
    for c in _names(session, len(part)):
        if c.text.lower().startswith(part.lower()) and c.text != part:
            found.setdefault(c.text.lower(), c)  # a user's name first, then built-ins, then keywords
    return list(found.values())


def _receiver_type(receiver: str, session: Session) -> type | None:
    """The Python type of the receiver when it is known: a session variable or a text literal."""
    if receiver.startswith('"'):
        return str
    if receiver in session.variables:
        return type(session.variables[receiver])
    return None


def _methods(receiver: type | None) -> list[tuple[str, Builtin]]:
    """Method names (each spelling once) applicable to ``receiver`` (all of them if unknown)."""
    seen: dict[str, tuple[str, Builtin]] = {}
    for b in REGISTRY.builtins:
        if not b.receiver:
            continue
        if receiver is not None and not any(receiver in TYPES[r] for r in b.receiver):
            continue
        for name in b.names:
            seen.setdefault(name.lower(), (name, b))
    return sorted(seen.values(), key=lambda item: item[0].lower())


def _names(session: Session, replace: int) -> Iterator[Candidate]:
    for name, value in sorted(session.variables.items()):
        yield Candidate(name, replace, type_name(value))
    for fn in sorted(session.function_names()):
        yield Candidate(fn, replace, "function")
    functions: dict[str, Builtin] = {}
    for b in REGISTRY.builtins:
        if "function" in b.forms:
            for name in b.names:
                functions.setdefault(name.lower(), b)
    for key in sorted(functions):
        b = functions[key]
        spelled = next(name for name in b.names if name.lower() == key)
        yield Candidate(spelled, replace, b.signature)
    yield Candidate("zoho", replace, "system variables")
    for kw in (*grammar_keywords().all, *TASKS):
        yield Candidate(kw, replace, "keyword")


class DelugeCompleter(Completer):
    """prompt_toolkit completer over :func:`candidates`; ``:load`` completes file paths."""

    def __init__(self, session: Session, link_names: Callable[[], list[str]]) -> None:
        self.session = session
        self.link_names = link_names
        self._paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        before = document.text_before_cursor
        load = _LOAD.match(before)
        if load is not None:
            part = load.group("part")
            yield from self._paths.get_completions(Document(part, len(part)), complete_event)
            return
        for c in candidates(before, self.session, self.link_names, complete_event.completion_requested):
            yield Completion(c.text, start_position=-c.replace, display_meta=c.meta)
