"""Deluge's built-in functions, methods and system variables, one module per value type.

Importing this package fills :data:`cloudburst.stdlib.registry.REGISTRY`.
"""

from importlib import import_module

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

for _name in _MODULES:
    import_module(f"cloudburst.stdlib.{_name}")

__all__ = ["REGISTRY"]
