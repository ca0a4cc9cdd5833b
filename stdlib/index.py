"""What the built-ins are, without importing them: each name's argument counts and the
stdlib module it lives in. The resolver and the compiler need only this, so compiling a new
script does not load every stdlib module (and their imports: random, hashlib, calendar...);
the run then imports just the modules its built-ins live in.

:func:`builtin_index` keeps the index beside the compiled-script cache, keyed by the stdlib
files' sizes and modification times (as Python keys its byte code), and rebuilds it from
the full registry when a file changed or there is no cache.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

    from cloudburst.stdlib.registry import Registry

__all__ = ["BuiltinIndex", "builtin_index", "index_of"]

Arity = tuple[int, "int | None"]
_Entry = tuple[str, int, "int | None"]  # (module, fewest arguments, most or None)


class BuiltinIndex:
    """Built-in names (lower case) → where they live and how many arguments they take."""

    __slots__ = ("functions", "methods", "method_functions", "system", "_arities")

    def __init__(self, functions: dict[str, _Entry], methods: dict[str, list[_Entry]],
                 method_functions: Iterable[str], system: dict[str, str]) -> None:
        self.functions = functions
        self.methods = methods
        self.method_functions = frozenset(method_functions)
        #: System variable name → its module.
        self.system = system
        self._arities: dict[tuple[str, bool], Arity | None] = {}

    def is_function(self, name: str) -> bool:
        """Whether ``name(args)`` is a built-in call (a function, or a method's function form)."""
        key = name.lower()
        return key in self.functions or key in self.method_functions

    def arity(self, name: str, method: bool) -> Arity | None:
        """(min, max) argument counts over every overload, receiver excluded; None if unknown
        (worked out once per name: a script calls the same few built-ins again and again)."""
        memo = (name, method)
        if memo not in self._arities:
            self._arities[memo] = self._arity(name, method)
        return self._arities[memo]

    def _arity(self, name: str, method: bool) -> Arity | None:
        key = name.lower()
        if not method:
            entry = self.functions.get(key)
            if entry is not None:
                return entry[1], entry[2]
            if key not in self.method_functions:
                return None
        overloads = self.methods.get(key)
        if not overloads:
            return None
        lo = min(o[1] for o in overloads)
        his = [o[2] for o in overloads]
        hi = None if None in his else max(h for h in his if h is not None)
        if not method:  # the receiver is passed as the first argument
            return lo + 1, (None if hi is None else hi + 1)
        return lo, hi

    def modules(self, specs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
        """The stdlib modules defining the built-ins that helper ``specs`` name."""
        found: set[str] = set()
        for kind, name in specs:
            key = name.lower()
            if kind == "method" or (kind == "function" and key not in self.functions):
                found.update(o[0] for o in self.methods.get(key, ()))
            if kind == "function" and key in self.functions:
                found.add(self.functions[key][0])
            if kind == "system" and name in self.system:
                found.add(self.system[name])
            if kind == "kv":
                found.add("cloudburst.stdlib.collection")
        return tuple(sorted(m for m in found if m.startswith("cloudburst.stdlib.")))

    def data(self) -> tuple[Any, ...]:
        return (self.functions, self.methods, sorted(self.method_functions), self.system)


def index_of(registry: Registry) -> BuiltinIndex:
    """The index of a loaded registry."""
    def entry(b: Any) -> _Entry:
        return (b.impl.__module__, b.min_args, b.max_args)

    return BuiltinIndex({k: entry(b) for k, b in registry.functions.items()},
                        {k: [entry(b) for b in bs] for k, bs in registry.methods.items()},
                        registry.method_functions,
                        {k: v.impl.__module__ for k, v in registry.system.items()})


_FULL: list[BuiltinIndex] = []


def builtin_index(cache_dir: str | None = None) -> BuiltinIndex:
    """The index, from ``cache_dir`` when the stdlib is unchanged since it was written there;
    else from the full registry (and written there)."""
    if cache_dir is None:
        return _full()
    from cloudburst.script_cache import derived

    return derived(cache_dir, "builtins", os.path.dirname(__file__), lambda: _full().data(),
                   lambda data: BuiltinIndex(*data))


def _full() -> BuiltinIndex:
    if not _FULL:
        from cloudburst.stdlib import REGISTRY

        _FULL.append(index_of(REGISTRY))
    return _FULL[0]

