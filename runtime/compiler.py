"""Checked program → Python code object (the sandbox).

The generated module defines ``__make(H)``, which binds helpers from ``H`` and returns
``__program(ctx, args)``; it is executed with ``{"__builtins__": {}}``, so a script reaches
nothing but the helpers handed in. Deluge names become ``v_<name>`` locals, strings only
ever appear as constants, and every operation goes through :mod:`cloudburst.operators`.
Each generated node carries the Deluge span, so the innermost generated frame of a
traceback tells which Deluge expression failed.

Statement counting follows Deluge: each executed statement counts one, a ``for each``
header once per iteration, a task block once. Counts are added per straight-line run of
statements, and the clock, cancel flag and statement limit are checked whenever the count
passes the next checkpoint (see :meth:`Execution.checkpoint`).
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable, TypeVar

from cloudburst import nodes as n
from cloudburst import operators as ops
from cloudburst.errors import DelugeSyntaxError, Span
from cloudburst.execution import DOLLAR, DOT
from cloudburst.forms.lowering import lower_access, lower_delete
from cloudburst.helpers import Executable, Spec
from cloudburst.resolver import Resolved
from cloudburst.stdlib import REGISTRY
from cloudburst.values import INT_MAX, INT_MIN

__all__ = ["compile_program", "FILENAME_PREFIX"]

FILENAME_PREFIX = "<deluge:"

_BINARY = {"+": "add", "-": "sub", "*": "mul", "%": "mod"}
_COMPARE = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


def _mangle(name: str) -> str:
    # `$` becomes a letter no Deluge name can hold, so `a$b` and `a_S_b` stay distinct.
    return "v_" + name.replace("$", DOLLAR)


def _fn_name(name: str) -> str:
    # Likewise `.` in a qualified name: `a.b` and `a_b` must not become one Python function.
    return "f_" + name.replace(".", DOT).replace("$", DOLLAR)


_Node = TypeVar("_Node", bound=ast.AST)


def _at(node: _Node, span: Span) -> _Node:
    node.lineno = span.line  # type: ignore[attr-defined]
    node.col_offset = max(span.column - 1, 0)  # type: ignore[attr-defined]
    node.end_lineno = span.end_line  # type: ignore[attr-defined]
    node.end_col_offset = max(span.end_column - 1, 0)  # type: ignore[attr-defined]
    return node


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def _store(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Store())


def _const(value: Any) -> ast.Constant:
    return ast.Constant(value=value)


_KNOWN_BOOL = (n.Compare, n.Logical, n.Membership)
_FORM_ACCESS = (n.FormFetch, n.FieldAccess, n.BuiltinMethod)

#: Operator chains longer than this compile in a loop without inline fast paths.
_CHAIN = 6


class _Compiler:
    def __init__(self, resolved: Resolved, integer_division: str) -> None:
        self.resolved = resolved
        self.helpers: dict[str, Any] = {}
        self.constants: list[Any] = []
        self.const_index: dict[tuple[type, Any], int] = {}
        self.division: Spec = ("op", "div_decimal" if integer_division == "decimal" else "div_truncate")
        self.fn_names = {name: _fn_name(name) for name in resolved.functions}
        self.locals: frozenset[str] = resolved.main_locals
        self.in_function: str | None = None
        self.temps = 0

    # -- helpers ---------------------------------------------------------------------------
    def h(self, spec: Spec) -> ast.Name:
        name = "_h_" + spec[0] + "_" + re.sub(r"[^A-Za-z0-9_]", "_", spec[1])
        self.helpers.setdefault(name, spec)
        return _load(name)

    def call(self, func: ast.expr, args: list[ast.expr], span: Span) -> ast.Call:
        return _at(ast.Call(func=func, args=args, keywords=[]), span)

    def helper_call(self, spec: Spec, args: list[ast.expr], span: Span) -> ast.Call:
        return self.call(self.h(spec), args, span)

    def constant(self, value: Any, span: Span) -> ast.expr:
        if value is None or type(value) in (int, str, bool):
            return _at(_const(value), span)
        key = (type(value), value)
        idx = self.const_index.get(key)
        if idx is None:
            idx = len(self.constants)
            self.constants.append(value)
            self.const_index[key] = idx
        return _at(ast.Subscript(value=_load("__K"), slice=_const(idx), ctx=ast.Load()), span)

    # -- counting --------------------------------------------------------------------------
    @staticmethod
    def bump(count: int, span: Span | None = None) -> list[ast.stmt]:
        """``__c += count`` and a checkpoint when the count passes the next one."""
        check = ast.Call(func=ast.Attribute(value=_load("__ctx"), attr="checkpoint", ctx=ast.Load()),
                         args=[_load("__c")], keywords=[])
        if span is not None:
            _at(check, span)
        return [
            ast.AugAssign(target=_store("__c"), op=ast.Add(), value=_const(count)),
            ast.If(test=ast.Compare(left=_load("__c"), ops=[ast.Gt()], comparators=[_load("__chk")]),
                   body=[ast.Assign(targets=[_store("__chk")], value=check)], orelse=[]),
        ]

    def counted_run(self, run: list[n.Stmt], owed: int) -> list[ast.stmt]:
        """A straight-line run of simple statements. Normally one bump pays for the whole
        run; when the run would cross the next checkpoint, a second copy counts statement
        by statement, so a limit stops exactly at the statement that exceeds it."""
        total = len(run) + owed
        if not run:
            return self.bump(owed)
        if total == 1:
            return [*self.bump(1, run[0].span), *self.stmt(run[0])]
        precise: list[ast.stmt] = []
        for i, st in enumerate(run):
            precise.extend(self.bump(1 + (owed if i == 0 else 0), st.span))
            precise.extend(self.stmt(st))
        fast: list[ast.stmt] = [ast.AugAssign(target=_store("__c"), op=ast.Add(), value=_const(total))]
        for st in run:
            fast.extend(self.stmt(st))
        crossing = ast.Compare(left=ast.BinOp(left=_load("__c"), op=ast.Add(), right=_const(total)), ops=[ast.Gt()],
                               comparators=[_load("__chk")])
        return [ast.If(test=crossing, body=precise, orelse=fast)]

    def block(self, stmts: tuple[n.Stmt, ...], extra: int = 0) -> list[ast.stmt]:
        """Compile statements with Deluge's statement counting; ``extra`` is owed by the
        enclosing construct (a loop header, once per iteration)."""
        out: list[ast.stmt] = []
        run: list[n.Stmt] = []
        owed = extra
        for st in stmts:
            if isinstance(st, (n.If, n.ForEach, n.Try)):
                if run or owed:
                    out.extend(self.counted_run(run, owed))
                    run, owed = [], 0
                if not isinstance(st, n.ForEach):  # a loop counts its header per iteration instead
                    out.extend(self.bump(1, st.span))
                out.extend(self.stmt(st))
            else:
                run.append(st)
        if run or owed:
            out.extend(self.counted_run(run, owed))
        return out or [ast.Pass()]

    # -- statements --------------------------------------------------------------------------
    def stmt(self, s: n.Stmt) -> list[ast.stmt]:
        span = s.span
        if isinstance(s, n.Assign):
            return [self.assign(s.target, self.expr(s.value), span)]
        if isinstance(s, n.CompoundAssign):
            current = self.expr(s.target)
            if s.op == "/":
                value = self.helper_call(self.division, [current, self.expr(s.value)], span)
            else:
                op = _BINARY[s.op]
                value = self.helper_call(("op", op), [current, self.expr(s.value)], span)
            return [self.assign(s.target, value, span)]
        if isinstance(s, n.ExprStmt):
            put = self.put_statement(s.expr)
            return [put] if put is not None else [_at(ast.Expr(value=self.expr(s.expr)), span)]
        if isinstance(s, n.Info):
            value = self.helper_call(("value", "display"), [self.expr(s.expr)], s.expr.span)
            return [_at(ast.Expr(value=self.call(_load("__info"), [value], span)), span)]
        if isinstance(s, n.Return):
            return [self.return_(s)]
        if isinstance(s, n.Break):
            return [_at(ast.Break(), span)]
        if isinstance(s, n.Continue):
            return [_at(ast.Continue(), span)]
        if isinstance(s, n.If):
            orelse: list[ast.stmt] = self.block(s.otherwise) if s.otherwise is not None else []
            for cond, body in reversed(s.branches):
                node = _at(ast.If(test=self.condition(cond), body=self.block(body), orelse=orelse), cond.span)
                orelse = [node]
            return orelse
        if isinstance(s, n.ForEach):
            key = "iterate_index" if s.index else "iterate"
            it = self.helper_call(("op", key), [self.expr(s.iterable)], s.iterable.span)
            return [_at(ast.For(target=_store(_mangle(s.var)), iter=it, body=self.block(s.body, extra=1), orelse=[]), span)]
        if isinstance(s, n.Try):
            catch = self.helper_call(("rt", "catch"), [_load("__e")], span)
            handler = [_at(ast.Assign(targets=[_store(_mangle(s.var))], value=catch), span), *self.block(s.handler)]
            return [_at(ast.Try(body=self.block(s.body),
                                handlers=[ast.ExceptHandler(type=self.h(("builtin", "BaseException")), name="__e", body=handler)],
                                orelse=[], finalbody=[]), span)]
        if isinstance(s, n.Delete):
            return [_at(ast.Expr(value=lower_delete(self, s)), span)]
        if isinstance(s, n.Command):
            args = ast.Tuple(elts=[self.expr(a) for a in s.args], ctx=ast.Load())
            return [_at(ast.Expr(value=self.helper_call(("task", "client_action"), [_load("__ctx"), _const(s.name), args], span)), span)]
        raise AssertionError(f"cannot compile {type(s).__name__}")

    def assign(self, target: n.Expr, value: ast.expr, span: Span) -> ast.stmt:
        if isinstance(target, n.Name):
            return _at(ast.Assign(targets=[_store(_mangle(target.name))], value=value), span)
        if isinstance(target, n.FieldAccess):
            call = self.helper_call(("op", "set_field"), [self.expr(target.target), _const(target.name), value], span)
            return _at(ast.Expr(value=call), span)
        if isinstance(target, n.Index):
            call = self.helper_call(("op", "set_index"), [self.expr(target.target), self.expr(target.index), value], span)
            return _at(ast.Expr(value=call), span)
        raise DelugeSyntaxError("cannot assign to a form fetch; assign to a field of it (rec.Field = value)", span)

    def return_(self, s: n.Return) -> ast.stmt:
        value: ast.expr = _const(None) if s.value is None else self.expr(s.value)
        if self.in_function is not None:
            info = self.resolved.functions[self.in_function].definition
            if info.return_type != "void":
                value = self.helper_call(("rt", "check_return"), [value, _const(info.return_type), _const(info.name)], s.span)
        return _at(ast.Return(value=value), s.span)

    def condition(self, e: n.Expr) -> ast.expr:
        if isinstance(e, _KNOWN_BOOL) or (isinstance(e, n.Unary) and e.op == "!") or (
                isinstance(e, n.Literal) and type(e.value) is bool):
            return self.expr(e)
        return self.helper_call(("op", "truth"), [self.expr(e)], e.span)

    # -- expressions ---------------------------------------------------------------------------
    def exprs(self, items: tuple[n.Expr, ...]) -> list[ast.expr]:
        return [self.expr(e) for e in items]

    def expr(self, e: n.Expr) -> ast.expr:
        span = e.span
        if isinstance(e, _FORM_ACCESS) and (access := lower_access(self, e)) is not None:
            return access
        if isinstance(e, n.Literal):
            return self.constant(e.value, span)
        if isinstance(e, n.Name):
            if self.in_function is not None:
                if e.name not in self.resolved.functions[self.in_function].locals:
                    return self.helper_call(("rt", "undefined"), [_const(e.name)], span)
            return _at(_load(_mangle(e.name)), span)
        if isinstance(e, n.Binary):
            return self.binary(e)
        if isinstance(e, n.Compare):
            return self.compare(e)
        if isinstance(e, n.Logical):
            # `a && b && c`: one BoolOp over the flattened chain (built in a loop).
            values: list[ast.expr] = []
            node: n.Expr = e
            while isinstance(node, n.Logical) and node.op == e.op:
                values.append(self.condition(node.right))
                node = node.left
            values.append(self.condition(node))
            op = ast.And() if e.op == "&&" else ast.Or()
            return _at(ast.BoolOp(op=op, values=values[::-1]), span)
        if isinstance(e, n.Unary):
            if e.op == "!":
                if isinstance(e.operand, _KNOWN_BOOL):
                    return _at(ast.UnaryOp(op=ast.Not(), operand=self.expr(e.operand)), span)
                return self.helper_call(("op", "not_"), [self.expr(e.operand)], span)
            key = "neg" if e.op == "-" else "pos"
            return self.helper_call(("op", key), [self.expr(e.operand)], span)
        if isinstance(e, n.Membership):
            test = self.helper_call(("op", "contains"), [self.expr(e.container), self.expr(e.item)], span)
            return _at(ast.UnaryOp(op=ast.Not(), operand=test), span) if e.negated else test
        if isinstance(e, n.ListLit):
            items = ast.Tuple(elts=self.exprs(e.items), ctx=ast.Load())
            return self.helper_call(("value", "DelugeList"), [items], span)
        if isinstance(e, n.MapLit):
            flat: list[ast.expr] = []
            for k, v in e.pairs:
                flat.extend((self.expr(k), self.expr(v)))
            return self.helper_call(("rt", "map_of"), flat, span)
        if isinstance(e, n.TypedCtor):
            if e.kind != "list":
                return self.helper_call(("value", "DelugeList"), [], span)
            return self.helper_call(("rt", "typed_list"), [_load("__ctx"), _const(e.element_type), *self.exprs(e.args)],
                                    span)
        if isinstance(e, n.BuiltinCall):
            return self.builtin_call(e)
        if isinstance(e, n.BuiltinMethod):
            return self.method(e)
        if isinstance(e, n.UserCall):
            pyname = self.fn_names.get(e.name)
            if pyname is None:
                return self.helper_call(("rt", "missing_function"), [_const(e.name)], span)
            return self.call(_load(pyname), self.exprs(e.args), span)
        if isinstance(e, n.IntegrationCall):
            args = ast.Tuple(elts=self.exprs(e.args), ctx=ast.Load())
            return self.helper_call(("task", "run_integration"), [_load("__ctx"), _const(e.name), args], span)
        if isinstance(e, n.SystemVar):
            var = REGISTRY.system.get(e.name)
            if var is None:
                return self.helper_call(("rt", "unknown_system"), [_const(e.name)], span)
            return self.helper_call(("system", e.name), [_load("__ctx")], span)
        if isinstance(e, n.Conditional):
            return _at(ast.IfExp(test=self.condition(e.condition), body=self.expr(e.then), orelse=self.expr(e.otherwise)), span)
        if isinstance(e, n.FieldAccess):
            return self.helper_call(("op", "get_field"), [self.expr(e.target), _const(e.name)], span)
        if isinstance(e, n.Index):
            return self.helper_call(("op", "get_index"), [self.expr(e.target), self.expr(e.index)], span)
        if isinstance(e, n.InsertRecord):
            record = ast.Dict(keys=[_const(k) for k, _ in e.items], values=[self.expr(v) for _, v in e.items])
            return self.helper_call(("forms", "insert"), [_load("__ctx"), _const(e.form), record], span)
        if isinstance(e, n.ClientAction):
            args = ast.Tuple(elts=self.exprs(e.args), ctx=ast.Load())
            return self.helper_call(("task", "client_action"), [_load("__ctx"), _const(e.name), args], span)
        if isinstance(e, n.KeyValueArg):
            return self.helper_call(("kv", "KeyValuePair"), [self.expr(e.key), self.expr(e.value)], span)
        if isinstance(e, n.Task):
            keys: list[ast.expr | None] = [_const(i.key) for i in e.items]
            record = ast.Dict(keys=keys, values=[self.expr(i.value) for i in e.items])
            return self.helper_call(("task", "run_task"), [_load("__ctx"), _const(e.name), record], span)
        raise AssertionError(f"cannot compile {type(e).__name__}")

    # -- fast paths ----------------------------------------------------------------------------
    # Inline code for the common case (NUMBER or TEXT operands held in plain names or
    # literals), falling back to the helper for everything else, so the rules stay the
    # helpers' while hot loops skip a call. Operands are only inlined when evaluating them
    # twice is harmless (names, literals).

    def simple(self, e: n.Expr) -> bool:
        if isinstance(e, n.Literal):
            return type(e.value) in (int, str)
        if isinstance(e, n.Name):
            return self.in_function is None or e.name in self.resolved.functions[self.in_function].locals
        return False

    def operand(self, e: n.Expr) -> tuple[ast.expr, Callable[[], ast.expr]]:
        """(first use, later uses) of an operand: a name or literal is simply repeated; any
        other expression is evaluated once into a fresh temporary."""
        if self.simple(e):
            return self.expr(e), lambda: self.expr(e)
        name = f"__t{self.temps}"
        self.temps += 1
        return ast.NamedExpr(target=_store(name), value=self.expr(e)), lambda: _load(name)

    def is_class(self, e: n.Expr, node: ast.expr, kind: str) -> ast.expr | None:
        """``node.__class__ is <kind>`` (None when ``e`` is a literal, whose type is known)."""
        if isinstance(e, n.Literal):
            return None
        return ast.Compare(left=ast.Attribute(value=node, attr="__class__", ctx=ast.Load()), ops=[ast.Is()],
                           comparators=[self.h(("builtin", kind))])

    @staticmethod
    def guarded(tests: list[ast.expr | None], fast: ast.expr, slow: ast.expr, span: Span, eager: bool = False) -> ast.expr:
        """``fast if all(tests) else slow``. With ``eager`` every test runs (``&``, not
        ``and``), because a test is where an operand's temporary is first assigned."""
        conds = [t for t in tests if t is not None]
        if not conds:
            return _at(fast, span)
        if len(conds) == 1:
            test = conds[0]
        elif eager:
            test = conds[0]
            for c in conds[1:]:
                test = ast.BinOp(left=test, op=ast.BitAnd(), right=c)
        else:
            test = ast.BoolOp(op=ast.And(), values=conds)
        return _at(ast.IfExp(test=test, body=fast, orelse=slow), span)

    def fold(self, e: n.Expr) -> Any:
        """Fold literal NUMBER and TEXT arithmetic at compile time (errors stay at run time);
        None when ``e`` is not constant."""
        if isinstance(e, n.Literal):
            return e.value if type(e.value) in (int, str) else None
        if not isinstance(e, n.Binary) or e.op == "/" or isinstance(e.left, n.Binary) and self.chain_length(e) > _CHAIN:
            return None
        a, b = self.fold(e.left), self.fold(e.right)
        if a is None or b is None:
            return None
        try:
            return getattr(ops, _BINARY[e.op])(a, b)
        except Exception:
            return None

    @staticmethod
    def chain_length(e: n.Binary) -> int:
        count, node = 0, e
        node_: n.Expr = node
        while isinstance(node_, n.Binary):
            count, node_ = count + 1, node_.left
        return count

    def long_chain(self, e: n.Binary) -> ast.expr:
        """``a + b + c + ...`` with many operands, built in a loop (no recursion, no fast paths)."""
        links: list[n.Binary] = []
        node: n.Expr = e
        while isinstance(node, n.Binary):
            links.append(node)
            node = node.left
        acc = self.expr(node)
        for link in reversed(links):
            spec: Spec = self.division if link.op == "/" else ("op", _BINARY[link.op])
            acc = self.helper_call(spec, [acc, self.expr(link.right)], link.span)
        return acc

    def binary(self, e: n.Binary) -> ast.expr:
        span = e.span
        if self.chain_length(e) > _CHAIN:
            return self.long_chain(e)
        folded = self.fold(e)
        if folded is not None:
            return self.constant(folded, span)
        left_fold, right_fold = self.fold(e.left), self.fold(e.right)
        if isinstance(e.left, n.Binary) and left_fold is not None or isinstance(e.right, n.Binary) and right_fold is not None:
            e = n.Binary(span, e.op, n.Literal(e.left.span, left_fold) if isinstance(e.left, n.Binary) and left_fold is not None else e.left,
                         n.Literal(e.right.span, right_fold) if isinstance(e.right, n.Binary) and right_fold is not None else e.right)
        arithmetic = self.integer_arithmetic(e)
        if arithmetic is not None:
            return arithmetic
        spec: Spec = self.division if e.op == "/" else ("op", _BINARY[e.op])
        lit = [x.value for x in (e.left, e.right) if isinstance(x, n.Literal)]
        text = e.op == "+" and len(lit) == 1 and type(lit[0]) is str
        number = e.op in ("+", "-", "*") and all(type(v) is int for v in lit)
        if not (text or number):
            return self.helper_call(spec, [self.expr(e.left), self.expr(e.right)], span)
        (a0, a), (b0, b) = self.operand(e.left), self.operand(e.right)
        slow = self.helper_call(spec, [a(), b()], span)
        if text:
            # "text" + x: plain concatenation when x is TEXT, or a NUMBER shown in decimal.
            lit_first = isinstance(e.left, n.Literal)
            other, first, again = (e.right, b0, b) if lit_first else (e.left, a0, a)

            def concat(x: ast.expr) -> ast.expr:
                return ast.BinOp(left=a() if lit_first else x, op=ast.Add(), right=x if lit_first else b())

            as_text = ast.Call(func=self.h(("builtin", "str")), args=[again()], keywords=[])
            as_number = self.guarded([self.is_class(other, again(), "int")], concat(as_text), slow, span)
            return self.guarded([self.is_class(other, first, "str")], concat(again()), as_number, span)
        pyop = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult()}[e.op]
        result = f"__t{self.temps}"
        self.temps += 1
        value = ast.NamedExpr(target=_store(result), value=ast.BinOp(left=a(), op=pyop, right=b()))
        in_range = ast.Compare(left=_const(INT_MIN), ops=[ast.LtE(), ast.LtE()], comparators=[value, _const(INT_MAX)])
        checked = ast.IfExp(test=in_range, body=_load(result), orelse=slow)
        tests = [self.is_class(e.left, a0, "int"), self.is_class(e.right, b0, "int")]
        eager = not (self.simple(e.left) and self.simple(e.right))
        return self.guarded(tests, checked, self.helper_call(spec, [a(), b()], span), span, eager)

    def integer_arithmetic(self, e: n.Binary) -> ast.expr | None:
        """``x + 3 * 2 - y`` over names and NUMBER literals: when every name holds a NUMBER,
        Python computes it exactly and the result alone is range-checked (an intermediate
        value past 64 bits that comes back in range is what Java's wrapping gives too);
        otherwise the helpers apply Deluge's rules operation by operation."""
        leaves: list[n.Expr] = []

        def walk(x: n.Expr) -> bool:
            if isinstance(x, n.Binary):
                return x.op in ("+", "-", "*") and walk(x.left) and walk(x.right)
            leaves.append(x)
            return (isinstance(x, n.Literal) and type(x.value) is int) or (isinstance(x, n.Name) and self.simple(x))

        if not walk(e):
            return None
        names = sorted({x.name for x in leaves if isinstance(x, n.Name)})
        if not names:
            return None

        def python(x: n.Expr) -> ast.expr:
            if isinstance(x, n.Binary):
                pyop = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult()}[x.op]
                return ast.BinOp(left=python(x.left), op=pyop, right=python(x.right))
            return self.expr(x)

        def deluge(x: n.Expr) -> ast.expr:
            if isinstance(x, n.Binary):
                return self.helper_call(("op", _BINARY[x.op]), [deluge(x.left), deluge(x.right)], x.span)
            return self.expr(x)

        result = f"__t{self.temps}"
        self.temps += 1
        value = ast.NamedExpr(target=_store(result), value=python(e))
        in_range = ast.Compare(left=_const(INT_MIN), ops=[ast.LtE(), ast.LtE()], comparators=[value, _const(INT_MAX)])
        checked = ast.IfExp(test=in_range, body=_load(result), orelse=deluge(e))
        tests = [self.is_class(n.Name(e.span, name), _load(_mangle(name)), "int") for name in names]
        return self.guarded(tests, checked, deluge(e), e.span)

    def compare(self, e: n.Compare) -> ast.expr:
        span = e.span
        spec: Spec = ("op", _COMPARE[e.op])
        lit = [x.value for x in (e.left, e.right) if isinstance(x, n.Literal)]
        ordering = e.op not in ("==", "!=")
        if len(lit) == 2 or any(type(v) not in (int, str) for v in lit) or (ordering and any(type(v) is str for v in lit)):
            return self.helper_call(spec, [self.expr(e.left), self.expr(e.right)], span)
        (a0, a), (b0, b) = self.operand(e.left), self.operand(e.right)
        pyop = {"==": ast.Eq(), "!=": ast.NotEq(), "<": ast.Lt(), "<=": ast.LtE(), ">": ast.Gt(), ">=": ast.GtE()}[e.op]
        fast = ast.Compare(left=a(), ops=[pyop], comparators=[b()])
        slow = self.helper_call(spec, [a(), b()], span)
        if lit:
            kind = "str" if type(lit[0]) is str else "int"
            if isinstance(e.left, n.Literal):
                return self.guarded([self.is_class(e.right, b0, kind)], fast, slow, span)
            return self.guarded([self.is_class(e.left, a0, kind)], fast, slow, span)
        # Two non-literals: same class, and that class is NUMBER (or TEXT for == / !=).
        left_cls = ast.Attribute(value=a0, attr="__class__", ctx=ast.Load())
        same = ast.Compare(left=left_cls, ops=[ast.Is()], comparators=[ast.Attribute(value=b0, attr="__class__", ctx=ast.Load())])
        kinds = ["int"] if ordering else ["int", "str"]
        known: list[ast.expr] = [ast.Compare(left=ast.Attribute(value=a(), attr="__class__", ctx=ast.Load()), ops=[ast.Is()],
                             comparators=[self.h(("builtin", k))]) for k in kinds]
        kind_test = known[0] if len(known) == 1 else ast.BoolOp(op=ast.Or(), values=known)
        return self.guarded([same, kind_test], fast, slow, span, not (self.simple(e.left) and self.simple(e.right)))

    def method(self, e: n.BuiltinMethod) -> ast.expr:
        span = e.span
        spec: Spec = ("method", e.name)
        slow = self.helper_call(spec, [_load("__ctx"), self.expr(e.target), *self.exprs(e.args)], span)
        if not (isinstance(e.target, n.Name) and self.simple(e.target) and e.args and self.simple(e.args[0])):
            return slow
        key = e.args[0]
        map_test = ast.Compare(left=ast.Attribute(value=self.expr(e.target), attr="__class__", ctx=ast.Load()),
                               ops=[ast.Is()], comparators=[self.h(("value", "DelugeMap"))])
        key_test = self.is_class(key, self.expr(key), "str")
        if e.name == "get" and len(e.args) == 1:
            fast = ast.Call(func=ast.Attribute(value=self.expr(e.target), attr="get", ctx=ast.Load()),
                            args=[self.expr(key)], keywords=[])
            return self.guarded([map_test, key_test], fast, slow, span)
        if e.name == "put" and len(e.args) == 2:
            # Overwriting an existing key cannot grow the map, so no size check is needed.
            present = ast.Compare(left=self.expr(key), ops=[ast.In()], comparators=[self.expr(e.target)])
            fast = ast.Call(func=ast.Attribute(value=self.expr(e.target), attr="__setitem__", ctx=ast.Load()),
                            args=[self.expr(key), self.expr(e.args[1])], keywords=[])
            return self.guarded([map_test, key_test, present], fast, slow, span)
        return slow

    def put_statement(self, e: n.Expr) -> ast.stmt | None:
        """``m.put("k", v);`` as a statement: a plain item assignment when ``m`` is a map that
        already holds the TEXT key ``"k"`` (no growth to check), else the built-in."""
        if not (isinstance(e, n.BuiltinMethod) and e.name == "put" and len(e.args) == 2
                and isinstance(e.target, n.Name) and self.simple(e.target) and self.simple(e.args[0])):
            return None
        target, key = e.target, e.args[0]
        tests: list[ast.expr] = [ast.Compare(left=ast.Attribute(value=self.expr(target), attr="__class__", ctx=ast.Load()),
                                             ops=[ast.Is()], comparators=[self.h(("value", "DelugeMap"))])]
        key_test = self.is_class(key, self.expr(key), "str")
        if key_test is not None:
            tests.append(key_test)
        tests.append(ast.Compare(left=self.expr(key), ops=[ast.In()], comparators=[self.expr(target)]))
        store = ast.Assign(targets=[ast.Subscript(value=self.expr(target), slice=self.expr(key), ctx=ast.Store())],
                           value=self.expr(e.args[1]))
        slow = ast.Expr(value=self.helper_call(("method", "put"), [_load("__ctx"), self.expr(target), *self.exprs(e.args)],
                                               e.span))
        return _at(ast.If(test=ast.BoolOp(op=ast.And(), values=tests), body=[_at(store, e.span)], orelse=[slow]), e.span)

    def builtin_call(self, e: n.BuiltinCall) -> ast.expr:
        span = e.span
        if e.name == "map":
            if not e.args:
                return self.helper_call(("value", "DelugeMap"), [], span)
            return self.helper_call(("rt", "map_from"), [self.expr(e.args[0])], span)
        if e.name == "list":
            if not e.args:
                return self.helper_call(("value", "DelugeList"), [], span)
            return self.helper_call(("rt", "list_from"), [self.expr(e.args[0])], span)
        if REGISTRY.function(e.name) is None:
            args = ast.Tuple(elts=self.exprs(e.args), ctx=ast.Load())
            return self.helper_call(("task", "run_host_function"), [_load("__ctx"), _const(e.name), args], span)
        return self.helper_call(("function", e.name), [_load("__ctx"), *self.exprs(e.args)], span)

    # -- program ---------------------------------------------------------------------------------
    def function(self, name: str) -> ast.stmt:
        info = self.resolved.functions[name]
        fn = info.definition
        self.in_function = name
        try:
            checks: list[ast.stmt] = [
                ast.Assign(targets=[_store(_mangle(p.name))],
                           value=self.helper_call(("rt", "check_param"),
                                                  [_load(_mangle(p.name)), _const(p.type), _const(fn.name), _const(p.name)], p.span))
                for p in fn.params
            ]
            body = [*checks, *self.block(fn.body), ast.Return(value=_const(None))]
        finally:
            self.in_function = None
        enter = [
            ast.Nonlocal(names=["__c", "__chk", "__d"]),
            ast.AugAssign(target=_store("__d"), op=ast.Add(), value=_const(1)),
            ast.If(test=ast.Compare(left=_load("__d"), ops=[ast.Gt()], comparators=[_load("__maxd")]),
                   body=[ast.Expr(value=self.helper_call(("rt", "too_deep"), [_load("__maxd")], fn.span))], orelse=[]),
            ast.Try(body=body, handlers=[], orelse=[],
                    finalbody=[ast.AugAssign(target=_store("__d"), op=ast.Sub(), value=_const(1))]),
        ]
        args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=_mangle(p.name)) for p in fn.params], vararg=None,
                             kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        return _at(ast.FunctionDef(name=self.fn_names[name], args=args, body=enter, decorator_list=[], returns=None),
                   fn.span)

    def capture(self, names: list[str]) -> ast.stmt:
        """When the host asks (``Execution.capture_variables``, the REPL does), copy the main
        script's final variable values onto the execution."""
        unbound = self.h(("builtin", "UnboundLocalError"))
        grab: list[ast.stmt] = [ast.Assign(targets=[_store("__v")], value=ast.Dict(keys=[], values=[]))]
        for var in names:
            grab.append(ast.Try(
                body=[ast.Assign(targets=[ast.Subscript(value=_load("__v"), slice=_const(var), ctx=ast.Store())],
                                 value=_load(_mangle(var)))],
                handlers=[ast.ExceptHandler(type=unbound, name=None, body=[ast.Pass()])], orelse=[], finalbody=[]))
        grab.append(ast.Assign(targets=[ast.Attribute(value=_load("__ctx"), attr="variables", ctx=ast.Store())],
                               value=_load("__v")))
        return ast.If(test=ast.Attribute(value=_load("__ctx"), attr="capture_variables", ctx=ast.Load()), body=grab, orelse=[])

    def program(self, name: str) -> Executable:
        r = self.resolved
        functions = [self.function(f) for f in r.functions]
        prologue: list[ast.stmt] = [
            ast.Assign(targets=[_store("__c")], value=_const(0)),
            ast.Assign(targets=[_store("__d")], value=_const(0)),
            ast.Assign(targets=[_store("__chk")],
                       value=ast.Call(func=ast.Attribute(value=_load("__ctx"), attr="checkpoint", ctx=ast.Load()),
                                      args=[_const(0)], keywords=[])),
            ast.Assign(targets=[_store("__maxd")], value=ast.Attribute(
                value=ast.Attribute(value=_load("__ctx"), attr="limits", ctx=ast.Load()), attr="max_depth", ctx=ast.Load())),
            ast.Assign(targets=[_store("__info")], value=ast.Attribute(value=_load("__ctx"), attr="info", ctx=ast.Load())),
        ]
        for var in sorted(r.free_names | r.main_locals):
            prologue.append(ast.If(
                test=ast.Compare(left=_const(var), ops=[ast.In()], comparators=[_load("__args")]),
                body=[ast.Assign(targets=[_store(_mangle(var))],
                                 value=ast.Subscript(value=_load("__args"), slice=_const(var), ctx=ast.Load()))],
                orelse=[]))
        body = self.block(r.program.body)
        final: list[ast.stmt] = [
            ast.Assign(targets=[ast.Attribute(value=_load("__ctx"), attr="statements", ctx=ast.Store())], value=_load("__c")),
            self.capture(sorted(r.free_names | r.main_locals)),
        ]
        program_body = [*prologue, *functions,
                        ast.Try(body=[*body, ast.Return(value=_const(None))], handlers=[], orelse=[], finalbody=final)]
        program_args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="__ctx"), ast.arg(arg="__args")], vararg=None,
                                     kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        program_fn = ast.FunctionDef(name="__program", args=program_args, body=program_body, decorator_list=[],
                                     returns=None)
        binds: list[ast.stmt] = [
            ast.Assign(targets=[_store(h)], value=ast.Subscript(value=_load("__H"), slice=_const(h), ctx=ast.Load()))
            for h in sorted(self.helpers)
        ]
        make_args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="__H"), ast.arg(arg="__K")], vararg=None,
                                  kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        make = ast.FunctionDef(name="__make", args=make_args,
                               body=[*binds, program_fn, ast.Return(value=_load("__program"))],
                               decorator_list=[], returns=None)
        module = ast.Module(body=[make], type_ignores=[])
        _fill_positions(module)
        try:
            code = compile(module, FILENAME_PREFIX + name + ">", "exec")
        except RecursionError:
            raise DelugeSyntaxError("the script is nested too deeply to compile", r.program.span, name) from None
        return Executable(code, dict(self.helpers), tuple(self.constants))


def _fill_positions(tree: ast.AST) -> None:
    """Give position-less generated nodes their parent's position (line 1 at the top)."""

    # Iterative: a long operator chain makes a deep tree, deeper than Python's recursion limit.
    stack: list[tuple[ast.AST, int, int, int, int]] = [(tree, 1, 0, 1, 0)]
    while stack:
        node, line, col, end_line, end_col = stack.pop()
        if "lineno" in node._attributes:
            if getattr(node, "lineno", None) is None:
                node.lineno, node.col_offset = line, col  # type: ignore[attr-defined]
                node.end_lineno, node.end_col_offset = end_line, end_col  # type: ignore[attr-defined]
            else:
                line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
                end_line = node.end_lineno or line  # type: ignore[attr-defined]
                end_col = node.end_col_offset if node.end_col_offset is not None else col  # type: ignore[attr-defined]
        stack.extend((child, line, col, end_line, end_col) for child in ast.iter_child_nodes(node))


def compile_program(resolved: Resolved, name: str, *, integer_division: str = "truncate") -> Executable:
    return _Compiler(resolved, integer_division).program(name)


# -- helpers the generated code calls (imported lazily where they pull in big modules) -------

