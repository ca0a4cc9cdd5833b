"""What an editor asks of one Deluge document: its diagnostics, its symbols, where a name is
defined and used, what a name's type probably is, and what may complete the text at a
position. Editor-neutral (plain data, 1-based lines and columns); the language server
adapts it to the protocol.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cloudburst import nodes as n
from cloudburst.errors import CloudburstError, Span

__all__ = ["Document", "Problem", "Symbol", "Completion", "analyse"]

_WORD = re.compile(r"[A-Za-z_$][\w$]*")
#: Declared parameter types as the values' type names.
_PARAM_TYPES = {"string": "TEXT", "int": "NUMBER", "long": "NUMBER", "bigint": "NUMBER", "decimal": "DECIMAL",
                "float": "DECIMAL", "bool": "BOOLEAN", "boolean": "BOOLEAN", "date": "DATE", "datetime": "DATETIME",
                "map": "MAP", "list": "LIST", "time": "TIME", "file": "FILE"}


@dataclass(frozen=True)
class Problem:
    span: Span
    message: str
    severity: str  # "error" | "warning"
    code: str


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str  # "function" | "variable" | "parameter"
    span: Span  # where the name itself stands
    scope: str  # "" for the script body, else the function's name
    detail: str = ""


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # "keyword" | "variable" | "function" | "method" | "system" | "connection"
    detail: str = ""
    doc: str = ""


@dataclass
class Document:
    source: str
    name: str
    program: n.Program | None
    problems: list[Problem]
    symbols: list[Symbol] = field(default_factory=list)
    uses: list[Symbol] = field(default_factory=list)  # every occurrence (definitions included)
    types: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, variable) -> TYPE
    scopes: list[tuple[str, Span]] = field(default_factory=list)  # function name -> its span
    variables: set[tuple[str, str]] = field(default_factory=set)  # (scope, lower-case name) defined
    defined_at: set[Span] = field(default_factory=set)  # spans of the defining occurrences

    # queries

    def scope_at(self, line: int) -> str:
        for name, span in self.scopes:
            if span.line <= line <= span.end_line:
                return name
        return ""

    def occurrence_at(self, line: int, column: int) -> Symbol | None:
        for use in self.uses:
            s = use.span
            if s.line == line and s.column <= column <= s.end_column:
                return use
        return None

    def definition(self, at: Symbol) -> Symbol | None:
        for symbol in self.symbols:
            if symbol.name.lower() == at.name.lower() and (symbol.kind == "function") == (at.kind == "function") \
                    and (symbol.kind == "function" or symbol.scope == at.scope):
                return symbol
        return None

    def references(self, at: Symbol) -> list[Symbol]:
        return [u for u in self.uses if u.name.lower() == at.name.lower()
                and (u.kind == "function") == (at.kind == "function")
                and (u.kind == "function" or u.scope == at.scope)]

    def type_of(self, name: str, line: int) -> str | None:
        return self.types.get((self.scope_at(line), name.lower()))


def analyse(source: str, name: str = "<script>", *, strict: bool = False) -> Document:
    """Parse and check ``source``; the document keeps what parsed even when checking failed."""
    from cloudburst.engine import Runtime
    from cloudburst.tooling.pieces import parse_incrementally

    problems: list[Problem] = []
    try:
        program, warnings = Runtime(network=False).checked_tree(source, name, strict=strict, parse=parse_incrementally)
    except CloudburstError as exc:
        problems.append(_problem(exc, source))
        try:  # index what parses, so completion and navigation keep working
            program = parse_incrementally(source, name)
        except CloudburstError:
            return Document(source, name, None, problems)
    else:
        problems += [Problem(w.span or Span.point(1, 1), w.message, "warning", getattr(w, "code", "") or "warning")
                     for w in warnings]
    doc = Document(source, name, program, problems)
    if program is not None:
        _index(doc, program)
    return doc


def _problem(exc: CloudburstError, source: str) -> Problem:
    span = exc.span or Span.point(1, 1)
    return Problem(span, exc.message, "error", getattr(exc, "code", "") or exc.kind)


# indexing the tree


def _index(doc: Document, program: n.Program) -> None:
    lines = doc.source.split("\n")
    for fn in program.functions:
        where = _name_span(lines, fn.span, fn.name.split(".")[-1]) or fn.span
        params = ", ".join(f"{p.type} {p.name}" for p in fn.params)
        symbol = Symbol(fn.name, "function", where, "", f"{fn.return_type} {fn.name}({params})")
        doc.symbols.append(symbol)
        doc.uses.append(symbol)
        doc.scopes.append((fn.name, fn.span))
    functions = {fn.name.lower() for fn in program.functions}
    for fn in program.functions:
        for p in fn.params:
            param = Symbol(p.name, "parameter", _name_span(lines, p.span, p.name) or p.span, fn.name, p.type)
            doc.symbols.append(param)
            doc.uses.append(param)
            doc.types[(fn.name, p.name.lower())] = _PARAM_TYPES.get(p.type.lower(), p.type.upper())
        _walk_body(doc, lines, fn.body, fn.name, functions)
    _walk_body(doc, lines, program.body, "", functions)


def _walk_body(doc: Document, lines: list[str], body: tuple[Any, ...], scope: str, functions: set[str]) -> None:
    for node in _nodes(body):
        if isinstance(node, n.Assign) and isinstance(node.target, n.Name):
            _define(doc, node.target.name, node.target.span, scope, _infer(node.value, doc, scope))
        elif isinstance(node, n.ForEach):
            where = _name_span(lines, node.span, node.var)
            if where is not None:
                _define(doc, node.var, where, scope, None)
        elif isinstance(node, n.Try) and node.var:
            where = _name_span(lines, node.span, node.var, after="catch")
            if where is not None:
                _define(doc, node.var, where, scope, "MAP")
        elif isinstance(node, n.Name):
            if node.span not in doc.defined_at:
                doc.uses.append(Symbol(node.name, "variable", node.span, scope))
        elif isinstance(node, (n.UserCall, n.Call)) and node.name.lower() in functions:
            start = node.span
            doc.uses.append(Symbol(node.name, "function",
                                   Span(start.line, start.column, start.line, start.column + len(node.name)), scope))


def _define(doc: Document, name: str, span: Span, scope: str, kind: str | None) -> None:
    symbol = Symbol(name, "variable", span, scope, kind or "")
    key = (scope, name.lower())
    if key not in doc.variables:
        doc.variables.add(key)
        doc.symbols.append(symbol)
    doc.uses.append(symbol)
    doc.defined_at.add(span)
    if kind:
        doc.types[(scope, name.lower())] = kind


def _nodes(value: Any) -> Iterator[Any]:
    """Every node below ``value``, parents before children, in source order; iterative so
    that deep nesting cannot overflow the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
            continue
        if not isinstance(item, n.Node):
            continue
        yield item
        names = _CHILDREN.get(type(item))
        if names is None:
            names = _CHILDREN[type(item)] = _child_fields(type(item))
        stack.extend(reversed([getattr(item, f, None) for f in names]))


