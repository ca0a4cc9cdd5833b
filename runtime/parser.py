"""Source text → :class:`cloudburst.nodes.Program`.

Parses with the LALR grammar in ``cloudburst.grammar`` and builds our own nodes in the same
pass. Input that parses is run by :class:`cloudburst.lalr.Driver` from tables lark worked
out once (kept beside the grammar), so it never imports lark; input that does not is
parsed again by lark itself, whose exception :mod:`cloudburst.syntaxerrors` turns into a
friendly :class:`DelugeSyntaxError` (missing ``;``, unclosed braces, ``else`` without ``if``).
"""

from __future__ import annotations

import os
import re
import threading
import time
from decimal import Decimal
from functools import lru_cache
from cloudburst import nodes as n
from cloudburst.errors import DelugeSyntaxError, LimitError, Span, TimeoutLimitError
from cloudburst.frozen import replace
from cloudburst.lalr import FORMAT, Driver, Mismatch, Token
from cloudburst.lazy import lazy_pattern
from cloudburst.numeric import NumberRangeError, number_from_text, shown
from cloudburst.values import INT_MAX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lark import Lark
    from lark import Token as LarkToken

__all__ = ["parse", "parse_expression_or_program"]


def _rule_span(children: list[Any]) -> Span:
    """Where a rule's text starts and ends: from its first and last positioned child
    (:data:`_NO_SPAN` when none is). Lark can track this itself (``propagate_positions``),
    but doing it once per built node here halves parsing time. A child is most often one of
    our tokens or a node, read here directly (the driver's tokens always have positions)."""
    for child in children:
        if child.__class__ is Token:
            line, column = child.line, child.column
            break
        span = getattr(child, "span", None)
        if span is not None:
            line, column = span.line, span.column
            break
        start = _start(child)
        if start is not None:
            line, column = start
            break
    else:
        return _NO_SPAN
    for child in reversed(children):
        if child.__class__ is Token:
            return Span(line, column, child.end_line, child.end_column)
        span = getattr(child, "span", None)
        if span is not None:
            return Span(line, column, span.end_line, span.end_column)
        end = _end(child)
        if end is not None:
            return Span(line, column, end[0], end[1])
    return _NO_SPAN


class _Block(tuple):  # type: ignore[type-arg]
    """A block's statements, remembering its braces so an enclosing rule (a function
    definition, an ``if``) spans up to the closing ``}``."""

    open: Token
    close: Token

    def __new__(cls, stmts: tuple[n.Stmt, ...], open_: Token, close: Token) -> _Block:
        obj = super().__new__(cls, stmts)
        obj.open, obj.close = open_, close
        return obj


def _is_token(x: Any) -> bool:
    """A token, ours or lark's (lark's own loop runs these callbacks too, on the error path)."""
    return isinstance(x, str) and hasattr(x, "end_pos")


def _start(x: Any) -> tuple[int, int] | None:
    if x.__class__ is Token:
        return x.line or 1, x.column or 1
    span = getattr(x, "span", None)
    if span is not None:  # a node
        return span.line, span.column
    if isinstance(x, _Block):
        return _start(x.open)
    if _is_token(x):
        return x.line or 1, x.column or 1
    if isinstance(x, tuple):
        return next((p for p in map(_start, x) if p is not None), None)
    return None


def _end(x: Any) -> tuple[int, int] | None:
    if x.__class__ is Token:
        return x.end_line or x.line or 1, x.end_column or (x.column or 1) + len(x)
    span = getattr(x, "span", None)
    if span is not None:  # a node
        return span.end_line, span.end_column
    if isinstance(x, _Block):
        return _end(x.close)
    if _is_token(x):
        return x.end_line or x.line or 1, x.end_column or (x.column or 1) + len(x)
    if isinstance(x, tuple):
        return next((p for p in map(_end, reversed(x)) if p is not None), None)
    return None


#: The span of a rule with no positioned child (only an empty script has none).
_NO_SPAN = Span(1, 1, 1, 2)


