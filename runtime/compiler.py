"""Checked program → Python code object (the sandbox).

The generated module defines ``__make(H)``, which binds helpers from ``H`` and returns
``__program(ctx, args)``; it is executed with ``{"__builtins__": {}}``, so a script reaches
nothing but the helpers handed in. Deluge names become ``v_<name>`` locals, strings only
ever appear as constants, and every operation goes through :mod:`cloudburst.operators`.
Every generated node is created with the Deluge span of the construct it belongs to (no
second pass over the tree), so the innermost generated frame of a traceback tells which
Deluge expression failed.

Statement counting follows Deluge: each executed statement counts one, a ``for each``
header once per iteration, a task block once. In loop and function bodies a short
straight-line run is counted with one addition, and a second, statement-by-statement copy
runs only when the count would pass the next checkpoint, so a limit stops exactly at the
statement that exceeds it (see :meth:`Execution.checkpoint`). The code of a long main
script that runs once (outside loops and ``try`` bodies) is counted in segments the same
way, with the precise copy compiled only when a run needs it (see
:mod:`cloudburst.segments`); other code that runs once counts statement by statement.
"""

from __future__ import annotations

import ast
import time
from types import CodeType

from cloudburst import facts as fx
from cloudburst import nodes as n
from cloudburst import operators as ops
from cloudburst.errors import DelugeSyntaxError, Span, TimeoutLimitError
from cloudburst.execution import BIG_VALUE, DOLLAR, DOT
from cloudburst.forms.lowering import lower_access, lower_delete
from cloudburst.compiled import Executable, Spec, load, mangle
from cloudburst.resolver import Resolved
from cloudburst.segments import Segments
from cloudburst.stdlib.index import builtin_index
from cloudburst.values import INT_MAX, INT_MIN

__all__ = ["compile_program", "FILENAME_PREFIX"]

FILENAME_PREFIX = "<deluge:"

_BINARY = {"+": "add", "-": "sub", "*": "mul", "%": "mod"}
_COMPARE = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_PYOP: dict[str, type[ast.operator]] = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult}
_PYCMP: dict[str, type[ast.cmpop]] = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt,
                                      ">=": ast.GtE}

_LOAD = ast.Load()
_STORE = ast.Store()
_ADD = ast.Add()

#: Position keywords of a generated node.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    _Pos = dict[str, Any]
    _Node = TypeVar("_Node", bound=ast.AST)

#: A straight-line run in a loop or function body longer than this is counted statement
#: by statement (one copy) instead of twice-generated (a counted and a precise copy).
_TWIN_MAX = 12

#: Operator chains longer than this compile in a loop without inline fast paths.
_CHAIN = 6

#: A TEXT literal shorter than this plus a NUMBER stays far below the size at which
#: concatenation checks the text and memory limits (``BIG_VALUE``).
_SHORT = BIG_VALUE // 2

#: Statements compiled between two looks at the clock.
_CLOCK_EVERY = 256

#: A main script with more top-level statements than this compiles in chunks of about
#: ``_CHUNK`` statements, each its own Python code object: the generated tree of one chunk
#: is all that is ever held, so compiling memory stays flat however long the script.
_CHUNK_AFTER = 2000
_CHUNK = 1000

#: With segments, a main script of more than this many top-level statements compiles in
#: chunks (whatever its length), whose top-level straight-line runs are counted in
#: segments of at most ``_SEGMENT`` statements. A checkpoint (every 1,000 statements)
#: falls inside about one segment in forty, which then compiles its precise copy.
_SEGMENTS_AFTER = 200
_SEGMENT = 25

#: The position of the code that pays for a segment: no statement's, so an error's
#: position never names it (see :meth:`Segments.settle`).
_NOWHERE: _Pos = {"lineno": 0, "col_offset": 0, "end_lineno": 0, "end_col_offset": 0}

#: Names the generated main script binds besides Deluge variables, helpers and functions.
_CONTEXT = ("__c", "__chk", "__d", "__cp", "__maxd", "__info", "__room", "__ctx", "__K")


def _fn_name(name: str) -> str:
    # Likewise `.` in a qualified name: `a.b` and `a_b` must not become one Python function.
    return "f_" + name.replace(".", DOT).replace("$", DOLLAR)


def _pos(span: Span) -> _Pos:
    column, end_column = span.column, span.end_column
    return {"lineno": span.line, "col_offset": column - 1 if column > 0 else 0, "end_lineno": span.end_line,
            "end_col_offset": end_column - 1 if end_column > 0 else 0}


_TOP: _Pos = {"lineno": 1, "col_offset": 0, "end_lineno": 1, "end_col_offset": 0}


def _at(node: _Node, p: _Pos) -> _Node:
    """``node`` placed at ``p``: for the most frequent nodes, cheaper than keyword arguments."""
    node.__dict__.update(p)
    return node


def _load(name: str, p: _Pos) -> ast.Name:
    return _at(ast.Name(name, _LOAD), p)


def _store(name: str, p: _Pos) -> ast.Name:
    return _at(ast.Name(name, _STORE), p)


def _const(value: Any, p: _Pos) -> ast.Constant:
    return _at(ast.Constant(value), p)


def _attr(value: ast.expr, attr: str, p: _Pos) -> ast.Attribute:
    return ast.Attribute(value=value, attr=attr, ctx=_LOAD, **p)


def _compare(left: ast.expr, op: ast.cmpop, right: ast.expr, p: _Pos) -> ast.Compare:
    return ast.Compare(left=left, ops=[op], comparators=[right], **p)


def _assign(name: str, value: ast.expr, p: _Pos) -> ast.Assign:
    return _at(ast.Assign([_store(name, p)], value), p)


#: Python compares integers below 2**30 in magnitude fastest (one machine word, a
#: specialised instruction), so the 64-bit range check tests that range first.
_WORD = 2**30 - 1


def _in_range(value: ast.NamedExpr, p: _Pos) -> ast.expr:
    """``value`` (assigned to a temporary) is within the 64-bit NUMBER range."""
    assert isinstance(value.target, ast.Name)
    again = _load(value.target.id, p)
    small = ast.Compare(left=_const(-_WORD, p), ops=[ast.LtE(), ast.LtE()], comparators=[value, _const(_WORD, p)], **p)
    full = ast.Compare(left=_const(INT_MIN, p), ops=[ast.LtE(), ast.LtE()], comparators=[again, _const(INT_MAX, p)], **p)
    return ast.BoolOp(op=ast.Or(), values=[small, full], **p)


def _folded(op: str, a: Any, b: Any) -> Any:
    """``a op b`` for constant operands (None: not constant, or an error left to run time)."""
    if b is None:
        return None
    try:
        return getattr(ops, _BINARY[op])(a, b)
    except Exception:
        return None


def _args(names: list[str]) -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[ast.arg(arg=a, **_TOP) for a in names], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])


def _calls_function(stmt: n.Stmt) -> bool:
    """Whether ``stmt`` calls a function of the script: its statements count while the
    call runs, so a run holding it cannot be paid for up front."""
    stack: list[Any] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, n.UserCall):
            return True
        if isinstance(node, n.Node):
            stack.extend(getattr(node, f) for f in node.__match_args__)
        elif isinstance(node, tuple):
            stack.extend(node)
    return False


def _called_under_try(resolved: Resolved) -> set[str]:
    """The script's functions that may run inside a ``try`` body (called from one, directly
    or through other functions): an error in them can be caught and the caller go on."""
    if not resolved.functions:
        return set()
    calls: dict[str, set[str]] = {}
    roots: set[str] = set()
    bodies: list[tuple[str | None, tuple[n.Stmt, ...]]] = [(None, resolved.program.body)]
    bodies += [(name, info.definition.body) for name, info in resolved.functions.items()]
    for owner, body in bodies:
        stack: list[tuple[Any, bool]] = [(st, False) for st in body]
        while stack:
            node, guarded = stack.pop()
            if isinstance(node, n.UserCall):
                (roots if guarded else calls.setdefault(owner or "", set())).add(node.name)
            if isinstance(node, n.Try):
                stack.extend((st, True) for st in node.body)
                stack.extend((st, guarded) for st in node.handler)
            elif isinstance(node, n.Node):
                stack.extend((getattr(node, f), guarded) for f in node.__match_args__)
            elif isinstance(node, tuple):
                stack.extend((x, guarded) for x in node)
    reached, pending = set(roots), list(roots)
    while pending:
        for callee in calls.get(pending.pop(), ()):
            if callee not in reached:
                reached.add(callee)
                pending.append(callee)
    return reached


