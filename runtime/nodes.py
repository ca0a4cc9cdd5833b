"""The Deluge syntax tree: plain, immutable data with a source span on every node
(slotted records; the type checker treats them as frozen dataclasses).

The parser builds these from Lark's tree; the resolver rewrites the name-dependent ones
(``Call``, ``Member``, ``MethodCall``) into their resolved forms (``BuiltinCall``,
``UserCall``, ``IntegrationCall``, ``SystemVar``) before the compiler sees them.
"""

from __future__ import annotations

TYPE_CHECKING = False

from cloudburst.errors import Span

if TYPE_CHECKING:
    from dataclasses import dataclass
    from typing import Any, Union
else:  # the same shape, cheaper to define and to build (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):
        return record()

__all__ = [name for name in dir() if not name.startswith("_")]  # refreshed at the bottom


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


# -- expressions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A constant: NUMBER, DECIMAL, TEXT, BOOLEAN, null, or a date/time literal."""

    value: Any


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Call(Node):
    """``name(args)`` before resolution; ``name`` may be dotted (``zoho.crm.getRecordById``)."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    target: Expr
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Member(Node):
    """``target.name``: a Creator field (``input.Name``) or, rooted at ``zoho``, a system variable."""

    target: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Index(Node):
    """``target[expr]``: list/map subscript, or a Creator form fetch ``Form[criteria]``."""

    target: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str  # "-", "+", "!"
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str  # + - * / %
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str  # == != < <= > >=
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Logical(Node):
    op: str  # "&&" or "||"
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Membership(Node):
    """``item in container`` / ``item not in container``."""

    negated: bool
    item: Expr
    container: Expr


@dataclass(frozen=True, slots=True)
class ListLit(Node):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class MapLit(Node):
    pairs: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True, slots=True)
class TypedCtor(Node):
    """``List:String()`` and friends (a legacy typed list; element type recorded only)."""

    kind: str
    element_type: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class TaskItem(Node):
    key: str  # normalised: lower case, single spaces, no spaces around "-"
    value: Expr


@dataclass(frozen=True, slots=True)
class Task(Node):
    """A bracketed task such as ``invokeurl [ url: ... ]`` or ``sendmail [ ... ]``."""

    name: str
    items: tuple[TaskItem, ...]


# -- resolved expressions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuiltinCall(Node):
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class BuiltinMethod(Node):
    target: Expr
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class UserCall(Node):
    name: str  # the function's qualified name as declared
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class IntegrationCall(Node):
    """``zoho.<service>.<task>(args)``, served by a host-registered integration."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class SystemVar(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    """The ``if(condition, a, b)`` function: only the chosen branch is evaluated."""

    condition: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class FieldAccess(Node):
    """``target.field`` on a value (record map, ``input``)."""

    target: Expr
    name: str


@dataclass(frozen=True, slots=True)
class FormFetch(Node):
    """``Form[criteria] sort by F desc range from a to b``: Creator record access, served
    by the run's form store. ``sort`` is a field link name; ``start``/``end`` are 1-based."""

    form: str
    criteria: Expr
    sort: str | None = None
    descending: bool = False
    start: Expr | None = None
    end: Expr | None = None


@dataclass(frozen=True, slots=True)
class FormField(Node):
    """A field link name inside a fetch's criteria (``Status`` in ``Orders[Status == "Open"]``)."""

    name: str


@dataclass(frozen=True, slots=True)
class InsertRecord(Node):
    """``insert into Form [ Field = value ... ]`` (its value is the new record's ID)."""

    form: str
    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class KeyValueArg(Node):
    """A ``key : value`` call argument, as in ``collection.insert("k" : v)``."""

    key: Expr
    value: Expr


@dataclass(frozen=True, slots=True)
class ClientAction(Node):
    """A Creator UI action used as an expression, e.g. ``input.Field:ui.add(choices)``."""

    name: str
    args: tuple[Expr, ...]


if TYPE_CHECKING:  # annotations only (typing is not imported on a first run)
    Expr = Union[
        Literal, Name, Call, MethodCall, Member, Index, Unary, Binary, Compare, Logical, Membership,
        ListLit, MapLit, TypedCtor, Task, BuiltinCall, BuiltinMethod, UserCall, IntegrationCall,
        SystemVar, Conditional, FieldAccess, FormFetch, FormField, InsertRecord, KeyValueArg, ClientAction,
    ]

# -- statements ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assign(Node):
    target: Expr  # Name, FieldAccess/Member or Index
    value: Expr


@dataclass(frozen=True, slots=True)
class CompoundAssign(Node):
    target: Expr
    op: str  # + - * / %
    value: Expr


@dataclass(frozen=True, slots=True)
class ExprStmt(Node):
    expr: Expr


@dataclass(frozen=True, slots=True)
class Info(Node):
    expr: Expr


@dataclass(frozen=True, slots=True)
class Return(Node):
    value: Expr | None


@dataclass(frozen=True, slots=True)
class Break(Node):
    pass


@dataclass(frozen=True, slots=True)
class Continue(Node):
    pass


@dataclass(frozen=True, slots=True)
class If(Node):
    branches: tuple[tuple[Expr, tuple[Stmt, ...]], ...]
    otherwise: tuple[Stmt, ...] | None


@dataclass(frozen=True, slots=True)
class ForEach(Node):
    var: str
    iterable: Expr
    body: tuple[Stmt, ...]
    index: bool  # ``for each index i in list`` iterates positions


@dataclass(frozen=True, slots=True)
class Try(Node):
    body: tuple[Stmt, ...]
    var: str
    handler: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Delete(Node):
    target: Expr


@dataclass(frozen=True, slots=True)
class Command(Node):
    """Creator client actions: ``hide F;``, ``alert "x";``, ``cancel submit;`` ..."""

    name: str
    args: tuple[Expr, ...]


if TYPE_CHECKING:
    Stmt = Union[Assign, CompoundAssign, ExprStmt, Info, Return, Break, Continue, If, ForEach, Try,
                 Delete, Command]


@dataclass(frozen=True, slots=True)
class Param(Node):
    type: str
    name: str


@dataclass(frozen=True, slots=True)
class FunctionDef(Node):
    return_type: str
    name: str  # qualified, e.g. "automation.syncLead"
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Program(Node):
    functions: tuple[FunctionDef, ...]
    body: tuple[Stmt, ...]


__all__ = [name for name, value in list(globals().items()) if isinstance(value, type) and issubclass(value, Node)]
if TYPE_CHECKING:
    __all__ += ["Expr", "Stmt"]
