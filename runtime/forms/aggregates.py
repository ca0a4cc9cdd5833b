"""Creator's aggregate functions (``count``, ``sum``, ``avg``, ``maximum``, ``minimum``,
``distinct``): one definition of what each returns, used by the SQL push-down (the form
store) and by a collection a script already holds (``rows.sum(Total)``).

Null values are skipped; empty text counts as a value for ``count``. ``sum`` of nothing
is 0, ``avg``/``maximum``/``minimum`` of nothing are null. ``sum`` of a Number field is a
NUMBER, otherwise a DECIMAL; ``avg`` is a DECIMAL. ``distinct`` lists each value once, in
ascending order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from cloudburst.errors import DelugeRuntimeError
from cloudburst.values import DECIMAL_CONTEXT, DelugeList

__all__ = ["AGGREGATES", "NEEDS_FIELD", "canonical", "over_values", "finish"]

AGGREGATES = {"count": "count", "sum": "sum", "avg": "avg", "average": "avg", "maximum": "max",
              "minimum": "min", "distinct": "distinct"}
NEEDS_FIELD = {"sum", "avg", "max", "min", "distinct"}


def canonical(name: str) -> str:
    return AGGREGATES[name.lower()]


def over_values(name: str, values: Iterable[Any]) -> Any:
    """The aggregate of values already read from records."""
    fn = canonical(name)
    present = [v for v in values if v is not None]
    if fn == "count":
        return sum(len(v) if isinstance(v, list) else 1 for v in present)
    if fn == "distinct":
        seen: list[Any] = []
        for v in present:
            for item in (v if isinstance(v, list) else [v]):
                if item not in seen:
                    seen.append(item)
        return DelugeList(sorted(seen, key=_order_key))
    if fn in ("sum", "avg"):
        for v in present:
            if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
                raise DelugeRuntimeError(f"{name}() needs a number field; found a {type(v).__name__} value")
        total = sum(present, start=0)
        integral = all(isinstance(v, int) for v in present)
        return finish(fn, total if fn == "sum" else (total, len(present)), integral)
    return finish(fn, max(present, key=_order_key) if fn == "max" and present else
                  min(present, key=_order_key) if present else None, False)


def finish(fn: str, raw: Any, integral: bool) -> Any:
    """An aggregate's raw result as Creator returns it (``integral``: a Number field)."""
    if fn == "sum":
        if raw is None:
            return 0
        return int(raw) if integral else DECIMAL_CONTEXT.create_decimal(str(raw))
    if fn == "avg":
        total, count = raw
        if not count:
            return None
        return DECIMAL_CONTEXT.divide(DECIMAL_CONTEXT.create_decimal(str(total)), Decimal(count))
    if fn == "count":
        return int(raw or 0)
    return raw


def _order_key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
