"""Parsed program → checked program.

Binds every name (variable, user function, built-in, system variable, integration task),
checks built-in and user-function arities, ``break``/``continue`` placement and nesting
depth, and rewrites name-dependent nodes into their resolved forms so the compiler never
guesses. Problems Deluge would refuse at save time are errors; names a caller may supply
(undefined variables in the main script, functions defined elsewhere in the app) are
warnings, and errors in strict mode.
"""

from __future__ import annotations

TYPE_CHECKING = False

from cloudburst import nodes as n
from cloudburst.errors import Diagnostic, ResolveError, Span
from cloudburst.namespaces import APP_PREFIXES, FUNCTION_CATEGORIES, ZOHO_SERVICES, is_zoho_task
from cloudburst.stdlib.index import BuiltinIndex, builtin_index
from cloudburst.stdlib.typed_lists import ELEMENT_TYPES, element_kind
from cloudburst.suggest import builtin_functions, builtin_methods, did_you_mean, misspelling_of
from cloudburst.typecheck import DECLARED_TYPES as TYPE_NAMES

if TYPE_CHECKING:
    from dataclasses import dataclass, field
    from typing import Any, Iterable
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import field, record

    def dataclass(_cls: type | None = None, *, frozen: bool = False) -> Any:
        make = record(eq=True, frozen=frozen)
        return make if _cls is None else make(_cls)

__all__ = ["Diagnostic", "Resolved", "FunctionInfo", "resolve", "CONSTRUCTORS"]

#: Built-in constructors handled by the compiler itself.
CONSTRUCTORS = {"map", "list"}

#: Bare names the runtime supplies when the script does not assign them.
_BARE_SYSTEM = {"today": "today", "now": "now"}

MAX_NESTING = 60
#: Parenthesised or otherwise nested expressions (flat chains do not count).
MAX_EXPRESSION_DEPTH = 200

#: Task keys whose values are bare words (`type: GET`, invokeapi's `service: zohocrm`); elsewhere a name is a variable.
_CONSTANT_KEYS = {"type", "response-format", "response-decoding", "format", "service"}
#: The words a constant key accepts where Zoho documents them (invokeurl/invokeapi).
_CONSTANT_WORDS = {"type": frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}),
                   "response-format": frozenset({"AUTO", "TEXT", "JSON", "FILE"})}


@dataclass(frozen=True)
class FunctionInfo:
    definition: n.FunctionDef
    locals: frozenset[str]


@dataclass
class Resolved:
    """The checked program handed to the compiler."""

    program: n.Program
    functions: dict[str, FunctionInfo]  # keyed by the declared qualified name
    main_locals: frozenset[str]
    free_names: frozenset[str]  # main-script names read but never assigned (caller inputs)
    warnings: list[Diagnostic] = field(default_factory=list)
    #: The built-ins the program was checked against (the compiler looks them up there too).
    builtins: BuiltinIndex | None = None


def _assigned(stmts: Iterable[n.Stmt], out: set[str]) -> set[str]:
    # A work list, not recursion: nesting is only capped later, by the resolver itself.
    pending = [iter(stmts)]
    while pending:
        for s in pending.pop():
            if isinstance(s, (n.Assign, n.CompoundAssign)) and isinstance(s.target, n.Name):
                out.add(s.target.name)
            elif isinstance(s, n.ForEach):
                out.add(s.var)
                pending.append(iter(s.body))
            elif isinstance(s, n.If):
                pending.extend(iter(body) for _, body in s.branches)
                if s.otherwise:
                    pending.append(iter(s.otherwise))
            elif isinstance(s, n.Try):
                out.add(s.var)
                pending.extend((iter(s.body), iter(s.handler)))
    return out


def _always_returns(stmts: tuple[n.Stmt, ...]) -> bool:
    """Whether every path through ``stmts`` ends in ``return`` (Zoho refuses to save a typed
    function that may fall off its end). A work list of blocks that must all end so."""
    pending = [stmts]
    while pending:
        block = pending.pop()
        if not block:
            return False
        last = block[-1]
        if isinstance(last, n.If):
            if last.otherwise is None:
                return False
            pending.append(last.otherwise)
            pending.extend(body for _, body in last.branches)
        elif isinstance(last, n.Try):
            pending.extend((last.body, last.handler))
        elif not isinstance(last, n.Return):
            return False
    return True


