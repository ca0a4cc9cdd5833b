"""Built-ins on NUMBER and DECIMAL: rounding, maths, min/max and random numbers.

NUMBER results stay inside the 64-bit range (an overflow is a runtime error, as Java's
exact ``long`` arithmetic would be); DECIMAL results use 34 significant digits.
"""

from __future__ import annotations

import math
import random
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    Overflow,
)
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

from cloudburst.numeric import shown
from cloudburst.stdlib.common import check_long, numeric_arg, whole_part
from cloudburst.stdlib.registry import builtin, expect, fail
from cloudburst.values import DECIMAL_CONTEXT

#: Rounding may need more digits than DECIMAL_CONTEXT keeps (``1e30.round(10)``).
_WIDE = Context(prec=120)


def _decimal_op(fn: str, op: Any, *operands: Decimal) -> Decimal:
    """Run a Decimal computation, turning overflow / invalid input into a Deluge error."""
    try:
        result = op(*operands)
    except DecimalException as exc:
        args = ", ".join(shown(o) for o in operands)
        problem = "the result is too large" if isinstance(exc, Overflow) else type(exc).__name__
        raise fail(f"{fn}: no result for {args} ({problem})") from None
    if not result.is_finite():
        raise fail(f"{fn}: the result is not a finite number")
    return result  # type: ignore[no-any-return]


def _to_places(fn: str, value: Any, places: Any, rounding: str) -> Decimal:
    """``value`` to ``places`` decimal places with ``rounding`` (a DECIMAL); a value that
    already has no more places is returned as it is."""
    expect(fn, places, "NUMBER", 1)
    number = Decimal(value)
    if places >= -number.as_tuple().exponent:  # type: ignore[operator]
        return number
    if places > 1000 or places < -1000:
        raise fail(f"{fn}: {places} decimal places is out of range")
    quantum = Decimal(1).scaleb(-places)
    return _decimal_op(fn, lambda n: n.quantize(quantum, rounding=rounding, context=_WIDE), number)


@builtin("round", receiver="NUMERIC", returns="DECIMAL", tier=1,
         doc="Round half-up (2.345 -> 2.35, -2.5 -> -3) to the given decimal places; result is DECIMAL.")
def round_(ctx: Any, value: Any, places: Any = 0) -> Decimal:
    return _to_places("round", value, places, ROUND_HALF_UP)


def _to_whole(fn: str, value: Any, rounding: str) -> int:
    if type(value) is int:
        return int(value)
    return whole_part(fn, value, rounding)


@builtin("floor", receiver="NUMERIC", returns="NUMBER", tier=2,
         doc="Largest whole number not above the value (-2.5 -> -3).")
def floor(ctx: Any, value: Any) -> int:
    return _to_whole("floor", value, ROUND_FLOOR)


@builtin("ceil", receiver="NUMERIC", returns="NUMBER", tier=2,
         doc="Smallest whole number not below the value (-2.5 -> -2).")
def ceil(ctx: Any, value: Any) -> int:
    return _to_whole("ceil", value, ROUND_CEILING)


@builtin("abs", receiver="NUMERIC", returns="NUMERIC", tier=3,
         doc="Absolute value; keeps NUMBER or DECIMAL.")
def abs_(ctx: Any, value: Any) -> int | Decimal:
    if type(value) is int:
        return check_long("abs", abs(value))
    return abs(value)  # type: ignore[no-any-return]


def _double(fn: str, op: Any, value: Any) -> Decimal:
    """Java's ``Math`` function on a double, as Deluge computes it (Zoho's pages: ``1.exp()``
    is 2.718281828459045, ``90.log()`` 4.499809670330265): the double's shortest digits as a
    DECIMAL. A value beyond the double range is computed on the DECIMAL and cut to the
    17 digits a double carries."""
    x = float(value)
    if math.isfinite(x):
        try:
            result = op(x)
        except OverflowError:
            result = math.inf
        if not math.isfinite(result):
            raise fail(f"{fn}: no result for {shown(value)} (the result is too large)")
        return Decimal(repr(result))
    wide: Callable[[Decimal], Decimal] = {"sqrt": lambda n: n.sqrt(DECIMAL_CONTEXT), "log": lambda n: n.ln(DECIMAL_CONTEXT),
                                          "exp": lambda n: n.exp(DECIMAL_CONTEXT)}[fn]
    return _decimal_op(fn, lambda n: Context(prec=17).plus(wide(n)), Decimal(value))


@builtin("sqrt", receiver="NUMERIC", returns="DECIMAL", tier=3,
         doc="Square root as a DECIMAL (double precision, as Java's Math.sqrt); null below 0.")
