"""Pygments lexer for Deluge, used by the REPL and registered as the ``deluge`` Pygments
plugin (``pygmentize -l deluge script.dg``).

The keyword lists are read from the grammar's keyword terminals, so highlighting and
completion never drift from what the parser accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["DelugeLexer", "Keywords", "grammar_keywords", "TASKS"]

#: Bracketed tasks the runtime serves (``invokeurl [ ... ]``).
TASKS = ("invokeurl", "sendmail")

#: Keyword terminals of the grammar and the class each one belongs to.
#: ``bygroups`` is untyped in the Pygments stubs.
_groups: Callable[..., Any] = bygroups

_CONSTANTS = {"TRUE", "FALSE", "NULL"}
_OPERATOR_WORDS = {"OR_OP", "AND_OP", "NOT", "IN"}
_TERMINAL = re.compile(r"^([A-Z_]+)\.\d+:\s*(.*)$", re.M)
_WORD_GROUP = re.compile(r"\(\?i:([a-z|\-]+)\)")


@dataclass(frozen=True)
class Keywords:
    """The grammar's keywords, split by role (all lower case)."""

    statements: tuple[str, ...]
    types: tuple[str, ...]
    constants: tuple[str, ...]
    operators: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(sorted({*self.statements, *self.types, *self.constants, *self.operators}))


@lru_cache(maxsize=1)
def grammar_keywords() -> Keywords:
    """Keywords from the ``(?i:...)`` groups of the grammar's prioritised terminals."""
    grammar = resources.files("cloudburst.grammar").joinpath("deluge.lark").read_text(encoding="utf-8")
    statements: set[str] = set()
    types: set[str] = set()
    constants: set[str] = set()
    operators: set[str] = set()
    for terminal, body in _TERMINAL.findall(grammar):
        found = {w for group in _WORD_GROUP.findall(body) for w in group.split("|")}
        if terminal in ("TYPE_NAME", "TYPED_CTOR"):
            types |= found
        elif terminal in _CONSTANTS:
            constants |= found
        elif terminal in _OPERATOR_WORDS:
            operators |= found
        elif terminal not in ("UI_SUFFIX", "ATTACH_PREFIX"):
            statements |= found
    return Keywords(tuple(sorted(statements)), tuple(sorted(types)), tuple(sorted(constants)), tuple(sorted(operators)))


def _tokens() -> dict[str, Any]:
    kw = grammar_keywords()
    end = r"(?![A-Za-z0-9_$])"
    return {
        "root": [
            # A task key at the start of a line: `url: "..."`, `content type: "..."`.
            (r"^([ \t]*)([A-Za-z_][\w\-]*(?:[ \t]+[A-Za-z_][\w\-]*)*)([ \t]*)(:)(?!=)",
             _groups(Whitespace, Name.Label, Whitespace, Punctuation)),
            (r"\n", Whitespace),
            (r"[ \t\r\f]+", Whitespace),
            (r"//[^\n]*", Comment.Single),
            (r"/\*", Comment.Multiline, "comment"),
            (r'"', String.Double, "string"),
            (r"'[^'\n]*'", Literal.Date),
            (r"[0-9]+\.[0-9]+", Number.Float),
            (r"[0-9]+", Number.Integer),
            (r"(zoho)(\.)([A-Za-z_][\w.]*)", _groups(Name.Builtin.Pseudo, Punctuation, Name.Builtin.Pseudo)),
            (words(kw.constants, suffix=end), Keyword.Constant),
            (words(kw.operators, suffix=end), Operator.Word),
            (words(kw.types, suffix=end + r"(?=[ \t]+[A-Za-z_]|[ \t]*\()"), Keyword.Type),
            (words(kw.statements, suffix=end), Keyword),
            (words(TASKS, suffix=end), Keyword.Reserved),
            (r"(\.)([A-Za-z_$][\w$]*)(?=\s*\()", _groups(Punctuation, Name.Function)),
            (r"[A-Za-z_$][\w$]*(?=\s*\()", Name.Function),
            (r"(\.)([A-Za-z_$][\w$]*)", _groups(Punctuation, Name.Attribute)),
            (r"[A-Za-z_$][\w$]*", Name),
            (r"\+=|-=|\*=|/=|%=|==|!=|<=|>=|&&|\|\||[-+*/%<>=!]", Operator),
            (r"[{}()\[\],;:.]", Punctuation),
        ],
        "string": [
            (r'\\(?:u[0-9a-fA-F]{4}|.)', String.Escape),
            (r'[^"\\]+', String.Double),
            (r'"', String.Double, "#pop"),
        ],
        "comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
    }


class DelugeLexer(RegexLexer):
    """Zoho Deluge scripts (keywords are case-insensitive, as in Zoho's editor)."""

    name = "Deluge"
    aliases: ClassVar[list[str]] = ["deluge", "dg"]
    filenames: ClassVar[list[str]] = ["*.dg", "*.deluge", "*.ds"]
    mimetypes: ClassVar[list[str]] = ["text/x-deluge"]
    url = "https://www.zoho.com/deluge/"
    flags = re.IGNORECASE | re.MULTILINE
    #: Pygments' own ``dg`` language also claims ``*.dg``; without content to look at,
    #: prefer Deluge.
    priority = 0.1
    tokens = _tokens()

    @staticmethod
    def analyse_text(text: str) -> float:
        """How much ``text`` looks like Deluge (for ``*.dg`` and content guessing)."""
        score = 0.0
        if _DELUGE_MARKERS.search(text):
            score += 0.5
        if _STATEMENT_END.search(text):
            score += 0.2
        return score


_DELUGE_MARKERS = re.compile(r"^\s*info\s|\binvokeurl\b|\bzoho\.\w|\bfor\s+each\b", re.IGNORECASE | re.MULTILINE)
_STATEMENT_END = re.compile(r";[ \t]*(?://.*)?$", re.MULTILINE)