def token_span(tok: Token | LarkToken) -> Span:
    return Span(tok.line or 1, tok.column or 1, tok.end_line or tok.line or 1, tok.end_column or (tok.column or 1) + 1)


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}
_ESCAPE_RE = lazy_pattern(r"\\(u[0-9a-fA-F]{4}|.)", re.S)


def _unescape(body: str) -> str:
    """Decode ``\\"``, ``\\\\``, ``\\n``, ``\\t``, ``\\r``, ``\\uXXXX``; any other backslash pair
    is kept as written so regular expressions like ``"\\d+"`` reach ``replaceAll`` intact."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(1)
        if len(s) == 5:
            return chr(int(s[1:], 16))
        return _ESCAPES.get(s, "\\" + s)

    return _ESCAPE_RE.sub(repl, body) if "\\" in body else body


def _task_key(raw: str) -> str:
    key = raw.rstrip()[:-1].strip().lower()
    key = re.sub(r"\s*-\s*", "-", key)
    return re.sub(r"\s+", "-", key)


_UI = ":ui"
_ATTACHMENT_KINDS = {"file", "template", "view", "report"}


def _dotted(expr: n.Expr) -> str:
    """``input.Field`` as text (the field a client action works on), or "" for any other shape."""
    parts: list[str] = []
    while isinstance(expr, n.Member):
        parts.append(expr.name)
        expr = expr.target
    if not isinstance(expr, n.Name):
        return ""
    return ".".join([expr.name, *reversed(parts)])


def _with_attachments(item: n.TaskItem, extra: list[n.Expr]) -> n.TaskItem:
    first = item.value
    values = (*first.items, *extra) if isinstance(first, n.ListLit) else (first, *extra)
    end = extra[-1].span
    span = Span(item.span.line, item.span.column, end.end_line, end.end_column)
    return n.TaskItem(span, item.key, n.ListLit(span, values))


#: Text laid out like a date or time ('32-Jan-2024', '2024-02-30', '25:61'): an invalid one is
#: an error rather than TEXT.
_DATE_SHAPE = lazy_pattern(
    r"^\s*(?:\d{1,4}[-/. ]\s*(?:[A-Za-z]{3,9}|\d{1,2})\s*[-/., ]\s*\d{2,}"
    r"|(?:[A-Za-z]{3,9},?\s*)?[A-Za-z]{3,9}\s+\d{1,2}(?:\s*,\s*|\s+)\d{2,}"
    r"|\d{1,2}:\d{2})(?:[ T]+\d{1,2}:\d{2}.*)?\s*$")


class _Pending(threading.local):
    """Per-thread parse state: the single-``=`` comparisons built so far that no condition
    has claimed yet (id of the Compare node -> where its ``=`` is). A parse that ends with
    one left fails: ``=`` compares only in conditions and criteria."""

    def __init__(self) -> None:
        self.equals: dict[int, Span] = {}


_PENDING = _Pending()


class _OutOfRange(int):
    """The literal 9223372036854775808: legal only right after a unary minus."""


def _check_literals(program: n.Program, name: str) -> None:
    """Reject a 2^63 literal that did not end up negated (cheap: only when one was seen)."""
    stack: list[Any] = [program]
    while stack:
        node = stack.pop()
        if isinstance(node, n.Literal):
            if type(node.value) is _OutOfRange:
                raise DelugeSyntaxError(f"number {int(node.value)} is out of the 64-bit range", node.span, name, "S110")
        elif isinstance(node, n.Node):
            stack.extend(getattr(node, f) for f in node.__match_args__)
        elif isinstance(node, tuple):
            stack.extend(node)


class SyntaxProblem(Exception):
    """A construct the grammar takes but Deluge does not, found while building nodes."""

    def __init__(self, message: str, span: Span, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.code = code


class _Build:
    """Builds our nodes as Lark's LALR parser reduces each rule (bottom-up, no intermediate
    tree): one method per rule (or alias), called as ``method(meta, *children)`` where
    ``meta`` is the :class:`Span` of the rule's text (see :func:`_rule_span`). The
    parser keeps its own stack, so deeply nested input cannot exhaust Python's recursion
    limit here."""

    # -- program -------------------------------------------------------------------------
    def start(self, meta: Any, *items: Any) -> n.Program:
        funcs = tuple(i for i in items if isinstance(i, n.FunctionDef))
        body = tuple(i for i in items if not isinstance(i, n.FunctionDef))
        span = meta if meta is not _NO_SPAN else Span(1, 1, 1, 1)
        return n.Program(span, funcs, body)

    def function_def(self, meta: Any, rtype: Token, qname: str, params: Any, body: tuple[n.Stmt, ...]) -> n.FunctionDef:
        return n.FunctionDef(meta, str(rtype).lower(), qname, tuple(params or ()), body)

    def qualified_name(self, meta: Any, *parts: Token) -> str:
        return ".".join(str(p) for p in parts)

    def params(self, meta: Any, *ps: n.Param) -> tuple[n.Param, ...]:
        return ps

    def param(self, meta: Any, ptype: Token, name: Token) -> n.Param:
        return n.Param(meta, str(ptype).lower(), str(name))

    def block(self, meta: Any, _open: Token, *rest: Any) -> tuple[n.Stmt, ...]:
        return _Block(rest[:-1], _open, rest[-1])

    # -- statements ----------------------------------------------------------------------
    def assign(self, meta: Any, target: n.Expr, value: n.Expr) -> n.Assign:
        return n.Assign(meta, self._target(target), value)

    def compound_assign(self, meta: Any, target: n.Expr, op: Token, value: n.Expr) -> n.CompoundAssign:
        return n.CompoundAssign(meta, self._target(target), str(op)[0], value)

    @staticmethod
    def _target(target: n.Expr) -> n.Expr:
        if isinstance(target, (n.Name, n.Member, n.Index)):
            return target
        raise SyntaxProblem("cannot assign to this expression", target.span, "S108")

    def expr_stmt(self, meta: Any, expr: n.Expr) -> n.ExprStmt:
        if not isinstance(expr, (n.Call, n.MethodCall, n.ClientAction)):
            raise SyntaxProblem("this expression does nothing; a statement must be a call, an assignment or a task", expr.span,
                                 "S108")
        return n.ExprStmt(meta, expr)

    def task_stmt(self, meta: Any, target: n.Expr, items: tuple[n.TaskItem, ...]) -> n.ExprStmt:
        return n.ExprStmt(meta, self._task(meta, target, items))

    def info_stmt(self, meta: Any, _kw: Token, expr: n.Expr) -> n.Info:
        return n.Info(meta, expr)

    def return_stmt(self, meta: Any, _kw: Token, expr: n.Expr | None) -> n.Return:
        return n.Return(meta, expr)

    def break_stmt(self, meta: Any, _kw: Token) -> n.Break:
        return n.Break(meta)

    def continue_stmt(self, meta: Any, _kw: Token) -> n.Continue:
        return n.Continue(meta)

    def _condition(self, cond: n.Expr) -> n.Expr:
        """``cond`` is a condition or criteria: single-``=`` comparisons in it are allowed."""
        if _PENDING.equals:
            stack: list[Any] = [cond]
            while stack:
                node = stack.pop()
                if isinstance(node, n.Compare) and node.op == "=":
                    _PENDING.equals.pop(id(node), None)
                if isinstance(node, n.Node):
                    stack.extend(getattr(node, f) for f in node.__dataclass_fields__)
                elif isinstance(node, tuple):
                    stack.extend(node)
        return cond

    def if_stmt(self, meta: Any, _kw: Token, cond: n.Expr, body: tuple[n.Stmt, ...], *rest: Any) -> n.If:
        self._condition(cond)
        branches = [(cond, body)]
        otherwise = None
        for item in rest:
            if item is None:
                continue
            if item[0] == "elif":
                branches.append((item[1], item[2]))
            else:
                otherwise = item[1]
        return n.If(meta, tuple(branches), otherwise)

    def elif_clause(self, meta: Any, _e: Token, _i: Token, cond: n.Expr, body: tuple[n.Stmt, ...]) -> tuple[Any, ...]:
        return ("elif", self._condition(cond), body)

    def else_clause(self, meta: Any, _e: Token, body: tuple[n.Stmt, ...]) -> tuple[Any, ...]:
        return ("else", body)

    def for_stmt(self, meta: Any, _f: Token, _e: Token, var: Token, _in: Token, it: n.Expr, body: tuple[n.Stmt, ...]) -> n.ForEach:
        return n.ForEach(meta, str(var), it, body, False)

    def for_index_stmt(self, meta: Any, _f: Token, _e: Token, _i: Token, var: Token, _in: Token, it: n.Expr,
                       body: tuple[n.Stmt, ...]) -> n.ForEach:
        return n.ForEach(meta, str(var), it, body, True)

    def try_stmt(self, meta: Any, _t: Token, body: tuple[n.Stmt, ...], _c: Token, var: Token, handler: tuple[n.Stmt, ...]) -> n.Try:
        return n.Try(meta, body, str(var), handler)

    def insert_stmt(self, meta: Any, _i: Token, _into: Token, form: Token, items: Any = None) -> n.ExprStmt:
        return n.ExprStmt(meta, n.InsertRecord(meta, str(form), tuple(items or ())))

    def insert_assign(self, meta: Any, target: n.Expr, _i: Token, _into: Token, form: Token, items: Any = None) -> n.Assign:
        return n.Assign(meta, self._target(target), n.InsertRecord(meta, str(form), tuple(items or ())))

    def insert_items(self, meta: Any, *items: tuple[str, n.Expr]) -> tuple[tuple[str, n.Expr], ...]:
        return items

    def insert_item(self, meta: Any, name: Token, value: n.Expr) -> tuple[str, n.Expr]:
        return (str(name), value)

    def delete_stmt(self, meta: Any, _d: Token, _f: Token, target: n.Expr) -> n.Delete:
        return n.Delete(meta, target)

    def command_stmt(self, meta: Any, cmd: Token, *args: n.Expr | None) -> n.Command:
        return n.Command(meta, str(cmd).lower(), tuple(a for a in args if a is not None))

    # -- tasks -----------------------------------------------------------------------------
    def task_items(self, meta: Any, *items: n.TaskItem) -> tuple[n.TaskItem, ...]:
        return items

    def task_values(self, meta: Any, *values: n.Expr) -> n.Expr:
        return values[0] if len(values) == 1 else n.ListLit(meta, values)

    def task_item(self, meta: Any, key: Token, prefix: Token | None, value: n.Expr, _as: Token | None,
                  fmt: Token | None) -> n.TaskItem:
        # `attachments: template:Quote as PDF` names a template, not a variable.
        if prefix is not None and not str(prefix).lower().startswith("file") and isinstance(value, n.Name):
            value = n.Literal(value.span, value.name + (f" as {fmt}" if fmt is not None else ""))
        return n.TaskItem(meta, _task_key(str(key)), value)

    def record_template_item(self, meta: Any, key: Token, prefix: Token, template: Token, form: Token,
                             record: n.Expr | None, _as: Token | None, fmt: Token | None) -> n.TaskItem:
        # The template and its form are names, not variables; the record id is only used by Zoho.
        text = f"{str(prefix).rstrip(': ').lower()}:{template}:{form}" + (f" as {fmt}" if fmt is not None else "")
        return n.TaskItem(meta, _task_key(str(key)), n.Literal(meta, text))

    def task_expr(self, meta: Any, target: n.Expr, items: tuple[n.TaskItem, ...]) -> n.Task:
        return self._task(meta, target, items)

    def empty_task(self, meta: Any, target: n.Expr) -> n.Task:
        return self._task(meta, target, ())

    @staticmethod
    def _task(meta: Any, target: n.Expr, items: tuple[n.TaskItem, ...]) -> n.Task:
        if not isinstance(target, n.Name):
            raise SyntaxProblem("a task block must follow a task name such as invokeurl or sendmail", target.span, "S113")
        merged: list[n.TaskItem] = []
        extra: list[n.Expr] = []
        for item in items:
            # `attachments: file: a, file: b` lexes the later `file:` as keys: fold them in.
            if item.key in _ATTACHMENT_KINDS and merged and merged[-1].key == "attachments":
                extra.append(item.value)
                continue
            if extra:
                merged[-1] = _with_attachments(merged[-1], extra)
                extra = []
            if any(m.key == item.key for m in merged):
                raise SyntaxProblem(f"task key '{item.key}' is given twice", item.span, "S113")
            merged.append(item)
        if extra:
            merged[-1] = _with_attachments(merged[-1], extra)
        return n.Task(meta, target.name.lower(), tuple(merged))

    # -- expressions -----------------------------------------------------------------------
    def _fold(self, meta: Any, items: tuple[Any, ...], make: Any) -> n.Expr:
        left: n.Expr = items[0]
        for i in range(1, len(items), 2):
            op, right = items[i], items[i + 1]
            left = make(Span(left.span.line, left.span.column, right.span.end_line, right.span.end_column), str(op), left, right)
        return left

    def or_expr(self, meta: Any, *items: Any) -> n.Expr:
        return self._fold(meta, items, lambda s, op, a, b: n.Logical(s, "||", a, b))

    def and_expr(self, meta: Any, *items: Any) -> n.Expr:
        return self._fold(meta, items, lambda s, op, a, b: n.Logical(s, "&&", a, b))

    def comparison(self, meta: Any, *items: Any) -> n.Expr:
        # `=` compares inside a condition or criteria (the resolver reads it as `==`); the
        # parse fails if one is left outside them (see _condition).
        left: n.Expr = items[0]
        for i in range(1, len(items), 2):
            op, right = items[i], items[i + 1]
            span = Span(left.span.line, left.span.column, right.span.end_line, right.span.end_column)
            left = n.Compare(span, str(op), left, right)
            if op == "=":
                _PENDING.equals[id(left)] = token_span(op)
        return left

    def relation(self, meta: Any, *items: Any) -> n.Expr:
        return self._fold(meta, items, n.Compare)

    def in_op(self, meta: Any, item: n.Expr, _in: Token, container: n.Expr) -> n.Membership:
        return n.Membership(meta, False, item, container)

    def not_in_op(self, meta: Any, item: n.Expr, _not: Token, _in: Token, container: n.Expr) -> n.Membership:
        return n.Membership(meta, True, item, container)

    # Criteria words (`Expiry is null`, `Name contains "x"`, `Code starts with "A"`) read as the
    # built-ins Zoho documents for them, so they also work in ordinary conditions.
    def is_null(self, meta: Any, item: n.Expr, _is: Token, _null: Token) -> n.Expr:
        return n.Call(meta, "isNull", (item,))

    def is_not_null(self, meta: Any, item: n.Expr, _is: Token, _not: Token, _null: Token) -> n.Expr:
        return n.Unary(meta, "!", n.Call(meta, "isNull", (item,)))

    def contains_op(self, meta: Any, item: n.Expr, _op: Token, part: n.Expr) -> n.Expr:
        return n.MethodCall(meta, item, "contains", (part,))

    def not_contains_op(self, meta: Any, item: n.Expr, _not: Token, _op: Token, part: n.Expr) -> n.Expr:
        return n.Unary(meta, "!", n.MethodCall(meta, item, "contains", (part,)))

    def starts_with_op(self, meta: Any, item: n.Expr, _op: Token, part: n.Expr) -> n.Expr:
        return n.MethodCall(meta, item, "startsWith", (part,))

    def ends_with_op(self, meta: Any, item: n.Expr, _op: Token, part: n.Expr) -> n.Expr:
        return n.MethodCall(meta, item, "endsWith", (part,))

    def sum(self, meta: Any, *items: Any) -> n.Expr:
        return self._fold(meta, items, n.Binary)

    def product(self, meta: Any, *items: Any) -> n.Expr:
        return self._fold(meta, items, n.Binary)

    def neg(self, meta: Any, operand: n.Expr) -> n.Expr:
        if isinstance(operand, n.Literal) and type(operand.value) in (int, Decimal, _OutOfRange):
            return n.Literal(meta, -int(operand.value) if type(operand.value) is _OutOfRange else -operand.value)
        return n.Unary(meta, "-", operand)

    def pos(self, meta: Any, operand: n.Expr) -> n.Expr:
        return n.Unary(meta, "+", operand)

    def not_op(self, meta: Any, *items: Any) -> n.Expr:
        return n.Unary(meta, "!", items[-1])

    def method_call(self, meta: Any, target: n.Expr, name: Token, args: Any) -> n.Expr:
        if isinstance(target, n.Member) and target.name == _UI:
            # `input.Field:ui.add(list)`: a Creator client action on a form field.
            field = _dotted(target.target)
            action = f"{field}:ui.{str(name).lower()}" if field else f"ui.{str(name).lower()}"
            return n.ClientAction(meta, action, tuple(args or ()))
        return n.MethodCall(meta, target, str(name), tuple(args or ()))

    def ui_target(self, meta: Any, target: n.Expr, _ui: Token) -> n.Member:
        return n.Member(meta, target, _UI)

    def member(self, meta: Any, target: n.Expr, name: Token) -> n.Member:
        return n.Member(meta, target, str(name))

    def index(self, meta: Any, target: n.Expr, index: n.Expr) -> n.Index:
        return n.Index(meta, target, self._condition(index))

    def args(self, meta: Any, *items: n.Expr) -> tuple[n.Expr, ...]:
        return items

    def key_value_arg(self, meta: Any, key: n.Expr, value: n.Expr) -> n.KeyValueArg:
        return n.KeyValueArg(meta, key, value)

    def sorted_fetch(self, meta: Any, target: n.Expr, _sort: Token, field: Token, order: Token | None) -> n.Expr:
        fetch = self._fetch_modifier(target, "sort by")
        return replace(fetch, span=meta, sort=str(field), descending=order is not None and str(order).lower() == "desc")

    def ranged_fetch(self, meta: Any, target: n.Expr, _range: Token, start: n.Expr, _to: Token, end: n.Expr) -> n.Expr:
        return replace(self._fetch_modifier(target, "range from"), span=meta, start=start, end=end)

    @staticmethod
    def _fetch_modifier(target: n.Expr, clause: str) -> n.FormFetch:
        """``Form[criteria] sort by F`` / ``range from a to b`` only refine a Creator fetch."""
        if isinstance(target, n.FormFetch):
            return target
        if not (isinstance(target, n.Index) and isinstance(target.target, n.Name)):
            raise SyntaxProblem(f"'{clause}' can only follow a form fetch such as Form[criteria]", target.span, "S114")
        return n.FormFetch(target.span, target.target.name, target.index)

    def int_lit(self, meta: Any, tok: Token) -> n.Literal:
        if len(str(tok).lstrip("0")) > 19 or int(tok) > INT_MAX + 1:
            raise SyntaxProblem(f"number {shown(str(tok))} is out of the 64-bit range", token_span(tok), "S110")
        value = int(tok)
        if value == INT_MAX + 1:  # only valid as the operand of unary minus (see neg)
            return n.Literal(meta, _OutOfRange(value))
        return n.Literal(meta, value)

    def decimal_lit(self, meta: Any, tok: Token) -> n.Literal:
        try:
            value = number_from_text(str(tok))
        except NumberRangeError as exc:
            raise SyntaxProblem(exc.message, token_span(tok), "S110") from None
        return n.Literal(meta, Decimal(value))

    def string_lit(self, meta: Any, tok: Token) -> n.Literal:
        return n.Literal(meta, _unescape(str(tok)[1:-1]))

    def date_lit(self, meta: Any, tok: Token) -> n.Literal:
        from cloudburst.datetimes import parse_literal

        body = str(tok)[1:-1]
        try:
            return n.Literal(meta, parse_literal(body))
        except ValueError as exc:
            if _DATE_SHAPE.match(body):  # written as a date, but not a real one ('32-Jan-2024')
                raise SyntaxProblem(f"invalid date-time literal {tok}: {exc}", token_span(tok), "S109") from None
            # Zoho reads single-quoted text that is not a date or time as TEXT ('ok', 'a,b').
            return n.Literal(meta, body)

    def true_lit(self, meta: Any, tok: Token) -> n.Literal:
        return n.Literal(meta, True)

    def false_lit(self, meta: Any, tok: Token) -> n.Literal:
        return n.Literal(meta, False)

    def null_lit(self, meta: Any, tok: Token) -> n.Literal:
        return n.Literal(meta, None)

    def name(self, meta: Any, tok: Token) -> n.Name:
        return n.Name(meta, str(tok))

    def call(self, meta: Any, name: Token, args: Any) -> n.Call:
        if args and str(name).lower() == "if":
            self._condition(args[0])
        return n.Call(meta, str(name), tuple(args or ()))

    def typed_ctor(self, meta: Any, tok: Token, args: Any) -> n.TypedCtor:
        kind, _, elem = str(tok).partition(":")
        return n.TypedCtor(meta, kind.strip().lower(), elem.strip().lower(), tuple(args or ()))

    def empty_braces(self, meta: Any, _open: Token, _close: Token) -> n.MapLit:
        return n.MapLit(meta, ())

    def list_lit(self, meta: Any, *items: n.Expr) -> n.ListLit:
        return n.ListLit(meta, items)

    def bracket_list(self, meta: Any, *items: Any) -> n.ListLit:
        return n.ListLit(meta, tuple(i for i in items if i is not None and not _is_token(i)))

    def map_lit(self, meta: Any, *pairs: tuple[n.Expr, n.Expr]) -> n.MapLit:
        return n.MapLit(meta, pairs)

    def pair(self, meta: Any, key: n.Expr, value: n.Expr) -> tuple[n.Expr, n.Expr]:
        return (key, value)


class _Budget(threading.local):
    """This thread's parse budget: syntax nodes left before the next look at the caps
    (a count of reductions, which is about one per node), the node cap and the deadline."""

    left = 1 << 62
    used = 0
    max_nodes: int | None = None
    deadline: float | None = None

    def start(self, max_nodes: int | None, deadline: float | None) -> None:
        self.used, self.max_nodes, self.deadline = 0, max_nodes, deadline
        self.left = _BUDGET_STEP if max_nodes is not None or deadline is not None else 1 << 62

    def spend(self) -> None:
        self.used += _BUDGET_STEP
        if self.max_nodes is not None and self.used > self.max_nodes:
            raise LimitError(f"the script has more than {self.max_nodes:,} syntax nodes, the most a script may have")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutLimitError("parsing the script took longer than the run's time limit")
        self.left = _BUDGET_STEP


_BUDGET_STEP = 4096
_BUDGET = _Budget()


def _callback(method: Any) -> Any:
    def callback(children: list[Any]) -> Any:
        return method(_rule_span(children), *children)

    return callback


def _budgeted(method: Any) -> Any:
    """For lark's own loop, which knows nothing of the budget (the driver spends it itself)."""
    budget = _BUDGET
    callback = _callback(method)

    def budgeted(children: list[Any]) -> Any:
        budget.left -= 1
        if budget.left < 0:
            budget.spend()
        return callback(children)

    return budgeted


