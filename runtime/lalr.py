"""A tighter driver for lark's LALR tables and contextual lexer, for input that parses.

Lark's own loop pays per token for generality we do not use: a generator between lexer and
parser, a rule object hashed and compared on every reduction (the cached tables hold copies
of the rules the callbacks are keyed by), a line counter object, keyword-argument token
construction, a call per one-child ``?rule`` reduction. This driver runs the same tables and
the same rule callbacks, in the same order. It lexes with each state's terminals in lark's
order, trying only those that can start with the next character (read from each terminal's
expression), which finds what lark's joined per-state expression finds without compiling
it. The tokens, the reductions and so the built tree are exactly lark's.

It handles only the success path. On input lark would reject (no terminal matches, no
action for a token) it raises :class:`Mismatch` at that point and the caller parses again
with lark's own loop, which raises lark's exception with lark's details (expected sets,
interactive parser) for the error messages.
"""

from __future__ import annotations

import re
from typing import Any

from cloudburst.larkimport import Lark, Shift, Token
from lark.parse_tree_builder import ExpandSingleChild  # loaded with lark by cloudburst.larkimport

__all__ = ["Driver", "Mismatch"]


class Mismatch(Exception):
    """The input is not in the language: parse it with lark's loop for the error."""


def first_chars(regexp: str, flags: int = 0) -> frozenset[str] | None:
    """The ASCII characters a match of ``regexp`` can start with, or None when that is not
    known (any character, a class such as ``\\w``, a case-insensitive non-ASCII letter).
    Always a superset: a terminal not listed for a character can never match there."""
    from re import _constants as sre
    from re import _parser as sre_parse

    def seq(items: Any, ignore_case: bool) -> tuple[set[str] | None, bool]:
        found: set[str] = set()
        for op, arg in items:
            first, nullable = item(op, arg, ignore_case)
            if first is None:
                return None, False
            found |= first
            if not nullable:
                return found, False
        return found, True

    def chars(codes: list[int], ignore_case: bool) -> set[str] | None:
        out: set[str] = set()
        for code in codes:
            c = chr(code)
            if ignore_case and not c.isascii():
                return None  # 'K' (Kelvin sign) matches 'k' when case is ignored
            out |= {c, c.lower(), c.upper()} if ignore_case else {c}
        return {c for c in out if c.isascii()}

    def item(op: Any, arg: Any, ignore_case: bool) -> tuple[set[str] | None, bool]:
        if op is sre.LITERAL:
            return chars([arg], ignore_case), False
        if op is sre.IN:
            codes: list[int] = []
            for kind, value in arg:
                if kind is sre.LITERAL:
                    codes.append(value)
                elif kind is sre.RANGE and value[1] - value[0] < 256:
                    codes.extend(range(value[0], value[1] + 1))
                else:  # a negation, a category (\d, \w), a wide range
                    return None, False
            return chars(codes, ignore_case), False
        if op is sre.SUBPATTERN:
            _group, add, remove, inner = arg
            ic = (ignore_case or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            return seq(inner, ic)
        if op is sre.BRANCH:
            found: set[str] = set()
            nullable = False
            for alternative in arg[1]:
                first, empty = seq(alternative, ignore_case)
                if first is None:
                    return None, False
                found |= first
                nullable = nullable or empty
            return found, nullable
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, inner = arg
            first, empty = seq(inner, ignore_case)
            return first, empty or low == 0
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return set(), True  # zero-width: a superset without it
        return None, False  # ANY, NOT_LITERAL, GROUPREF, ...

    parsed = sre_parse.parse(regexp, flags)
    first, nullable = seq(parsed.data, bool(parsed.state.flags & re.IGNORECASE))
    return None if first is None or nullable else frozenset(first)


_new_str = str.__new__


class Driver:
    """Parses with the tables of one ``Lark`` instance (LALR, contextual lexer)."""

    def __init__(self, lark: Lark) -> None:
        frontend = lark.parser
        lalr = frontend.parser
        table = lalr._parse_table
        callbacks = lalr.parser.callbacks
        start = lark.options.start[0]
        self._start = table.start_states[start]
        self._end = table.end_states[start]
        self._term_callbacks = {k: v for k, v in callbacks.items() if isinstance(k, str)}
        rules: dict[Any, tuple[int, Any, str, bool]] = {}
        #: state -> {symbol: next state (shift/goto) or (size, callback, origin, unit) (reduce)}
        self._actions: dict[Any, dict[str, Any]] = {}
        for state, acts in table.states.items():
            row: dict[str, Any] = {}
            for symbol, (action, arg) in acts.items():
                if action is Shift:
                    row[symbol] = arg
                else:
                    reduce = rules.get(arg)
                    if reduce is None:
                        callback = callbacks[arg]
                        size = len(arg.expansion)
                        # `?rule: item` of one child: lark's callback hands the child back.
                        unit = size == 1 and type(callback) is ExpandSingleChild
                        reduce = rules[arg] = (size, callback, arg.origin.name, unit)
                    row[symbol] = reduce
            self._actions[state] = row
        self._lexers = frontend.lexer.lexers
        self._flags = lark.lexer_conf.g_regex_flags
        self._firsts: dict[str, frozenset[str] | None] = {}
        self._matches: dict[str, Any] = {}
        self._by_lexer: dict[Any, list[Any]] = {}
        #: state -> [char -> candidates, [(match, name, first chars)], callbacks, ignored, multi-line]
        self._lex_info: dict[Any, list[Any]] = {}

    def _lex_for(self, state: Any) -> list[Any]:
        basic = self._lexers[state]  # lark shares one lexer among states that accept the same terminals
        info = self._by_lexer.get(basic)
        if info is None:
            scanner = basic.scanner  # builds the callbacks (keywords NAME also matches) too
            terminals = [(t, t.name, self._first(t)) for t in scanner.terminals]  # compiled when first tried
            #: char -> the terminals (match, name) that can start with it, in lark's order:
            #: trying them in turn finds what lark's joined expression finds (its first
            #: alternative that matches), without compiling that expression.
            by_char: dict[str, tuple[tuple[Any, str], ...]] = {}
            info = self._by_lexer[basic] = [by_char, terminals, basic.callback, basic.ignore_types, basic.newline_types]
        self._lex_info[state] = info
        return info

    def _candidates(self, info: list[Any], char: str) -> tuple[tuple[Any, str], ...]:
        ascii = char.isascii()
        found = info[0][char] = tuple((self._match(terminal), name) for terminal, name, first in info[1]
                                      if not ascii or first is None or char in first)
        return found

    def _match(self, terminal: Any) -> Any:
        """A terminal's compiled ``match``, compiled the first time a character needs it."""
        match = self._matches.get(terminal.name)
        if match is None:
            match = self._matches[terminal.name] = re.compile(terminal.pattern.to_regexp(), self._flags).match
        return match

    def _first(self, terminal: Any) -> frozenset[str] | None:
        key = terminal.name
        if key not in self._firsts:
            self._firsts[key] = first_chars(terminal.pattern.to_regexp(), self._flags)
        return self._firsts[key]

    def parse(self, source: str) -> Any:
        """The value of the start rule (what lark's ``parse`` returns), or :class:`Mismatch`."""
        actions = self._actions
        lex_info = self._lex_info
        term_callbacks = self._term_callbacks
        end = len(source)
        pos, line, line_start = 0, 1, 0
        state = self._start
        states = [state]
        values: list[Any] = []
        last: Token | None = None
        while True:
            # -- the next token, lexed in the current parser state (lark's next_token) --
            token = None
            while pos < end:
                info = lex_info.get(state) or self._lex_for(state)
                char = source[pos]
                candidates = info[0].get(char) or self._candidates(info, char)
                for match, kind in candidates:
                    m = match(source, pos)
                    if m is not None:
                        break
                else:
                    raise Mismatch
                value = m.group()
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
            if token is None:
                token = Token.new_borrow_pos("$END", "", last) if last is not None else Token("$END", "", 0, 1, 1)
            kind = token.type
            # -- feed it (lark's feed_token) --
            action = actions[state].get(kind)
            while action.__class__ is tuple:
                size, callback, origin, unit = action
                if unit:  # the value stays; only the state changes
                    state = states[-1] = actions[states[-2]][origin]
                    if kind == "$END" and state == self._end:
                        return values[-1]
                    action = actions[state].get(kind)
                    continue
                if size:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                else:
                    children = []
                value = callback(children)
                state = actions[states[-1]][origin]
                states.append(state)
                values.append(value)
                if kind == "$END" and state == self._end:
                    return values[-1]
                action = actions[state].get(kind)
            if action is None or kind == "$END":
                raise Mismatch
            state = action
            states.append(state)
            values.append(token if kind not in term_callbacks else term_callbacks[kind](token))
            last = token
