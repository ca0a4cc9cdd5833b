"""Start-up work deferred to first use: package attributes loaded on first read (PEP 562),
so importing a package that re-exports names from heavy modules stays cheap, and regular
expressions compiled on first use (compiling the module-level patterns of the modules a
cached run imports was a few percent of its start-up)."""

from __future__ import annotations

import re
from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["lazy_exports", "lazy_pattern"]


def lazy_exports(package: str, exports: dict[str, str], names: list[str]) -> tuple[
        Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__``: each name of ``exports`` (name → module)
    is imported when first read, then kept in the package's globals."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__


_PATTERN_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class _LazyPattern:
    """Compiles on the first method read, then holds the compiled pattern's own bound
    methods, so later calls cost what they cost on the compiled pattern."""

    def __init__(self, source: str, flags: int) -> None:
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for method in _PATTERN_METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def lazy_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled when first used."""
    return _LazyPattern(source, flags)  # type: ignore[return-value]
