"""Deluge semantics for every operator, comparison, condition, iteration and subscript.

Generated code never applies a Python operator to a script value directly: Python's rules
(``1 == 1.0``, ``True == 1``, ``"a" * 3``, truthy containers, ``and`` returning an
operand) differ from Deluge's, so each operation comes here.
"""

from __future__ import annotations

from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext

from cloudburst.datetime_types import dt as _dt
from cloudburst.errors import DelugeRuntimeError, LimitError
from cloudburst.execution import BIG_VALUE, guard_memory
from cloudburst.forms.values import RecordList
from cloudburst.numeric import DECIMAL_EMAX, NumberRangeError, shown
from cloudburst.values import (
    DECIMAL_CONTEXT,
    INT_MAX,
    INT_MIN,
    DelugeFile,
    DelugeList,
    TypedList,
    CaughtError,
    DelugeMap,
    map_key,
    display,
    type_name,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

__all__ = [
    "add", "sub", "mul", "div_truncate", "div_decimal", "mod", "neg", "pos", "not_", "truth",
    "eq", "ne", "lt", "le", "gt", "ge", "contains", "iterate", "iterate_index", "get_index",
    "set_index", "get_field", "set_field", "MAX_TEXT_LENGTH",
]

#: Longest TEXT a concatenation may build (a script doubling a text in a loop must stop
#: with a clean error long before the host runs out of memory).
MAX_TEXT_LENGTH = 10 * 1024 * 1024


def _bad(op: str, a: Any, b: Any) -> DelugeRuntimeError:
    return DelugeRuntimeError(
        f"Left expression is of type {type_name(a)} and right expression is of type {type_name(b)} "
        f"and operator {op} is not valid"
    )


def _check_int(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    raise DelugeRuntimeError("number overflow: the result is outside the 64-bit NUMBER range")


def _to_decimal(value: Any) -> Decimal:
    return value if type(value) is Decimal else Decimal(value)


def _numeric(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    return (ta is int or ta is Decimal) and (tb is int or tb is Decimal)


def _decimal_op(op: str, a: Any, b: Any) -> Decimal:
    with localcontext(DECIMAL_CONTEXT) as ctx:
        ctx.traps[DivisionByZero] = True
        x, y = _to_decimal(a), _to_decimal(b)
        try:
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "/":
                return x / y
            return x % y
        except (DivisionByZero, InvalidOperation):
            if y == 0:
                raise DelugeRuntimeError("division by zero") from None
            raise DelugeRuntimeError(f"invalid arithmetic: {shown(x)} {op} {shown(y)}") from None
        except Overflow:
            raise NumberRangeError(f"number out of range: {shown(x)} {op} {shown(y)} is beyond 1E+{DECIMAL_EMAX}") from None


def _text(value: str) -> str:
    if len(value) >= BIG_VALUE:
        if len(value) > MAX_TEXT_LENGTH:
            raise LimitError(f"text longer than {MAX_TEXT_LENGTH} characters")
        guard_memory()
    return value


def add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _check_int(a + b)
    if ta is str or isinstance(a, str):
        return _text(a + (b if tb is str else display(b)))
    if tb is str or isinstance(b, str):
        return _text(display(a) + b)
    if _numeric(a, b):
        return _decimal_op("+", a, b)
    raise _bad("+", a, b)


def sub(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return _check_int(a - b)
    if _numeric(a, b):
        return _decimal_op("-", a, b)
    raise _bad("-", a, b)


def mul(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return _check_int(a * b)
    if _numeric(a, b):
        return _decimal_op("*", a, b)
    raise _bad("*", a, b)


def div_truncate(a: Any, b: Any) -> Any:
    """NUMBER / NUMBER → NUMBER rounded toward zero (Java ``long`` division)."""
    if type(a) is int and type(b) is int:
        if b == 0:
            raise DelugeRuntimeError("division by zero")
        q = abs(a) // abs(b)
        return _check_int(q if (a >= 0) == (b >= 0) else -q)
    if _numeric(a, b):
        return _decimal_op("/", a, b)
    raise _bad("/", a, b)


def div_decimal(a: Any, b: Any) -> Any:
    """NUMBER / NUMBER → DECIMAL (the ``integer_division="decimal"`` setting)."""
    if _numeric(a, b):
        return _decimal_op("/", a, b)
    raise _bad("/", a, b)


def mod(a: Any, b: Any) -> Any:
    """Remainder with the sign of the dividend (Java ``%``)."""
    if type(a) is int and type(b) is int:
        if b == 0:
            raise DelugeRuntimeError("division by zero")
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    if _numeric(a, b):
        return _decimal_op("%", a, b)
    raise _bad("%", a, b)


def neg(a: Any) -> Any:
    t = type(a)
    if t is int:
        return _check_int(-a)
    if t is Decimal:
        return -a
    raise DelugeRuntimeError(f"unary minus is not valid for {type_name(a)}")


def pos(a: Any) -> Any:
    t = type(a)
    if t is int or t is Decimal:
        return a
    raise DelugeRuntimeError(f"unary plus is not valid for {type_name(a)}")


def truth(value: Any) -> bool:
    """A condition must be BOOLEAN; anything else is an error rather than Python truthiness."""
    if value is True or value is False:
        return value  # type: ignore[no-any-return, unused-ignore]
    raise DelugeRuntimeError(f"a condition must be BOOLEAN, got {type_name(value)}")


def not_(value: Any) -> bool:
    if value is True:
        return False
    if value is False:
        return True
    raise DelugeRuntimeError(f"'!' needs a BOOLEAN, got {type_name(value)}")


def _as_datetime(value: Any) -> Any:
    if type(value) is _dt.date:
        return _dt.datetime(value.year, value.month, value.day)
    return value


def eq(a: Any, b: Any) -> bool:
    if a is b:
        return True
    ta, tb = type(a), type(b)
    if ta is tb:
        if ta is DelugeList or ta is TypedList:
            return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
        if ta is DelugeMap:
            return len(a) == len(b) and all(k in b and eq(v, b[k]) for k, v in a.items())
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):
        return str(a) == str(b)
    if _numeric(a, b):
        return _to_decimal(a) == _to_decimal(b)
    if isinstance(a, DelugeList) and isinstance(b, DelugeList):  # a typed list and a plain one
        return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
    if ta in (_dt.date, _dt.datetime) and tb in (_dt.date, _dt.datetime):
        return bool(_as_datetime(a) == _as_datetime(b))
    return False


def ne(a: Any, b: Any) -> bool:
    return not eq(a, b)


def _order(op: str, a: Any, b: Any) -> tuple[Any, Any]:
    ta, tb = type(a), type(b)
    if ta is tb and ta in (int, str, Decimal, _dt.date, _dt.datetime, _dt.time):
        return a, b
    if _numeric(a, b):
        return _to_decimal(a), _to_decimal(b)
    if isinstance(a, str) and isinstance(b, str):
        return str(a), str(b)
    if ta in (_dt.date, _dt.datetime) and tb in (_dt.date, _dt.datetime):
        return _as_datetime(a), _as_datetime(b)
    raise DelugeRuntimeError(f"cannot compare {type_name(a)} {op} {type_name(b)}")


def lt(a: Any, b: Any) -> bool:
    if type(a) is int and type(b) is int:
        return a < b  # type: ignore[no-any-return, unused-ignore]
    x, y = _order("<", a, b)
    return bool(x < y)


def le(a: Any, b: Any) -> bool:
    if type(a) is int and type(b) is int:
        return a <= b  # type: ignore[no-any-return, unused-ignore]
    x, y = _order("<=", a, b)
    return bool(x <= y)


def gt(a: Any, b: Any) -> bool:
    if type(a) is int and type(b) is int:
        return a > b  # type: ignore[no-any-return, unused-ignore]
    x, y = _order(">", a, b)
    return bool(x > y)


def ge(a: Any, b: Any) -> bool:
    if type(a) is int and type(b) is int:
        return a >= b  # type: ignore[no-any-return, unused-ignore]
    x, y = _order(">=", a, b)
    return bool(x >= y)


def contains(container: Any, item: Any) -> bool:
    """``item in container``: list element, map key, or substring of a text."""
    if isinstance(container, DelugeList):
        return any(eq(x, item) for x in container)
    if isinstance(container, DelugeMap):
        return any(eq(k, item) for k in container)
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    raise DelugeRuntimeError(f"'in' needs a LIST, KEY-VALUE or TEXT on its right, got {type_name(container)}")


def _split_text(text: str) -> list[str]:
    return [] if text == "" else text.split(",")


def iterate(value: Any) -> Iterator[Any]:
    """What ``for each`` walks: a snapshot of a list (so appending inside the loop cannot
    make it endless), or the comma-separated parts of a text."""
    if isinstance(value, DelugeList):
        return iter(tuple(value))
    if isinstance(value, str):
        return iter(_split_text(value))
    raise DelugeRuntimeError(f"'for each' needs a LIST or comma-separated TEXT, got {type_name(value)}")


def iterate_index(value: Any) -> Iterator[int]:
    if isinstance(value, DelugeList):
        return iter(range(len(value)))
    if isinstance(value, str):
        return iter(range(len(_split_text(value))))
    raise DelugeRuntimeError(f"'for each index' needs a LIST, got {type_name(value)}")


def _list_position(lst: DelugeList, index: Any) -> int:
    if type(index) is not int:
        raise DelugeRuntimeError(f"a list index must be a NUMBER, got {type_name(index)}")
    if index < 0 or index >= len(lst):
        raise DelugeRuntimeError(f"list index {index} is out of range (the list has {len(lst)} element{'s' if len(lst) != 1 else ''})")
    return index




def get_index(target: Any, index: Any) -> Any:
    if isinstance(target, DelugeList):
        return target[_list_position(target, index)]
    if isinstance(target, DelugeMap):
        return target.get(map_key(index))
    raise DelugeRuntimeError(f"cannot index a {type_name(target)} with [ ]")


def set_index(target: Any, index: Any, value: Any) -> None:
    if isinstance(target, DelugeList):
        target[_list_position(target, index)] = value
    elif isinstance(target, DelugeMap):
        target[map_key(index)] = value
    else:
        raise DelugeRuntimeError(f"cannot assign into a {type_name(target)} with [ ]")


def get_field(target: Any, name: str) -> Any:
    """``x.field``: a key of a record map (``input.Name``, a fetched record), or the parts of
    a caught error."""
    if isinstance(target, DelugeMap):
        if name in target:
            return target[name]
        lowered = name.lower()
        for key, value in target.items():
            if isinstance(key, str) and key.lower() == lowered:
                return value
        return None
    if isinstance(target, CaughtError):
        low = name.lower()
        if low == "message":
            return str(target)
        if low in ("lineno", "line"):
            return target.line
    if isinstance(target, DelugeFile) and name.lower() == "name":
        return target.name
    if isinstance(target, RecordList):  # a Creator fetch: its first record
        return target.first_field(name)
    raise DelugeRuntimeError(f"{type_name(target)} has no field '{name}'")


def set_field(target: Any, name: str, value: Any) -> None:
    if isinstance(target, DelugeMap):
        target[name] = value
        return
    if isinstance(target, RecordList):
        target.set_first(name, value)
        return
    raise DelugeRuntimeError(f"cannot set field '{name}' on a {type_name(target)}")
