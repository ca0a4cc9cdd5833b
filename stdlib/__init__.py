"""Deluge's built-in functions, methods and system variables, one module per value type.

Each module registers its built-ins in :data:`cloudburst.stdlib.registry.REGISTRY` when
imported. This package's ``REGISTRY`` attribute is that registry with every module loaded
(on first access); a run served from the compiled-script cache imports only the modules
its built-ins live in (see ``cloudburst.compiled``), which keeps start-up short.
"""

from __future__ import annotations

from importlib import import_module

from cloudburst.stdlib.registry import Registry

TYPE_CHECKING = False
if TYPE_CHECKING:  # bound on first access, by __getattr__ below
    from typing import Any
    from cloudburst.stdlib.registry import REGISTRY

_MODULES = (
    "common",
    "text",
    "numbers",
    "lists",
    "maps",
    "collection",
    "json",
    "dates",
    "encoding",
    "system",
    "web",
    "files",
    "creator",
)

__all__ = ["REGISTRY", "load_all"]


def load_all() -> Registry:
    """The registry with every built-in module loaded."""
    from cloudburst.stdlib.registry import REGISTRY

    for name in _MODULES:
        import_module(f"cloudburst.stdlib.{name}")
    return REGISTRY


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        registry = globals()["REGISTRY"] = load_all()
        return registry
    raise AttributeError(f"module 'cloudburst.stdlib' has no attribute {name!r}")
