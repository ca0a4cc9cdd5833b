"""Unit tests for stdlib/common.py, plus a robustness sweep over every built-in in the
common, numbers, lists, maps, collection and json modules."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

import cloudburst.stdlib  # noqa: F401  (fills the registry)
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.stdlib.common import same_value, value_key
from cloudburst.stdlib.registry import REGISTRY, TYPES
from cloudburst.values import DelugeFile, DelugeList, DelugeMap

ctx = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite


def fn(name: str, *args: Any) -> Any:
    f = REGISTRY.function(name)
    assert f is not None, name
    return f(ctx, *args)


def method(name: str, recv: Any, *args: Any) -> Any:
    return REGISTRY.method_dispatcher(name)(ctx, recv, *args)


# -- ifnull / isNull / isEmpty / isBlank ----------------------------------------------------
def test_ifnull_only_null_triggers_fallback() -> None:
    assert fn("ifnull", None, "x") == "x"
    assert fn("ifNull", "", "x") == ""
    assert fn("IFNULL", 0, 5) == 0
    assert fn("ifnull", False, True) is False


@pytest.mark.parametrize("value,expected", [
    (None, True), ("", True), (" ", False), ("a", False), (0, False), (False, False),
    (DelugeList(), False), (DelugeMap(), False),
])
def test_is_null(value: Any, expected: bool) -> None:
    assert fn("isNull", value) is expected
    assert method("isnull", value) is expected


@pytest.mark.parametrize("value,expected", [
    (None, True), ("", True), (" ", False), ("x", False), (DelugeList(), True), (DelugeList([None]), False),
    (DelugeMap(), True), (DelugeMap({"a": 1}), False), (0, False), (Decimal("0"), False), (False, False),
    (dt.date(2024, 1, 1), False), (DelugeFile("f", b""), True), (DelugeFile("f", b"x"), False),
])
def test_is_empty(value: Any, expected: bool) -> None:
    assert method("isEmpty", value) is expected
    assert fn("isempty", value) is expected


@pytest.mark.parametrize("value,expected", [
    (None, True), ("", True), (" ", True), ("\t\n", True), (" a ", False), (DelugeList(), True), (5, False),
])
def test_is_blank(value: Any, expected: bool) -> None:
    assert method("isBlank", value) is expected


# -- type tests -------------------------------------------------------------------------
@pytest.mark.parametrize("value,number,decimal", [
    ("123", True, True), ("-42", True, True), ("+7", True, True), ("12.5", True, True), (".5", True, True),
    ("1e5", False, False), ("abc", False, False), ("", False, False), (" 12 ", True, True), ("1,000", False, False),
    (5, True, True), (Decimal("1.5"), True, True), (True, False, False), (None, False, False),
    ("24/2*10", False, False), (DelugeList([1]), None, False), (DelugeMap({"a": 1}), None, False),
])
def test_is_number_and_is_decimal(value: Any, number: bool | None, decimal: bool) -> None:
    assert fn("isNumber", value) is number
    assert fn("isDecimal", value) is decimal


# -- toString ---------------------------------------------------------------------------
@pytest.mark.parametrize("value,text", [
    ("abc", "abc"), (42, "42"), (-7, "-7"), (Decimal("2.50"), "2.5"), (Decimal("5"), "5.0"), (True, "true"),
    (False, "false"), (None, ""), (DelugeList([1, "a", Decimal("1.5")]), "1,a,1.5"), (DelugeList(), ""),
    (DelugeMap({"a": 1, "b": DelugeList([1, 2]), "c": None, "d": "x\"y"}), '{"a":1,"b":[1,2],"c":null,"d":"x\\"y"}'),
    (DelugeMap(), "{}"), (DelugeFile("a.csv", "x,y\n1,2".encode()), "x,y\n1,2"),
    (1234567890123456789, "1234567890123456789"),
])
def test_to_string(value: Any, text: str) -> None:
    assert method("toString", value) == text
    assert method("toText", value) == text
    assert fn("toString", value) == text


def test_to_string_pattern_needs_a_date_like_value() -> None:
    with pytest.raises(DelugeRuntimeError, match="not to DECIMAL"):
        method("toString", Decimal("5.5"), "yyyy")


# -- toLong / toDecimal -----------------------------------------------------------------
@pytest.mark.parametrize("value,expected", [
    ("123", 123), ("-5", -5), (" 42 ", 42), ("+8", 8), ("99.9", 99), ("-99.9", -99), (Decimal("99.9"), 99),
    (Decimal("-0.5"), 0), (7, 7), ("1234567890123456789", 1234567890123456789),
    ("9223372036854775807", 9223372036854775807), ("-9223372036854775808", -9223372036854775808),
])
def test_to_long(value: Any, expected: int) -> None:
    assert method("toLong", value) == expected
    assert fn("toNumber", value) == expected
    assert type(method("toLong", value)) is int


@pytest.mark.parametrize("value", ["", " ", "abc", "1000abc", "1e5", "1,000", "12 34", "9223372036854775808",
                                   "-9223372036854775809", "NaN", "Infinity", "0x10"])
def test_to_long_errors(value: str) -> None:
    with pytest.raises(DelugeRuntimeError, match="toLong"):
        method("toLong", value)


def test_to_long_wrong_receiver_types() -> None:
    for value in (None, True, DelugeList(), DelugeMap()):
        with pytest.raises(DelugeRuntimeError):
            fn("toLong", value)


@pytest.mark.parametrize("value,expected", [
    ("12.50", Decimal("12.50")), ("5", Decimal("5")), (" -0.25 ", Decimal("-0.25")), (3, Decimal(3)),
    (Decimal("1.1"), Decimal("1.1")), ("12345678901234567890.123", Decimal("12345678901234567890.123")),
])
def test_to_decimal(value: Any, expected: Decimal) -> None:
    result = method("toDecimal", value)
    assert type(result) is Decimal and result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize("value", ["", "abc", "1.2.3", "NaN", "1e3", "--1"])
def test_to_decimal_errors(value: str) -> None:
    with pytest.raises(DelugeRuntimeError, match="toDecimal"):
        method("toDecimal", value)


def test_record_id_round_trip() -> None:
    record_id = "4876876000001234567"
    number = method("toLong", record_id)
    assert number == 4876876000001234567
    assert method("toString", number) == record_id
    assert method("toString", number + 1) == "4876876000001234568"


# -- openUrl ----------------------------------------------------------------------------
def test_open_url_is_a_no_op() -> None:
    assert fn("openUrl", "https://example.com", "new window") is None
    assert fn("openUrl", "#Form:x", "same window", "height=100") is None
    with pytest.raises(DelugeRuntimeError, match="openUrl"):
        fn("openUrl", None, "same window")


# -- equality helpers -------------------------------------------------------------------
@pytest.mark.parametrize("a,b,expected", [
    (1, Decimal("1.0"), True), (1, True, False), (0, False, False), ("a", "A", False), ("a", "a", True),
    (None, None, True), (None, "", False), (DelugeList([1, 2]), DelugeList([1, Decimal(2)]), True),
    (DelugeList([1]), DelugeList([True]), False), (DelugeMap({"a": 1}), DelugeMap({"a": 1}), True),
    (DelugeMap({"a": 1}), DelugeMap({"a": 2}), False), (dt.date(2024, 1, 1), dt.datetime(2024, 1, 1), False),
])
def test_same_value_and_value_key_agree(a: Any, b: Any, expected: bool) -> None:
    assert same_value(a, b) is expected
    assert (value_key(a) == value_key(b)) is expected


# -- robustness sweep -------------------------------------------------------------------
MY_MODULES = {"common", "numbers", "lists", "maps", "collection", "json"}

SAMPLES: list[Any] = [
    None, "", " ", "abc", "12", "-3.5", "{\"a\": [1, {\"b\": 2}]}", "[1, 2]", "<r><a>1</a></r>", "{bad",
    0, 1, -1, 2**63 - 1, -(2**63), 10**6, Decimal("2.5"), Decimal("-0.001"), Decimal("1E+30"), True, False,
    DelugeList(), DelugeList([3, 1, 2]), DelugeList(["b", "a"]), DelugeList([1, "a"]), DelugeList([DelugeList([1])]),
    DelugeMap(), DelugeMap({"k": 1, "j": "v"}), DelugeMap({1: DelugeMap({"x": None})}),
    dt.date(2024, 2, 29), dt.datetime(2024, 1, 1, 10, 30), dt.time(9, 15), DelugeFile("f.txt", b"hi"),
]


def _copy(value: Any) -> Any:
    if isinstance(value, DelugeList):
        return DelugeList(_copy(v) for v in value)
    if isinstance(value, DelugeMap):
        return DelugeMap((k, _copy(v)) for k, v in value.items())
    return value


def _my_builtins() -> list[Any]:
    return [b for b in REGISTRY.builtins if b.impl.__module__.rsplit(".", 1)[-1] in MY_MODULES]


def test_every_builtin_of_these_modules_builds_its_dispatcher() -> None:
    names = {n for b in _my_builtins() if b.receiver for n in b.names}
    assert len(names) > 60
    for name in names:
        REGISTRY.method_dispatcher(name)


@pytest.mark.parametrize("b", _my_builtins(), ids=lambda b: f"{b.impl.__module__.rsplit('.', 1)[-1]}.{b.name}")
def test_bad_arguments_raise_only_deluge_errors(b: Any) -> None:
    receivers = [v for v in SAMPLES if type(v) in TYPES[b.receiver[0]] or any(type(v) in TYPES[r] for r in b.receiver)] \
        if b.receiver else [()]
    if b.name == "randomNumber":
        arg_pool = [None, "1", 1, 5, Decimal("1.5"), True, DelugeList()]
    else:
        arg_pool = SAMPLES
    high = b.max_args if b.max_args is not None else b.min_args + 2
    calls = 0
    for recv in receivers:
        for count in range(b.min_args, min(high, 2) + 1):
            for args in itertools.product(arg_pool, repeat=count):
                call_args = ((_copy(recv),) if b.receiver else ()) + tuple(_copy(a) for a in args)
                try:
                    result = b.impl(ctx, *call_args)
                except DelugeRuntimeError:
                    pass
                else:
                    assert type(result) in TYPES["ANY"], (b.name, call_args, result)
                calls += 1
    assert calls > 0
