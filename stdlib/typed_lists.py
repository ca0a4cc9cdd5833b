"""Typed lists: ``List:String()``, ``List:Int({1, 2})`` and the other qualified forms.

Zoho documents (create-list-datatype) that a qualified list holds elements of one type
only, that the constructor takes initial values like ``List()`` does, and how a value of
another type is treated: a text list turns numbers, decimals, booleans and dates into
text; a number list takes whole numbers, also quoted (``"5"``), and refuses anything else
at run time; a date-time list reads date text and takes a number as epoch milliseconds.
The same rule applies when ``add``/``addAll``/``insert`` put an element in later. null
fits every typed list (as it fits every declared parameter type). The list is a
:class:`~cloudburst.values.TypedList`; copies made by other built-ins are plain lists.
"""

from __future__ import annotations

from decimal import Decimal

from cloudburst.datetime_types import dt as _dt
from cloudburst.lazy import lazy_pattern
from cloudburst.stdlib.registry import fail
from cloudburst.values import DelugeList, TypedList, display, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["ELEMENT_TYPES", "element_kind", "typed_list", "coerce_element", "coerce_elements"]

#: Qualifier words (case-insensitive) and the Deluge type their list holds.
ELEMENT_TYPES: dict[str, str] = {
    "string": "TEXT", "text": "TEXT",
    "int": "NUMBER", "integer": "NUMBER", "long": "NUMBER", "bigint": "NUMBER", "number": "NUMBER",
    "decimal": "DECIMAL", "float": "DECIMAL", "double": "DECIMAL",
    "date": "DATE-TIME", "datetime": "DATE-TIME", "timestamp": "DATE-TIME",
    "bool": "BOOLEAN", "boolean": "BOOLEAN",
}

_WHOLE = lazy_pattern(r"[+-]?\d+")
_NUMBER = lazy_pattern(r"[+-]?(?:\d+\.?\d*|\.\d+)")


def element_kind(qualifier: str) -> str | None:
    """The Deluge type a ``List:<qualifier>`` holds, or None for an unknown qualifier."""
    return ELEMENT_TYPES.get(qualifier.lower())


def _text(ctx: Any, value: Any) -> Any:
    if isinstance(value, str):
        return str(value)
    if type(value) in (int, Decimal, bool, _dt.date, _dt.datetime, _dt.time):
        return display(value)
    return _refuse


def _number(ctx: Any, value: Any) -> Any:
    if type(value) is int:
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    return _refuse


def _decimal(ctx: Any, value: Any) -> Any:
    if type(value) is Decimal:
        return value
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return Decimal(value.strip())
    return _refuse


def _date_time(ctx: Any, value: Any) -> Any:
    if type(value) is _dt.datetime or type(value) is _dt.date:
        return value
    from cloudburst import datetimes as dtx  # a list of dates is rare: keep start-up light

    if type(value) is int:
        try:
            return dtx.from_epoch_millis(value, ctx.tz)
        except OverflowError:
            return _refuse
    if isinstance(value, str):
        try:
            parsed = dtx.parse_text(value, ctx.tz, ctx.now().date())
        except ValueError:
            return _refuse
        return _refuse if type(parsed) is _dt.time else parsed
    return _refuse


def _boolean(ctx: Any, value: Any) -> Any:
    if type(value) is bool:
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return _refuse


_refuse = object()
_COERCE: dict[str, Callable[[Any, Any], Any]] = {
    "TEXT": _text, "NUMBER": _number, "DECIMAL": _decimal, "DATE-TIME": _date_time, "BOOLEAN": _boolean,
}


def coerce_element(ctx: Any, fn: str, kind: str, value: Any) -> Any:
    """``value`` as an element of a list holding ``kind``, or a runtime error."""
    if value is None:
        return None
    result = _COERCE[kind](ctx, value)
    if result is _refuse:
        shown = f" '{value}'" if isinstance(value, str) and len(value) <= 40 else ""
        raise fail(f"{fn}: a {kind} list cannot hold the {type_name(value)}{shown}")
    return result


def coerce_elements(ctx: Any, fn: str, items: DelugeList, values: Any) -> list[Any]:
    """The values to add to ``items``, converted for its element type (as they are for
    an untyped list)."""
    kind = items.element_type
    if kind is None:
        return list(values)
    return [coerce_element(ctx, fn, kind, v) for v in values]


def typed_list(ctx: Any, qualifier: str, initial: Any = None) -> TypedList:
    """``List:<qualifier>([initial])``: an empty typed list, or one holding ``initial``
    (a LIST, or comma-separated TEXT as for ``List()``), each element converted."""
    kind = ELEMENT_TYPES[qualifier]
    fn = f"List:{qualifier.capitalize()}"
    if initial is None:
        values: list[Any] = []
    elif isinstance(initial, DelugeList):
        values = list(initial)
    elif isinstance(initial, str):
        values = [] if initial == "" else initial.split(",")
    else:
        raise fail(f"{fn}() takes a LIST or comma-separated TEXT, got {type_name(initial)}")
    return TypedList((coerce_element(ctx, fn, kind, v) for v in values), kind)
