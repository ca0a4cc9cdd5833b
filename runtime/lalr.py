"""The LALR parse of input that parses, run from plain tables without importing lark.

Lark analyses the grammar into LALR tables and a contextual lexer, and shapes each reduced
rule's children (dropping filtered tokens, inlining ``_rule`` children, ``[x]``
placeholders, ``?rule`` single-child expansion) before calling the transformer.
:mod:`cloudburst.lalrtables` reads all of that out of a loaded lark parser as plain data;
this driver runs it, so a script that parses never imports lark (importing and loading
lark was most of a first run's start-up). Its tokens, reductions and shaped children, and
so the built tree, are exactly lark's: a differential test compares both on every script
we have, whole and cut off.

It lexes with each state's terminals in lark's order, trying only those that can start with
the next character, which finds what lark's joined per-state expression finds (its first
alternative that matches) without compiling it. On input lark would reject it raises
:class:`Mismatch` at that point: lark's own loop then parses again for lark's error details.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FORMAT", "Driver", "Mismatch", "Token"]

#: The layout of the tables the driver runs: part of the key their kept copy is found by.
FORMAT = 1


class Mismatch(Exception):
    """The input is not in the language: parse it with lark's loop for the error."""


class Token(str):
    """A lexed token: its text, terminal name and where it lies (lark's token attributes)."""

    __slots__ = ("type", "start_pos", "value", "line", "column", "end_line", "end_column", "end_pos")

    type: str
    start_pos: int
    value: str
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class _Inline:
    """The value of a ``_rule`` (or of a rule the transformer has no method for): lark's
    ``Tree``, whose children the enclosing rule takes in its place."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data, self.children = data, children

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


_new_str = str.__new__


def _shaped(spec: list[Any], transformer: Any) -> tuple[Any, bool]:
    """A rule's callback: lark's child filter, single-child expansion and node builder (the
    filter in its cheapest form: none, picking children, or lark's general loop); and whether
    it builds a syntax node (calls the transformer), which is what the budget counts."""
    size, _origin, expand1, include, append_none, kind, name = spec
    if kind == "tree":
        def build(children: list[Any]) -> Any:
            return _Inline(name, children)
    else:
        build = getattr(transformer, name)
    steps = None if include is None else tuple((i, bool(expand), nones) for i, expand, nones in include)
    picks = None
    if steps is not None and not append_none and not any(expand or nones for _i, expand, nones in steps):
        picks = tuple(i for i, _e, _n in steps)
        if picks == tuple(range(size)):
            steps = picks = None  # keeps every child as it is
    if expand1 and picks is not None and len(picks) == 1:
        (pick,) = picks

        def picked(children: list[Any]) -> Any:  # one child kept: it is the value
            return children[pick]

        return picked, False
    if expand1:
        inner = build

        def build(children: list[Any]) -> Any:
            return children[0] if len(children) == 1 else inner(children)
    counts = kind != "tree"
    if steps is None:
        return build, counts
    node = build
    if picks is not None:
        def chosen(children: list[Any]) -> Any:
            return node([children[i] for i in picks])

        return chosen, counts
    trailing = [None] * append_none

    def filtered(children: list[Any]) -> Any:
        out: list[Any] = []
        for i, expand, nones in steps:
            if nones:
                out += [None] * nones
            if expand:
                if out:
                    out += children[i].children
                else:  # lark's left-recursion shortcut: take the inlined list itself
                    out = children[i].children
            else:
                out.append(children[i])
        if trailing:
            out += trailing
        return node(out)

    return filtered, counts


class _Keywords:
    """Which string terminal, if any, a token's whole text spells (lark's ``unless``
    callback: keywords that a NAME-like expression also matches). ASCII text is looked up
    (exactly, or lowered for a case-insensitive literal); other text goes through the
    terminals' expressions, since ``re``'s case folding matches ``ı`` to ``i``."""

    __slots__ = ("_exact", "_folded", "_patterns", "_compiled", "_flags")

    def __init__(self, terminals: list[Any], flags: int) -> None:
        self._exact: dict[str, tuple[int, str]] = {}
        self._folded: dict[str, tuple[int, str]] = {}
        for order, (name, _regexp, exact, folded) in enumerate(terminals):
            if exact is not None:
                self._exact.setdefault(exact, (order, name))
            elif folded is not None:
                self._folded.setdefault(folded, (order, name))
        self._patterns = [(regexp, name) for name, regexp, _e, _f in terminals]
        self._compiled: list[tuple[Any, str]] | None = None
        self._flags = flags
        if len(self._exact) + len(self._folded) < len(terminals):  # a literal with other flags
            self._exact = self._folded = {}

    def __call__(self, token: Token) -> Token:
        value = token.value
        if value.isascii() and (self._exact or self._folded):
            exact, folded = self._exact.get(value), self._folded.get(value.lower())
            hit = exact if folded is None or (exact is not None and exact < folded) else folded
            if hit is not None:
                token.type = hit[1]
            return token
        if self._compiled is None:
            self._compiled = [(re.compile(regexp, self._flags).fullmatch, name) for regexp, name in self._patterns]
        for fullmatch, name in self._compiled:
            if fullmatch(value):
                token.type = name
                break
        return token


class Driver:
    """Parses with tables from :func:`cloudburst.lalrtables.extract`, calling ``transformer``'s
    rule methods as lark would."""

    def __init__(self, tables: dict[str, Any], transformer: Any) -> None:
        self._start, self._end = tables["start"], tables["end"]
        self._flags = tables["flags"]
        rules = []
        for spec in tables["rules"]:
            size, origin, expand1, include = spec[0], spec[1], spec[2], spec[3]
            # `?rule: item` of one child: the child is the value, only the state changes.
            unit = size == 1 and expand1 and include is None
            rules.append((size, *_shaped(spec, transformer), origin, unit))
        #: state -> {symbol: next state (shift) or (size, callback, counts, origin, unit) (reduce)}
        self._actions = [{symbol: rules[~arg] if arg < 0 else arg for symbol, arg in row.items()}
                         for row in tables["actions"]]
        self._lexer_specs = tables["lexers"]
        self._state_lexer = tables["state_lexer"]
        self._matches: dict[str, Any] = {}
        self._lexers: dict[int, list[Any]] = {}
        #: state -> [char -> candidates, terminals, callbacks, ignored, multi-line]
        self._lex_info: dict[int, list[Any]] = {}

    def _lex_for(self, state: int) -> list[Any]:
        index = self._state_lexer[state]  # states accepting the same terminals share a lexer, as in lark
        info = self._lexers.get(index)
        if info is None:
            terminals, unless, ignore, newline = self._lexer_specs[index]
            callbacks = {name: _Keywords(spelled, self._flags) for name, spelled in unless.items()}
            #: char -> the terminals (literal, match, name) that can start with it, in lark's order
            by_char: dict[str, tuple[tuple[Any, Any, str], ...]] = {}
            info = self._lexers[index] = [by_char, terminals, callbacks, frozenset(ignore), frozenset(newline)]
        self._lex_info[state] = info
        return info

    def _candidates(self, info: list[Any], char: str) -> tuple[tuple[Any, Any, str], ...]:
        ascii = char.isascii()
        found = info[0][char] = tuple(
            (literal, None if literal is not None else self._match(name, regexp), name)
            for name, literal, regexp, first in info[1] if not ascii or first is None or char in first)
        return found

    def _match(self, name: str, regexp: str) -> Any:
        """A terminal's compiled ``match``, compiled the first time a character needs it."""
        match = self._matches.get(name)
        if match is None:
            match = self._matches[name] = re.compile(regexp, self._flags).match
        return match

    def parse(self, source: str, budget: Any) -> Any:
        """The value of the start rule (what lark's ``parse`` returns), or :class:`Mismatch`.
        Each syntax node built spends one of ``budget.left``; past it, ``budget.spend()`` checks the
        caps (and may raise) and sets ``left`` again. Counted here, in a local, as it is paid
        on every reduction."""
        left = budget.left
        actions = self._actions
        lex_info = self._lex_info
        final = self._end
        end = len(source)
        pos, line, line_start = 0, 1, 0
        state = self._start
        states = [state]
        values: list[Any] = []
        while True:
            # -- the next token, lexed in the current parser state (lark's next_token) --
            token = None
            while pos < end:
                info = lex_info.get(state) or self._lex_for(state)
                char = source[pos]
                candidates = info[0].get(char) or self._candidates(info, char)
                for literal, match, kind in candidates:
                    if literal is not None:
                        if source.startswith(literal, pos):
                            value = literal
                            break
                    else:
                        m = match(source, pos)
                        if m is not None:
                            value = m.group()
                            break
                else:
                    raise Mismatch
                column = pos - line_start + 1
                start_line = line
                start_pos = pos
                pos += len(value)
                if kind in info[4]:
                    newlines = value.count("\n")
                    if newlines:
                        line += newlines
                        line_start = start_pos + value.rindex("\n") + 1
                ignored = kind in info[3]
                callback = info[2]
                if ignored and kind not in callback:
                    continue
                t = _new_str(Token, value)
                t.type, t.start_pos, t.value, t.line, t.column = kind, start_pos, value, start_line, column
                t.end_line, t.end_column, t.end_pos = line, pos - line_start + 1, pos
                if kind in callback:
                    t = callback[kind](t)
                if not ignored:
                    token = t
                    break
            kind = "$END" if token is None else token.type
            # -- feed it (lark's feed_token) --
            action = actions[state].get(kind)
            while action.__class__ is tuple:
                size, callback, counts, origin, unit = action
                if unit:  # the value stays; only the state changes
                    state = states[-1] = actions[states[-2]][origin]
                    if kind == "$END" and state == final:
                        return values[-1]
                    action = actions[state].get(kind)
                    continue
                if size:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                else:
                    children = []
                if counts:
                    left -= 1
                    if left < 0:
                        budget.spend()
                        left = budget.left
                value = callback(children)
                state = actions[states[-1]][origin]
                states.append(state)
                values.append(value)
                if kind == "$END" and state == final:
                    return values[-1]
                action = actions[state].get(kind)
            if action is None or kind == "$END":
                raise Mismatch
            state = action
            states.append(state)
            values.append(token)
