"""The one table of built-in functions, methods and system variables.

The resolver (arity checks), the code generator (dispatch), the REPL completer and
``docs/builtins.md`` all read this table, so a built-in exists in exactly one place.

A built-in is a Python function ``impl(ctx, *args)``. For the method form ``x.f(a)`` the
receiver comes first: ``impl(ctx, x, a)``; a built-in with both forms (``isNull(x)`` and
``x.isNull()``) is one implementation registered once. ``ctx`` is the running
:class:`cloudburst.execution.Execution` (time zone, clock, settings, host services).

Built-ins raise :class:`cloudburst.errors.DelugeRuntimeError` without a span; the
runtime attaches the span of the call that failed.

Function forms. Zoho documents most built-ins in two forms, ``text.startsWith("A")`` and
``startsWith(text, "A")``. Every method on a scalar receiver (TEXT, NUMBER, DECIMAL, DATE,
DATE-TIME, TIME; see :data:`FUNCTION_FORM_RECEIVERS`) therefore has its function form
unless registered with ``function=False``; a method on a LIST, MAP or FILE has it only
with ``function=True`` (``size(list)``). The function form of a name covers every
overload: ``contains(list, x)`` dispatches on its first argument like ``list.contains(x)``.

The API the resolver and code generator use for a plain call ``name(args)`` (after user
functions, which always win):

- :meth:`Registry.function_form` -- is ``name(args)`` a built-in (a plain function or the
  function form of a method)?
- :meth:`Registry.arity` with ``method=False`` -- its argument counts, receiver included;
- :meth:`Registry.function` -- the callable ``impl(ctx, *args)``.
"""

from __future__ import annotations

from decimal import Decimal

from cloudburst.datetime_types import dt as _dt
from cloudburst.errors import DelugeRuntimeError
from cloudburst.forms.values import RecordList
from cloudburst.values import CaughtError, DelugeFile, DelugeList, DelugeMap, OpenCollection, TypedList, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable
    from dataclasses import dataclass, field
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import field, record

    def dataclass(_cls: type | None = None, *, frozen: bool = False) -> Any:
        make = record(eq=True, frozen=frozen)
        return make if _cls is None else make(_cls)

__all__ = [
    "Builtin",
    "SystemVariable",
    "Registry",
    "REGISTRY",
    "builtin",
    "system_variable",
    "TYPES",
    "FUNCTION_FORM_RECEIVERS",
    "fail",
    "expect",
]

#: Deluge type names used in registrations, mapped to the Python types that carry them.
TYPES: dict[str, tuple[type, ...]] = {
    "TEXT": (str, CaughtError),
    "NUMBER": (int,),
    "DECIMAL": (Decimal,),
    "BOOLEAN": (bool,),
    "NULL": (type(None),),
    "LIST": (DelugeList, TypedList, OpenCollection),
    "MAP": (DelugeMap,),
    "DATE": (_dt.date,),
    "DATETIME": (_dt.datetime,),
    "TIME": (_dt.time,),
    "FILE": (DelugeFile,),
}
#: A Creator fetch's records: a LIST that also has the record-collection methods.
TYPES["RECORDS"] = (RecordList,)
TYPES["NUMERIC"] = TYPES["NUMBER"] + TYPES["DECIMAL"]
TYPES["COLLECTION"] = TYPES["LIST"] + TYPES["MAP"]
TYPES["ANYDATE"] = TYPES["DATE"] + TYPES["DATETIME"]
#: Receiver types whose methods get the function form by default (Zoho's text, number and
#: date-time pages document both forms for every function).
FUNCTION_FORM_RECEIVERS = frozenset({"TEXT", "NUMBER", "DECIMAL", "NUMERIC", "DATE", "DATETIME", "ANYDATE", "TIME"})
TYPES["ANY"] = tuple(t for name in ("TEXT", "NUMBER", "DECIMAL", "BOOLEAN", "NULL", "LIST", "MAP",
                                    "DATE", "DATETIME", "TIME", "FILE") for t in TYPES[name])


@dataclass(frozen=True)
class Builtin:
    """One registered built-in (one implementation, possibly several names)."""

    name: str
    impl: Callable[..., Any]
    receiver: tuple[str, ...]
    forms: tuple[str, ...]
    aliases: tuple[str, ...]
    returns: str
    tier: int
    doc: str
    min_args: int
    max_args: int | None
    signature: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class SystemVariable:
    """A ``zoho.*`` (or bare, like ``today``) variable computed from the run context."""

    name: str
    impl: Callable[[Any], Any]
    returns: str
    doc: str
    tier: int


def _no_method(name: str) -> Callable[..., Any]:
    def raise_(ctx: Any, recv: Any, *args: Any) -> Any:
        raise DelugeRuntimeError(f"{type_name(recv)} has no method '{name}'")

    return raise_