class _Callbacks:
    """What the parser calls per reduced rule: each public ``_Build`` method with the span of
    its children. (Only rule names are attributes: lark also looks up terminal names here.)"""

    def __init__(self, wrap: Any) -> None:
        build = _Build()
        for name in dir(build):
            if not name.startswith("_"):
                setattr(self, name, wrap(getattr(build, name)))


def _grammar() -> tuple[str, str]:
    """The grammar's text, and where its analysed tables are kept (read as a file beside the
    package: importlib.resources would load tempfile, zipfile and shutil on every first run)."""
    import cloudburst.grammar

    here = os.path.dirname(cloudburst.grammar.__file__)
    try:
        with open(os.path.join(here, "deluge.lark"), encoding="utf-8") as fh:
            return fh.read(), os.path.join(here, "__pycache__")
    except OSError:  # installed inside an archive
        from importlib import resources

        return resources.files("cloudburst.grammar").joinpath("deluge.lark").read_text(encoding="utf-8"), here


def _lark_version() -> str:
    """The installed lark's version, read from its source without importing it (the tables
    it analysed are kept per version)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("lark")
        with open(spec.origin or "", encoding="utf-8") as fh:  # type: ignore[union-attr]
            found = re.search(r"""^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)""", fh.read(), re.M)
    except (OSError, ValueError, AttributeError):
        return "unknown"
    return found.group(1) if found else "unknown"


@lru_cache(maxsize=1)
def _transformer() -> _Callbacks:
    """The callbacks lark's own loop runs."""
    return _Callbacks(_budgeted)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """Lark's own parser: for the tables when they are not kept yet, and for syntax errors."""
    from cloudburst.larkimport import load
    from cloudburst.lexing import PLUGINS

    grammar, tables = _grammar()
    return load(grammar, tables, {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True},
                transformer=_transformer(), _plugins=PLUGINS)


