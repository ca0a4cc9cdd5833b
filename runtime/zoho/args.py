"""Binding a task call's arguments to its documented signature.

Zoho's rule (e.g. https://www.zoho.com/deluge/help/crm/attach-file-V8.html): parameters
keep their documented order; to pass a later optional one, pass the earlier ones too,
``null`` standing for "not given". The connection is always the optional last argument;
a TEXT in the last place where the signature expects something else is taken as the
connection too (older documented forms such as ``getRecordById(module, id, connection)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudburst.errors import DelugeRuntimeError
from cloudburst.values import DelugeFile

if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

__all__ = ["Param", "bind", "record_id"]

_KIND_NAMES = {"text": "TEXT", "any_text": "TEXT", "id": "a record id (NUMBER or digits)", "number": "a positive NUMBER",
               "map": "KEY-VALUE", "list": "LIST", "file": "FILE", "text_or_map": "TEXT or KEY-VALUE",
               "map_or_list": "KEY-VALUE or a LIST of KEY-VALUE"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = True
    default: Any = None


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, str):
        return "TEXT"
    if isinstance(value, int):
        return "NUMBER"
    if isinstance(value, dict):
        return "KEY-VALUE"
    if isinstance(value, list):
        return "LIST"
    if isinstance(value, DelugeFile):
        return "FILE"
    return type(value).__name__.upper()


def record_id(value: Any) -> str | None:
    """A record id as digit text (ids are 18-19 digits: never a float), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def _check(task: str, position: int, param: Param, value: Any) -> Any:
    kind = param.kind
    ok: Any = None
    if kind == "text":
        ok = value if isinstance(value, str) and value.strip() else None
    elif kind == "any_text":
        ok = value if isinstance(value, str) else None
    elif kind == "id":
        ok = record_id(value)
    elif kind == "number":
        ok = value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None
    elif kind == "map":
        ok = value if isinstance(value, dict) else None
    elif kind == "list":
        ok = value if isinstance(value, list) else None
    elif kind == "file":
        ok = value if isinstance(value, DelugeFile) else None
    elif kind == "map_or_list":
        ok = value if isinstance(value, dict) or (isinstance(value, list) and value
                                                  and all(isinstance(x, dict) for x in value)) else None
    elif kind == "text_or_map":
        ok = value if isinstance(value, (str, dict)) else None
    if ok is None:
        shown = f" {value!r}" if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        raise DelugeRuntimeError(
            f"{task}: argument {position} ({param.name}) must be {_KIND_NAMES[kind]}, got {_type_name(value)}{shown}")
    return ok


def bind(task: str, params: list[Param], args: tuple[Any, ...]) -> tuple[dict[str, Any], str | None]:
    """(values by parameter name, connection or None) for ``args``."""
    args = tuple(args)
    connection: str | None = None
    if len(args) == len(params) + 1:
        *rest, last = args
        args = tuple(rest)
        connection = _connection(task, len(params) + 1, last)
    elif len(args) > len(params) + 1:
        raise DelugeRuntimeError(f"{task} takes at most {len(params) + 1} arguments, got {len(args)}")
    elif args and len(args) > sum(p.required for p in params):
        last_param = params[len(args) - 1]
        takes_text = last_param.kind in ("text", "any_text", "id", "text_or_map")
        if isinstance(args[-1], str) and not takes_text and not last_param.required:
            connection = args[-1]
            args = args[:-1]
    values: dict[str, Any] = {}
    for position, param in enumerate(params, start=1):
        value = args[position - 1] if position <= len(args) else None
        if value is not None:
            values[param.name] = _check(task, position, param, value)
        elif position <= len(args) and param.required:
            raise DelugeRuntimeError(f"{task}: argument {position} ({param.name}) must not be null")
        else:
            values[param.name] = param.default
    required = sum(p.required for p in params)
    if len(args) < required:
        names = ", ".join(p.name for p in params[len(args):required])
        raise DelugeRuntimeError(f"{task}: missing argument{'s' if required - len(args) > 1 else ''} {names}")
    return values, connection


def _connection(task: str, position: int, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise DelugeRuntimeError(f"{task}: argument {position} (connection) must be TEXT, got {_type_name(value)}")
    return value