def _chain(expr: n.Expr) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"] when it is a pure dotted name chain."""
    parts: list[str] = []
    while isinstance(expr, n.Member):
        parts.append(expr.name)
        expr = expr.target
    if isinstance(expr, n.Name):
        parts.append(expr.name)
        return parts[::-1]
    return None


class _Resolver:
    def __init__(self, program: n.Program, host_functions: Iterable[str], strict: bool, inputs: Iterable[str],
                 integrations: Iterable[str] = (), builtins: BuiltinIndex | None = None) -> None:
        self.program = program
        self.builtins = builtins if builtins is not None else builtin_index()
        self.inputs = set(inputs)
        self.strict = strict
        self.host_functions = {h.lower() for h in host_functions}
        self.integrations = {i.lower() for i in integrations}
        self._forms: set[str] | None = None  # form names the script uses (see known_form)
        self.diagnostics: list[Diagnostic] = []
        self.functions: dict[str, FunctionInfo] = {}
        self.lookup: dict[str, n.FunctionDef] = {}
        self.ambiguous: set[str] = set()  # short names shared by several namespaced functions
        self.scope: set[str] = set()
        self.suggested: dict[tuple[str, int], str] = {}
        self.in_function: n.FunctionDef | None = None
        self.loop_depth = 0
        self.depth = 0
        self.free: set[str] = set()
        self.in_criteria = 0
        self.in_fetch = 0  # inside a fetch's criteria: unbound names are form fields

    # -- diagnostics ---------------------------------------------------------------------
    def error(self, message: str, span: Span, code: str) -> None:
        self.diagnostics.append(Diagnostic("error", message, span, code))

    def warn(self, message: str, span: Span, code: str) -> None:
        self.diagnostics.append(Diagnostic("error" if self.strict else "warning", message, span, code))

    # -- functions -------------------------------------------------------------------------
    def declare_functions(self) -> None:
        for fn in self.program.functions:
            if fn.return_type not in TYPE_NAMES:
                self.error(f"unknown return type '{fn.return_type}'", fn.span, "T301")
            for p in fn.params:
                if p.type == "void":
                    self.error(f"unknown parameter type '{p.type}'", p.span, "T302")
            full, short = fn.name.lower(), fn.name.split(".")[-1].lower()
            other = self.lookup.get(full)
            if other is not None and other.name.lower() == full:
                self.error(f"function '{fn.name}' is defined twice (first at line {other.span.line})", fn.span, "N201")
                continue
            self.lookup[full] = fn
            if short != full:
                previous = self.lookup.get(short)
                if previous is not None and previous is not fn:
                    self.ambiguous.add(short)
                else:
                    self.lookup[short] = fn
            seen: set[str] = set()
            for p in fn.params:
                if p.name in seen:
                    self.error(f"parameter '{p.name}' is declared twice", p.span, "N202")
                seen.add(p.name)

    def find_function(self, parts: list[str]) -> n.FunctionDef | None:
        lowered = [p.lower() for p in parts]
        if lowered and lowered[0] in APP_PREFIXES:
            lowered = lowered[1:]
        for candidate in (".".join(lowered), lowered[-1] if lowered else ""):
            fn = self.lookup.get(candidate)
            if fn is not None:
                return fn
        return None

    # -- driver ----------------------------------------------------------------------------
    def run(self) -> Resolved:
        self.declare_functions()
        infos: dict[str, FunctionInfo] = {}
        new_functions = []
        for fn in self.program.functions:
            locals_ = _assigned(fn.body, {p.name for p in fn.params})
            self.scope = locals_
            self.in_function = fn
            body = self.block(fn.body)
            if fn.return_type != "void" and not _always_returns(fn.body):
                self.warn(f"function '{fn.name}' can end without returning a value of type {fn.return_type} "
                          "(it then returns null)", fn.span, "T303")
            new_fn = n.FunctionDef(fn.span, fn.return_type, fn.name, fn.params, body)
            new_functions.append(new_fn)
            infos[fn.name] = FunctionInfo(new_fn, frozenset(locals_))
        self.in_function = None
        main_locals = _assigned(self.program.body, set(self.inputs))
        self.scope = main_locals
        body = self.block(self.program.body)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        if errors:
            first = errors[0]
            exc = ResolveError(first.message, first.span, code=first.code)
            exc.diagnostics = self.diagnostics  # type: ignore[attr-defined]
            raise exc
        program = n.Program(self.program.span, tuple(new_functions), body)
        return Resolved(program, infos, frozenset(main_locals), frozenset(self.free), self.diagnostics, self.builtins)

    # -- statements ------------------------------------------------------------------------
    def block(self, stmts: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        self.depth += 1
        try:
            if self.depth > MAX_NESTING and stmts:
                self.error(f"blocks are nested more than {MAX_NESTING} deep", stmts[0].span, "L501")
                return stmts
            return tuple(self.stmt(s) for s in stmts)
        finally:
            self.depth -= 1

    def stmt(self, s: n.Stmt) -> n.Stmt:
        if isinstance(s, n.Assign):
            return n.Assign(s.span, self.target(s.target), self.expr(s.value))
        if isinstance(s, n.CompoundAssign):
            return n.CompoundAssign(s.span, self.target(s.target), s.op, self.expr(s.value))
        if isinstance(s, n.ExprStmt):
            return n.ExprStmt(s.span, self.expr(s.expr))
        if isinstance(s, n.Info):
            return n.Info(s.span, self.expr(s.expr))
        if isinstance(s, n.Return):
            fn = self.in_function
            if fn is not None and fn.return_type == "void" and s.value is not None:
                self.error(f"void function '{fn.name}' cannot return a value", s.span, "T304")
            if fn is not None and fn.return_type != "void" and s.value is None:
                self.error(f"function '{fn.name}' must return a value of type {fn.return_type}", s.span, "T305")
            return n.Return(s.span, None if s.value is None else self.expr(s.value))
        if isinstance(s, (n.Break, n.Continue)):
            if self.loop_depth == 0:
                word = "break" if isinstance(s, n.Break) else "continue"
                self.error(f"'{word}' outside a 'for each' loop", s.span, "S117")
            return s
        if isinstance(s, n.If):
            branches = tuple((self.expr(c), self.block(b)) for c, b in s.branches)
            otherwise = None if s.otherwise is None else self.block(s.otherwise)
            return n.If(s.span, branches, otherwise)
        if isinstance(s, n.ForEach):
            it = self.expr(s.iterable)
            self.loop_depth += 1
            try:
                body = self.block(s.body)
            finally:
                self.loop_depth -= 1
            return n.ForEach(s.span, s.var, it, body, s.index)
        if isinstance(s, n.Try):
            return n.Try(s.span, self.block(s.body), s.var, self.block(s.handler))
        if isinstance(s, n.Delete):
            self.in_criteria += 1
            try:
                return n.Delete(s.span, self.expr(s.target))
            finally:
                self.in_criteria -= 1
        if isinstance(s, n.Command):
            self.in_criteria += 1  # `hide Field;` names form fields, not variables
            try:
                return n.Command(s.span, s.name, tuple(self.expr(a) for a in s.args))
            finally:
                self.in_criteria -= 1
        raise AssertionError(f"unknown statement {type(s).__name__}")

    def target(self, t: n.Expr) -> n.Expr:
        if isinstance(t, n.Name):
            return t
        return self.expr(t)

    # -- expressions -----------------------------------------------------------------------
    def exprs(self, items: Iterable[n.Expr]) -> tuple[n.Expr, ...]:
        return tuple(self.expr(e) for e in items)

    def expr(self, e: n.Expr) -> n.Expr:
        self.depth += 1
        try:
            if self.depth > MAX_EXPRESSION_DEPTH:
                self.error("the expression is nested too deeply", e.span, "L502")
                return n.Literal(e.span, None)
            return self._expr(e)
        finally:
            self.depth -= 1

    def _expr(self, e: n.Expr) -> n.Expr:
        if isinstance(e, n.Literal):
            return e
        if isinstance(e, n.Name):
            return self.name(e)
        if isinstance(e, (n.Binary, n.Logical)):
            # Left-deep chains (`a + b + c + ...`) are walked in a loop, not by recursion, so a
            # long text concatenation is not mistaken for deep nesting.
            chain: list[n.Binary | n.Logical] = []
            node: n.Expr = e
            while isinstance(node, type(e)):
                chain.append(node)  # type: ignore[arg-type, unused-ignore]
                node = node.left  # type: ignore[union-attr, unused-ignore]
            acc = self.expr(node)
            for link in reversed(chain):
                acc = type(link)(link.span, link.op, acc, self.expr(link.right))  # type: ignore[arg-type, unused-ignore]
            return acc
        if isinstance(e, n.Compare):
            # A single `=` in a condition or criteria compares like `==`.
            return n.Compare(e.span, "==" if e.op == "=" else e.op, self.expr(e.left), self.value(e.right))
        if isinstance(e, n.Unary):
            return n.Unary(e.span, e.op, self.expr(e.operand))
        if isinstance(e, n.Membership):
            return n.Membership(e.span, e.negated, self.expr(e.item), self.value(e.container))
        if isinstance(e, n.ListLit):
            return n.ListLit(e.span, self.exprs(e.items))
        if isinstance(e, n.MapLit):
            return n.MapLit(e.span, tuple((self.expr(k), self.expr(v)) for k, v in e.pairs))
        if isinstance(e, n.TypedCtor):
            return self.typed_ctor(e)
        if isinstance(e, n.Task):
            return n.Task(e.span, e.name, tuple(n.TaskItem(i.span, i.key, self.task_value(i)) for i in e.items))
        if isinstance(e, n.FormFetch):
            return self.fetch(e)
        if isinstance(e, n.InsertRecord):
            return n.InsertRecord(e.span, e.form, tuple((k, self.expr(v)) for k, v in e.items))
        if isinstance(e, n.ClientAction):
            return n.ClientAction(e.span, e.name, self.exprs(e.args))
        if isinstance(e, n.KeyValueArg):
            return n.KeyValueArg(e.span, self.expr(e.key), self.expr(e.value))
        if isinstance(e, n.Call):
            return self.call(e)
        if isinstance(e, n.MethodCall):
            return self.method_call(e)
        if isinstance(e, n.Member):
            return self.member(e)
        if isinstance(e, n.Index):
            return self.index(e)
        raise AssertionError(f"unknown expression {type(e).__name__}")

    def task_value(self, item: n.TaskItem) -> n.Expr:
        # Bare constants (`type: GET`, `response-format: TEXT`) are words, not variables.
        v = item.value
        if isinstance(v, n.Name) and v.name not in self.scope and item.key in _CONSTANT_KEYS:
            word = v.name.upper()
            allowed = _CONSTANT_WORDS.get(item.key)
            if allowed is not None and word not in allowed:
                # An undefined variable here must not turn into the word itself.
                self.error(f"'{v.name}' is neither a variable nor a valid {item.key} "
                           f"(expected one of {', '.join(sorted(allowed))})", v.span, "T307")
            return n.Literal(v.span, word)
        return self.expr(v)

    def suggest(self, name: str) -> str:
        """``did_you_mean`` among the current scope's names, once per name and scope (a
        script may read the same undefined name hundreds of times)."""
        key = (name, id(self.scope))
        found = self.suggested.get(key)
        if found is None:
            found = self.suggested[key] = did_you_mean(name, self.scope)
        return found

    def name(self, e: n.Name) -> n.Expr:
        if e.name in self.scope:
            return e
        if self.in_fetch and e.name.lower() != "input":  # `input.F` is the form being submitted
            return n.FormField(e.span, e.name)
        if self.in_criteria:
            return n.Literal(e.span, e.name)
        key = e.name.lower()
        if key in _BARE_SYSTEM and key in self.builtins.system:
            return n.SystemVar(e.span, key)
        if self.in_function is None:
            self.free.add(e.name)
            if e.name != "input" and e.name not in self.inputs:
                self.warn(f"undefined variable '{e.name}' (it may be supplied by the caller)"
                          f"{self.suggest(e.name)}", e.span, "N203")
            return e
        self.warn(f"undefined variable '{e.name}' in function '{self.in_function.name}'"
                  f"{self.suggest(e.name)}", e.span, "N203")
        return e

    def typed_ctor(self, e: n.TypedCtor) -> n.Expr:
        """``List:Int({1, 2})`` takes initial values like ``List()``; ``Map:String()`` and
        ``Collection:...()`` take none."""
        shown = f"{e.kind.capitalize()}:{e.element_type.capitalize()}()"
        if e.kind != "list":
            if e.args:
                self.error(f"{shown} takes no arguments", e.span, "A401")
            return e
        if element_kind(e.element_type) is None:
            self.error(f"{shown}: unknown element type '{e.element_type}' "
                       f"(use one of {', '.join(sorted(ELEMENT_TYPES))})", e.span, "T306")
        if len(e.args) > 1:
            self.error(f"{shown} takes at most one argument (a list of initial values)", e.span, "A401")
        return n.TypedCtor(e.span, e.kind, e.element_type, self.exprs(e.args))

    def check_user_args(self, fn: n.FunctionDef, args: tuple[n.Expr, ...], span: Span) -> None:
        if len(args) != len(fn.params):
            self.error(f"function '{fn.name}' takes {len(fn.params)} argument{'s' if len(fn.params) != 1 else ''}, "
                       f"got {len(args)}", span, "A402")

    def check_builtin_args(self, name: str, count: int, method: bool, span: Span) -> bool:
        arity = self.builtins.arity(name, method)
        if arity is None:
            return False
        lo, hi = arity
        if count < lo or (hi is not None and count > hi):
            if hi is None:
                want = f"at least {lo}"
            elif lo == hi:
                want = str(lo)
            else:
                want = f"{lo} to {hi}"
            kind = "method" if method else "function"
            self.error(f"{kind} '{name}' takes {want} argument{'s' if want != '1' else ''}, got {count}", span, "A403")
        return True

    def call(self, e: n.Call) -> n.Expr:
        args = self.exprs(e.args)
        key = e.name.lower()
        if key in self.ambiguous and key not in {f.name.lower() for f in self.program.functions}:
            self.error(f"'{e.name}' names several functions; call it with its namespace", e.span, "N204")
        fn = self.lookup.get(key)
        if fn is not None:
            self.check_user_args(fn, args, e.span)
            return n.UserCall(e.span, fn.name, args)
        if key == "if":
            if len(args) != 3:
                self.error(f"if(condition, a, b) takes 3 arguments, got {len(args)}", e.span, "A404")
                return n.Literal(e.span, None)
            return n.Conditional(e.span, args[0], args[1], args[2])
        if key in CONSTRUCTORS:
            if len(args) > 1:
                self.error(f"{e.name}() takes at most one argument", e.span, "A405")
            return n.BuiltinCall(e.span, key, args)
        if self.check_builtin_args(e.name, len(args), False, e.span):
            return n.BuiltinCall(e.span, key, args)
        if key in self.host_functions:
            return n.BuiltinCall(e.span, key, args)
        if args and self.builtins.arity(e.name, True) is not None:
            # `getPrefix(t, " ")` is the method `t.getPrefix(" ")` in function form.
            self.check_method(e.name, len(args) - 1, e.span)
            return n.BuiltinMethod(e.span, args[0], key, args[1:])
        known = (*builtin_functions(), *(fn.name for fn in self.program.functions), *self.host_functions)
        self.warn(f"function '{e.name}' is not defined in this script (it may be defined in another file of the app)"
                  f"{did_you_mean(e.name, known)}", e.span, "N205")
        return n.UserCall(e.span, e.name, args)

    def method_call(self, e: n.MethodCall) -> n.Expr:
        parts = _chain(e.target)
        if parts is not None and parts[0] not in self.scope and parts[0].lower() != "input":
            call = self.namespace_call(e, parts)
            if call is not None:
                return call
            if (len(parts) == 1 and self.builtins.arity(e.name, True) is None
                    and parts[0].lower() not in _BARE_SYSTEM):
                self.check_method(e.name, len(e.args), e.span, parts[0])  # an error naming the variable
                return n.Literal(e.span, None)
        target = self.expr(e.target)
        # `Form[c].sum(Total)`, `rows.sum(Total)`: an unbound name argument is a field name.
        fetch = isinstance(target, n.FormFetch)
        named = not fetch and e.name.lower() in _FIELD_METHODS
        self.in_fetch += fetch
        self.in_criteria += named
        try:
            args = self.exprs(e.args) if fetch or named else tuple(self.value(a) for a in e.args)
        finally:
            self.in_fetch -= fetch
            self.in_criteria -= named
        self.check_method(e.name, len(args), e.span, parts[0] if parts is not None and len(parts) == 1 else None)
        return n.BuiltinMethod(e.span, target, e.name.lower(), args)

    def namespace_call(self, e: n.MethodCall, parts: list[str]) -> n.Expr | None:
        """``a.b(...)`` / ``a.b.c(...)`` whose root is not a variable: a Zoho task, a registered
        integration or host function, a function of this or another app, or a Creator subform
        row. None when it is none of these (then it is a method on an undefined variable)."""
        full = parts + [e.name]
        lowered = [p.lower() for p in full]
        dotted, key = ".".join(full), ".".join(lowered)
        if lowered[0] == "zoho":
            args = self.exprs(e.args)
            if self.builtins.is_function(dotted):
                self.check_builtin_args(dotted, len(args), False, e.span)
                return n.BuiltinCall(e.span, key, args)
            system = ".".join(lowered[:-1])
            if system in self.builtins.system:
                self.check_method(e.name, len(args), e.span)
                return n.BuiltinMethod(e.span, n.SystemVar(e.target.span, system), lowered[-1], args)
            if not (is_zoho_task(lowered) or key in self.integrations):
                self.unknown_task(full, e.span)
            return n.IntegrationCall(e.span, dotted, args)
        if key in self.integrations:
            return n.IntegrationCall(e.span, dotted, self.exprs(e.args))
        if key in self.host_functions:
            return n.BuiltinCall(e.span, key, self.exprs(e.args))
        fn = self.find_function(full)
        if fn is not None:
            args = self.exprs(e.args)
            self.check_user_args(fn, args, e.span)
            return n.UserCall(e.span, fn.name, args)
        known_method = self.builtins.arity(e.name, True) is not None
        if (lowered[0] in APP_PREFIXES or lowered[0] in FUNCTION_CATEGORIES or self.is_namespace(lowered[0])
                or (len(full) >= 3 and not known_method)):
            # `otherapp.Sales.total(x)`: a function saved elsewhere in this or another app.
            self.warn(f"function '{dotted}' is not defined in this script (it may be defined elsewhere in the app)",
                      e.span, "N205")
            return n.UserCall(e.span, dotted, self.exprs(e.args))
        if len(parts) == 1 and not e.args and not known_method and self.known_form(parts[0]):
            # `row = Orders.Items();` makes an empty row of the form's subform (a record map).
            return n.MapLit(e.span, ())
        return None

    def is_namespace(self, root: str) -> bool:
        """Whether this script defines functions under ``root`` (``Billing.total``)."""
        return any(fn.name.lower().startswith(root + ".") for fn in self.program.functions)

    def known_form(self, name: str) -> bool:
        """Whether ``name`` is a Creator form this script works with: fetched (``Form[...]``),
        inserted into, used as a parameter type, or the script is a form's own script (it
        reads ``input``). Only a form's subform can make a row; a call on any other
        undefined name is an error, as Zoho refuses to save it."""
        if self._forms is None:
            forms: set[str] = set()
            stack: list[Any] = [self.program]
            while stack:
                node = stack.pop()
                if isinstance(node, n.Index) and isinstance(node.target, n.Name):
                    forms.add(node.target.name)
                elif isinstance(node, n.FormFetch):
                    forms.add(node.form)
                elif isinstance(node, n.InsertRecord):
                    forms.add(node.form)
                elif isinstance(node, n.Param):
                    forms.add(node.type)
                elif isinstance(node, n.Name) and node.name.lower() == "input":
                    forms.add("input")
                if isinstance(node, n.Node):
                    stack.extend(getattr(node, f) for f in node.__dataclass_fields__)
                elif isinstance(node, tuple):
                    stack.extend(node)
            self._forms = {f.lower() for f in forms}
        return name.lower() in self._forms or "input" in self._forms

    def unknown_task(self, full: list[str], span: Span) -> None:
        """``zoho.<service>.<task>()`` under a service this runtime does not list: a slip of a
        listed service (`zoho.crn.getRecords`) is an error; any other service may be a Zoho app
        newer than the list, so it is a warning and fails only if a run reaches it."""
        dotted = ".".join(full)
        slip = misspelling_of(full[1], ZOHO_SERVICES, shortest=3) if len(full) >= 3 else None
        if len(full) < 3 or slip is not None:
            hint = f"; did you mean 'zoho.{slip}'?" if slip else ""
            self.error(f"unknown Zoho task '{dotted}'{hint}", span, "N206")
            return
        self.warn(f"unknown Zoho service 'zoho.{full[1]}' in '{dotted}' (a run that reaches it fails)", span, "N206")

    def check_method(self, name: str, count: int, span: Span, receiver: str | None = None) -> None:
        if self.check_builtin_args(name, count, True, span):
            return
        if (receiver is not None and receiver not in self.scope and receiver.lower() != "input"
                and receiver.lower() not in _BARE_SYSTEM):
            self.error(f"variable '{receiver}' is not defined ('{receiver}.{name}()' is neither a method call "
                       f"nor a known task or function){self.suggest(receiver)}", span, "N207")
            return
        slip = misspelling_of(name, builtin_methods())
        if slip is not None or name.startswith("_"):  # a typo: Zoho refuses to save it
            self.error(f"unknown method '{name}'" + (f"; did you mean '{slip}'?" if slip else ""), span, "N208")
            return
        # Far from every known method: most likely a Zoho method this runtime does not know
        # yet, so the script is accepted and the call fails only if a run reaches it.
        self.warn(f"unknown method '{name}' (not a built-in this runtime knows; calling it is a run-time error)",
                  span, "N208")

    def member(self, e: n.Member) -> n.Expr:
        parts = _chain(e)
        if parts is not None and parts[0].lower() == "zoho" and "zoho" not in self.scope:
            key = ".".join(parts).lower()
            if key in self.builtins.system:
                return n.SystemVar(e.span, key)
            self.warn(f"unknown system variable '{'.'.join(parts)}'", e.span, "N209")
            return n.SystemVar(e.span, key)
        return n.FieldAccess(e.span, self.expr(e.target), e.name)

    def index(self, e: n.Index) -> n.Expr:
        target = e.target
        if isinstance(target, n.Name) and target.name not in self.scope:
            return self.fetch(n.FormFetch(e.span, target.name, e.index))
        return n.Index(e.span, self.expr(target), self.expr(e.index))

    def value(self, e: n.Expr) -> n.Expr:
        """A criteria's value side (``Field == value``, ``Field.contains(value)``): names in it
        are variables, not fields."""
        saved = self.in_fetch, self.in_criteria
        self.in_fetch = self.in_criteria = 0
        try:
            return self.expr(e)
        finally:
            self.in_fetch, self.in_criteria = saved

    def fetch(self, e: n.FormFetch) -> n.FormFetch:
        """``Form[criteria]``: a Creator fetch; names in the criteria are form fields, not variables."""
        self.in_fetch += 1
        try:
            crit = self.expr(e.criteria)
        finally:
            self.in_fetch -= 1
        start = None if e.start is None else self.expr(e.start)
        end = None if e.end is None else self.expr(e.end)
        return n.FormFetch(e.span, e.form, crit, e.sort, e.descending, start, end)


#: Record-collection methods whose argument names a field (``rows.sum(Total)``).
_FIELD_METHODS = frozenset({"count", "sum", "avg", "average", "maximum", "minimum", "distinct"})


def resolve(program: n.Program, *, host_functions: Iterable[str] = (), strict: bool = False,
            inputs: Iterable[str] = (), integrations: Iterable[str] = (),
            builtins: BuiltinIndex | None = None) -> Resolved:
    """Check and bind ``program``. Raises :class:`ResolveError` (with ``.diagnostics``) on the
    first error; warnings come back in :attr:`Resolved.warnings`. ``inputs`` names variables
    the caller is known to supply (no warning for them); ``integrations`` the dotted tasks
    the host serves (``Runtime.register_integration``); ``builtins`` the built-ins (default:
    every stdlib module, loaded)."""
    return _Resolver(program, host_functions, strict, inputs, integrations, builtins).run()