def sqrt(ctx: Any, value: Any) -> Decimal | None:
    if value < 0:
        return None
    return _double("sqrt", math.sqrt, value)


@builtin("power", receiver="NUMERIC", aliases=("pow",), returns="NUMERIC", tier=3,
         doc="value raised to exponent: NUMBER for whole non-negative exponents of a NUMBER, else DECIMAL.")
def power(ctx: Any, value: Any, exponent: Any) -> int | Decimal:
    numeric_arg("power", exponent, 1)
    if type(value) is int and type(exponent) is int and exponent >= 0:
        if abs(value) > 1 and exponent > 64:
            raise fail(f"power: {value}^{exponent} is outside the 64-bit NUMBER range")
        return check_long("power", value**exponent)
    return _decimal_op("power", lambda b, e: DECIMAL_CONTEXT.power(b, e), Decimal(value), Decimal(exponent))


@builtin("exp", receiver="NUMERIC", returns="DECIMAL", tier=3,
         doc="e raised to the value, as a DECIMAL (double precision, as Java's Math.exp).")
def exp(ctx: Any, value: Any) -> Decimal:
    return _double("exp", math.exp, value)


@builtin("log", receiver="NUMERIC", returns="DECIMAL", tier=3,
         doc="Natural logarithm (base e, double precision, as Java's Math.log) as a DECIMAL; null at or below 0.")
def log(ctx: Any, value: Any) -> Decimal | None:
    if value <= 0:
        return None
    return _double("log", math.log, value)


@builtin("toHex", receiver="NUMBER", returns="TEXT", tier=3,
         doc="Lower-case hexadecimal text; negatives in 64-bit two's complement (like Java Long.toHexString).")
def to_hex(ctx: Any, value: int) -> str:
    return format(value & 0xFFFFFFFFFFFFFFFF, "x")


@builtin("frac", receiver="NUMERIC", returns="DECIMAL", tier=3,
         doc="Fractional part with the value's sign (-2.75 -> -0.75); 0 for a NUMBER.")
def frac(ctx: Any, value: Any) -> Decimal:
    number = Decimal(value)
    return number - number.to_integral_value(rounding=ROUND_DOWN)


@builtin("truncate", receiver="NUMERIC", returns="NUMERIC", tier=3,
         doc="Drop digits toward zero: no argument gives a NUMBER, truncate(n) keeps n decimal places.")
def truncate(ctx: Any, value: Any, places: Any = None) -> int | Decimal:
    if places is None:
        return _to_whole("truncate", value, ROUND_DOWN)
    return _to_places("truncate", value, places, ROUND_DOWN)


def _parity(value: Any) -> int | None:
    """0 or 1 for a whole number (a DECIMAL like ``4.0`` counts); None for a fraction,
    which Zoho lets a script save but which has no parity."""
    if type(value) is Decimal and value != value.to_integral_value():
        return None
    return int(value) % 2


@builtin("isOdd", receiver="NUMERIC", returns="BOOLEAN", tier=2,
         doc="True for an odd whole number; false for even numbers and for fractions.")
def is_odd(ctx: Any, value: Any) -> bool:
    return _parity(value) == 1


@builtin("isEven", receiver="NUMERIC", returns="BOOLEAN", tier=2,
         doc="True for an even whole number; false for odd numbers and for fractions.")
def is_even(ctx: Any, value: Any) -> bool:
    return _parity(value) == 0


@builtin("randomNumber", returns="NUMBER", tier=3,
         doc="Random whole number between low and high, both included.")
def random_number(ctx: Any, low: Any, high: Any) -> int:
    expect("randomNumber", low, "NUMBER", 1)
    expect("randomNumber", high, "NUMBER", 2)
    if low > high:
        raise fail(f"randomNumber: the lower bound {low} is greater than the upper bound {high}")
    return random.randint(low, high)


@builtin("min", returns="NUMERIC", tier=3, doc="The smaller of two numbers (the first on a tie).")
def min_(ctx: Any, a: Any, b: Any) -> int | Decimal:
    numeric_arg("min", a, 1)
    numeric_arg("min", b, 2)
    return b if b < a else a  # type: ignore[no-any-return]


@builtin("max", returns="NUMERIC", tier=3, doc="The larger of two numbers (the first on a tie).")
def max_(ctx: Any, a: Any, b: Any) -> int | Decimal:
    numeric_arg("max", a, 1)
    numeric_arg("max", b, 2)
    return b if b > a else a  # type: ignore[no-any-return]