def _inherited(table: dict[type, Callable[..., Any]], missing: Callable[..., Any]) -> Callable[..., Any]:
    """A LIST or KEY-VALUE subtype with no entry of its own (a fetch's records) uses its
    base type's (other subtypes, such as bool of int, never inherit)."""

    def by_base(ctx: Any, recv: Any, *args: Any) -> Any:
        base = DelugeList if isinstance(recv, DelugeList) else DelugeMap if isinstance(recv, DelugeMap) else None
        impl = table.get(base) if base is not None else None
        return (impl or missing)(ctx, recv, *args)

    return by_base


def _arity_checked(b: Builtin) -> Callable[..., Any]:
    """``b.impl`` refusing an argument count its own overload does not take (``count(field)``
    works on fetched records, not on a plain list)."""
    impl, lo, hi = b.impl, b.min_args, b.max_args

    def checked(ctx: Any, recv: Any, *args: Any) -> Any:
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = str(lo) if lo == hi else (f"at least {lo}" if hi is None else f"{lo} to {hi}")
            raise DelugeRuntimeError(f"{b.name} on {type_name(recv)} takes {want} argument"
                                     f"{'' if want == '1' else 's'}, got {len(args)}")
        return impl(ctx, recv, *args)

    return checked


class _Entry:
    """A registration not yet made into a :class:`Builtin`: building one (its arity and
    signature) costs more than defining its function, and a cached run uses a few of the
    built-ins of the modules it imports."""

    __slots__ = ("fn", "name", "recv", "forms", "aliases", "returns", "tier", "doc", "order", "built")

    def __init__(self, fn: Callable[..., Any], name: str, recv: tuple[str, ...], forms: tuple[str, ...],
                 aliases: tuple[str, ...], returns: str, tier: int, doc: str) -> None:
        self.fn, self.name, self.recv, self.forms, self.aliases = fn, name, recv, forms, aliases
        self.returns, self.tier, self.doc = returns, tier, doc
        self.order = 0
        self.built: Builtin | None = None

    @property
    def keys(self) -> list[str]:
        return [n.lower() for n in (self.name, *self.aliases)]

    def build(self) -> Builtin:
        lo, hi, sig = _arity(self.fn, has_receiver=bool(self.recv))
        sig = f"{'|'.join(self.recv)}.{self.name}({sig})" if self.recv else f"{self.name}({sig})"
        doc = self.doc or (self.fn.__doc__ or "").strip().split("\n")[0]
        return Builtin(self.name, self.fn, self.recv, self.forms, self.aliases, self.returns, self.tier, doc,
                       lo, hi, sig)


@dataclass
class Registry:
    """The built-ins by name. Registrations are made into :class:`Builtin` records when a
    name is first looked up (or any table is read), in registration order."""

    system: dict[str, SystemVariable] = field(default_factory=dict)
    _entries: list[_Entry] = field(default_factory=list)
    _unbuilt: dict[str, list[_Entry]] = field(default_factory=dict)
    _functions: dict[str, Builtin] = field(default_factory=dict)
    _methods: dict[str, list[Builtin]] = field(default_factory=dict)
    _method_functions: set[str] = field(default_factory=set)
    _dispatch: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def register(self, entry: _Entry) -> None:
        entry.order = len(self._entries)
        self._entries.append(entry)
        for key in entry.keys:
            self._unbuilt.setdefault(key, []).append(entry)
        self._dispatch.clear()

    @property
    def builtins(self) -> list[Builtin]:
        """Every built-in, in registration order."""
        self._build_all()
        return [e.built for e in self._entries if e.built is not None]

    @property
    def functions(self) -> dict[str, Builtin]:
        self._build_all()
        return self._functions

    @property
    def methods(self) -> dict[str, list[Builtin]]:
        self._build_all()
        return self._methods

    @property
    def method_functions(self) -> set[str]:
        self._build_all()
        return self._method_functions

    def _build_all(self) -> None:
        for key in list(self._unbuilt):
            self._build(key)

    def _build(self, key: str) -> None:
        """Make the registrations under the lower-cased name ``key`` into records, with those
        sharing a name with them (an alias), so each name's overloads keep registration order."""
        entries = self._unbuilt.pop(key, [])
        keys = [key]
        for entry in entries:  # grows while it runs: the registrations reached through aliases
            for other in entry.keys:
                if other in self._unbuilt:
                    keys.append(other)
                    entries += [e for e in self._unbuilt.pop(other) if e not in entries]
        for entry in sorted(entries, key=lambda e: e.order):
            entry.built = entry.build()
            self._add(entry.built)
        for name in keys:
            if name in self._functions and name in self._method_functions:
                raise ValueError(f"{name}: a name is both a plain function and a method function")

    def _add(self, b: Builtin) -> None:
        for n in b.names:
            key = n.lower()
            if b.receiver:
                self._methods.setdefault(key, []).append(b)
                if "function" in b.forms:
                    self._method_functions.add(key)
            else:
                if key in self._functions:
                    raise ValueError(f"built-in function {n} registered twice")
                self._functions[key] = b

    def function_form(self, name: str) -> bool:
        """True if ``name(args)`` is a built-in call: a plain function, or the function form
        of a method (receiver first)."""
        key = name.lower()
        self._build(key)
        return key in self._functions or key in self._method_functions

    def function(self, name: str) -> Callable[..., Any] | None:
        """The callable behind ``name(args)``: a plain function, or the method dispatcher
        with the first argument as receiver (``isNull(x)`` is ``x.isNull()``)."""
        key = name.lower()
        self._build(key)
        b = self._functions.get(key)
        if b is not None:
            return b.impl
        if key in self._method_functions:
            return self.method_dispatcher(key)
        return None

    def method_dispatcher(self, name: str) -> Callable[..., Any]:
        """A callable ``d(ctx, receiver, *args)`` choosing the overload by receiver type."""
        key = name.lower()
        cached = self._dispatch.get(key)
        if cached is not None:
            return cached
        self._build(key)
        overloads = self._methods.get(key, [])
        mixed = len({(o.min_args, o.max_args) for o in overloads}) > 1
        table: dict[type, Callable[..., Any]] = {}
        for b in overloads:
            impl = _arity_checked(b) if mixed else b.impl  # the resolver checked the widest range only
            for tname in b.receiver:
                for t in TYPES[tname]:
                    if t in table:
                        raise ValueError(f"method {name} registered twice for {tname}")
                    table[t] = impl
        missing = _inherited(table, _no_method(name))
        get = table.get

        def dispatch(ctx: Any, recv: Any, *args: Any) -> Any:
            return get(type(recv), missing)(ctx, recv, *args)

        dispatch.__name__ = f"method_{key}"
        self._dispatch[key] = dispatch
        return dispatch


