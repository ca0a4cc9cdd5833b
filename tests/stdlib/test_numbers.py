"""Unit tests for stdlib/numbers.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import cloudburst.stdlib  # noqa: F401
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.stdlib.registry import REGISTRY
from cloudburst.values import INT_MAX, INT_MIN, display

ctx = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite


def call(name: str, *args: Any) -> Any:
    f = REGISTRY.function(name)
    assert f is not None, name
    return f(ctx, *args)


def method(name: str, recv: Any, *args: Any) -> Any:
    return REGISTRY.method_dispatcher(name)(ctx, recv, *args)


D = Decimal


@pytest.mark.parametrize("value,places,expected", [
    (D("2.345"), 2, "2.35"), (D("2.344"), 2, "2.34"), (D("-2.345"), 2, "-2.35"), (D("2.5"), 0, "3"),
    (D("-2.5"), 0, "-3"), (D("0.5"), 0, "1"), (D("1.005"), 2, "1.01"), (D("3.14159"), 3, "3.142"),
    (D("2.1"), 5, "2.1"), (7, 2, "7"), (1234, -2, "1.2E+3"), (D("1250"), -2, "1.3E+3"), (D("9.995"), 2, "10.00"),
])
def test_round_half_up_gives_decimal(value: Any, places: int, expected: str) -> None:
    result = method("round", value, places)
    assert type(result) is Decimal
    assert result == D(expected)


def test_round_default_places_and_display() -> None:
    assert display(method("round", D("2.5"))) == "3.0"
    assert display(method("round", D("2.50"), 2)) == "2.5"
    assert display(call("round", D("10.456"), 1)) == "10.5"


def test_round_bad_places() -> None:
    with pytest.raises(DelugeRuntimeError, match="round"):
        method("round", D("1.5"), "2")
    with pytest.raises(DelugeRuntimeError, match="round"):
        method("round", D("1.5"), D("1.5"))


@pytest.mark.parametrize("value,floor,ceil", [
    (D("2.5"), 2, 3), (D("-2.5"), -3, -2), (5, 5, 5), (D("-0.1"), -1, 0), (D("7.0"), 7, 7),
])
def test_floor_ceil(value: Any, floor: int, ceil: int) -> None:
    assert method("floor", value) == floor and type(method("floor", value)) is int
    assert method("ceil", value) == ceil and type(method("ceil", value)) is int


def test_floor_overflow() -> None:
    with pytest.raises(DelugeRuntimeError, match="floor"):
        method("floor", D("1E+30"))


def test_abs() -> None:
    assert method("abs", -5) == 5
    assert method("abs", D("-2.50")) == D("2.50")
    with pytest.raises(DelugeRuntimeError, match="64-bit"):
        method("abs", INT_MIN)


def test_sqrt_power_exp_log() -> None:
    assert method("sqrt", 16) == 4 and type(method("sqrt", 16)) is Decimal
    assert method("sqrt", 2) == D("1.4142135623730951")  # a double's digits, as Java's Math.sqrt
    assert method("sqrt", -4) is None  # Zoho's sqrt page: below 0 gives null
    assert method("sqrt", D("1E+400")) == D("1E+200")  # beyond the double range: 17 digits
    assert method("power", 2, 10) == 1024 and type(method("power", 2, 10)) is int
    assert method("pow", 3, 0) == 1
    assert method("power", 2, -1) == D("0.5")
    assert method("power", D("1.5"), 2) == D("2.25")
    assert method("power", -1, 10**9) == 1
    with pytest.raises(DelugeRuntimeError, match="power"):
        method("power", 2, 63)
    with pytest.raises(DelugeRuntimeError, match="power"):
        method("power", 10, 100)
    with pytest.raises(DelugeRuntimeError, match="power"):
        method("power", 0, -1)
    with pytest.raises(DelugeRuntimeError, match="power"):
        method("power", -8, D("0.5"))
    assert method("power", 2, 62) == 2**62
    assert method("exp", 0) == 1
    assert method("exp", 1) == D("2.718281828459045")
    with pytest.raises(DelugeRuntimeError, match="exp"):
        method("exp", 10**12)
    assert method("log", 100) == D("4.605170185988092")
    assert method("log", 1) == 0
    assert method("log", 0) is None and method("log", D("-2.5")) is None  # Zoho's log page: null


def test_to_hex_frac_truncate() -> None:
    assert method("toHex", 255) == "ff"
    assert method("toHex", 0) == "0"
    assert method("toHex", -1) == "ffffffffffffffff"
    assert method("toHex", INT_MAX) == "7fffffffffffffff"
    with pytest.raises(DelugeRuntimeError):
        method("toHex", D("1.5"))
    assert method("frac", D("2.75")) == D("0.75")
    assert method("frac", D("-2.75")) == D("-0.75")
    assert method("frac", 5) == 0 and type(method("frac", 5)) is Decimal
    assert method("truncate", D("-2.7")) == -2 and type(method("truncate", D("2.7"))) is int
    assert method("truncate", D("2.789"), 2) == D("2.78")
    assert method("truncate", D("-2.789"), 1) == D("-2.7")


def test_random_number_inclusive() -> None:
    seen = {call("randomNumber", 1, 3) for _ in range(300)}
    assert seen == {1, 2, 3}
    assert call("randomNumber", 5, 5) == 5
    with pytest.raises(DelugeRuntimeError, match="randomNumber"):
        call("randomNumber", 5, 1)
    with pytest.raises(DelugeRuntimeError, match="randomNumber"):
        call("randomNumber", "1", 5)


def test_min_max() -> None:
    assert call("min", 3, 5) == 3
    assert call("max", 3, 5) == 5
    assert call("max", 2, D("2.5")) == D("2.5")
    assert call("min", -(2**63), INT_MAX) == INT_MIN
    with pytest.raises(DelugeRuntimeError, match="max"):
        call("max", "3", 5)
    with pytest.raises(DelugeRuntimeError, match="min"):
        call("min", True, 5)
    with pytest.raises(DelugeRuntimeError, match="min"):
        call("min", None, 5)


def test_method_on_wrong_receiver_is_a_clean_error() -> None:
    for name in ("round", "floor", "abs", "sqrt"):
        for recv in ("5", None, True):
            with pytest.raises(DelugeRuntimeError):
                method(name, recv)
