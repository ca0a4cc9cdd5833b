"""Deluge values as Python objects, their type names and their display text.

TEXT is ``str``, NUMBER ``int`` (64-bit range), DECIMAL ``decimal.Decimal`` (money stays
exact), BOOLEAN ``bool``, null ``None``, DATE ``datetime.date``, DATE-TIME
``datetime.datetime`` (naive, in the run's time zone), TIME ``datetime.time``, LIST
:class:`DelugeList`, KEY-VALUE :class:`DelugeMap`, FILE :class:`DelugeFile`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext

from cloudburst.datetime_types import dt as _dt
from cloudburst.errors import LimitError
from cloudburst.numeric import DECIMAL_CONTEXT, INT_MAX, INT_MIN, bounded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

__all__ = [
    "DelugeList",
    "TypedList",
    "OpenCollection",
    "DelugeMap",
    "map_key",
    "DelugeFile",
    "CaughtError",
    "INT_MIN",
    "INT_MAX",
    "DECIMAL_CONTEXT",
    "type_name",
    "display",
    "to_json_text",
    "format_decimal",
    "format_date",
    "format_datetime",
    "is_number",
    "MAX_DISPLAY_LENGTH",
]

#: Longest text ``display`` and ``to_json_text`` build. A list holding the same long text a
#: million times is cheap to make but would display as terabytes, so building stops here.
MAX_DISPLAY_LENGTH = 10 * 1024 * 1024

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class DelugeList(list):  # type: ignore[type-arg]
    """An ordered, 0-indexed, heterogeneous LIST."""

    __slots__ = ()

    #: The Deluge type a typed list holds (see :class:`TypedList`); None: any type.
    element_type: str | None = None


class OpenCollection(DelugeList):
    """``Collection()``: an empty LIST until its first insert decides its kind; ``key : value``
    pairs make it a key-value collection instead (see cloudburst.stdlib.collection)."""

    __slots__ = ()


class TypedList(DelugeList):
    """A LIST made by ``List:<type>(...)``: it holds elements of one type only (``"NUMBER"``
    for ``List:Int()``); the stdlib converts or refuses what is added to it."""

    __slots__ = ("element_type",)

    def __init__(self, items: Iterable[Any], element_type: str) -> None:
        super().__init__(items)
        self.element_type = element_type


class DelugeMap(dict):  # type: ignore[type-arg]
    """An insertion-ordered KEY-VALUE map; a missing key reads as null."""

    __slots__ = ()


class _KeyList(DelugeList):
    """A LIST used as a map key: a copy, hashed by its elements."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))


