"""Functions the generated code calls, and how the compiler names them.

A compiled program refers to each helper by a *spec* such as ``("op", "add")`` or
``("method", "get")``; :func:`load` turns a spec back into the object. Specs (not objects)
are what a cached compiled script stores, so a cached run never imports the parser or
the compiler.
"""

from __future__ import annotations

from importlib import import_module

from cloudburst import operators as ops
from cloudburst import tasks, values
from cloudburst.errors import DelugeRuntimeError, RecursionLimitError
from cloudburst.execution import BIG_VALUE, DOLLAR, guard_memory, to_deluge_error
from cloudburst.typecheck import coerce_declared
from cloudburst.values import DelugeList, DelugeMap, map_key, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable
    from dataclasses import dataclass

    from cloudburst.stdlib.registry import Registry
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

__all__ = ["load", "mangle", "Spec", "Executable"]

Spec = tuple[str, str]


@dataclass(frozen=True)
class Executable:
    """A compiled program. Everything in it can be cached on disk: the code object
    (marshal), helper specs and constants (plain data)."""

    code: Any
    helpers: dict[str, Spec]
    constants: tuple[Any, ...]
    #: The stdlib modules defining the built-ins the program calls (None: all of them), so
    #: a cached run imports only those.
    modules: tuple[str, ...] | None = None

    def entry(self) -> Callable[..., Any]:
        """The per-run entry point ``program(execution, inputs)``."""
        namespace: dict[str, Any] = {"__builtins__": {}}
        exec(self.code, namespace)
        registry = _registry(self.modules)
        bound = {name: load(spec, registry) for name, spec in self.helpers.items()}
        return namespace["__make"](bound, self.constants)  # type: ignore[no-any-return]

_BUILTINS: dict[str, Any] = {"BaseException": BaseException, "UnboundLocalError": UnboundLocalError,
                             "int": int, "str": str, "len": len}


def _registry(modules: tuple[str, ...] | None) -> Registry:
    if modules is None:
        from cloudburst.stdlib import REGISTRY as everything

        return everything
    for module in modules:
        import_module(module)
    from cloudburst.stdlib.registry import REGISTRY

    return REGISTRY


def load(spec: Spec, registry: Registry | None = None) -> Any:
    """The object a helper spec names (built-ins from ``registry``, default: all of them)."""
    kind, name = spec
    if kind == "op":
        return getattr(ops, name)
    if kind == "rt":
        return globals()[name]
    if kind == "value":
        return getattr(values, name)
    if kind == "builtin":
        return _BUILTINS[name]
    if kind == "task":
        return getattr(tasks, name)
    if kind == "forms":
        from cloudburst.forms import access

        return getattr(access, name)
    REGISTRY = registry if registry is not None else _registry(None)
    if kind == "method":
        return REGISTRY.method_dispatcher(name)
    if kind == "function":
        fn: Callable[..., Any] | None = REGISTRY.function(name)
        if fn is None:
            raise LookupError(f"no built-in function {name}")
        return fn
    if kind == "system":
        return REGISTRY.system[name].impl
    if kind == "kv":  # KeyValuePair, and insert_into for `c.insert(k : v);`
        from cloudburst.stdlib import collection

        return getattr(collection, name)
    raise LookupError(f"unknown helper kind {kind}")


def mangle(name: str) -> str:
    """The Python name of the Deluge variable ``name``: `$` becomes a letter no Deluge name
    can hold, so `a$b` and `a_S_b` stay distinct."""
    return "v_" + name.replace("$", DOLLAR)


def bind_inputs(cells: Callable[..., Any], args: dict[str, Any]) -> None:
    """Give the variables of a chunked main script (the cells of ``cells``, see
    :func:`run_chunks`) the run's inputs (generated code doing it grew with the number of
    variables, and so did compiling it)."""
    by_name = dict(zip(cells.__code__.co_freevars, cells.__closure__ or ()))
    for name, value in args.items():
        cell = by_name.get(mangle(name))
        if cell is not None:
            cell.cell_contents = value


