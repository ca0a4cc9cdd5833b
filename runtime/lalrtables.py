"""The parse driver's tables (:class:`cloudburst.lalr.Driver`), read out of a loaded lark parser.

Lark works out from the grammar: the LALR actions, each state's lexer (its terminals in
lark's order, the keyword checks after NAME-like terminals, what is ignored), and how each
reduced rule's children are shaped before the transformer sees them. :func:`extract`
copies all of it into plain data that ``marshal`` keeps (names as plain ``str``: lark's are
often its ``Token``), so a parse can load it without
importing lark. It reads lark's own objects rather than re-deriving lark's rules, and
refuses (:class:`Unsupported`) any shape it does not know, so a lark change cannot go
unnoticed.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from cloudburst.larkimport import Lark, Shift
from lark.lexer import PatternStr, UnlessCallback  # loaded with lark by cloudburst.larkimport
from lark.parse_tree_builder import ChildFilterLALR, ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.tree import Tree

__all__ = ["Unsupported", "extract"]

class Unsupported(Exception):
    """Lark built something the driver does not know how to run."""


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


def _literal(terminal: Any, flags: int) -> tuple[str | None, str | None]:
    """(exact text, lowered text) of a string terminal matched as is or ignoring case."""
    pattern = terminal.pattern
    if not isinstance(pattern, PatternStr) or flags:
        return None, None
    if not pattern.flags:
        return str(pattern.value), None
    if set(pattern.flags) == {"i"} and pattern.value.isascii():
        return None, str(pattern.value).lower()
    return None, None


def _rule(rule: Any, callback: Any, transformer: Any) -> list[Any]:
    """[size, origin, expand1, include, append_none, kind, name]: lark's wrapper chain for
    one rule (child filter, then single-child expansion, then the node builder)."""
    include, append_none = None, 0
    if type(callback) is ChildFilterLALR:
        include, append_none = [list(step) for step in callback.to_include], callback.append_none
        callback = callback.node_builder
    elif type(callback) is ChildFilterLALR_NoPlaceholders:
        include = [[i, expand, 0] for i, expand in callback.to_include]
        callback = callback.node_builder
    expand1 = type(callback) is ExpandSingleChild
    if expand1:
        callback = callback.node_builder
    if type(callback) is partial and callback.func is Tree and len(callback.args) == 1 and not callback.keywords:
        kind, name = "tree", str(callback.args[0])
    else:
        kind, name = "method", str(rule.alias or rule.options.template_source or rule.origin.name)
        if getattr(transformer, name, None) is not callback:
            raise Unsupported(f"rule {rule}: a callback that is not the transformer's {name!r}")
    return [len(rule.expansion), str(rule.origin.name), expand1, include, append_none, kind, name]


def _lexer(basic: Any, flags: int, firsts: dict[str, str | None]) -> list[Any]:
    """[terminals, keyword checks, ignored, multi-line] of one state's lexer; ``firsts``
    memoizes each expression's first characters (terminals recur in many lexers)."""
    terminals = []
    for t in basic.scanner.terminals:  # reading the scanner builds the callbacks too
        regexp = t.pattern.to_regexp()
        if regexp not in firsts:
            first = first_chars(regexp, flags)
            # as sorted text (``char in text``): the same bytes in every process
            firsts[regexp] = None if first is None else "".join(sorted(first))
        terminals.append([str(t.name), _literal(t, flags)[0], regexp, firsts[regexp]])
    unless = {}
    for name, callback in basic.callback.items():
        if type(callback) is not UnlessCallback:
            raise Unsupported(f"lexer callback {callback!r} for {name}")
        unless[str(name)] = [[str(t.name), t.pattern.to_regexp(), *_literal(t, flags)] for t in callback.scanner.terminals]
    return [terminals, unless, sorted(map(str, basic.ignore_types)), sorted(map(str, basic.newline_types))]


def extract(lark: Lark, transformer: Any) -> dict[str, Any]:
    """The driver's tables for ``lark`` (an LALR parser with the contextual lexer, loaded
    with ``transformer``)."""
    frontend = lark.parser
    table = frontend.parser._parse_table
    callbacks = frontend.parser.parser.callbacks
    if any(isinstance(key, str) for key in callbacks):
        raise Unsupported("transformer methods for terminals")
    count = len(table.states)
    if sorted(table.states) != list(range(count)):
        raise Unsupported("parser states that are not numbered 0..n-1")
    flags = lark.lexer_conf.g_regex_flags
    start = lark.options.start[0]
    rules: dict[Any, int] = {}
    specs: list[list[Any]] = []
    actions: list[dict[str, int]] = []
    for state in range(count):
        row: dict[str, int] = {}
        for symbol, (action, arg) in table.states[state].items():
            if action is Shift:
                row[str(symbol)] = arg
                continue
            index = rules.get(arg)
            if index is None:
                index = rules[arg] = len(specs)
                specs.append(_rule(arg, callbacks[arg], transformer))
            row[str(symbol)] = ~index  # a reduce: negative
        actions.append(row)
    lexers: list[list[Any]] = []
    by_lexer: dict[int, int] = {}
    state_lexer: list[int] = []
    firsts: dict[str, str | None] = {}
    for state in range(count):
        basic = frontend.lexer.lexers[state]
        index = by_lexer.get(id(basic))
        if index is None:
            index = by_lexer[id(basic)] = len(lexers)
            lexers.append(_lexer(basic, flags, firsts))
        state_lexer.append(index)
    return {"start": table.start_states[start], "end": table.end_states[start], "flags": flags,
            "actions": actions, "rules": specs, "lexers": lexers, "state_lexer": state_lexer}