REGISTRY = Registry()


def _arity(fn: Callable[..., Any], has_receiver: bool) -> tuple[int, int | None, str]:
    """(min, max, signature text) from the function's code object (``inspect`` would cost
    start-up time for every registration)."""
    code = fn.__code__
    names = list(code.co_varnames[: code.co_argcount])[1:]  # drop ctx
    defaults = len(fn.__defaults__ or ())
    if has_receiver:
        names = names[1:]
    variadic = bool(code.co_flags & 0x04)
    lo = len(names) - defaults
    hi: int | None = None if variadic else len(names)
    parts = [n if i < lo else f"[{n}]" for i, n in enumerate(names)]
    if variadic:
        parts.append(code.co_varnames[code.co_argcount] + "...")
    return lo, hi, ", ".join(parts)


def builtin(
    name: str,
    *,
    receiver: str | Iterable[str] | None = None,
    function: bool | None = None,
    aliases: Iterable[str] = (),
    returns: str = "ANY",
    tier: int = 1,
    doc: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``impl(ctx, [receiver,] *args)``.

    ``receiver`` (a type name or several, see :data:`TYPES`) makes it a method;
    ``function=True`` makes it callable as ``name(...)`` too (the receiver then is the
    first argument), ``function=False`` forbids that; left out, a method gets the function
    form when all its receivers are in :data:`FUNCTION_FORM_RECEIVERS`. A function-only
    built-in has no receiver.
    """
    recv: tuple[str, ...] = () if receiver is None else ((receiver,) if isinstance(receiver, str) else tuple(receiver))
    for r in recv:
        if r not in TYPES:
            raise ValueError(f"unknown receiver type {r}")
    if function is None:
        function = bool(recv) and all(r in FUNCTION_FORM_RECEIVERS for r in recv)
    forms = (("method",) if recv else ()) + (("function",) if function or not recv else ())

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY.register(_Entry(fn, name, recv, forms, tuple(aliases), returns, tier, doc))
        return fn

    return register


def system_variable(name: str, *, returns: str = "ANY", tier: int = 1, doc: str = "") -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register a system variable such as ``zoho.currentdate``; ``impl(ctx)`` computes it."""

    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        REGISTRY.system[name.lower()] = SystemVariable(name, fn, returns, doc or (fn.__doc__ or "").strip().split("\n")[0], tier)
        return fn

    return register


def fail(message: str) -> DelugeRuntimeError:
    """Build the error a built-in raises (``raise fail("...")``)."""
    return DelugeRuntimeError(message)


def expect(fn: str, value: Any, types: str, position: int = 1) -> Any:
    """Check one argument's type; ``types`` is a key of :data:`TYPES` such as ``"TEXT"``."""
    if type(value) not in TYPES[types]:
        what = "receiver" if position == 0 else f"argument {position}"
        raise DelugeRuntimeError(f"{fn}: {what} must be {types}, got {type_name(value)}")
    return value