_CHILDREN: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = getattr(cls, "__dataclass_fields__", None)
    names = list(fields) if fields else [s for c in cls.__mro__ for s in getattr(c, "__slots__", ())]
    return tuple(f for f in names if f != "span")


def _name_span(lines: list[str], span: Span, name: str, after: str = "") -> Span | None:
    """Where ``name`` stands as a whole word inside ``span`` (first match after ``after``)."""
    for line_no in range(span.line, min(span.end_line, len(lines)) + 1):
        text = lines[line_no - 1]
        start = span.column - 1 if line_no == span.line else 0
        if after:
            found = text.lower().find(after, start)
            if found < 0:
                continue
            start = found + len(after)
        for m in _WORD.finditer(text, start):
            if m.group() == name:
                return Span(line_no, m.start() + 1, line_no, m.end() + 1)
    return None


def _infer(value: Any, doc: Document, scope: str) -> str | None:
    """The type a value of this shape has, when the shape alone tells."""
    from cloudburst.values import type_name

    if isinstance(value, n.Literal):
        return type_name(value.value)
    if isinstance(value, n.ListLit):
        return "LIST"
    if isinstance(value, n.MapLit):
        return "MAP"
    if isinstance(value, n.TypedCtor):
        return "LIST" if value.kind.lower() == "list" else "MAP"
    if isinstance(value, n.Name):
        return doc.types.get((scope, value.name.lower()))
    if isinstance(value, (n.Call, n.MethodCall, n.BuiltinCall, n.BuiltinMethod)):
        from cloudburst.stdlib import REGISTRY

        key = value.name.lower()
        if key in ("map", "list", "collection"):
            return "MAP" if key == "map" else key.upper()
        builtin = REGISTRY.functions.get(key) or next(iter(REGISTRY.methods.get(key, [])), None)
        if builtin is not None and builtin.returns not in ("ANY", ""):
            return builtin.returns.split("|")[0]
    return None


