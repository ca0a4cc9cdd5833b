"""Small immutable record classes that are cheap to define and to build.

The syntax tree and source spans are built by the hundred thousand while compiling, and
their modules are imported on every first run. ``dataclass(frozen=True, slots=True)``
costs ~1 ms per class to define and routes every field through ``object.__setattr__``
when building one. :func:`record` makes the same shape (slots, an ``__init__`` taking the
fields in order, ``__match_args__``, ``__repr__``; ``__eq__``/``__hash__`` by value when
``eq``) with a plain ``__init__``; ``dataclasses.replace`` works on them. Modules declare their records as frozen dataclasses for
the type checker (``if TYPE_CHECKING``), which keeps them read-only statically.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any, Callable, TypeVar

__all__ = ["record", "field", "replace"]


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A default built per instance (``dataclasses.field(default_factory=...)``)."""
    return _Factory(default_factory)


def record(*, eq: bool = False, frozen: bool = False) -> Callable[[type], type]:
    """The class decorator (see the module's docstring). ``frozen`` refuses assignments
    after ``__init__`` (worth it for configuration, too slow for syntax nodes)."""

    def build(cls: type) -> type:
        fields: list[str] = []
        for klass in reversed(cls.__mro__[:-1]):
            for name in klass.__dict__.get("__annotations__", {}):
                if name not in fields:
                    fields.append(name)
        inherited = {f for base in cls.__mro__[1:] for f in getattr(base, "__slots__", ())}
        defaults = {f: v for klass in reversed(cls.__mro__[:-1]) for f, v in klass.__dict__.items()
                    if f in fields and not isinstance(v, _SlotDescriptor)}
        namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__") and k not in defaults}
        namespace["__slots__"] = tuple(f for f in fields if f not in inherited)
        namespace["__match_args__"] = tuple(fields)
        namespace["__dataclass_fields__"] = {f: _Field(f) for f in fields}
        # The field names are this package's own identifiers, never input text.
        params = ", ".join(f"{f}=__defaults[{f!r}]" if f in defaults else f for f in fields)
        store = "__set(self, {0!r}, {1})" if frozen else "self.{0} = {1}"
        code = f"def __init__(self, {params}):\n" + "".join(
            "    " + store.format(f, f"{f}.make() if {f}.__class__ is __Factory else {f}" if isinstance(defaults.get(f), _Factory)
                                  else f) + "\n" for f in fields)
        scope: dict[str, Any] = {"__defaults": defaults, "__Factory": _Factory, "__set": object.__setattr__}
        exec(_compiled(code), scope)  # noqa: S102
        namespace["__init__"] = scope["__init__"]
        namespace.setdefault("__repr__", _repr)
        if eq:
            namespace["__eq__"] = _eq
            namespace["__hash__"] = _hash
        if frozen:
            namespace["__setattr__"] = namespace["__delattr__"] = _refuse
        return type(cls)(cls.__name__, cls.__bases__, namespace)

    return build


_SlotDescriptor = type(type("_Probe", (), {"__slots__": ("x",)}).__dict__["x"])


if TYPE_CHECKING:
    _R = TypeVar("_R")


def replace(obj: _R, **changes: Any) -> _R:
    """``dataclasses.replace`` for a record, without importing dataclasses."""
    return type(obj)(**{f: changes[f] if f in changes else getattr(obj, f) for f in obj.__match_args__})  # type: ignore[attr-defined]


class _Field:
    """Just enough of ``dataclasses.Field`` for ``dataclasses.replace`` to work on a record."""

    __slots__ = ("name",)
    init = True
    _field_type = None

    def __init__(self, name: str) -> None:
        self.name = name


def _refuse(self: Any, name: str, *_value: Any) -> None:
    raise AttributeError(f"cannot assign to field '{name}' of a frozen {type(self).__name__}")


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f) for f in self.__match_args__)


def _repr(self: Any) -> str:
    return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self.__match_args__)})"


def _eq(self: Any, other: Any) -> Any:
    if type(other) is not type(self):
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


#: Compiled ``__init__`` code by its source, kept beside this module's byte code: compiling
#: them was most of the cost of defining a record (the syntax tree's ~45 on every first run).
#: Each is kept marshalled on its own and read when its record is defined: a cached run
#: defines a tenth of them, and reading them all took longer than its records' definitions.
_INITS_FILE = os.path.join(os.path.dirname(__file__), "__pycache__",
                           f"frozen-inits-each.{sys.implementation.cache_tag}.bin")
_INITS: dict[str, bytes] = {}
_INITS_STATE: list[bool] = []  # [loaded], then [loaded, changed]


def _compiled(source: str) -> CodeType:
    if not _INITS_STATE:
        _INITS_STATE.append(True)
        try:
            with open(_INITS_FILE, "rb") as fh:
                _INITS.update(marshal.loads(fh.read()))
        except Exception:  # missing or unreadable: compile as needed
            pass
    data = _INITS.get(source)
    if data is not None:
        try:
            return marshal.loads(data)  # type: ignore[no-any-return]
        except Exception:  # a damaged entry: compile it again
            pass
    code = compile(source, "<string>", "exec")
    _INITS[source] = marshal.dumps(code)
    if len(_INITS_STATE) == 1 and not sys.dont_write_bytecode:
        import atexit

        _INITS_STATE.append(True)
        atexit.register(_save_inits)
    return code


def _save_inits() -> None:
    from cloudburst.script_cache import write_atomic

    write_atomic(_INITS_FILE, marshal.dumps(_INITS), 0o644)  # beside byte code, read by every user
