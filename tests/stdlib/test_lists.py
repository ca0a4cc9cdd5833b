"""Unit tests for stdlib/lists.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import cloudburst.stdlib  # noqa: F401
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.stdlib.registry import REGISTRY
from cloudburst.stdlib.typed_lists import typed_list
from cloudburst.values import DelugeList as L
from cloudburst.values import DelugeMap

ctx = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite


def method(name: str, recv: Any, *args: Any) -> Any:
    return REGISTRY.method_dispatcher(name)(ctx, recv, *args)


def test_get_is_zero_based_and_checks_range() -> None:
    items = L(["a", "b", "c"])
    assert method("get", items, 0) == "a"
    assert method("get", items, 2) == "c"
    for bad in (3, -1, 100):
        with pytest.raises(DelugeRuntimeError, match="get: index"):
            method("get", items, bad)
    with pytest.raises(DelugeRuntimeError, match="get"):
        method("get", items, "1")
    with pytest.raises(DelugeRuntimeError, match="get"):
        method("get", L(), 0)


def test_add_and_add_all() -> None:
    items = L([1])
    assert method("add", items, L([2, 3])) is None
    assert items == [1, [2, 3]] and len(items) == 2
    method("addAll", items, L([4, 5]))
    assert items == [1, [2, 3], 4, 5]
    method("addAll", items, items)
    assert len(items) == 8
    with pytest.raises(DelugeRuntimeError, match="addAll"):
        method("addAll", items, "x")
    with pytest.raises(DelugeRuntimeError, match="25000"):
        method("addAll", L(), L(range(25_001)))
    big = L()
    method("addAll", big, L(range(25_000)))
    assert len(big) == 25_000


def test_collection_size_limit() -> None:
    small = Execution(limits=Limits(max_collection_size=3))
    items = L([1, 2, 3])
    with pytest.raises(DelugeRuntimeError, match="at most 3"):
        REGISTRY.method_dispatcher("add")(small, items, 4)


def test_remove_family() -> None:
    items = L(["a", "b", "c", "b"])
    assert method("remove", items, 1) == "b"
    assert items == ["a", "c", "b"]
    with pytest.raises(DelugeRuntimeError, match="remove"):
        method("remove", items, 3)
    with pytest.raises(DelugeRuntimeError, match="remove"):
        method("remove", items, -1)
    method("removeElement", items, "b")
    assert items == ["a", "c"]
    method("removeElement", items, "zzz")
    assert items == ["a", "c"]
    numbers = L([1, 2, 1, 3, Decimal("1.0"), True])
    method("removeAll", numbers, L([1]))
    assert numbers == [2, 3, True] and type(numbers[2]) is bool
    method("clear", numbers)
    assert numbers == []


def test_remove_element_checks_a_typed_lists_element_type() -> None:
    ids = typed_list(ctx, "int", L([1, 2, 3]))
    method("removeElement", ids, "2")  # whole-number text fits a number list
    assert ids == [1, 3]
    with pytest.raises(DelugeRuntimeError, match="removeElement: a NUMBER list cannot hold the TEXT 'abc'"):
        method("removeElement", ids, "abc")
    assert ids == [1, 3]


def test_membership_and_search() -> None:
    items = L(["Apple", "b", 2, "b"])
    assert method("contains", items, "Apple") is True
    assert method("contains", items, "apple") is False
    assert method("contains", items, Decimal("2.0")) is True
    assert method("contains", L([1]), True) is False
    assert method("notContains", items, "x") is True
    assert method("indexOf", items, "b") == 1
    assert method("lastIndexOf", items, "b") == 3
    assert method("indexOf", items, "zz") == -1
    assert method("lastIndexOf", items, "zz") == -1
    assert method("size", items) == 4
    assert method("contains", L([None]), None) is True


def test_distinct_intersect_sublist() -> None:
    items = L([3, 1, 3, "a", "A", "a", 1])
    assert method("distinct", items) == [3, 1, "a", "A"]
    assert items == [3, 1, 3, "a", "A", "a", 1]
    assert method("intersect", L([1, 2, 2, 3]), L([3, 2, 9])) == [2, 3]
    assert method("subList", L([0, 1, 2, 3]), 1, 3) == [1, 2]
    assert method("subList", L([0, 1, 2, 3]), 2) == [2, 3]
    assert method("subList", L([0, 1]), 1, 1) == []
    for args in ((3, 1), (-1, 2), (0, 9), (5,)):
        with pytest.raises(DelugeRuntimeError, match="subList"):
            method("subList", L([0, 1, 2, 3]), *args)


def test_sort() -> None:
    items = L(["banana", "Apple", "cherry", "apple", "1"])
    assert method("sort", items) is items  # in place, and returned (Zoho's list and collection pages)
    assert items == ["1", "Apple", "apple", "banana", "cherry"]
    unsortable = L([1, "a"])
    assert method("sort", unsortable) is None and unsortable == [1, "a"]
    assert method("sort", L([3, Decimal("1.5"), 2]), False) == [3, 2, Decimal("1.5")]
    assert method("sort", L([1, "a"])) is None
    assert method("sort", L([1, None])) is None
    assert method("sort", L([L([1])])) is None
    assert method("sort", L()) == []
    assert method("sort", L([dt.datetime(2024, 1, 2), dt.date(2024, 1, 1)])) == [dt.date(2024, 1, 1), dt.datetime(2024, 1, 2)]
    with pytest.raises(DelugeRuntimeError, match="sort"):
        method("sort", L([1]), "false")


def test_aggregates() -> None:
    numbers = L([1, 5, 2, 3])
    assert method("average", numbers) == Decimal("2.75")
    assert REGISTRY.function("average")(ctx, numbers) == Decimal("2.75")  # type: ignore[misc]
    assert method("largest", numbers) == 5
    assert method("smallest", numbers) == 1
    assert method("median", numbers) == Decimal("2.5")
    assert method("median", L([9, 1, 5])) == 5
    assert method("nthLargest", L([300, 455, 124, 926, 780]), 5) == 124
    assert method("nthLargest", L([5, 5, 4]), 2) == 5
    assert method("nthSmallest", L([5, 5, 4]), 1) == 4
    assert method("average", L(["1", "2"])) == Decimal("1.5")
    for name in ("average", "largest", "smallest", "median"):
        with pytest.raises(DelugeRuntimeError, match=name):
            method(name, L())
        with pytest.raises(DelugeRuntimeError, match=name):
            method(name, L([1, "x"]))
    with pytest.raises(DelugeRuntimeError, match="nthLargest"):
        method("nthLargest", L([1, 2]), 3)
    with pytest.raises(DelugeRuntimeError, match="nthSmallest"):
        method("nthSmallest", L([1, 2]), 0)


def test_to_list_copies() -> None:
    items = L([1, DelugeMap({"a": 1})])
    copy = method("toList", items)
    copy.append(2)
    assert items == [1, {"a": 1}] and type(copy) is L


def test_int_vs_bool_are_distinct_elements() -> None:
    assert method("distinct", L([1, True, 0, False])) == [1, True, 0, False]
    assert method("indexOf", L([True, 1]), 1) == 1