def captured(cells: Callable[..., Any]) -> dict[str, Any]:
    """The variables of a chunked main script that hold a value, by name (the REPL keeps them)."""
    found: dict[str, Any] = {}
    for name, cell in zip(cells.__code__.co_freevars, cells.__closure__ or ()):
        if name.startswith("v_"):
            try:
                found[name[2:].replace(DOLLAR, "$")] = cell.cell_contents
            except ValueError:  # never assigned
                continue
    return dict(sorted(found.items()))


def run_chunks(constants: tuple[Any, ...], first: int, last: int, cells: Callable[..., Any],
               segments: int = -1) -> tuple[Any] | None:
    """Run the chunks ``constants[first:last]`` of a long main script (see the compiler's
    ``chunked``) as closures over the cells of ``cells``; a chunk that ends the script (a
    ``return``) gives ``(value,)``, which ends the run. ``constants[segments]`` (when not
    -1) holds the script's counted segments (see cloudburst.segments)."""
    from types import FunctionType

    by_name = dict(zip(cells.__code__.co_freevars, cells.__closure__ or ()))
    counted = constants[segments] if segments >= 0 else None
    if counted is not None:
        by_name["__seg"].cell_contents = counted.runner(by_name)
    namespace: dict[str, Any] = {"__builtins__": {}}
    try:
        for code in constants[first:last]:
            try:
                ended = FunctionType(code, namespace, code.co_name, None, tuple(by_name[v] for v in code.co_freevars))()
            except BaseException as exc:
                if counted is not None:
                    counted.settle(exc.__traceback__, code, by_name["__c"])
                raise
            if ended is not None:
                return ended  # type: ignore[no-any-return]
        return None
    finally:
        if counted is not None:  # the runner holds the cells, one of them the runner: no cycle outlives the run
            by_name["__seg"].cell_contents = None


def map_of(*flat: Any) -> DelugeMap:
    m = DelugeMap()
    for i in range(0, len(flat), 2):
        key = flat[i]
        try:
            m[key] = flat[i + 1]
        except TypeError:  # a LIST or KEY-VALUE key (rare): stored as a hashable copy
            m[map_key(key)] = flat[i + 1]
    return m


def list_from(value: Any) -> DelugeList:
    if isinstance(value, DelugeList):
        if len(value) >= BIG_VALUE:
            guard_memory()
        return DelugeList(value)
    if isinstance(value, str):
        return DelugeList([] if value == "" else value.split(","))
    raise DelugeRuntimeError(f"List() takes a LIST or comma-separated TEXT, got {type_name(value)}")


def map_from(value: Any) -> DelugeMap:
    """``Map({"k": v})``: a copy of a KEY-VALUE (Zoho's isEmpty page builds one so)."""
    if isinstance(value, DelugeMap):
        return DelugeMap(value)
    raise DelugeRuntimeError(f"Map() takes a KEY-VALUE, got {type_name(value)}")


def typed_list(ctx: Any, qualifier: str, initial: Any = None) -> values.TypedList:
    from cloudburst.stdlib.typed_lists import typed_list as make

    return make(ctx, qualifier, initial)


def catch(exc: BaseException) -> values.CaughtError:
    error = to_deluge_error(exc)
    return values.CaughtError(error.message, error.span.line if error.span else None)


def undefined(name: str) -> Any:
    raise DelugeRuntimeError(f"variable '{name}' is not defined")


def missing_function(name: str) -> Any:
    raise DelugeRuntimeError(f"function '{name}' is not defined in this script")


def unknown_system(name: str) -> Any:
    raise DelugeRuntimeError(f"unknown system variable '{name}'")


def too_deep(limit: int) -> Any:
    raise RecursionLimitError(f"more than {limit} nested function calls")


def check_param(value: Any, declared: str, function: str, param: str) -> Any:
    return coerce_declared(value, declared, f"argument '{param}' of {function}")


def check_return(value: Any, declared: str, function: str) -> Any:
    return coerce_declared(value, declared, f"return value of {function}")
