"""Is an input finished? The parser decides: text whose only problem is that it stops too
early (an open brace, bracket, parenthesis, text or comment, or a statement without its
closing ``;``) keeps reading with a continuation prompt; anything else runs on Enter,
including input with a real syntax error, so the error shows at once.

Zoho's editor puts ``else`` and ``else if`` on their own line after ``}``, so a finished
input that ends in an ``if`` without ``else`` waits for one (:func:`awaits_else`), as
Python's REPL waits after an ``if`` block."""

from __future__ import annotations

import re

from cloudburst import nodes as n
from cloudburst.errors import DelugeSyntaxError
from cloudburst.parser import parse, parse_expression_or_program
from cloudburst.cli.repl.scan import BLOCK_COMMENT, scan

__all__ = ["is_complete", "awaits_else"]

_MISSING_SEMICOLON = re.compile(r"^missing ';' at the end of line (\d+)$")
_HEADER_WORDS = ("try", "else")
_TRAILING_NOISE = re.compile(r"(?:\s|//[^\n]*)+\Z")


def is_complete(text: str, *, blank_lines_run: bool = True) -> bool:
    """True when ``text`` should run now (it parses, or fails somewhere before its end).
    At a terminal, two empty lines run an unfinished input anyway (``blank_lines_run``)."""
    if text.lstrip().startswith(":") or not text.strip():
        return True
    if blank_lines_run and text.endswith("\n\n"):
        return True  # Enter on a second empty line: run it anyway and show the error
    if scan(text).ends_in == BLOCK_COMMENT:
        return False
    try:
        program, was_expression = parse_expression_or_program(text)
    except DelugeSyntaxError as exc:
        return not _fails_at_end(text, exc.message)
    return not (was_expression and _block_header(program))


def awaits_else(text: str) -> bool:
    """True when ``text`` parses and ends with an ``if`` block that has no ``else``: the
    next line may still be ``else`` or ``else if``, which belongs to it."""
    if text.lstrip().startswith(":"):
        return False
    try:
        program = parse(text, "<input>")
    except DelugeSyntaxError:
        return False
    if not program.body:
        return False
    last = program.body[-1]
    if not isinstance(last, n.If) or last.otherwise is not None:
        return False
    return all(fn.span.line < last.span.line for fn in program.functions)


def _block_header(program: n.Program) -> bool:
    """``if (x > 3)``, ``try`` or ``catch (e)`` alone parse as a bare expression (the
    ``if()`` function, a name); they are the start of a block whose ``{`` comes next."""
    info = program.body[0]
    assert isinstance(info, n.Info)
    expr = info.expr
    if isinstance(expr, n.Name):
        return expr.name.lower() in _HEADER_WORDS
    return isinstance(expr, n.Call) and expr.name.lower() in ("if", "catch") and len(expr.args) == 1


def _fails_at_end(text: str, message: str) -> bool:
    if "never closed" in message and "date literal" not in message:
        return True  # an open ( [ { or "..."
    if "the end of the script" in message:
        return True
    missing = _MISSING_SEMICOLON.match(message)
    if missing is not None:
        return int(missing.group(1)) == _last_line(text)
    return False


def _last_line(text: str) -> int:
    """The number of the last line holding code (trailing blanks and comments ignored)."""
    return _TRAILING_NOISE.sub("", text).count("\n") + 1
