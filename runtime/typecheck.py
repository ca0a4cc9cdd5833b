"""Checks of values against declared Deluge types (function parameters and return values),
and conversion of command-line text into a declared type."""

from __future__ import annotations

from decimal import Decimal

from cloudburst.datetime_types import dt as _dt
from cloudburst.errors import DelugeRuntimeError
from cloudburst.lazy import lazy_pattern
from cloudburst.numeric import JSON_NUMBERS, long_from_text, number_from_text, shown
from cloudburst.values import DelugeList, DelugeMap, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_WHOLE = lazy_pattern(r"[+-]?[0-9]+")
_NUMBER = lazy_pattern(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

__all__ = ["coerce_declared", "from_text", "DECLARED_TYPES"]

#: Declared type words and the Deluge type names they accept.
DECLARED_TYPES: dict[str, tuple[str, ...]] = {
    "void": (),
    "string": ("TEXT",), "text": ("TEXT",),
    "int": ("NUMBER",), "integer": ("NUMBER",), "long": ("NUMBER",), "bigint": ("NUMBER",), "number": ("NUMBER",),
    "decimal": ("DECIMAL", "NUMBER"), "float": ("DECIMAL", "NUMBER"), "double": ("DECIMAL", "NUMBER"),
    "bool": ("BOOLEAN",), "boolean": ("BOOLEAN",),
    "date": ("DATE", "DATE-TIME"), "datetime": ("DATE-TIME", "DATE"), "time": ("TIME",),
    "map": ("KEY-VALUE",), "key-value": ("KEY-VALUE",),
    "list": ("LIST",), "collection": ("LIST", "KEY-VALUE"),
    "file": ("FILE",),
}


def coerce_declared(value: Any, declared: str, what: str) -> Any:
    """Return ``value`` if it fits ``declared`` (null always fits; a NUMBER passed for a
    decimal becomes a DECIMAL), else raise a runtime error naming ``what``."""
    if value is None:
        return None
    # Any other declared word names a Creator form (`void notify(Orders rec)`): a record.
    accepted = DECLARED_TYPES.get(declared, ("KEY-VALUE",))
    actual = type_name(value)
    if actual in accepted:
        if actual == "NUMBER" and accepted[0] == "DECIMAL":
            return Decimal(value)
        return value
    raise DelugeRuntimeError(f"{what} must be {declared}, got {actual}")


def from_text(text: str, declared: str | None) -> Any:
    """Turn a command-line ``NAME=VALUE`` value into the parameter's declared type (TEXT when
    undeclared). Raises ``ValueError`` with a readable message."""
    kind = DECLARED_TYPES.get(declared or "string", ("TEXT",))
    first = kind[0] if kind else "TEXT"
    if first == "TEXT":
        return text
    if first == "NUMBER":
        stripped = text.strip()
        if not _WHOLE.fullmatch(stripped):
            raise ValueError(f"{shown(text)!r} is not a whole number")
        return long_from_text("", stripped)
    if first == "DECIMAL":
        stripped = text.strip()
        if not _NUMBER.fullmatch(stripped):
            raise ValueError(f"{shown(text)!r} is not a number")
        return Decimal(number_from_text(stripped))
    if first == "BOOLEAN":
        low = text.strip().lower()
        if low in ("true", "false"):
            return low == "true"
        raise ValueError(f"{text!r} is not true or false")
    if first in ("DATE", "DATE-TIME", "TIME"):
        from cloudburst.datetimes import parse_literal

        value = parse_literal(text)
        if first == "DATE-TIME" and type(value) is _dt.date:
            return _dt.datetime(value.year, value.month, value.day)
        return value
    if first in ("KEY-VALUE", "LIST"):
        import json

        try:
            data = json.loads(text, **JSON_NUMBERS)
        except ValueError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
        from cloudburst.values import from_python

        value = from_python(data)
        if first == "KEY-VALUE" and not isinstance(value, DelugeMap):
            raise ValueError("expected a JSON object")
        if first == "LIST" and not isinstance(value, DelugeList):
            raise ValueError("expected a JSON array")
        return value
    raise ValueError(f"cannot pass a {declared} from the command line")
