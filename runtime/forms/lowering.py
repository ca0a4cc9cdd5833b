"""Form access in compiled code: criteria become data, never code or SQL text.

A fetch's criteria is lowered at compile time into a tree of tuples whose leaves are the
*values* the script computes (``("cmp", "==", ("Status",), <value>)``); the form store
turns that tree into parameterised SQL. So a criteria value is always a bound parameter,
whatever text it holds.

Tree nodes (built by the generated code, read by :mod:`cloudburst.forms.criteria`):
``("and", a, b)``, ``("or", a, b)``, ``("not", a)``, ``("cmp", op, path, value)``,
``("in", path, values)``, ``("call", name, path, args)``
and ``("value", v)`` (a sub-condition that names no field: its truth value). A path is a
tuple of link names: ``("Customer", "City")`` follows a lookup.

Direct uses of a fetch compile to helpers that push work into SQL:
``Form[c].count()`` / ``.sum(F)`` / ... (an aggregate), ``Form[c].F`` (first record's
field), ``Form[c].F.getAll()`` (one column), ``delete from Form[c]``.
"""

from __future__ import annotations

import ast

from cloudburst import nodes as n
from cloudburst.errors import DelugeSyntaxError, Span

__all__ = ["lower_access", "lower_delete", "CRITERIA_CALLS"]

_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

#: Field methods a criteria may use, with their argument counts.
CRITERIA_CALLS = {"contains": 1, "startswith": 1, "endswith": 1, "notcontains": 1, "isempty": 0,
                  "isnull": 0, "isblank": 0}


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class _Compiler(Protocol):
        def expr(self, e: n.Expr) -> ast.expr: ...

        def helper_call(self, spec: tuple[str, str], args: list[ast.expr], span: Span) -> ast.Call: ...


def _const(value: Any) -> ast.Constant:
    return ast.Constant(value=value)


def _tuple(items: list[ast.expr]) -> ast.Tuple:
    return ast.Tuple(elts=items, ctx=ast.Load())


def _ctx() -> ast.Name:
    return ast.Name(id="__ctx", ctx=ast.Load())


def lower_access(c: _Compiler, e: n.Expr) -> ast.expr | None:
    """The compiled form of ``e`` when it reads a form, else None."""
    if isinstance(e, n.FormFetch):
        return c.helper_call(("forms", "fetch"), [_ctx(), _query(c, e)], e.span)
    if isinstance(e, n.FieldAccess) and isinstance(e.target, n.FormFetch):
        return c.helper_call(("forms", "field"), [_ctx(), _query(c, e.target), _const(e.name)], e.span)
    if isinstance(e, n.BuiltinMethod):
        target = e.target
        if isinstance(target, n.FormFetch):
            args = _tuple([_field_arg(c, a) for a in e.args])
            return c.helper_call(("forms", "method"), [_ctx(), _query(c, target), _const(e.name), args], e.span)
        if (e.name == "getall" and not e.args and isinstance(target, n.FieldAccess)
                and isinstance(target.target, n.FormFetch)):
            return c.helper_call(("forms", "column"), [_ctx(), _query(c, target.target), _const(target.name)], e.span)
    return None


def lower_delete(c: _Compiler, s: n.Delete) -> ast.expr:
    if not isinstance(s.target, n.FormFetch):
        raise DelugeSyntaxError("'delete from' needs a form and a criteria, e.g. delete from Orders[ID == id];",
                                s.target.span)
    return c.helper_call(("forms", "delete"), [_ctx(), _query(c, s.target)], s.span)


def _field_arg(c: _Compiler, a: n.Expr) -> ast.expr:
    """``.sum(Total)``: an aggregate's argument names a field (an unbound name)."""
    if isinstance(a, (n.Name, n.FormField)):
        return _const(a.name) if isinstance(a, n.FormField) else c.expr(a)
    return c.expr(a)


def _query(c: _Compiler, e: n.FormFetch) -> ast.Tuple:
    """``(form, criteria, sort, descending, start, end)``."""
    start = _const(None) if e.start is None else c.expr(e.start)
    end = _const(None) if e.end is None else c.expr(e.end)
    return _tuple([_const(e.form), _criteria(c, e.criteria), _const(e.sort), _const(e.descending), start, end])


def _path(e: n.Expr) -> tuple[str, ...] | None:
    """``Status`` → ("Status",); ``Customer.City`` → ("Customer", "City"); else None."""
    if isinstance(e, n.FormField):
        return (e.name,)
    if isinstance(e, n.FieldAccess):
        inner = _path(e.target)
        return None if inner is None else (*inner, e.name)
    return None


def _names_field(e: Any) -> bool:
    if isinstance(e, n.FormField):
        return True
    if isinstance(e, n.FormFetch):  # a nested fetch has its own fields
        return False
    if isinstance(e, tuple):
        return any(_names_field(x) for x in e)
    if isinstance(e, n.Node):
        return any(_names_field(getattr(e, f)) for f in e.__slots__ if f != "span")
    return False


def _criteria(c: _Compiler, e: n.Expr) -> ast.expr:
    if isinstance(e, n.Logical):
        return _tuple([_const("and" if e.op == "&&" else "or"), _criteria(c, e.left), _criteria(c, e.right)])
    if isinstance(e, n.Unary) and e.op == "!" and _names_field(e.operand):
        return _tuple([_const("not"), _criteria(c, e.operand)])
    if isinstance(e, n.Compare):
        left, right = _path(e.left), _path(e.right)
        if left is not None and not _names_field(e.right):
            return _tuple([_const("cmp"), _const(e.op), _const(left), c.expr(e.right)])
        if right is not None and not _names_field(e.left):
            return _tuple([_const("cmp"), _const(_FLIP[e.op]), _const(right), c.expr(e.left)])
    if isinstance(e, n.Membership):
        path = _path(e.item)
        if path is not None and not _names_field(e.container):
            test = _tuple([_const("in"), _const(path), c.expr(e.container)])
            return _tuple([_const("not"), test]) if e.negated else test
    if (isinstance(e, (n.BuiltinMethod, n.BuiltinCall)) and e.name in CRITERIA_CALLS
            and (e.args or isinstance(e, n.BuiltinMethod))):
        # `Name.contains("x")`, `isNull(Expiry)` (also `Expiry is null`, `Name contains "x"`)
        subject, args = (e.target, e.args) if isinstance(e, n.BuiltinMethod) else (e.args[0], e.args[1:])
        path = _path(subject)
        if path is not None and len(args) == CRITERIA_CALLS[e.name] and not _names_field(args):
            return _tuple([_const("call"), _const(e.name), _const(path), _tuple([c.expr(a) for a in args])])
    if isinstance(e, n.FormField):
        # A bare field as a condition: a Decision box (checkbox) field that is true.
        return _tuple([_const("cmp"), _const("=="), _const((e.name,)), _const(True)])
    if _names_field(e):
        raise DelugeSyntaxError("this criteria cannot be run against a form: compare a field with a value "
                                "(Field == value, Field.contains(text), Field in list), joined by && and ||", e.span)
    return _tuple([_const("value"), c.expr(e)])