class _KeyMap(DelugeMap):
    """A KEY-VALUE used as a map key: a copy, hashed by its entries."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))


def map_key(key: Any) -> Any:
    """``key`` in a form a map can hold. Zoho's keys page uses a LIST as a key (Java maps
    hash a list by its elements), so a LIST or KEY-VALUE key is stored as a hashable copy
    that equals the original; other values are keys as they are."""
    if isinstance(key, DelugeList):
        return key if type(key) is _KeyList else _KeyList(map_key(v) for v in key)
    if isinstance(key, DelugeMap):
        return key if type(key) is _KeyMap else _KeyMap((map_key(k), map_key(v)) for k, v in key.items())
    return key


class CaughtError(str):
    """The value of a ``catch (e)`` variable: TEXT holding the message, with the line kept
    for ``e.lineNo`` (``e.message`` reads the text)."""

    __slots__ = ("line",)
    line: int | None

    def __new__(cls, message: str, line: int | None) -> CaughtError:
        obj = super().__new__(cls, message)
        obj.line = line
        return obj


class DelugeFile:
    """A FILE value: bytes with a name and a content type (e.g. an invokeurl download)."""

    __slots__ = ("name", "content", "content_type", "param_name")

    def __init__(self, name: str, content: bytes, content_type: str = "application/octet-stream") -> None:
        self.name = name
        self.content = content
        self.content_type = content_type
        self.param_name = "file"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DelugeFile)
            and self.name == other.name
            and self.content == other.content
        )

    def __hash__(self) -> int:
        return hash((self.name, self.content))


def is_number(value: object) -> bool:
    """True for NUMBER and DECIMAL (never for BOOLEAN, which Python counts as int)."""
    t = type(value)
    return t is int or t is Decimal


def type_name(value: object) -> str:
    """The Deluge type name used in error messages."""
    t = type(value)
    if value is None:
        return "NULL"
    if t is str or t is CaughtError:
        return "TEXT"
    if t is bool:
        return "BOOLEAN"
    if t is int:
        return "NUMBER"
    if t is Decimal:
        return "DECIMAL"
    if isinstance(value, DelugeList):
        return "LIST"
    if isinstance(value, DelugeMap):
        return "KEY-VALUE"
    if t is _dt.datetime:
        return "DATE-TIME"
    if t is _dt.date:
        return "DATE"
    if t is _dt.time:
        return "TIME"
    if t is DelugeFile:
        return "FILE"
    return "UNKNOWN"


def format_decimal(value: Decimal) -> str:
    """Display a DECIMAL as Deluge does: no exponent, trailing zeros dropped, at least one
    fractional digit (``2.50`` → ``2.5``, ``5.0`` → ``5.0``)."""
    if not value.is_finite():
        return "NaN" if value.is_nan() else ("Infinity" if value > 0 else "-Infinity")
    try:
        with localcontext(DECIMAL_CONTEXT):
            normal = value.normalize()
    except InvalidOperation:
        normal = value
    text = format(normal, "f")
    if "." not in text:
        text += ".0"
    if text == "-0.0":
        text = "0.0"
    return text


def format_date(value: _dt.date) -> str:
    return f"{value.day:02d}-{_MONTHS[value.month - 1]}-{value.year:04d}"


def format_datetime(value: _dt.datetime) -> str:
    return f"{format_date(value)} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def display(value: Any) -> str:
    """The text ``info`` prints and ``+`` concatenates: lists as ``a,b,c``, maps as compact
    JSON, dates as ``dd-MMM-yyyy[ HH:mm:ss]``, null as ``null``."""
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is int:
        return str(value)
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    if t is Decimal:
        return format_decimal(value)
    if isinstance(value, DelugeList):
        _tick()
        parts: list[str] = []
        size = 0
        for v in value:
            part = display(v)
            size += len(part) + 1
            if size > MAX_DISPLAY_LENGTH:
                raise _too_long()
            parts.append(part)
        return ",".join(parts)
    if isinstance(value, DelugeMap):
        return to_json_text(value)
    if t is _dt.datetime:
        return format_datetime(value)
    if t is _dt.date:
        return format_date(value)
    if t is _dt.time:
        return value.strftime("%H:%M:%S")  # type: ignore[no-any-return]
    if t is DelugeFile:
        return value.name  # type: ignore[no-any-return]
    return str(value)


def to_json_text(value: Any) -> str:
    """Compact JSON as Deluge prints maps (``{"a":1,"b":[1,2]}``); 64-bit numbers and
    decimals keep every digit."""
    parts: list[str] = []
    _write_json(value, parts, 0)
    return "".join(parts)


_TICKS = [0]


def _tick() -> None:
    """Every 1,024 collections displayed, check the run's clock: a list holding itself twice
    at each of 300 levels is small, yet displaying it would take forever."""
    _TICKS[0] += 1
    if not _TICKS[0] & 1023:
        from cloudburst.execution import check_active

        check_active()


def _too_long() -> LimitError:
    return LimitError(f"text longer than {MAX_DISPLAY_LENGTH} characters")


try:  # what json.dumps(text, ensure_ascii=False) calls, without loading the json package
    from _json import encode_basestring as _dumps_text
except ImportError:  # pragma: no cover - interpreters without the C accelerator
    from json.encoder import py_encode_basestring as _dumps_text


def _write_json(value: Any, out: list[str], size: int) -> int:
    """Append ``value``'s JSON to ``out``; returns the text's length so far (``size`` before)."""
    t = type(value)
    if t is str:
        part = _dumps_text(value)
    elif t is int:
        part = str(value)
    elif value is None:
        part = "null"
    elif t is bool:
        part = "true" if value else "false"
    elif t is Decimal:
        part = format_decimal(value)
    elif isinstance(value, DelugeMap):
        _tick()
        out.append("{")
        size += 2
        for k, v in value.items():
            key = _dumps_text(k if type(k) is str else display(k))
            out.append(key)
            out.append(":")
            size = _write_json(v, out, size + len(key) + 2)
            out.append(",")
            if size > MAX_DISPLAY_LENGTH:
                raise _too_long()
        if value:
            out.pop()
        out.append("}")
        return size
    elif isinstance(value, DelugeList):
        _tick()
        out.append("[")
        size += 2
        for v in value:
            size = _write_json(v, out, size + 1)
            out.append(",")
            if size > MAX_DISPLAY_LENGTH:
                raise _too_long()
        if value:
            out.pop()
        out.append("]")
        return size
    else:
        part = _dumps_text(display(value))
    out.append(part)
    return size + len(part)


def from_python(value: Any, tz: _dt.tzinfo | None = None) -> Any:
    """Convert a plain Python value into a Deluge value.

    dict → KEY-VALUE, list/tuple → LIST (both copied, keys and elements converted), str
    (and str subclasses) → TEXT, bool → BOOLEAN, int → NUMBER (outside the 64-bit range:
    DECIMAL), float → DECIMAL via its shortest repr (``0.1`` → ``0.1``; NaN and infinities
    are refused), Decimal rounded to 34 digits (a ``NumberRangeError``, also a ValueError,
    beyond 1E+6144 or not finite), date and time as they are, datetime → DATE-TIME (an aware one is
    moved to ``tz``, the run's zone, or the system zone when None, and made naive), bytes →
    FILE named "file". Raises TypeError for anything else. A LIST or KEY-VALUE that is
    already a Deluge value is passed through as it is (the same object), so a host (or the
    REPL) handing back values from an earlier run keeps shared references shared.
    """
    if isinstance(value, (DelugeMap, DelugeList)):  # TypedList, a fetch's records and record maps too
        return value
    if isinstance(value, Decimal):
        return bounded(value)
    if value is None or isinstance(value, (bool, DelugeFile)):
        return value
    if isinstance(value, str):
        return value if type(value) is str else str(value)
    if isinstance(value, int):
        number = int(value)
        return number if INT_MIN <= number <= INT_MAX else bounded(Decimal(number))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise TypeError(f"cannot convert the float {value!r} to a Deluge value")
        return Decimal(repr(value))
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(tz).replace(tzinfo=None)
        return value
    if isinstance(value, _dt.time):
        return value.replace(tzinfo=None)
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, dict):
        return DelugeMap((from_python(k, tz), from_python(v, tz)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return DelugeList(from_python(v, tz) for v in value)
    if isinstance(value, (bytes, bytearray)):
        return DelugeFile("file", bytes(value))
    raise TypeError(f"cannot convert {type(value).__name__} to a Deluge value")


def to_python(value: Any) -> Any:
    """Convert a Deluge value into plain Python: KEY-VALUE → dict, LIST → list (recursively),
    a caught error → str; TEXT, NUMBER, DECIMAL, BOOLEAN, null, dates and times are already
    plain; a FILE stays a :class:`DelugeFile` (``.content`` holds its bytes)."""
    if isinstance(value, DelugeMap):
        return {to_python(k): to_python(v) for k, v in value.items()}
    if isinstance(value, DelugeList):
        return [to_python(v) for v in value]
    if type(value) is CaughtError:
        return str(value)
    return value
