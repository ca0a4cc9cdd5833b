"""Built-ins for every value type: null/empty tests, ``ifnull``, text and number conversion.

Also holds the helpers the collection modules share: Deluge value equality (``1 == 1.0``
but ``1 != true``, text case-sensitive), a hashable key for ``distinct``, and 64-bit checks.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from cloudburst.lazy import lazy_pattern
from cloudburst.numeric import MAX_NUMBER_TEXT, bounded, long_from_text, shown
from cloudburst.stdlib.registry import builtin, fail
from cloudburst.values import INT_MAX, INT_MIN, DelugeFile, DelugeList, DelugeMap, display, format_decimal, to_json_text, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Hashable

__all__ = [
    "same_value",
    "value_key",
    "check_long",
    "whole_part",
    "parse_decimal_text",
    "to_long_value",
    "numeric_arg",
]

_INT_TEXT = lazy_pattern(r"[+-]?\d+")
_DECIMAL_TEXT = lazy_pattern(r"[+-]?(?:\d+\.?\d*|\.\d+)")


# -- shared helpers ------------------------------------------------------------------------
def same_value(a: Any, b: Any) -> bool:
    """Deluge equality: numbers compare by value across NUMBER/DECIMAL, BOOLEAN only equals
    BOOLEAN, text is case-sensitive, lists and maps compare element by element."""
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta in (int, Decimal) and tb in (int, Decimal):
        return bool(a == b)
    if isinstance(a, DelugeList) and isinstance(b, DelugeList):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, DelugeMap) and isinstance(b, DelugeMap):
        if len(a) != len(b):
            return False
        return all(k in b and same_value(v, b[k]) for k, v in a.items())
    if ta is not tb:
        return False
    return bool(a == b)


def value_key(value: Any) -> Hashable:
    """A hashable key such that ``value_key(a) == value_key(b)`` exactly when
    :func:`same_value` holds (used by ``distinct``, ``intersect``, ``removeAll``)."""
    t = type(value)
    if t is bool:
        return ("bool", value)
    if t is int or t is Decimal:
        return ("num", value)
    if isinstance(value, DelugeList):
        return ("list", tuple(value_key(v) for v in value))
    if isinstance(value, DelugeMap):
        return ("map", frozenset((value_key(k), value_key(v)) for k, v in value.items()))
    return (t.__name__, value)


def check_long(fn: str, value: int) -> int:
    """Raise unless ``value`` fits a 64-bit NUMBER (Deluge's ``long``)."""
    if not INT_MIN <= value <= INT_MAX:
        raise fail(f"{fn}: result {shown(value)} is outside the 64-bit NUMBER range")
    return value


def whole_part(fn: str, value: Decimal, rounding: str) -> int:
    """A finite DECIMAL rounded to a whole 64-bit NUMBER; the range is checked before the
    integer is built, so 1E+6144 costs nothing."""
    if not value.is_finite():
        raise fail(f"{fn}: {format_decimal(value)} is not a finite number")
    if value.adjusted() > 19:
        raise fail(f"{fn}: result {shown(value)} is outside the 64-bit NUMBER range")
    return check_long(fn, int(value.to_integral_value(rounding=rounding)))


def parse_decimal_text(fn: str, text: str) -> Decimal:
    """Parse number text exactly (``"12.50"`` keeps its digits); letters, exponents,
    separators or empty text are errors."""
    stripped = text.strip()
    if len(stripped) > MAX_NUMBER_TEXT or not _DECIMAL_TEXT.fullmatch(stripped):
        what = "has too many digits" if len(stripped) > MAX_NUMBER_TEXT else "is not a number"
        raise fail(f"{fn}: '{shown(text)}' {what}")
    return bounded(Decimal(stripped))


def to_long_value(fn: str, value: Any) -> int:
    """TEXT, NUMBER or DECIMAL to a 64-bit NUMBER, dropping any fraction (toward zero)."""
    t = type(value)
    if t is int:
        return int(value)
    if t is Decimal:
        return whole_part(fn, value, ROUND_DOWN)
    if t is str:
        stripped = value.strip()
        if _INT_TEXT.fullmatch(stripped):
            return long_from_text(fn, stripped)
        return to_long_value(fn, parse_decimal_text(fn, value))
    raise fail(f"{fn}: cannot convert {type_name(value)} to a NUMBER")


def numeric_arg(fn: str, value: Any, position: int = 1) -> int | Decimal:
    """Check a NUMBER/DECIMAL argument (never BOOLEAN) and return it."""
    if type(value) is int or type(value) is Decimal:
        return value  # type: ignore[no-any-return, unused-ignore]
    what = "receiver" if position == 0 else f"argument {position}"
    raise fail(f"{fn}: {what} must be a NUMBER or DECIMAL, got {type_name(value)}")


# -- null and emptiness -------------------------------------------------------------------
@builtin("ifnull", returns="ANY", tier=1,
         doc="The fallback when value is null, else value (empty text is NOT null here).")
def ifnull(ctx: Any, value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


@builtin("isNull", receiver="ANY", function=True, returns="BOOLEAN", tier=1,
         doc='True for null and for empty text ""; " " is not null.')
def is_null(ctx: Any, value: Any) -> bool:
    return value is None or value == "" and type(value) is str


@builtin("isEmpty", receiver="ANY", function=True, returns="BOOLEAN", tier=1,
         doc='True for null, "", an empty list and an empty map; " " is not empty.')
def is_empty(ctx: Any, value: Any) -> bool:
    if value is None:
        return True
    if type(value) is str or isinstance(value, (DelugeList, DelugeMap)):
        return len(value) == 0
    if type(value) is DelugeFile:
        return len(value.content) == 0
    return False


@builtin("isBlank", receiver="ANY", function=True, returns="BOOLEAN", tier=2,
         doc="True for null, empty or whitespace-only text, and empty lists and maps.")
def is_blank(ctx: Any, value: Any) -> bool:
    if type(value) is str:
        return value.strip() == ""
    return is_empty(ctx, value)  # type: ignore[no-any-return]


# -- type tests ---------------------------------------------------------------------------
@builtin("isNumber", receiver="ANY", function=True, returns="BOOLEAN", tier=2,
         doc='True for a NUMBER, a DECIMAL or number text ("-42", "12.3"); null for a list or map.')
def is_number(ctx: Any, value: Any) -> bool | None:
    if isinstance(value, (DelugeList, DelugeMap)):
        return None  # Zoho's isNumber page: lists and key-value values always give null
    return bool(is_decimal(ctx, value))


@builtin("isDecimal", receiver="ANY", function=True, returns="BOOLEAN", tier=2,
         doc='True for a NUMBER, a DECIMAL, or number text with or without a fraction ("12.5", "12").')
def is_decimal(ctx: Any, value: Any) -> bool:
    if type(value) is int or type(value) is Decimal:
        return True
    return type(value) is str and _DECIMAL_TEXT.fullmatch(value.strip()) is not None


# -- conversion ---------------------------------------------------------------------------
@builtin("toString", receiver=("TEXT", "NUMBER", "DECIMAL", "BOOLEAN", "NULL", "LIST", "MAP", "FILE"),
         function=True, aliases=("toText", "text"), returns="TEXT", tier=1,
         doc="Text form: lists a,b,c, maps compact JSON, a file its content, null empty text.")
def to_string(ctx: Any, value: Any, pattern: Any = None, zone: Any = None) -> str:
    if pattern is not None or zone is not None:
        from cloudburst.stdlib.dates import format_other

        return format_other(ctx, "toString", value, pattern, zone)
    if value is None:
        return ""
    if isinstance(value, DelugeMap):
        return to_json_text(value)
    if type(value) is DelugeFile:
        return value.content.decode("utf-8", "replace")
    return display(value)


@builtin("toLong", receiver=("TEXT", "NUMBER", "DECIMAL"), aliases=("toNumber",),
         returns="NUMBER", tier=1,
         doc="Whole number from number text or a number; the fraction is dropped (99.9 -> 99).")
def to_long(ctx: Any, value: Any) -> int:
    return to_long_value("toLong", value)


@builtin("toDecimal", receiver=("TEXT", "NUMBER", "DECIMAL"), returns="DECIMAL", tier=1,
         doc="DECIMAL from number text or a number, keeping every digit as written.")
def to_decimal(ctx: Any, value: Any) -> Decimal:
    if type(value) is str:
        return parse_decimal_text("toDecimal", value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise fail(f"toDecimal: cannot convert {type_name(value)} to a DECIMAL") from None


# -- client actions -----------------------------------------------------------------------
@builtin("openUrl", returns="NULL", tier=1,
         doc="Creator client action (navigate the browser); recorded on the run outside Creator.")
def open_url(ctx: Any, url: Any, target: Any = None, features: Any = None) -> None:
    if type(url) is not str:
        raise fail(f"openUrl: argument 1 (url) must be TEXT, got {type_name(url)}")
    for position, arg in ((2, target), (3, features)):
        if arg is not None and type(arg) is not str:
            raise fail(f"openUrl: argument {position} must be TEXT, got {type_name(arg)}")
    actions = getattr(ctx, "client_actions", None)
    if actions is not None:
        actions.append(("openUrl", tuple(a for a in (url, target, features) if a is not None)))
    return None
