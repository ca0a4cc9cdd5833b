"""The bounds on every number a run can hold, and the one way numbers enter it.

Python's ``int`` and ``Decimal`` grow without limit: ``1e999999999`` costs nothing to parse
but its ``floor()`` is a billion-digit integer, and ``int()`` of 5,000 digits of text
raises a Python error. So every number from outside (literals, JSON, text conversions,
command-line and host inputs, HTTP responses) passes through :func:`number_from_text` or
:func:`bounded`, and DECIMAL arithmetic runs in :data:`DECIMAL_CONTEXT`: a DECIMAL never
has more than 34 significant digits or an exponent beyond ±6144 (IEEE 754 decimal128),
and a NUMBER is a 64-bit ``long``. Leaving those bounds is a :class:`NumberRangeError`,
which a script can catch.
"""

from __future__ import annotations

from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow

from cloudburst.errors import DelugeRuntimeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DECIMAL_CONTEXT", "DECIMAL_DIGITS", "DECIMAL_EMAX", "MAX_NUMBER_TEXT", "NumberRangeError",
    "bounded", "number_from_text", "JSON_NUMBERS", "long_from_text", "shown", "INT_MIN", "INT_MAX",
]

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1

#: Significant digits of a DECIMAL, and the largest power of ten it can reach.
DECIMAL_DIGITS = 34
DECIMAL_EMAX = 6144

#: Arithmetic on DECIMAL: 34 significant digits (enough for money and for every 64-bit
#: NUMBER to convert without loss), exponents within decimal128's range; overflow and
#: invalid operations raise (the run turns them into Deluge errors), underflow rounds to 0.
DECIMAL_CONTEXT = Context(prec=DECIMAL_DIGITS, Emax=DECIMAL_EMAX, Emin=1 - DECIMAL_EMAX,
                          traps=[InvalidOperation, DivisionByZero, Overflow])

#: Longest numeric text accepted anywhere: room for any DECIMAL written out in full
#: (``toString`` of 1E+6144 has 6,145 digits), so display and parsing round-trip.
MAX_NUMBER_TEXT = 2 * DECIMAL_EMAX + 100

_LONG_DIGITS = 19


class NumberRangeError(DelugeRuntimeError, ValueError):
    """A number outside what Deluge can hold. Also a ``ValueError``, so code converting
    host or command-line input reports it like any other bad value."""

    def __str__(self) -> str:
        return self.message if self.span is None else super().__str__()


def shown(value: object, limit: int = 40) -> str:
    """A number (or numeric text) short enough for an error message."""
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value, "f") if abs(value.adjusted()) < limit else f"{value:.6E}"
    else:
        text = str(value) if not isinstance(value, int) or value.bit_length() < 3 * limit else f"{Decimal(value):.6E}"
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def bounded(value: Decimal) -> Decimal:
    """``value`` rounded to 34 significant digits; an error when it is not finite or its
    magnitude is beyond 1E+6144."""
    if not value.is_finite():
        raise NumberRangeError(f"{value} is not a number Deluge can hold")
    if value.adjusted() > DECIMAL_EMAX:
        raise NumberRangeError(f"the number {shown(value)} is too large (a DECIMAL stays below 1E+{DECIMAL_EMAX + 1})")
    return DECIMAL_CONTEXT.plus(value)


def _text_too_long(text: str) -> NumberRangeError:
    return NumberRangeError(f"the number {shown(text)} has more than {MAX_NUMBER_TEXT} characters")


def number_from_text(text: str) -> int | Decimal:
    """A JSON-style number (``12``, ``-3.5``, ``1e6``) as a NUMBER when it is whole and fits
    64 bits, else a bounded DECIMAL. ``text`` must already be a valid number."""
    if len(text) > MAX_NUMBER_TEXT:
        raise _text_too_long(text)
    if "." not in text and "e" not in text and "E" not in text and len(text.lstrip("+-")) <= _LONG_DIGITS:
        value = int(text)
        if INT_MIN <= value <= INT_MAX:
            return value
    return bounded(Decimal(text))


#: ``json.loads`` keyword arguments that read every number through :func:`number_from_text`
#: (``NaN`` and ``Infinity`` stay text).
JSON_NUMBERS: dict[str, Any] = {"parse_int": number_from_text, "parse_float": number_from_text,
                                "parse_constant": str}


def long_from_text(fn: str, text: str) -> int:
    """Whole-number text (already matched as ``[+-]?[0-9]+``) as a 64-bit NUMBER; ``fn``
    (the built-in's name, or empty) starts the error message."""
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > _LONG_DIGITS or not INT_MIN <= int(text) <= INT_MAX:
        raise NumberRangeError(f"{fn + ': ' if fn else ''}{shown(text)} is outside the 64-bit NUMBER range")
    return int(text)
