"""``cloudburst fmt``: one canonical layout for Deluge source.

The layout follows Zoho's own samples: block braces on lines of their own, one tab per
block level, one statement per line, one space around binary operators and after commas
and colons, no space inside brackets, ``else`` on the line after ``}``. The user's line
breaks inside a statement are kept (a long call or a task block stays as laid out, only
re-indented); every comment and every blank-line group (at most one blank line) is kept.

It works on tokens, not on the syntax tree, because the tree has no comments. Safety comes
from the parser instead: :func:`format_source` parses the input and the output and refuses
(:class:`FormatError`) unless both give the same tree, so formatting can never change what a
script means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

__all__ = ["FormatError", "format_source", "same_program"]

_CTOR = re.compile(r"(?i:list|collection|map):[ \t]*[A-Za-z]+(?=[ \t]*\()")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[ \t]*-[ \t]*[A-Za-z_][A-Za-z0-9_]*"
                  r"|[ \t]+[A-Za-z_][A-Za-z0-9_]*)*[ \t]*:(?![=:])")
_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\f\u00a0\ufeff]+)
  | (?P<nl>\n)
  | (?P<line>//[^\n]*)
  | (?P<block>/\*(?:[^*]|\*(?!/))*\*/)
  | (?P<text>"(?:[^"\\]|\\.)*")
  | (?P<date>'[^'\n]*')
  | (?P<number>[0-9]*\.[0-9]+|[0-9]+)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<op>\+=|-=|\*=|/=|%=|==|!=|<=|>=|&&|\|\||[-+*/%<>=!])
  | (?P<punct>[{}()\[\],;:.])
  | (?P<other>.)
""", re.X | re.S)

#: Words after which ``{`` opens a literal (a list or map), not a block.
_EXPRESSION_WORDS = frozenset({"return", "info", "in", "contains", "and", "or", "not", "to", "from",
                               "by", "with", "if", "while", "for", "each", "put"})
#: Words written straight against ``(`` like a call: ``if(x)``, as Zoho's editor does.
_CALL_LIKE = frozenset({"if", "while", "catch", "for"})
_TASK_WORDS = frozenset({"invokeurl", "sendmail", "invokeapi"})
_OPENERS = {"(": ")", "[": "]", "{": "}"}


class FormatError(Exception):
    """The source cannot be formatted safely (it does not parse, or formatting would
    change its meaning); the file is left as it is."""


@dataclass
class _Tok:
    kind: str
    text: str
    newline_before: int = 0  # line breaks in the source between this token and the previous one
    unary: bool = False


def _tokens(source: str) -> Iterator[_Tok]:
    pending = 0
    pos, length = 0, len(source)
    while pos < length:
        at_word_start = pos == 0 or not (source[pos - 1].isalnum() or source[pos - 1] in "_$.")
        ctor = _CTOR.match(source, pos) if at_word_start else None
        if ctor:
            yield _Tok("word", re.sub(r"[ \t]+", "", ctor.group()), pending)
            pending, pos = 0, ctor.end()
            continue
        key = _KEY.match(source, pos) if at_word_start else None
        if key:
            words = re.sub(r"[ \t]*-[ \t]*", "-", key.group()[:-1].strip())
            yield _Tok("key", re.sub(r"[ \t]+", " ", words) + ":", pending)
            pending, pos = 0, key.end()
            continue
        m = _TOKEN.match(source, pos)
        assert m is not None  # the last alternative matches any character
        pos = m.end()
        kind = m.lastgroup or "other"
        if kind == "ws":
            continue
        if kind == "nl":
            pending += 1
            continue
        yield _Tok(kind, m.group(), pending)
        pending = 0