def _positioned(tree: ast.expr, span: Span) -> ast.expr:
    """Give the nodes of a subtree built elsewhere (form lowering) that have no position
    the span they were built for (a work list: subtrees may be deep)."""
    p = _pos(span)
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if "lineno" in node._attributes and getattr(node, "lineno", None) is None:
            for key, value in p.items():
                setattr(node, key, value)
        stack.extend(ast.iter_child_nodes(node))
    return tree


_KNOWN_BOOL = (n.Compare, n.Logical, n.Membership)
_BLOCKS = (n.If, n.ForEach, n.Try)
_JUMPS = (n.Return, n.Break, n.Continue)
_FORM_ACCESS = (n.FormFetch, n.FieldAccess, n.BuiltinMethod)


class _Compiler:
    def __init__(self, resolved: Resolved, integer_division: str, deadline: float | None, paths: str = "auto",
                 segments: bool = True) -> None:
        self.resolved = resolved
        self.builtins = resolved.builtins if resolved.builtins is not None else builtin_index()
        self.helpers: dict[str, Spec] = {}
        self.helper_names: dict[Spec, str] = {}
        self.constants: list[Any] = []
        self.const_index: dict[tuple[type, Any], int] = {}
        self.division: Spec = ("op", "div_decimal" if integer_division == "decimal" else "div_truncate")
        self.division_mode = integer_division
        #: What is proven about variables at the point being compiled (see cloudburst.facts).
        self.facts: fx.Facts = {}
        self.fn_names = {name: _fn_name(name) for name in resolved.functions}
        self.in_function: str | None = None
        self.locals: frozenset[str] | None = None  # the current function's locals (None: main script)
        #: Inside a loop or function body: code that may run many times, worth fast paths.
        #: ``paths`` "fast" treats all code so, "generic" none (the differential test).
        self.paths = paths
        self.hot = paths == "fast"
        self.temps = 0
        self.try_depth = 0
        self.loops = 0  # loops around the code being compiled
        self.calls = False  # whether the code generated since this was cleared calls a script function
        self.catchable = _called_under_try(resolved)
        self.deadline = deadline
        self.until_clock = _CLOCK_EVERY
        self.compiled = 0  # statements generated so far (chunk sizes)
        self.in_chunk = False
        self.mangled: dict[str, str] = {}
        #: The variables the code generated since the last chunk reads or assigns.
        self.used: set[str] = set()
        #: Count a chunked main script's top-level runs in segments (see cloudburst.segments).
        self.segmented = segments and paths != "generic"
        self.segments: list[tuple[n.Stmt, ...]] = []
        self.segment_statements: list[tuple[int, int, int, int]] = []
        self.segment_remaining: list[int] = []
        #: (name, names besides variables, names with a cell) of the chunks, for precise copies.
        self.layout: tuple[str, list[str], frozenset[str]] = ("", [], frozenset())
        p = _TOP
        self.shared: dict[str, Any] = {
            "__c": _load("__c", p), "__cp": _load("__cp", p), "__c=": _store("__c", p), "__chk=": _store("__chk", p),
            "__chk": _load("__chk", p),
        }
        self.shared["crossed"] = _compare(ast.NamedExpr(target=self.shared["__c="], value=ast.BinOp(
            left=self.shared["__c"], op=_ADD, right=_const(1, p), **p), **p), ast.Gt(), self.shared["__chk"], p)
        #: Helper names and small constants, shared: loading them cannot fail, so their
        #: position never shows in an error.
        self.shared_names: dict[str, ast.Name] = {}
        self.shared_consts: dict[tuple[type, Any], ast.Constant] = {}

    def var(self, name: str) -> str:
        """The Python name of the Deluge variable ``name``, noted as used (see :meth:`chunk`)."""
        mangled = self.mangled.get(name)
        if mangled is None:
            mangled = self.mangled[name] = mangle(name)
        self.used.add(mangled)
        return mangled

    # -- budget ----------------------------------------------------------------------------
    def tick(self, count: int) -> None:
        """Look at the clock every few hundred statements: compiling counts against the
        run's time limit."""
        self.until_clock -= count
        self.compiled += count
        if self.until_clock > 0 or self.deadline is None:
            return
        self.until_clock = _CLOCK_EVERY
        if time.monotonic() > self.deadline:
            raise TimeoutLimitError("compiling the script took longer than the run's time limit")

    # -- helpers ---------------------------------------------------------------------------
    def h(self, spec: Spec, p: _Pos) -> ast.Name:
        name = self.helper_names.get(spec)
        if name is None:
            name = "_h_" + spec[0] + "_" + "".join(c if c.isalnum() and c.isascii() or c == "_" else "_" for c in spec[1])
            if name in self.helpers:  # `a.b` and `a_b` spell alike
                name += f"_{len(self.helpers)}"
            self.helper_names[spec] = name
            self.helpers[name] = spec
            self.shared_names[name] = _load(name, _TOP)
        return self.shared_names[name]

    def helper_call(self, spec: Spec, args: list[ast.expr], span: Span) -> ast.Call:
        return _at(ast.Call(self.h(spec, _TOP), args, []), _pos(span))

    def constant(self, value: Any, span: Span) -> ast.expr:
        if value is None or type(value) in (int, str, bool):
            key = (type(value), value)
            node = self.shared_consts.get(key)
            if node is None:
                node = self.shared_consts[key] = _const(value, _TOP)
            return node
        p = _pos(span)
        key = (type(value), value)
        idx = self.const_index.get(key)
        if idx is None:
            idx = len(self.constants)
            self.constants.append(value)
            self.const_index[key] = idx
        return ast.Subscript(value=_load("__K", p), slice=_const(idx, p), ctx=_LOAD, **p)

    # -- counting --------------------------------------------------------------------------
    def bump(self, count: int, span: Span) -> list[ast.stmt]:
        """``__c += count`` and a checkpoint when the count passes the next one. Only the
        statement nodes and the checkpoint call (whose position a limit error reports) are
        new; the rest is shared, which keeps big scripts' trees small."""
        p = _pos(span)
        shared = self.shared
        check = ast.Call(func=shared["__cp"], args=[shared["__c"]], keywords=[], **p)
        if count == 1:  # `if (__c := __c + 1) > __chk:` is the same test everywhere
            test = shared["crossed"]
        else:
            test = _compare(ast.NamedExpr(target=shared["__c="], value=ast.BinOp(
                left=shared["__c"], op=_ADD, right=_const(count, p), **p), **p), ast.Gt(), shared["__chk"], p)
        return [ast.If(test=test, body=[ast.Assign(targets=[shared["__chk="]], value=check, **p)], orelse=[], **p)]

    def counted_run(self, run: list[n.Stmt], owed: int, owner: Span) -> list[ast.stmt]:
        """A straight-line run of simple statements (``owed``: counts the enclosing loop
        header adds). Counted statement by statement, except a short run in a loop or
        function body that calls no script function: one addition pays for it, and the
        precise copy runs only when the count would pass the next checkpoint. Paying up
        front must not count a statement that never runs, so a run stays precise where an
        error inside it can be caught and the script go on (in a ``try`` body, in a function
        called from one), or where a ``return``/``break``/``continue`` leaves dead code.
        Code of a chunked main script that runs once (outside loops and ``try`` bodies) is
        counted in segments instead (see :meth:`segment`)."""
        if not run:
            return self.bump(owed, owner)
        self.tick(len(run))
        if not owed and self.segmented and self.in_chunk and not self.loops and not self.try_depth:
            return self.segmented_run(run)
        start = dict(self.facts)
        precise = self.precise_run(run, owed)
        total = len(run) + owed
        if (not self.hot or total == 1 or len(run) > _TWIN_MAX or self.try_depth or self.in_function in self.catchable
                or any(map(_calls_function, run)) or any(isinstance(st, _JUMPS) for st in run[:-1])):
            return precise
        self.facts = start
        p = _pos(run[0].span)
        fast: list[ast.stmt] = []
        for st in run:
            fast.extend(self.stmt(st))
        # `if (__c := __c + total) > __chk:` pays up front with one addition (an int object
        # fewer than testing and adding apart); crossing, it takes the payment back and
        # runs the precise copy.
        paid = ast.NamedExpr(target=_store("__c", p), value=ast.BinOp(left=_load("__c", p), op=ast.Add(),
                                                                      right=_const(total, p), **p), **p)
        refund = ast.AugAssign(target=_store("__c", p), op=ast.Sub(), value=_const(total, p), **p)
        return [ast.If(test=_compare(paid, ast.Gt(), _load("__chk", p), p), body=[refund, *precise], orelse=fast, **p)]

    def precise_run(self, run: list[n.Stmt] | tuple[n.Stmt, ...], owed: int) -> list[ast.stmt]:
        """Statements counted one by one (the first also pays ``owed``)."""
        precise: list[ast.stmt] = []
        for i, st in enumerate(run):
            precise.extend(self.bump(1 + (owed if i == 0 else 0), st.span))
            precise.extend(self.stmt(st))
        return precise

    def segmented_run(self, run: list[n.Stmt]) -> list[ast.stmt]:
        """A run cut into segments of statements that can be paid for at once; one that
        ends the script or calls a script function (whose statements count while it runs:
        noted while generating it, no second walk) counts on its own."""
        out: list[ast.stmt] = []
        pending: list[tuple[n.Stmt, list[ast.stmt]]] = []
        for st in run:
            self.calls = False
            code = self.stmt(st)
            if not (self.calls or isinstance(st, _JUMPS)):
                pending.append((st, code))
                if len(pending) < _SEGMENT:
                    continue
            out.extend(self.segment(pending))
            pending = []
            if self.calls or isinstance(st, _JUMPS):
                out.extend(self.bump(1, st.span))
                out.extend(code)
        out.extend(self.segment(pending))
        return out

    def block(self, stmts: tuple[n.Stmt, ...], owner: Span, extra: int = 0) -> list[ast.stmt]:
        """Compile statements with Deluge's statement counting; ``extra`` is owed by the
        enclosing construct (a loop header, once per iteration)."""
        out: list[ast.stmt] = []
        run: list[n.Stmt] = []
        owed = extra
        for st in stmts:
            if isinstance(st, (n.If, n.ForEach, n.Try)):
                if run or owed:
                    out.extend(self.counted_run(run, owed, owner))
                    run, owed = [], 0
                if not isinstance(st, n.ForEach):  # a loop counts its header per iteration instead
                    out.extend(self.bump(1, st.span))
                self.tick(1)
                out.extend(self.stmt(st))
            else:
                run.append(st)
        if run or owed:
            out.extend(self.counted_run(run, owed, owner))
        return out or [ast.Pass(**_pos(owner))]

    # -- statements --------------------------------------------------------------------------
    def stmt(self, s: n.Stmt) -> list[ast.stmt]:
        out = self.statement(s)
        fx.after(s, self.facts, self.division_mode)  # what a simple statement proves (blocks: done inside)
        return out

    def statement(self, s: n.Stmt) -> list[ast.stmt]:
        span = s.span
        p = _pos(span)
        if isinstance(s, n.Assign):
            return [self.assign(s.target, self.expr(s.value), span)]
        if isinstance(s, n.CompoundAssign):
            current = self.expr(s.target)
            spec: Spec = self.division if s.op == "/" else ("op", _BINARY[s.op])
            return [self.assign(s.target, self.helper_call(spec, [current, self.expr(s.value)], span), span)]
        if isinstance(s, n.ExprStmt):
            rebound = self.insert_pairs_statement(s.expr)
            if rebound is not None:
                return [rebound]
            put = self.put_statement(s.expr)
            return [put] if put is not None else [ast.Expr(value=self.expr(s.expr), **p)]
        if isinstance(s, n.Info):
            value = self.helper_call(("value", "display"), [self.expr(s.expr)], s.expr.span)
            return [ast.Expr(value=ast.Call(func=_load("__info", p), args=[value], keywords=[], **p), **p)]
        if isinstance(s, n.Return):
            return [self.return_(s)]
        if isinstance(s, n.Break):
            return [ast.Break(**p)]
        if isinstance(s, n.Continue):
            return [ast.Continue(**p)]
        if isinstance(s, n.If):
            # Each branch starts from what holds before the `if`; after it holds what every
            # branch that reaches the end agrees on.
            before = self.facts
            ends: list[fx.Facts] = []

            def branch(body: tuple[n.Stmt, ...]) -> list[ast.stmt]:
                self.facts = dict(before)
                out = self.block(body, span)
                if not (body and isinstance(body[-1], _JUMPS)):
                    ends.append(self.facts)
                return out

            orelse: list[ast.stmt] = branch(s.otherwise) if s.otherwise is not None else []
            if s.otherwise is None:
                ends.append(before)
            for cond, body in reversed(s.branches):
                self.facts = before  # conditions assign nothing
                test = self.condition(cond)
                orelse = [ast.If(test=test, body=branch(body), orelse=orelse, **_pos(cond.span))]
            self.facts = fx.meet(ends)
            return orelse
        if isinstance(s, n.ForEach):
            key = "iterate_index" if s.index else "iterate"
            it = self.helper_call(("op", key), [self.expr(s.iterable)], s.iterable.span)
            hot, self.hot = self.hot, self.paths != "generic"
            # Every iteration starts from what holds before the loop, less what the body
            # assigns (a loop-carried variable is not assumed), plus the index variable.
            after = fx.forget(self.facts, fx.assigned(s.body) | {s.var})
            self.facts = dict(after)
            self.facts[s.var] = fx.Fact("int", 0, fx.INDEX_MAX) if s.index else fx.ANY
            self.loops += 1
            try:
                loop_body = self.block(s.body, span, extra=1)
            finally:
                self.hot = hot
                self.loops -= 1
            self.facts = after
            return [ast.For(target=_store(self.var(s.var), p), iter=it, body=loop_body, orelse=[], **p)]
        if isinstance(s, n.Try):
            before = self.facts
            self.facts = fx.forget(before, fx.assigned(s.body) | {s.var})  # the body may stop anywhere
            self.facts[s.var] = fx.ANY
            catch = self.helper_call(("rt", "catch"), [_load("__e", p)], span)
            handler = [_assign(self.var(s.var), catch, p), *self.block(s.handler, span)]
            handled = self.facts
            self.facts = dict(before)
            self.try_depth += 1
            try:
                try_body = self.block(s.body, span)
            finally:
                self.try_depth -= 1
            self.facts = fx.meet([self.facts, handled])
            return [ast.Try(body=try_body,
                            handlers=[ast.ExceptHandler(type=self.h(("builtin", "BaseException"), p), name="__e",
                                                        body=handler, **p)],
                            orelse=[], finalbody=[], **p)]
        if isinstance(s, n.Delete):
            return [ast.Expr(value=_positioned(lower_delete(self, s), span), **p)]
        if isinstance(s, n.Command):
            args = ast.Tuple(elts=self.exprs(s.args), ctx=_LOAD, **p)
            call = self.helper_call(("task", "client_action"), [_load("__ctx", p), _const(s.name, p), args], span)
            return [ast.Expr(value=call, **p)]
        raise AssertionError(f"cannot compile {type(s).__name__}")

    def assign(self, target: n.Expr, value: ast.expr, span: Span) -> ast.stmt:
        p = _pos(span)
        if isinstance(target, n.Name):
            return _assign(self.var(target.name), value, p)
        if isinstance(target, n.FieldAccess):
            call = self.helper_call(("op", "set_field"), [self.expr(target.target), _const(target.name, p), value], span)
            return ast.Expr(value=call, **p)
        if isinstance(target, n.Index):
            call = self.helper_call(("op", "set_index"), [self.expr(target.target), self.expr(target.index), value], span)
            return ast.Expr(value=call, **p)
        raise DelugeSyntaxError("cannot assign to a form fetch; assign to a field of it (rec.Field = value)", span)

    def return_(self, s: n.Return) -> ast.stmt:
        p = _pos(s.span)
        value: ast.expr = _const(None, p) if s.value is None else self.expr(s.value)
        if self.in_function is not None:
            info = self.resolved.functions[self.in_function].definition
            if info.return_type != "void":
                value = self.helper_call(("rt", "check_return"),
                                         [value, _const(info.return_type, p), _const(info.name, p)], s.span)
        elif self.in_chunk:  # a chunk returns (value,) when the script ends, None when it runs on
            value = ast.Tuple(elts=[value], ctx=_LOAD, **p)
        return ast.Return(value=value, **p)

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
            return _positioned(access, span)
        if isinstance(e, n.Literal):
            return self.constant(e.value, span)
        if isinstance(e, n.Name):
            if self.locals is not None and e.name not in self.locals:
                return self.helper_call(("rt", "undefined"), [_const(e.name, _pos(span))], span)
            return _load(self.var(e.name), _pos(span))
        if isinstance(e, n.Binary):
            return self.binary(e)
        if isinstance(e, n.Compare):
            return self.compare(e)
        p = _pos(span)
        if isinstance(e, n.Logical):
            # `a && b && c`: one BoolOp over the flattened chain (built in a loop).
            values: list[ast.expr] = []
            node: n.Expr = e
            while isinstance(node, n.Logical) and node.op == e.op:
                values.append(self.condition(node.right))
                node = node.left
            values.append(self.condition(node))
            op = ast.And() if e.op == "&&" else ast.Or()
            return ast.BoolOp(op=op, values=values[::-1], **p)
        if isinstance(e, n.Unary):
            if e.op == "!":
                if isinstance(e.operand, _KNOWN_BOOL):
                    return ast.UnaryOp(op=ast.Not(), operand=self.expr(e.operand), **p)
                return self.helper_call(("op", "not_"), [self.expr(e.operand)], span)
            return self.helper_call(("op", "neg" if e.op == "-" else "pos"), [self.expr(e.operand)], span)
        if isinstance(e, n.Membership):
            test = self.helper_call(("op", "contains"), [self.expr(e.container), self.expr(e.item)], span)
            return ast.UnaryOp(op=ast.Not(), operand=test, **p) if e.negated else test
        if isinstance(e, n.ListLit):
            return self.helper_call(("value", "DelugeList"), [ast.Tuple(elts=self.exprs(e.items), ctx=_LOAD, **p)], span)
        if isinstance(e, n.MapLit):
            flat: list[ast.expr] = []
            for k, v in e.pairs:
                flat.extend((self.expr(k), self.expr(v)))
            return self.helper_call(("rt", "map_of"), flat, span)
        if isinstance(e, n.TypedCtor):
            if e.kind != "list":
                return self.helper_call(("value", "DelugeList"), [], span)
            return self.helper_call(("rt", "typed_list"), [_load("__ctx", p), _const(e.element_type, p), *self.exprs(e.args)],
                                    span)
        if isinstance(e, n.BuiltinCall):
            return self.builtin_call(e)
        if isinstance(e, n.BuiltinMethod):
            return self.method(e)
        if isinstance(e, n.UserCall):
            self.calls = True
            pyname = self.fn_names.get(e.name)
            if pyname is None:
                return self.helper_call(("rt", "missing_function"), [_const(e.name, p)], span)
            return ast.Call(func=_load(pyname, p), args=self.exprs(e.args), keywords=[], **p)
        if isinstance(e, n.IntegrationCall):
            args = ast.Tuple(elts=self.exprs(e.args), ctx=_LOAD, **p)
            return self.helper_call(("task", "run_integration"), [_load("__ctx", p), _const(e.name, p), args], span)
        if isinstance(e, n.SystemVar):
            if e.name not in self.builtins.system:
                return self.helper_call(("rt", "unknown_system"), [_const(e.name, p)], span)
            return self.helper_call(("system", e.name), [_load("__ctx", p)], span)
        if isinstance(e, n.Conditional):
            return ast.IfExp(test=self.condition(e.condition), body=self.expr(e.then), orelse=self.expr(e.otherwise), **p)
        if isinstance(e, n.FieldAccess):
            return self.helper_call(("op", "get_field"), [self.expr(e.target), _const(e.name, p)], span)
        if isinstance(e, n.Index):
            return self.helper_call(("op", "get_index"), [self.expr(e.target), self.expr(e.index)], span)
        if isinstance(e, n.InsertRecord):
            record = ast.Dict(keys=[_const(k, p) for k, _ in e.items], values=[self.expr(v) for _, v in e.items], **p)
            return self.helper_call(("forms", "insert"), [_load("__ctx", p), _const(e.form, p), record], span)
        if isinstance(e, n.ClientAction):
            args = ast.Tuple(elts=self.exprs(e.args), ctx=_LOAD, **p)
            return self.helper_call(("task", "client_action"), [_load("__ctx", p), _const(e.name, p), args], span)
        if isinstance(e, n.KeyValueArg):
            return self.helper_call(("kv", "KeyValuePair"), [self.expr(e.key), self.expr(e.value)], span)
        if isinstance(e, n.Task):
            keys: list[ast.expr | None] = [_const(i.key, p) for i in e.items]
            record = ast.Dict(keys=keys, values=[self.expr(i.value) for i in e.items], **p)
            return self.helper_call(("task", "run_task"), [_load("__ctx", p), _const(e.name, p), record], span)
        raise AssertionError(f"cannot compile {type(e).__name__}")

    # -- fast paths ----------------------------------------------------------------------------
    # Inline code for the common case (NUMBER or TEXT operands held in plain names or
    # literals), falling back to the helper for everything else, so the rules stay the
    # helpers' while hot loops skip a call. Operands are only inlined when evaluating them
    # twice is harmless (names, literals). Code that runs once (``hot`` false) calls the
    # helpers directly: a fast path there would only make the tree bigger.

    def simple(self, e: n.Expr) -> bool:
        if isinstance(e, n.Literal):
            return type(e.value) in (int, str)
        if isinstance(e, n.Name):
            return self.locals is None or e.name in self.locals
        return False

    def temp(self) -> str:
        self.temps += 1
        return f"__t{self.temps}"

    def operand(self, e: n.Expr) -> tuple[ast.expr, Callable[[], ast.expr]]:
        """(first use, later uses) of an operand: a name or literal is simply repeated; any
        other expression is evaluated once into a fresh temporary."""
        if self.simple(e):
            return self.expr(e), lambda: self.expr(e)
        name = self.temp()
        p = _pos(e.span)
        return ast.NamedExpr(target=_store(name, p), value=self.expr(e), **p), lambda: _load(name, p)

    def kind(self, e: n.Expr) -> fx.Fact | None:
        """What is proven about the value of ``e`` here (see :mod:`cloudburst.facts`)."""
        if isinstance(e, n.Name) and not self.simple(e):
            return None
        fact = fx.of(e, self.facts, self.division_mode)
        return None if fact is None or fact.kind == "any" else fact

    def bound(self, e: n.Name) -> bool:
        """Whether the name surely has a value here (reading it cannot fail)."""
        return self.simple(e) and e.name in self.facts

    def known(self, e: n.Expr, kind: str) -> bool:
        """Whether the name ``e`` surely holds a value of ``kind`` here."""
        fact = self.facts.get(e.name) if isinstance(e, n.Name) and self.simple(e) else None
        return fact is not None and fact.kind == kind

    def is_class(self, e: n.Expr, node: ast.expr, kind: str) -> ast.expr | None:
        """``node.__class__ is <kind>`` (None when ``e`` is a literal, whose type is known,
        or a name proven to hold ``kind``)."""
        if isinstance(e, n.Literal) or self.known(e, kind):
            return None
        p = _pos(e.span)
        return _compare(_attr(node, "__class__", p), ast.Is(), self.h(("builtin", kind), p), p)

    @staticmethod
    def guarded(tests: list[ast.expr | None], fast: ast.expr, slow: ast.expr, span: Span, eager: bool = False) -> ast.expr:
        """``fast if all(tests) else slow``. With ``eager`` every test runs (``&``, not
        ``and``), because a test is where an operand's temporary is first assigned."""
        conds = [t for t in tests if t is not None]
        if not conds:
            return fast
        p = _pos(span)
        if len(conds) == 1:
            test = conds[0]
        elif eager:
            test = conds[0]
            for c in conds[1:]:
                test = ast.BinOp(left=test, op=ast.BitAnd(), right=c, **p)
        else:
            test = ast.BoolOp(op=ast.And(), values=conds, **p)
        return ast.IfExp(test=test, body=fast, orelse=slow, **p)

    def fold(self, e: n.Expr) -> Any:
        """Fold literal NUMBER and TEXT arithmetic at compile time (errors stay at run time);
        None when ``e`` is not constant."""
        if isinstance(e, n.Literal):
            return e.value if type(e.value) in (int, str) else None
        if not isinstance(e, n.Binary) or e.op == "/" or isinstance(e.left, n.Binary) and self.chain_length(e) > _CHAIN:
            return None
        a = self.fold(e.left)
        return None if a is None else _folded(e.op, a, self.fold(e.right))

    @staticmethod
    def chain_length(e: n.Binary) -> int:
        count = 0
        node: n.Expr = e
        while isinstance(node, n.Binary):
            count, node = count + 1, node.left
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
        left_fold, right_fold = self.fold(e.left), self.fold(e.right)
        folded = None if e.op == "/" or left_fold is None else _folded(e.op, left_fold, right_fold)
        if folded is not None:
            return self.constant(folded, span)
        if isinstance(e.left, n.Binary) and left_fold is not None or isinstance(e.right, n.Binary) and right_fold is not None:
            e = n.Binary(span, e.op, n.Literal(e.left.span, left_fold) if isinstance(e.left, n.Binary) and left_fold is not None else e.left,
                         n.Literal(e.right.span, right_fold) if isinstance(e.right, n.Binary) and right_fold is not None else e.right)
        spec: Spec = self.division if e.op == "/" else ("op", _BINARY[e.op])
        if not self.hot:
            # Code that runs once stays small; but NUMBER arithmetic of several operations is
            # range-checked as a whole everywhere (docs/semantics.md), as in hot code.
            left, right = e.left, e.right
            nested = e.op in _PYOP and (isinstance(left, n.Binary) and left.op in _PYOP
                                        or isinstance(right, n.Binary) and right.op in _PYOP)
            arithmetic = self.integer_arithmetic(e) if nested else None
            return arithmetic or self.helper_call(spec, [self.expr(e.left), self.expr(e.right)], span)
        arithmetic = self.integer_arithmetic(e)
        if arithmetic is not None:
            return arithmetic
        lit = [x.value for x in (e.left, e.right) if isinstance(x, n.Literal)]
        text = e.op == "+" and len(lit) == 1 and type(lit[0]) is str
        number = e.op in ("+", "-", "*") and all(type(v) is int for v in lit)
        if not (text or number):
            return self.helper_call(spec, [self.expr(e.left), self.expr(e.right)], span)
        p = _pos(span)
        (a0, a), (b0, b) = self.operand(e.left), self.operand(e.right)
        slow = self.helper_call(spec, [a(), b()], span)
        if text:
            # "text" + x: plain concatenation when x is TEXT, or a NUMBER shown in decimal.
            lit_first = isinstance(e.left, n.Literal)
            other, first, again = (e.right, b0, b) if lit_first else (e.left, a0, a)

            def concat(x: ast.expr) -> ast.expr:
                return ast.BinOp(left=a() if lit_first else x, op=ast.Add(), right=x if lit_first else b(), **p)

            def small(x: ast.expr) -> ast.expr:
                """The TEXT ``x`` is short enough that the result stays below the size at
                which the helper checks the text and memory limits."""
                size = ast.Call(func=self.h(("builtin", "len"), p), args=[x], keywords=[], **p)
                return ast.Compare(left=size, ops=[ast.Lt()], comparators=[_const(BIG_VALUE - len(lit[0]), p)], **p)

            kind = self.kind(other)
            if kind is not None and kind.kind == "str":
                return self.guarded([small(first)], concat(again()), slow, span)
            if kind is not None and kind.kind == "int" and len(lit[0]) < _SHORT:
                # Short enough that the helper's text-size checks could not apply.
                return concat(ast.Call(func=self.h(("builtin", "str"), p), args=[first], keywords=[], **p))
            as_text = ast.Call(func=self.h(("builtin", "str"), p), args=[again()], keywords=[], **p)
            as_number = self.guarded([self.is_class(other, again(), "int")], concat(as_text), slow, span)
            return self.guarded([self.is_class(other, first, "str"), small(again())], concat(again()), as_number, span)
        result = self.temp()
        value = ast.NamedExpr(target=_store(result, p), value=ast.BinOp(left=a(), op=_PYOP[e.op](), right=b(), **p), **p)
        checked = ast.IfExp(test=_in_range(value, p), body=_load(result, p), orelse=slow, **p)
        tests = [self.is_class(e.left, a0, "int"), self.is_class(e.right, b0, "int")]
        eager = not (self.simple(e.left) and self.simple(e.right))
        return self.guarded(tests, checked, self.helper_call(spec, [a(), b()], span), span, eager)

    def remainder(self, x: n.Expr) -> bool:
        """``name % 7``: a NUMBER remainder by a positive literal, computed inline."""
        return (isinstance(x, n.Binary) and x.op == "%" and isinstance(x.left, n.Name) and self.simple(x.left)
                and isinstance(x.right, n.Literal) and type(x.right.value) is int and x.right.value > 0)

    def span_of(self, x: n.Expr, opaque: dict[int, str]) -> tuple[int, int]:
        """The range a NUMBER leaf or operation of an inline expression is proven to lie in
        (the whole 64-bit range when nothing narrower is proven)."""
        if id(x) not in opaque and isinstance(x, n.Binary):
            span = fx.bounds(x.op, self.span_of(x.left, opaque), self.span_of(x.right, opaque))
            return span if span is not None else (INT_MIN, INT_MAX)
        fact = None if id(x) in opaque else self.kind(x)
        return (fact.lo, fact.hi) if fact is not None and fact.kind == "int" else (INT_MIN, INT_MAX)

    def integer_arithmetic(self, e: n.Binary) -> ast.expr | None:
        """``x + 3 * 2 - y % 7`` over names, NUMBER literals, remainders of a name by a
        positive literal and other expressions (``m.get(k)``, evaluated once into a
        temporary, as long as no operation that can fail comes before them): when every
        operand holds a NUMBER, Python computes it exactly and the result alone is
        range-checked (an intermediate value past 64 bits that comes back in range is what
        Java's wrapping gives too, docs/semantics.md), or not at all when the operands'
        proven ranges keep it in range; otherwise the helpers apply Deluge's rules operation
        by operation. Tests on operands proven to be NUMBERs are left out."""
        if e.op not in _PYOP and not self.remainder(e):
            return None
        leaves: list[n.Expr] = []  # in evaluation order
        opaque: dict[int, str] = {}  # id of a leaf evaluated into a temporary -> its name
        can_fail = False  # an operation before this point (in evaluation order) may raise

        def walk(x: n.Expr) -> bool:
            nonlocal can_fail
            if self.remainder(x):
                assert isinstance(x, n.Binary)
                leaves.append(x.left)
                can_fail = can_fail or not self.known(x.left, "int")
                return True
            if isinstance(x, n.Binary) and x.op in _PYOP:
                ok = walk(x.left) and walk(x.right)
                can_fail = True
                return ok
            leaves.append(x)
            if isinstance(x, n.Literal):
                return type(x.value) is int
            fact = self.kind(x)
            if fact is not None and fact.kind != "int":
                return False
            if isinstance(x, n.Name):
                return self.simple(x)
            if can_fail:
                return False
            opaque[id(x)] = self.temp()
            return True

        if not walk(e) or all(isinstance(x, n.Literal) for x in leaves):
            return None
        p = _pos(e.span)
        tests: list[ast.expr | None] = []  # in evaluation order: a leaf is evaluated where generic code would
        first: list[ast.expr | None] = []  # temporaries first, then names
        tested: set[str] = set()
        unbound = False  # a name tested may have no value (reading it fails)
        for x in leaves:
            q = _pos(x.span)
            if id(x) in opaque:
                node = ast.NamedExpr(target=_store(opaque[id(x)], q), value=self.expr(x), **q)
                tests.append(_compare(_attr(node, "__class__", q), ast.Is(), self.h(("builtin", "int"), q), q))
                first.insert(len(first) - len(tested), tests[-1])
            elif isinstance(x, n.Name) and x.name not in tested:
                tested.add(x.name)
                tests.append(self.is_class(x, _load(self.var(x.name), q), "int"))
                first.append(tests[-1])
                unbound = unbound or tests[-1] is not None and not self.bound(x)

        def leaf(x: n.Expr) -> ast.expr:
            name = opaque.get(id(x))
            return self.expr(x) if name is None else _load(name, _pos(x.span))

        def python(x: n.Expr) -> ast.expr:
            if self.remainder(x):
                assert isinstance(x, n.Binary)
                q = _pos(x.span)
                v, m = self.expr(x.left), self.expr(x.right)
                if self.span_of(x.left, opaque)[0] >= 0:
                    return ast.BinOp(left=v, op=ast.Mod(), right=m, **q)
                # Java's remainder takes the dividend's sign: -(-v % m) for a negative v.
                negated = ast.UnaryOp(op=ast.USub(), operand=ast.BinOp(
                    left=ast.UnaryOp(op=ast.USub(), operand=v, **q), op=ast.Mod(), right=m, **q), **q)
                return ast.IfExp(test=_compare(v, ast.GtE(), _const(0, q), q),
                                 body=ast.BinOp(left=v, op=ast.Mod(), right=m, **q), orelse=negated, **q)
            if isinstance(x, n.Binary) and id(x) not in opaque:
                return ast.BinOp(left=python(x.left), op=_PYOP[x.op](), right=python(x.right), **_pos(x.span))
            return leaf(x)

        def deluge(x: n.Expr) -> ast.expr:
            if isinstance(x, n.Binary) and id(x) not in opaque:
                return self.helper_call(("op", _BINARY[x.op]), [deluge(x.left), deluge(x.right)], x.span)
            return leaf(x)

        lo, hi = self.span_of(e, opaque)
        if INT_MIN <= lo and hi <= INT_MAX:
            checked = python(e)
        else:
            result = self.temp()
            value = ast.NamedExpr(target=_store(result, p), value=python(e), **p)
            checked = ast.IfExp(test=_in_range(value, p), body=_load(result, p), orelse=deluge(e), **p)
        if all(t is None for t in tests):
            return checked  # every operand proven a NUMBER (opaque ones always have a test)
        if len(opaque) == 1 and not unbound:
            # Reading the names cannot fail, so the one temporary can be assigned first and
            # the tests short-circuit (``and``): the slow path always finds it assigned.
            return self.guarded(first, checked, deluge(e), e.span)
        return self.guarded(tests, checked, deluge(e), e.span, eager=bool(opaque))

    def compare(self, e: n.Compare) -> ast.expr:
        span = e.span
        p = _pos(span)
        spec: Spec = ("op", _COMPARE[e.op])
        lit = [x.value for x in (e.left, e.right) if isinstance(x, n.Literal)]
        ordering = e.op not in ("==", "!=")
        if not self.hot or len(lit) == 2 or any(type(v) not in (int, str) for v in lit) or (ordering and any(type(v) is str for v in lit)):
            return self.helper_call(spec, [self.expr(e.left), self.expr(e.right)], span)
        proven = {k.kind if k is not None else None for k in (self.kind(e.left), self.kind(e.right))}
        if proven == {"int"} or proven == {"str"} and not ordering:
            return _compare(self.expr(e.left), _PYCMP[e.op](), self.expr(e.right), p)  # proven: Python's rule is Deluge's
        (a0, a), (b0, b) = self.operand(e.left), self.operand(e.right)
        fast = _compare(a(), _PYCMP[e.op](), b(), p)
        slow = self.helper_call(spec, [a(), b()], span)
        if lit:
            kind = "str" if type(lit[0]) is str else "int"
            if isinstance(e.left, n.Literal):
                return self.guarded([self.is_class(e.right, b0, kind)], fast, slow, span)
            return self.guarded([self.is_class(e.left, a0, kind)], fast, slow, span)
        # Two non-literals: same class, and that class is NUMBER (or TEXT for == / !=).
        same = _compare(_attr(a0, "__class__", p), ast.Is(), _attr(b0, "__class__", p), p)
        kinds = ["int"] if ordering else ["int", "str"]
        known: list[ast.expr] = [_compare(_attr(a(), "__class__", p), ast.Is(), self.h(("builtin", k), p), p) for k in kinds]
        kind_test = known[0] if len(known) == 1 else ast.BoolOp(op=ast.Or(), values=known, **p)
        return self.guarded([same, kind_test], fast, slow, span, not (self.simple(e.left) and self.simple(e.right)))

    def room(self, target: n.Expr, p: _Pos) -> ast.expr:
        """``len(m) < max_collection_size``: putting any key into ``m`` cannot pass the
        run's collection limit (``__room``), so ``put`` needs no check (a length is
        cheaper to read than a lookup of the key)."""
        size = ast.Call(func=self.h(("builtin", "len"), p), args=[self.expr(target)], keywords=[], **p)
        return _compare(size, ast.Lt(), _load("__room", p), p)

    def map_test(self, target: n.Expr, p: _Pos) -> ast.expr | None:
        if self.known(target, "map"):
            return None
        return _compare(_attr(self.expr(target), "__class__", p), ast.Is(), self.h(("value", "DelugeMap"), p), p)

    def method(self, e: n.BuiltinMethod) -> ast.expr:
        span = e.span
        p = _pos(span)
        slow = self.helper_call(("method", e.name), [_load("__ctx", p), self.expr(e.target), *self.exprs(e.args)], span)
        if not (self.hot and isinstance(e.target, n.Name) and self.simple(e.target) and e.args and self.simple(e.args[0])):
            return slow
        key = e.args[0]
        key_test = self.is_class(key, self.expr(key), "str")
        if e.name == "get" and len(e.args) == 1:
            fast = ast.Call(func=_attr(self.expr(e.target), "get", p), args=[self.expr(key)], keywords=[], **p)
            return self.guarded([self.map_test(e.target, p), key_test], fast, slow, span)
        if e.name == "put" and len(e.args) == 2:
            fast = ast.Call(func=_attr(self.expr(e.target), "__setitem__", p), args=[self.expr(key), self.expr(e.args[1])],
                            keywords=[], **p)
            return self.guarded([self.map_test(e.target, p), key_test, self.room(e.target, p)], fast, slow, span)
        return slow

    def insert_pairs_statement(self, e: n.Expr) -> ast.stmt | None:
        """``c.insert(k : v);`` on a variable: ``c`` is rebound to the result, so an empty
        ``Collection()`` can become a key-value collection (see cloudburst.stdlib.collection)."""
        if not fx.rebinds(e):
            return None
        assert isinstance(e, n.BuiltinMethod) and isinstance(e.target, n.Name)
        p = _pos(e.span)
        call = self.helper_call(("kv", "insert_into"), [_load("__ctx", p), self.expr(e.target), *self.exprs(e.args)], e.span)
        return self.assign(e.target, call, e.span)

    def put_statement(self, e: n.Expr) -> ast.stmt | None:
        """``m.put("k", v);`` as a statement: a plain item assignment when ``m`` is a map with
        room for another key and ``"k"`` is TEXT, else the built-in."""
        if not (self.hot and isinstance(e, n.BuiltinMethod) and e.name == "put" and len(e.args) == 2
                and isinstance(e.target, n.Name) and self.simple(e.target) and self.simple(e.args[0])):
            return None
        p = _pos(e.span)
        target, key = e.target, e.args[0]
        tests = [t for t in (self.map_test(target, p), self.is_class(key, self.expr(key), "str")) if t is not None]
        tests.append(self.room(target, p))
        store = ast.Assign(targets=[ast.Subscript(value=self.expr(target), slice=self.expr(key), ctx=_STORE, **p)],
                           value=self.expr(e.args[1]), **p)
        slow = ast.Expr(value=self.helper_call(("method", "put"), [_load("__ctx", p), self.expr(target), *self.exprs(e.args)],
                                               e.span), **p)
        test = tests[0] if len(tests) == 1 else ast.BoolOp(op=ast.And(), values=tests, **p)
        return ast.If(test=test, body=[store], orelse=[slow], **p)

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
        p = _pos(span)
        if not self.builtins.is_function(e.name):
            args = ast.Tuple(elts=self.exprs(e.args), ctx=_LOAD, **p)
            return self.helper_call(("task", "run_host_function"), [_load("__ctx", p), _const(e.name, p), args], span)
        return self.helper_call(("function", e.name), [_load("__ctx", p), *self.exprs(e.args)], span)

    # -- program ---------------------------------------------------------------------------------
    def function(self, name: str) -> ast.stmt:
        info = self.resolved.functions[name]
        fn = info.definition
        p = _pos(fn.span)
        hot, outer = self.hot, self.facts
        self.in_function, self.locals, self.hot = name, info.locals, self.paths != "generic"
        self.facts = {prm.name: fx.ANY for prm in fn.params}
        try:
            checks: list[ast.stmt] = [
                _assign(mangle(prm.name), self.helper_call(
                    ("rt", "check_param"),
                    [_load(mangle(prm.name), p), _const(prm.type, p), _const(fn.name, p), _const(prm.name, p)], prm.span), p)
                for prm in fn.params
            ]
            body = [*checks, *self.block(fn.body, fn.span), ast.Return(value=_const(None, p), **p)]
        finally:
            self.in_function, self.locals, self.hot, self.facts = None, None, hot, outer
        too_deep = self.helper_call(("rt", "too_deep"), [_load("__maxd", p)], fn.span)
        enter = [
            ast.Nonlocal(names=["__c", "__chk", "__d"], **p),
            ast.AugAssign(target=_store("__d", p), op=ast.Add(), value=_const(1, p), **p),
            ast.If(test=_compare(_load("__d", p), ast.Gt(), _load("__maxd", p), p),
                   body=[ast.Expr(value=too_deep, **p)], orelse=[], **p),
            ast.Try(body=body, handlers=[], orelse=[],
                    finalbody=[ast.AugAssign(target=_store("__d", p), op=ast.Sub(), value=_const(1, p), **p)], **p),
        ]
        return ast.FunctionDef(name=self.fn_names[name], args=_args([mangle(prm.name) for prm in fn.params]), body=enter,
                               decorator_list=[], returns=None, **p)

    def capture(self, names: list[str]) -> list[ast.stmt]:
        """When the host asks (``Execution.capture_variables``, the REPL does), copy the main
        script's final variable values onto the execution (a chunked script's: ``captured``)."""
        p = _TOP
        unbound = self.h(("builtin", "UnboundLocalError"), p)
        grab: list[ast.stmt] = [ast.Assign(targets=[_store("__v", p)], value=ast.Dict(keys=[], values=[], **p), **p)]
        for var in names:
            grab.append(ast.Try(
                body=[ast.Assign(targets=[ast.Subscript(value=_load("__v", p), slice=_const(var, p), ctx=_STORE, **p)],
                                 value=_load(mangle(var), p), **p)],
                handlers=[ast.ExceptHandler(type=unbound, name=None, body=[ast.Pass(**p)], **p)], orelse=[], finalbody=[],
                **p))
        grab.append(ast.Assign(targets=[ast.Attribute(value=_load("__ctx", p), attr="variables", ctx=_STORE, **p)],
                               value=_load("__v", p), **p))
        return grab

    def compile(self, module: ast.Module, name: str) -> CodeType:
        self.tick(_CLOCK_EVERY)
        try:
            return compile(module, FILENAME_PREFIX + name + ">", "exec", dont_inherit=True)
        except (RecursionError, SyntaxError):
            # Python's own compiler caps nesting (recursion depth, 20 nested blocks).
            raise DelugeSyntaxError("the script is nested too deeply to compile", self.resolved.program.span,
                                    name) from None

    def chunked(self, program: n.Program, name: str, variables: list[str]) -> tuple[list[ast.stmt], list[ast.stmt]]:
        """The main script as chunks of top-level statements, each compiled on its own as
        soon as it is generated (see :data:`_CHUNK`). A chunk is a closure over the main
        script's variables: compiled inside a stand-in function that binds the same names,
        then run (``run_chunks``) with the cells of the real ones, so it reads and assigns
        them, and counts statements, exactly as inline code would. Returns the set-up (the
        cells, the inputs bound to them) and the statements that run the chunks."""
        p = _TOP
        codes: list[CodeType] = []
        others = sorted({*_CONTEXT, *self.fn_names.values(), *(("__seg",) if self.segmented else ())})
        run: list[ast.stmt] = []
        pending: list[n.Stmt] = []  # simple statements, compiled as one run
        done = self.compiled
        last = len(program.body) - 1
        self.in_chunk, self.used = True, set()
        try:
            for i, st in enumerate(program.body):
                if isinstance(st, _BLOCKS):
                    if pending:
                        run.extend(self.block(tuple(pending), program.span))
                        pending = []
                    run.extend(self.block((st,), program.span))
                else:
                    pending.append(st)
                full = self.compiled + len(pending) - done >= _CHUNK or i == last
                if full and pending:
                    run.extend(self.block(tuple(pending), program.span))
                    pending = []
                if full:
                    codes.append(self.chunk(run, name, others))
                    run, done = [], self.compiled
        finally:
            self.in_chunk = False
        # Every name a chunk may use, loaded in a function that never runs: the compiler
        # then keeps each in a cell that ``run_chunks`` hands to the chunks.
        names = sorted({*variables, *others, *self.helpers})
        counted: list[ast.expr] = []
        if self.segments:
            self.layout = (name, others, frozenset(names))
            counted.append(_const(len(self.constants), p))
            self.constants.append(Segments(self.precise, self.segment_statements, self.segment_remaining))
        first = len(self.constants)
        self.constants.extend(codes)
        cells = ast.FunctionDef(name="__cells", args=_args([]), body=[ast.Return(value=ast.Tuple(
            elts=[_load(v, p) for v in names], ctx=_LOAD, **p), **p)], decorator_list=[], returns=None, **p)
        ran = self.helper_call(("rt", "run_chunks"), [_load("__K", p), _const(first, p), _const(len(self.constants), p),
                                                       _load("__cells", p), *counted], program.span)
        start: list[ast.stmt] = [_assign("__seg", _const(None, p), p)] if self.segmented else []
        if variables:  # an assignment that never runs makes each variable one of the program's cells
            start.append(ast.If(test=_const(False, p), body=[ast.Assign(
                targets=[ast.Tuple(elts=[_store(v, p) for v in variables], ctx=_STORE, **p)], value=_load("__args", p),
                **p)], orelse=[], **p))
        bind = ast.Expr(value=self.helper_call(("rt", "bind_inputs"), [_load("__cells", p), _load("__args", p)],
                                               program.span), **p)
        return [*start, cells, bind], [_assign("__r", ran, p), ast.If(
            test=_compare(_load("__r", p), ast.IsNot(), _const(None, p), p),
            body=[ast.Return(value=ast.Subscript(value=_load("__r", p), slice=_const(0, p), ctx=_LOAD, **p), **p)],
            orelse=[], **p)]

    def segment(self, run: list[tuple[n.Stmt, list[ast.stmt]]]) -> list[ast.stmt]:
        """Statements (with their code) counted at once: ``if (__c := __c + k) > __chk:``
        takes the payment back and runs the precise copy (compiled when first needed), else
        the statements run uncounted."""
        if len(run) < 2:
            return [node for st, code in run for node in (*self.bump(1, st.span), *code)]
        index = len(self.segments)
        self.segments.append(tuple(st for st, _ in run))
        fast: list[ast.stmt] = []
        for i, (st, code) in enumerate(run):
            p = _pos(st.span)
            self.segment_statements.append((p["lineno"], p["col_offset"], p["end_lineno"], p["end_col_offset"]))
            self.segment_remaining.append(len(run) - 1 - i)
            fast.extend(code)
        z = _NOWHERE
        paid = ast.NamedExpr(target=_store("__c", z), value=ast.BinOp(left=_load("__c", z), op=_ADD,
                                                                      right=_const(len(run), z), **z), **z)
        refund = ast.AugAssign(target=_store("__c", z), op=ast.Sub(), value=_const(len(run), z), **z)
        precise = ast.Expr(value=ast.Call(func=_load("__seg", z), args=[_const(index, z)], keywords=[], **z), **z)
        return [ast.If(test=_compare(paid, ast.Gt(), _load("__chk", z), z), body=[refund, precise], orelse=fast, **z)]

    def precise(self, index: int) -> tuple[CodeType, dict[str, Any]]:
        """The statement-by-statement copy of segment ``index``, compiled as a chunk, and the
        helpers it uses that the script's cells lack. It assumes nothing about variables
        (what was proven before the segment is gone), which only keeps more guards."""
        name, others, cells = self.layout
        facts, deadline = self.facts, self.deadline
        self.facts, self.deadline, self.in_chunk, self.used = {}, None, True, set()
        try:
            body: list[ast.stmt] = []
            for st in self.segments[index]:
                body.extend(self.bump(1, st.span))
                body.extend(self.stmt(st))
            code = self.chunk(body, name, others)
        finally:
            self.facts, self.deadline, self.in_chunk = facts, deadline, False
        if self.constants:  # the statements' constants were all indexed when the program was compiled
            raise AssertionError("a precise copy needs a constant its program lacks")
        return code, {v: load(self.helpers[v]) for v in code.co_freevars if v not in cells}

    def chunk(self, body: list[ast.stmt], name: str, others: list[str]) -> CodeType:
        """Compile one chunk: ``def __unit(<names>): def __chunk(): nonlocal ...; body``; the
        result is the inner function's code, whose free variables are those names: ``others``
        (context, functions), the helpers and the variables the chunk uses (compiling each
        name costs, in every chunk)."""
        p = _TOP
        mine, self.used = sorted(self.used), set()
        inner = ast.FunctionDef(name="__chunk", args=_args([]), body=[
            ast.Nonlocal(names=[*mine, "__c", "__chk"], **p), *body], decorator_list=[], returns=None, **p)
        unit = ast.FunctionDef(name="__unit", args=_args(sorted({*mine, *others, *self.helpers})),
                               body=[inner, ast.Return(value=_load("__chunk", p), **p)], decorator_list=[], returns=None, **p)
        code = self.compile(ast.Module(body=[unit], type_ignores=[]), name)
        outer = next(c for c in code.co_consts if isinstance(c, CodeType))
        return next(c for c in outer.co_consts if isinstance(c, CodeType))

    def program(self, name: str) -> Executable:
        r = self.resolved
        p = _TOP
        functions = [self.function(f) for f in r.functions]
        ctx = _load("__ctx", p)
        prologue: list[ast.stmt] = [
            _assign("__c", _const(0, p), p),
            _assign("__d", _const(0, p), p),
            _assign("__cp", _attr(ctx, "checkpoint", p), p),
            _assign("__chk", ast.Call(func=_load("__cp", p), args=[_const(0, p)], keywords=[], **p), p),
            _assign("__maxd", _attr(_attr(ctx, "limits", p), "max_depth", p), p),
            _assign("__info", _attr(ctx, "info", p), p),
            _assign("__room", _attr(_attr(ctx, "limits", p), "max_collection_size", p), p),
        ]
        names = sorted(r.free_names | r.main_locals)
        if len(r.program.body) > (min(_CHUNK_AFTER, _SEGMENTS_AFTER) if self.segmented else _CHUNK_AFTER):
            setup, body = self.chunked(r.program, name, [mangle(v) for v in names])
            prologue.extend(setup)
            grab: list[ast.stmt] = [ast.Assign(
                targets=[ast.Attribute(value=_load("__ctx", p), attr="variables", ctx=_STORE, **p)],
                value=self.helper_call(("rt", "captured"), [_load("__cells", p)], r.program.span), **p)]
        else:
            for var in names:
                prologue.append(ast.If(
                    test=_compare(_const(var, p), ast.In(), _load("__args", p), p),
                    body=[_assign(mangle(var), ast.Subscript(value=_load("__args", p), slice=_const(var, p), ctx=_LOAD, **p),
                                  p)], orelse=[], **p))
            body = self.block(r.program.body, r.program.span)
            grab = self.capture(names)
        final: list[ast.stmt] = [
            ast.Assign(targets=[ast.Attribute(value=_load("__ctx", p), attr="statements", ctx=_STORE, **p)],
                       value=_load("__c", p), **p),
            ast.If(test=_attr(_load("__ctx", p), "capture_variables", p), body=grab, orelse=[], **p),
        ]
        program_body = [*prologue, *functions,
                        ast.Try(body=[*body, ast.Return(value=_const(None, p), **p)], handlers=[], orelse=[],
                                finalbody=final, **p)]
        program_fn = ast.FunctionDef(name="__program", args=_args(["__ctx", "__args"]), body=program_body,
                                     decorator_list=[], returns=None, **p)
        binds: list[ast.stmt] = [
            _assign(h, ast.Subscript(value=_load("__H", p), slice=_const(h, p), ctx=_LOAD, **p), p)
            for h in sorted(self.helpers)
        ]
        make = ast.FunctionDef(name="__make", args=_args(["__H", "__K"]),
                               body=[*binds, program_fn, ast.Return(value=_load("__program", p), **p)],
                               decorator_list=[], returns=None, **p)
        module = ast.Module(body=[make], type_ignores=[])
        code = self.compile(module, name)
        # The compiler stays alive only for its segments (which the constants hold): it must
        # not hold them in turn, or the whole syntax tree would wait for a garbage collection.
        constants, self.constants = tuple(self.constants), []
        return Executable(code, dict(self.helpers), constants, self.builtins.modules(self.helpers.values()))


def compile_program(resolved: Resolved, name: str, *, integer_division: str = "truncate",
                    deadline: float | None = None, paths: str = "auto", segments: bool = True) -> Executable:
    """Generate and compile ``resolved``; raises :class:`TimeoutLimitError` when the
    ``time.monotonic()`` ``deadline`` passes while compiling. ``paths``: "auto" (inline
    fast paths in loop and function bodies), "fast" (everywhere) or "generic" (nowhere:
    helpers only, statement-by-statement counting); all three must behave the same.
    ``segments``: count a long main script in segments whose precise copies compile on
    demand (the program then keeps the compiler, so it cannot be cached on disk)."""
    return _Compiler(resolved, integer_division, deadline, paths, segments).program(name)
