"""A tighter driver for lark's LALR tables and contextual lexer, for input that parses.

Lark's own loop pays per token for generality we do not use: a generator between lexer and
parser, a rule object hashed and compared on every reduction (the cached tables hold copies
of the rules the callbacks are keyed by), a line counter object, keyword-argument token
construction. This driver runs the same tables, the same per-state scanners (lark's, or
the lazy ones of :mod:`cloudburst.lexing`) and the same rule callbacks, in the same order,
with those costs hoisted out of the loop: the tokens, the reductions and so the built tree
are exactly lark's.

It handles only the success path. On input lark would reject (no terminal matches, no
action for a token) it raises :class:`Mismatch` at that point and the caller parses again
with lark's own loop, which raises lark's exception with lark's details (expected sets,
interactive parser) for the error messages.
"""

from __future__ import annotations

from typing import Any

from cloudburst.larkimport import Lark, Shift, Token

__all__ = ["Driver", "Mismatch"]


class Mismatch(Exception):
    """The input is not in the language: parse it with lark's loop for the error."""


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
        rules: dict[Any, tuple[int, Any, str]] = {}
        #: state -> {symbol: next state (shift/goto) or (size, callback, origin) (reduce)}
        self._actions: dict[Any, dict[str, Any]] = {}
        for state, acts in table.states.items():
            row: dict[str, Any] = {}
            for symbol, (action, arg) in acts.items():
                if action is Shift:
                    row[symbol] = arg
                else:
                    reduce = rules.get(arg)
                    if reduce is None:
                        reduce = rules[arg] = (len(arg.expansion), callbacks[arg], arg.origin.name)
                    row[symbol] = reduce
            self._actions[state] = row
        self._lexers = frontend.lexer.lexers
        #: state -> [the joined expression's match once compiled, scanner, callbacks, ignored, multi-line]
        self._lex_info: dict[Any, list[Any]] = {}

    def _lex_for(self, state: Any) -> list[Any]:
        basic = self._lexers[state]
        scanner = basic.scanner  # builds the callbacks (keywords NAME also matches) too
        info = [None, scanner, basic.callback, basic.ignore_types, basic.newline_types]
        self._lex_info[state] = info
        return info

    def parse(self, source: str) -> Any:
        """The value of the start rule (what lark's ``parse`` returns), or :class:`Mismatch`."""
        from lark.utils import TextSlice

        text = TextSlice(source, 0, len(source))
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
                match = info[0]
                if match is None:
                    scanner = info[1]
                    mres = scanner._mres
                    if mres is not None and len(mres) == 1:  # the lazy scanner is past its single-terminal phase
                        match = info[0] = mres[0].match
                if match is not None:
                    m = match(source, pos)
                    if m is None:
                        raise Mismatch
                    value, kind = m.group(), m.lastgroup
                else:
                    found = scanner.match(text, pos)
                    if not found:
                        raise Mismatch
                    value, kind = found
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
                size, callback, origin = action
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