class _Layout:
    """Turns the token stream into lines; the state is what the next token needs to know."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line: list[str] = []
        self.line_indent = 0
        self.depth = 0  # block nesting
        self.brackets: list[str] = []  # open brackets inside the current statement
        self.prev: _Tok | None = None
        self.in_statement = False

    # lines

    def flush(self) -> None:
        if self.line:
            self.lines.append("\t" * max(self.line_indent, 0) + "".join(self.line).rstrip())
            self.line = []

    def start_line(self, tok: _Tok) -> None:
        self.flush()
        if tok.newline_before >= 2 and self.lines and not self.lines[-1].endswith("{") and self.lines[-1] != "":
            self.lines.append("")
        closing = tok.text in (")", "]", "}") and tok.kind == "punct"
        continuation = self.in_statement and not self.brackets and tok.text not in ("[", "{")
        self.line_indent = self.depth + len(self.brackets) - (1 if closing and self.brackets else 0) \
            + (1 if continuation else 0)

    def emit(self, tok: _Tok) -> None:
        if not self.line:
            self.line.append(tok.text)
        else:
            if self.space_between(self.prev, tok):
                self.line.append(" ")
            self.line.append(tok.text)
        self.prev = tok

    # decisions

    def is_block_brace(self) -> bool:
        prev = self.prev
        if self.brackets:
            return False
        if prev is None or prev.kind in ("line", "block"):
            return True
        if prev.kind == "punct":
            return prev.text in (")", "}", "]", ";")
        if prev.kind in ("op", "key"):
            return False
        if prev.kind == "word":
            return prev.text.lower() not in _EXPRESSION_WORDS
        return True  # text, number or date ending a `for each` header

    def unary(self, tok: _Tok) -> bool:
        prev = self.prev
        if tok.text == "!":
            return True
        if prev is None or not self.line:
            return True
        if prev.kind in ("op", "key"):
            return True
        if prev.kind == "punct":
            return prev.text in ("(", "[", "{", ",", ":", ";")
        return prev.kind == "word" and prev.text.lower() in _EXPRESSION_WORDS

    @staticmethod
    def space_between(prev: _Tok | None, tok: _Tok) -> bool:
        if prev is None:
            return False
        p, t = prev.text, tok.text
        if tok.kind in ("line", "block") or prev.kind == "key":
            return True
        if tok.kind == "punct" and t in (")", "]", "}", ",", ";", ".", ":"):
            return False
        if prev.kind == "punct" and p in ("(", "[", "{", "."):
            return False
        if prev.kind == "op":
            return not prev.unary
        if tok.kind == "op":
            return True
        if t == "(":
            if prev.kind == "word":
                return p.lower() not in _CALL_LIKE and _is_keyword(p)
            return not (prev.kind == "punct" and p in (")", "]"))
        if t == "[":
            if prev.kind == "word":  # `invokeurl [` is a task; `Orders[...]` criteria
                return p.lower() in _TASK_WORDS or _is_keyword(p)
            return not (prev.kind == "punct" and p in (")", "]"))
        if prev.kind == "punct" and p == ":" and t.lower() == "ui":
            return False
        return True


def _is_keyword(word: str) -> bool:
    from cloudburst.highlight import grammar_keywords

    return word.lower() in grammar_keywords().all


def layout(source: str) -> str:
    """The canonical layout of ``source`` (no parse check: see :func:`format_source`)."""
    out = _Layout()
    for tok in _tokens(source):
        text = tok.text
        if tok.kind == "op" and text in ("-", "+", "!"):
            tok.unary = out.unary(tok)
        if tok.kind == "punct" and text == ";" and not out.line and out.lines:
            out.lines[-1] += ";"  # `};` after a block brace stays on the brace's line
            continue
        if tok.kind == "line":
            if not tok.newline_before and not out.line and out.lines and out.lines[-1]:
                out.lines[-1] += " " + text  # a trailing comment stays on its statement's line
                continue
            if tok.newline_before or not out.line:
                out.start_line(tok)
            out.emit(tok)
            out.flush()
            continue
        if tok.kind == "block" and (tok.newline_before or not out.line):
            out.start_line(tok)
            out.emit(tok)
            if "\n" in text:
                out.flush()
            continue
        if tok.kind == "punct" and text == "{" and out.is_block_brace():
            out.flush()
            out.in_statement = False
            tok.newline_before = 1
            out.start_line(tok)
            out.emit(tok)
            out.flush()
            out.depth += 1
            continue
        if tok.kind == "punct" and text == "}" and not out.brackets:
            out.flush()
            out.depth = max(out.depth - 1, 0)
            out.in_statement = False
            tok.newline_before = 1
            out.start_line(tok)
            out.emit(tok)
            out.flush()
            continue
        if not out.line or tok.newline_before:
            out.start_line(tok)
        out.emit(tok)
        if tok.kind == "punct" and text in _OPENERS:
            out.brackets.append(text)
        elif tok.kind == "punct" and text in (")", "]", "}") and out.brackets:
            out.brackets.pop()
            if text == "]" and not out.brackets and tok.newline_before:
                # A task block's closing `]` on its own line ends the statement: `sendmail [...]`
                # needs no `;`, and a `;` that follows joins this line.
                out.flush()
                out.in_statement = False
                continue
        out.in_statement = True
        if tok.kind == "punct" and text == ";" and not out.brackets:
            out.flush()
            out.in_statement = False
    out.flush()
    lines = out.lines
    while lines and lines[-1] == "":
        lines.pop()
    cleaned = [line for i, line in enumerate(lines)
               if line or (i + 1 < len(lines) and lines[i + 1].strip() != "}")]
    return "\n".join(cleaned) + "\n" if cleaned else ""


def _shape(value: Any) -> Any:
    """A node tree as plain data, without source positions."""
    if isinstance(value, (list, tuple)):
        return tuple(_shape(v) for v in value)
    fields = getattr(value, "__dataclass_fields__", None)
    names = list(fields) if fields else [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())]
    if not names:
        return value
    return (type(value).__name__,) + tuple((name, _shape(getattr(value, name, None))) for name in names
                                           if "span" not in name and name not in ("line", "column"))


def same_program(a: str, b: str) -> bool:
    """Whether two sources parse to the same tree, positions aside."""
    from cloudburst.parser import parse

    return bool(_shape(parse(a)) == _shape(parse(b)))


def format_source(source: str, name: str = "<script>") -> str:
    """Format a script. Raises :class:`cloudburst.errors.DelugeSyntaxError` when it does not
    parse and :class:`FormatError` if the layout would change its meaning."""
    from cloudburst.parser import parse

    before = _shape(parse(source, name))
    formatted = layout(source)
    try:
        after = _shape(parse(formatted, name))
    except Exception as exc:  # the layout broke the syntax: a formatter bug, never the user's
        raise FormatError(f"{name}: not formatted: the canonical layout would not parse ({exc})") from None
    if before != after:
        raise FormatError(f"{name}: not formatted: the canonical layout would change the program")
    return formatted