# completion

_RECEIVER = re.compile(r"""(?P<recv>[A-Za-z_$][\w$]*|"(?:[^"\\\n]|\\.)*")\s*\.\s*(?P<part>[A-Za-z_]\w*)?$""")
_SYSTEM = re.compile(r"(?<![\w$.])zoho\.(?P<part>[\w.]*)$", re.I)
_CONNECTION = re.compile(r"""connection\s*:\s*"(?P<part>[^"\n]*)$""", re.I)


def complete(doc: Document, line: int, column: int,
             link_names: Callable[[], list[str]] = lambda: []) -> list[Completion]:
    """What may complete the text left of (``line``, ``column``) in ``doc``."""
    from cloudburst.highlight import grammar_keywords
    from cloudburst.stdlib import REGISTRY
    from cloudburst.stdlib.registry import TYPES

    text = doc.source.split("\n")[line - 1][:column - 1] if line <= doc.source.count("\n") + 1 else ""
    connection = _CONNECTION.search(text)
    if connection:
        return [Completion(name, "connection", "connection") for name in link_names()]
    system = _SYSTEM.search(text)
    if system:
        return [Completion(v.name[len("zoho."):], "system", v.returns, v.doc)
                for v in REGISTRY.system.values() if v.name.lower().startswith("zoho.")]
    receiver = _RECEIVER.search(text)
    if receiver:
        recv = receiver.group("recv")
        kind = "TEXT" if recv.startswith('"') else doc.type_of(recv, line)
        found: list[Completion] = []
        for b in REGISTRY.builtins:
            if not b.receiver or (kind and not _accepts(b.receiver, kind, TYPES)):
                continue
            found.extend(Completion(name, "method", b.signature, b.doc) for name in b.names)
        return _unique(found)
    scope = doc.scope_at(line)
    found = [Completion(k, "keyword") for k in grammar_keywords().all]
    found += [Completion(s.name, "variable", s.detail) for s in doc.symbols
              if s.kind != "function" and s.scope == scope]
    found += [Completion(s.name, "function", s.detail) for s in doc.symbols if s.kind == "function"]
    found += [Completion(b.name, "function", b.signature, b.doc) for b in REGISTRY.builtins if not b.receiver]
    return _unique(found)


def _accepts(receivers: tuple[str, ...], kind: str, types: dict[str, Any]) -> bool:
    wanted = set(types.get(kind.upper(), ()))
    return any(wanted & set(types.get(r, ())) for r in receivers)


def _unique(items: list[Completion]) -> list[Completion]:
    seen: dict[str, Completion] = {}
    for item in items:
        seen.setdefault(item.label, item)
    return list(seen.values())


def builtin_help(name: str) -> tuple[str, str] | None:
    """(signature, description) of a built-in function or method named ``name``."""
    from cloudburst.stdlib import REGISTRY

    key = name.lower()
    b = REGISTRY.functions.get(key) or next(iter(REGISTRY.methods.get(key, [])), None)
    if b is None:
        return None
    receiver = f"{'|'.join(b.receiver)}." if b.receiver else ""
    return f"{receiver}{b.signature} -> {b.returns}", b.doc
