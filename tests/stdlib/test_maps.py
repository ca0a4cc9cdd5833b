"""Unit tests for stdlib/maps.py and stdlib/collection.py (collections are maps or lists)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import cloudburst.stdlib  # noqa: F401
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.engine import Runtime
from cloudburst.stdlib.collection import KeyValuePair as P
from cloudburst.stdlib.registry import REGISTRY
from cloudburst.values import DelugeList as L
from cloudburst.values import DelugeMap as M
from cloudburst.values import OpenCollection
from cloudburst.values import display

ctx = Execution(limits=Limits(timeout=None))  # module-wide: a 60 s clock from import would run out mid-suite


def method(name: str, recv: Any, *args: Any) -> Any:
    return REGISTRY.method_dispatcher(name)(ctx, recv, *args)


def call(name: str, *args: Any) -> Any:
    f = REGISTRY.function(name)
    assert f is not None
    return f(ctx, *args)


# -- maps ----------------------------------------------------------------------------------
def test_get_put_overwrite_and_order() -> None:
    m = M()
    assert method("put", m, "b", 1) is None
    method("put", m, "a", 2)
    method("put", m, "b", 3)
    assert list(m.items()) == [("b", 3), ("a", 2)]
    assert method("get", m, "b") == 3
    assert method("get", m, "missing") is None
    assert method("get", m, "B") is None
    method("put", m, 1, "number key")
    assert method("get", m, 1) == "number key"
    assert method("get", m, "1") is None


def test_list_and_map_keys_match_by_content() -> None:
    m = M()
    key = L(["Creator", "CRM"])
    method("put", m, key, "Products")
    key.append("changed")  # the map holds a copy
    assert method("get", m, L(["Creator", "CRM"])) == "Products"
    assert method("containKey", m, L(["CRM", "Creator"])) is False
    assert method("keys", m) == [["Creator", "CRM"]]
    method("put", m, M({"a": L([1])}), "nested")
    assert method("get", m, M({"a": L([1])})) == "nested"
    assert method("remove", m, L(["Creator", "CRM"])) == "Products"
    assert method("get", M(), L([1])) is None


def test_put_all_remove_clear() -> None:
    m = M({"a": 1, "b": 2})
    method("putAll", m, M({"b": 20, "c": 30}))
    assert m == {"a": 1, "b": 20, "c": 30}
    with pytest.raises(DelugeRuntimeError, match="putAll"):
        method("putAll", m, None)
    assert method("remove", m, "a") == 1
    assert method("remove", m, "zzz") is None
    assert m == {"b": 20, "c": 30}
    assert method("size", m) == 2
    method("clear", m)
    assert m == {} and method("size", m) == 0


def test_membership_keys_values() -> None:
    m = M({"Product": "Creator", "Version": 5})
    assert method("containKey", m, "Product") is True
    assert method("containsKey", m, "product") is False
    assert method("containValue", m, "Creator") is True
    assert method("containsValue", m, Decimal("5.0")) is True
    assert method("containsValue", m, "creator") is False
    keys = method("keys", m)
    assert keys == ["Product", "Version"] and type(keys) is L
    assert display(method("values", m)) == "Creator,5"
    keys.append("x")
    assert len(m) == 2


# -- collections ---------------------------------------------------------------------------
def test_collection_constructor() -> None:
    items = call("Collection", "Creator", "CRM")
    assert type(items) is L and items == ["Creator", "CRM"]
    pairs = call("Collection", P("Creator", 5), P("CRM", 2))
    assert type(pairs) is M and pairs == {"Creator": 5, "CRM": 2}
    empty = call("Collection")
    assert type(empty) is OpenCollection and empty == []  # a list until a pair is inserted
    with pytest.raises(DelugeRuntimeError, match="mix"):
        call("Collection", "a", P("k", 1))


def test_insert() -> None:
    items = call("Collection", "Creator", "CRM")
    method("insert", items, "Analytics")
    method("insert", items, M({"name": "x"}), "y")
    assert items == ["Creator", "CRM", "Analytics", {"name": "x"}, "y"]
    with pytest.raises(DelugeRuntimeError, match="insert"):
        method("insert", items, P("k", 1))
    pairs = call("Collection", P("Creator", 5))
    method("insert", pairs, P("CRM", 5), P("Creator", 6))
    assert pairs == {"Creator": 6, "CRM": 5}
    with pytest.raises(DelugeRuntimeError, match="insert"):
        method("insert", pairs, "plain")
    with pytest.raises(DelugeRuntimeError, match="insert"):
        method("insert", pairs)


def test_insert_all() -> None:
    items = L([1])
    method("insertAll", items, L([2, 3]))
    assert items == [1, 2, 3]
    m = M({"a": 1})
    method("insertAll", m, M({"b": 2}))
    assert m == {"a": 1, "b": 2}
    with pytest.raises(DelugeRuntimeError, match="insertAll"):
        method("insertAll", m, L([1]))
    with pytest.raises(DelugeRuntimeError, match="insertAll"):
        method("insertAll", items, M())


def test_get_key_update_delete() -> None:
    m = M({"Creator": 5, "CRM": 2, "Mail": 5})
    assert method("getKey", m, 5) == "Creator"
    assert method("getLastKey", m, 5) == "Mail"
    assert method("getKey", m, 99) is None
    method("update", m, "CRM", 3)
    method("update", m, "Books", 1)
    assert m == {"Creator": 5, "CRM": 3, "Mail": 5, "Books": 1}
    method("delete", m, 5)
    assert list(m) == ["CRM", "Mail", "Books"]
    method("deleteKey", m, "CRM")
    method("deleteKey", m, "nope")
    assert list(m) == ["Mail", "Books"]
    method("deleteKeys", m, L(["Mail", "x"]))
    assert list(m) == ["Books"]
    items = L(["Creator", "CRM", "Campaigns", "CRM"])
    assert method("getKey", items, "CRM") == 1
    assert method("getLastKey", items, "CRM") == 3
    method("update", items, 2, "Analytics")
    assert items == ["Creator", "CRM", "Analytics", "CRM"]
    with pytest.raises(DelugeRuntimeError, match="update"):
        method("update", items, 4, "x")
    method("delete", items, "CRM")
    assert items == ["Creator", "Analytics", "CRM"]
    method("deleteKey", items, 0)
    assert items == ["Analytics", "CRM"]
    with pytest.raises(DelugeRuntimeError, match="deleteKey"):
        method("deleteKey", items, 5)
    items = L(["a", "b", "c", "d"])
    method("deleteKeys", items, L([1, 2]))
    assert items == ["a", "d"]
    with pytest.raises(DelugeRuntimeError, match="deleteKeys"):
        method("deleteKeys", items, L([0, 7]))
    assert items == ["a", "d"]
    method("deleteAll", items, L(["a", "zz"]))
    assert items == ["d"]
    m = M({"a": 1, "b": 2, "c": 1})
    method("deleteAll", m, L([1]))
    assert m == {"b": 2}


def test_collection_sorting_and_copies() -> None:
    m = M({"Creator": 5, "CRM": 2, "Mail": 8})
    assert method("sortKey", m) is m
    assert list(m) == ["CRM", "Creator", "Mail"]
    method("sortKey", m, False)
    assert list(m) == ["Mail", "Creator", "CRM"]
    assert method("sort", m) is m
    assert list(m) == ["CRM", "Creator", "Mail"]
    method("sort", m, False)
    assert list(m) == ["Mail", "Creator", "CRM"]
    assert method("sort", M({"a": 1, "b": "x"})) is None
    assert method("getKey", M({"a": 1}), 2) is None and method("getKey", L(["a"]), "b") == -1
    assert method("getLastKey", L(["a", "b", "a"]), "a") == 2 and method("getLastKey", L(["a"]), "z") == -1
    assert method("sortKey", M({1: "a", "b": 2})) is None
    dup = method("duplicate", m)
    assert dup == m and dup is not m
    assert method("distinct", M({"a": 1, "b": 1, "c": 2})) == [1, 2]
    assert method("intersect", M({"a": 1, "b": 2}), M({"a": 1, "b": 3})) == {"a": 1}


def test_collection_membership_on_both_shapes() -> None:
    m = M({"k": 1})
    assert method("contains", m, "k") is True
    assert method("notContains", m, "v") is True
    items = L(["x", "y"])
    assert method("containsKey", items, 1) is True
    assert method("containsKey", items, 2) is False
    assert method("containsValue", items, "y") is True
    assert method("keys", items) == list(items)
    assert method("values", items) == ["x", "y"]


def test_field_names_and_values_of_the_submitted_form() -> None:
    """Zoho's getFieldValue page: in a form workflow, getFieldNames() and getFieldValue(f)
    read the record being submitted, which a run receives as its ``input``."""
    source = """
values = Map();
for each field in getFieldNames()
{
	values.put(field, getFieldValue(field));
}
info values;
info getFieldValue("Missing");
"""
    lines: list[str] = []
    Runtime(timezone="UTC", network=False).compile(source, "workflow.dg").run(
        {"input": {"Name": "Ann", "Phone": "555"}}, on_info=lines.append)
    assert lines == ['{"Name":"Ann","Phone":"555"}', "null"]
