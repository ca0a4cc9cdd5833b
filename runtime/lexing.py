"""Lark's contextual lexer with scanners that cost nothing until a parser state is busy.

Lark builds one scanner per parser state the first time the state lexes a token: a regular
expression joining every terminal the state accepts, compiled by Python's ``re``. A short
script meets a few dozen states a handful of times each, and compiling those expressions
was a fifth of a first run's start-up. Here a state's scanner first tries the terminals one
by one, in lark's order (each terminal's own expression is compiled once and shared by all
states); after :data:`UNION_AFTER` tokens it compiles lark's joined expression and uses that.
Trying ``A``, then ``B``, ... and taking the first match is exactly what the joined
``(?P<A>...)|(?P<B>...)`` matches (Python's alternation takes the first alternative that
matches), so tokens are the same either way; only the cost moves.

Plugged in through lark's ``_plugins`` option (how lark-cython replaces these classes).
"""

from __future__ import annotations

import re
from copy import copy
from typing import Any

from lark.lexer import BasicLexer, CallChain, ContextualLexer, PatternRE, PatternStr, Scanner, UnlessCallback

__all__ = ["PLUGINS", "UNION_AFTER"]

#: Tokens a state lexes one terminal at a time before its joined expression is compiled.
UNION_AFTER = 48

_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}


def _pattern(terminal: Any, flags: int) -> re.Pattern[str]:
    regexp = terminal.pattern.to_regexp()
    key = (regexp, flags)
    compiled = _PATTERNS.get(key)
    if compiled is None:
        compiled = _PATTERNS[key] = re.compile(regexp, flags)
    return compiled


class _LazyScanner(Scanner):
    """A scanner whose joined expression is compiled only once the state is busy."""

    def __init__(self, terminals: list[Any], g_regex_flags: int, re_: Any, use_bytes: bool) -> None:
        self.terminals = terminals
        self.g_regex_flags = g_regex_flags
        self.re_ = re_
        self.use_bytes = use_bytes
        self.allowed_types = {t.name for t in terminals}
        self._mres: list[Any] | None = None
        self._singles: list[tuple[re.Pattern[str], str]] | None = None
        #: Whether the one-by-one phase is still to start: its patterns compile on the first
        #: match (the parse driver lexes with its own per-character lists, which compile
        #: only the terminals it tries; this scanner matches for lark's own loop).
        self._before_singles = not use_bytes
        self._uses = 0

    def _union(self) -> list[Any]:
        if self._mres is None:
            self._mres = self._build_mres(self.terminals, len(self.terminals))  # type: ignore[no-untyped-call]
            self._singles = None
            self._before_singles = False
        return self._mres

    def _single_patterns(self) -> list[tuple[re.Pattern[str], str]] | None:
        if self._before_singles:
            self._before_singles = False
            self._singles = [(_pattern(t, self.g_regex_flags), t.name) for t in self.terminals]
        return self._singles

    def match(self, text: Any, pos: int) -> Any:
        singles = self._single_patterns()
        if singles is not None:
            self._uses += 1
            if self._uses <= UNION_AFTER:
                source, end = text.text, text.end
                for pattern, name in singles:
                    m = pattern.match(source, pos, end)
                    if m:
                        return m.group(0), name
                return None
        self._union()
        return Scanner.match(self, text, pos)

    def fullmatch(self, text: str) -> str | None:
        singles = self._single_patterns()
        if singles is not None:
            for pattern, name in singles:
                if pattern.fullmatch(text):
                    return name
            return None
        self._union()
        found: str | None = Scanner.fullmatch(self, text)
        return found


_SPELLS: dict[tuple[str, str, str, str, int], bool] = {}


def _spells(retok: Any, strtok: Any, flags: int, re_: Any) -> bool:
    """Whether ``retok``'s expression matches all of ``strtok``'s text: the same answer in
    every parser state, so worked out once per pair (each state's lexer asks again)."""
    s = strtok.pattern.value
    regexp = retok.pattern.to_regexp()
    key = (retok.name, regexp, strtok.name, s, flags)
    found = _SPELLS.get(key)
    if found is None:
        m = re_.match(regexp, s, flags)
        found = _SPELLS[key] = bool(m and m.group(0) == s)
    return found


def _create_unless(terminals: list[Any], g_regex_flags: int, re_: Any, use_bytes: bool) -> tuple[list[Any], dict[str, Any]]:
    """lark's ``_create_unless`` (keywords that the NAME expression also matches become a
    check after NAME), building lazy scanners."""
    embedded = set()
    callback = {}
    strings = [t for t in terminals if isinstance(t.pattern, PatternStr)]
    for retok in (t for t in terminals if isinstance(t.pattern, PatternRE)):
        unless = []
        for strtok in strings:
            if strtok.priority != retok.priority:
                continue
            if _spells(retok, strtok, g_regex_flags, re_):
                unless.append(strtok)
                if strtok.pattern.flags <= retok.pattern.flags:
                    embedded.add(strtok)
        if unless:
            callback[retok.name] = UnlessCallback(_LazyScanner(unless, g_regex_flags, re_, use_bytes))
    return [t for t in terminals if t not in embedded], callback


class _LazyBasicLexer(BasicLexer):
    def _build_scanner(self) -> Scanner:
        terminals, self.callback = _create_unless(list(self.terminals), self.g_regex_flags, self.re, self.use_bytes)
        for type_, f in self.user_callbacks.items():
            if type_ in self.callback:
                self.callback[type_] = CallChain(self.callback[type_], f,  # type: ignore[no-untyped-call]
                                                 lambda t, type_=type_: t.type == type_)
            else:
                self.callback[type_] = f
        return _LazyScanner(terminals, self.g_regex_flags, self.re, self.use_bytes)


class _StateLexers(dict[Any, Any]):
    """Parser state → its lexer, built when the state first lexes: lark builds one per set of
    acceptable terminals for all ~350 states up front (a tenth of loading the parser), and
    a script meets a few dozen. Lexers are shared among states accepting the same terminals,
    as lark shares them."""

    def __init__(self, states: dict[Any, Any], make: Any) -> None:
        super().__init__()
        self._states = states
        self._make = make
        self._by_terminals: dict[frozenset[str], Any] = {}

    def __missing__(self, state: Any) -> Any:
        accepts = self._states[state]
        key = frozenset(accepts)
        lexer = self._by_terminals.get(key)
        if lexer is None:
            lexer = self._by_terminals[key] = self._make(accepts)
        self[state] = lexer
        return lexer


class _LazyContextualLexer(ContextualLexer):
    BasicLexer = _LazyBasicLexer

    def __init__(self, conf: Any, states: dict[Any, Any], always_accept: Any = ()) -> None:
        if not conf.skip_validation:  # a parser built from the grammar: lark validates every lexer
            super().__init__(conf, states, always_accept)
            return
        terminals = list(conf.terminals)
        by_name = conf.terminals_by_name
        root = copy(conf)
        root.terminals = terminals

        def make(accepts: Any) -> Any:  # what lark's __init__ builds for one state
            names = set(accepts) | set(conf.ignore) | set(always_accept)
            state_conf = copy(root)
            state_conf.terminals = [by_name[name] for name in names if name in by_name]
            return self.BasicLexer(state_conf, None)

        self.lexers = _StateLexers(states, make)
        self.root_lexer = self.BasicLexer(root, None)


#: lark's ``_plugins`` option value.
PLUGINS = {"ContextualLexer": _LazyContextualLexer}