def _extracted() -> dict[str, Any]:
    from cloudburst.lalrtables import extract

    return extract(_parser(), _transformer())


@lru_cache(maxsize=1)
def _driver() -> Driver:
    from cloudburst.script_cache import kept

    grammar, directory = _grammar()
    return Driver(kept(directory, "lalr", (FORMAT, _lark_version(), grammar), _extracted), _Callbacks(_callback))


def _lark_parse(source: str, name: str) -> Any:
    """Parse with lark's own loop: its exception, explained, for input the driver rejects."""
    from cloudburst.syntaxerrors import UnexpectedInput, explain

    lark = _parser()
    try:
        return lark.parse(source)
    except UnexpectedInput as exc:
        _BUDGET.start(None, None)  # explaining re-reads the tokens before the error
        message, span, code = explain(source, exc, lark)
        raise DelugeSyntaxError(message, span, name, code) from None


def parse(source: str, name: str = "<script>", *, max_nodes: int | None = None,
          deadline: float | None = None) -> n.Program:
    """Parse a whole script. Raises :class:`DelugeSyntaxError` with a friendly message, and
    :class:`LimitError` past ``max_nodes`` syntax nodes or the ``time.monotonic()`` ``deadline``."""
    _BUDGET.start(max_nodes, deadline)
    try:
        _PENDING.equals = {}
        try:
            program = _driver().parse(source, _BUDGET)
        except Mismatch:
            _BUDGET.start(max_nodes, deadline)
            _PENDING.equals = {}
            program = _lark_parse(source, name)
        if _PENDING.equals:
            first = min(_PENDING.equals.values(), key=lambda sp: (sp.line, sp.column))
            raise SyntaxProblem("unexpected '=': a single '=' compares only inside a condition or criteria "
                                "(use '==' here; an assignment cannot be part of an expression)", first, "S111")
    except SyntaxProblem as exc:
        raise DelugeSyntaxError(exc.message, exc.span, name, exc.code) from None
    assert isinstance(program, n.Program)
    if "9223372036854775808" in source:
        _check_literals(program, name)
    return program


def parse_expression_or_program(source: str, name: str = "<input>") -> tuple[n.Program, bool]:
    """For the REPL: parse ``source`` as a program, or failing that as one bare expression
    (``1 + 2``, ``m.get("a")``) turned into ``info`` of it. Returns (program, was_expression)."""
    try:
        return parse(source, name), False
    except DelugeSyntaxError as first:
        stripped = source.strip().rstrip(";")
        if not stripped:
            raise
        try:
            program = parse(f"info {stripped};", name)
        except DelugeSyntaxError:
            raise first from None
        return program, True
