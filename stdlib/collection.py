"""Zoho's COLLECTION built-ins, on the two values a collection really is.

There is no separate COLLECTION type: ``Collection("a", "b")`` is a LIST (index-value
collection) and ``Collection("k" : 1)`` is a KEY-VALUE map, so every method here is
registered for LIST and/or MAP receivers. ``Collection()`` with no arguments is an
:class:`OpenCollection`: an empty LIST whose kind the first insert decides. Elements keep it
a list (Zoho's own example fills one with ``insert(value)``); ``key : value`` pairs make it a
map, which the code generator rebinds to the variable (``c.insert("k" : 1);`` becomes
``c = insert_into(ctx, c, pair)``), since a Python list cannot turn into a dict in place.

A ``key : value`` argument (``c.insert("k" : 1)``) reaches a built-in as a
:class:`KeyValuePair`; the compiler builds it. That keeps a pair distinct from a map value
inserted as one element (``questions.insert({"name": "x"})``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudburst.stdlib.common import same_value, value_key
from cloudburst.stdlib.lists import check_growth, check_index, order_key, slice_list, sorted_or_none
from cloudburst.stdlib.registry import builtin, expect, fail
from cloudburst.stdlib.typed_lists import coerce_elements
from cloudburst.values import DelugeList, DelugeMap, OpenCollection, map_key


@dataclass(frozen=True, slots=True)
class KeyValuePair:
    """One ``key : value`` call argument of ``Collection(...)`` / ``insert(...)``."""

    key: Any
    value: Any


@builtin("Collection", returns="COLLECTION", tier=1,
         doc='Build a collection: Collection("a", "b") is a list, Collection("k" : 1) a map; Collection() '
             'takes its kind from its first insert.')
def collection(ctx: Any, *items: Any) -> DelugeList | DelugeMap:
    if not items:
        return OpenCollection()
    pairs = [i for i in items if type(i) is KeyValuePair]
    if not pairs:
        check_growth(ctx, "Collection", len(items))
        return DelugeList(items)
    if len(pairs) != len(items):
        raise fail("Collection: cannot mix key : value pairs and plain elements")
    result = DelugeMap()
    _insert_map(ctx, result, items)
    return result


def _insert_map(ctx: Any, mapping: DelugeMap, items: tuple[Any, ...]) -> None:
    for item in items:
        if type(item) is not KeyValuePair:
            raise fail("insert: a key-value collection accepts only key : value pairs")
        key = map_key(item.key)
        if key not in mapping:
            check_growth(ctx, "insert", len(mapping) + 1)
        mapping[key] = item.value


@builtin("insert", receiver=("LIST", "MAP"), returns="NULL", tier=1,
         doc="Add elements to an index-value collection, or key : value pairs to a key-value one.")
def insert(ctx: Any, target: DelugeList | DelugeMap, *items: Any) -> None:
    if not items:
        raise fail("insert: nothing to insert")
    if isinstance(target, DelugeMap):
        _insert_map(ctx, target, items)
        return
    if any(type(i) is KeyValuePair for i in items):
        raise fail("insert: an index-value collection (list) accepts only elements, not key : value pairs; "
                   "start from Map() or Collection(key : value) for pairs")
    check_growth(ctx, "insert", len(target) + len(items))
    target.extend(coerce_elements(ctx, "insert", target, items))
    if type(target) is OpenCollection:
        decided: Any = target
        decided.__class__ = DelugeList  # its kind is decided: a list from now on


def insert_into(ctx: Any, target: Any, *items: Any) -> Any:
    """``name.insert(k : v, ...);`` as a statement: what ``name`` holds afterwards. An empty
    ``Collection()`` becomes a key-value collection holding the pairs; anything else is
    inserted into as ``insert`` does and stays the same value."""
    if type(target) is OpenCollection and not target:
        mapping = DelugeMap()
        _insert_map(ctx, mapping, items)
        return mapping
    from cloudburst.stdlib.registry import REGISTRY

    REGISTRY.method_dispatcher("insert")(ctx, target, *items)
    return target


@builtin("insertAll", receiver=("LIST", "MAP"), returns="NULL", tier=2,
         doc="Add every element of a list to a list, or every entry of a map to a map.")
def insert_all(ctx: Any, target: DelugeList | DelugeMap, other: Any) -> None:
    if isinstance(target, DelugeMap):
        expect("insertAll", other, "MAP", 1)
        check_growth(ctx, "insertAll", len(target) + sum(1 for k in other if k not in target))
        target.update(dict(other))
        return
    expect("insertAll", other, "LIST", 1)
    check_growth(ctx, "insertAll", len(target) + len(other))
    target.extend(list(other))


def _entries(target: DelugeList | DelugeMap) -> list[tuple[Any, Any]]:
    if isinstance(target, DelugeMap):
        return list(target.items())
    return list(enumerate(target))


def _not_found(target: DelugeList | DelugeMap) -> Any:
    """What getKey/getLastKey give for a missing value: null for a key-value collection,
    -1 for an index-value one (Zoho's getKey page)."""
    return None if isinstance(target, DelugeMap) else -1


@builtin("getKey", receiver=("LIST", "MAP"), returns="ANY", tier=1,
         doc="Key (or 0-based index) of the first entry whose value equals value; null (a key) or -1 (an index) when absent.")
def get_key(ctx: Any, target: DelugeList | DelugeMap, value: Any) -> Any:
    for key, item in _entries(target):
        if same_value(item, value):
            return key
    return _not_found(target)


@builtin("getLastKey", receiver=("LIST", "MAP"), returns="ANY", tier=2,
         doc="Key (or 0-based index) of the last entry whose value equals value; null (a key) or -1 (an index) when absent.")
def get_last_key(ctx: Any, target: DelugeList | DelugeMap, value: Any) -> Any:
    for key, item in reversed(_entries(target)):
        if same_value(item, value):
            return key
    return _not_found(target)


@builtin("update", receiver=("LIST", "MAP"), returns="NULL", tier=2,
         doc="Replace the value of a key (a new key is added) or of the element at a 0-based index (must exist).")
def update(ctx: Any, target: DelugeList | DelugeMap, key: Any, value: Any) -> None:
    if isinstance(target, DelugeMap):
        key = map_key(key)
        if key not in target:
            check_growth(ctx, "update", len(target) + 1)
        target[key] = value
        return
    target[check_index("update", target, key)] = value


@builtin("delete", receiver=("LIST", "MAP"), returns="NULL", tier=2,
         doc="Remove the first element (or entry) whose value equals value; absent is a no-op.")
def delete(ctx: Any, target: DelugeList | DelugeMap, value: Any) -> None:
    for key, item in _entries(target):
        if same_value(item, value):
            del target[key]
            return


@builtin("deleteAll", receiver=("LIST", "MAP"), returns="NULL", tier=2,
         doc="Remove every element (or entry) whose value equals one of the given list's values.")
def delete_all(ctx: Any, target: DelugeList | DelugeMap, values: Any) -> None:
    expect("deleteAll", values, "LIST", 1)
    drop = {value_key(v) for v in values}
    if isinstance(target, DelugeMap):
        for key in [k for k, v in target.items() if value_key(v) in drop]:
            del target[key]
    else:
        target[:] = [item for item in target if value_key(item) not in drop]


@builtin("deleteKey", receiver=("LIST", "MAP"), returns="NULL", tier=2,
         doc="Remove a key and its value (absent key: no-op) or the element at a 0-based index (must exist).")
def delete_key(ctx: Any, target: DelugeList | DelugeMap, key: Any) -> None:
    if isinstance(target, DelugeMap):
        target.pop(map_key(key), None)
        return
    del target[check_index("deleteKey", target, key)]


@builtin("deleteKeys", receiver=("LIST", "MAP"), returns="NULL", tier=2,
         doc="deleteKey for every key (or index) in a list; indexes are all checked first.")
def delete_keys(ctx: Any, target: DelugeList | DelugeMap, keys: Any) -> None:
    expect("deleteKeys", keys, "LIST", 1)
    if isinstance(target, DelugeMap):
        for key in keys:
            target.pop(map_key(key), None)
        return
    indexes = {check_index("deleteKeys", target, k) for k in keys}
    target[:] = [item for i, item in enumerate(target) if i not in indexes]


@builtin("distinct", receiver="MAP", returns="LIST", tier=2,
         doc="The distinct values of a key-value collection, in order (Zoho's collection distinct page).")
def distinct_map(ctx: Any, mapping: DelugeMap) -> DelugeList:
    seen: set[Any] = set()
    out = DelugeList()
    for value in mapping.values():
        vk = value_key(value)
        if vk not in seen:
            seen.add(vk)
            out.append(value)
    return out


@builtin("duplicate", receiver=("LIST", "MAP"), returns="COLLECTION", tier=3,
         doc="A shallow copy of the collection, or of a list's elements from start (inclusive) to end "
             "(exclusive), 0-based.")
def duplicate(ctx: Any, target: DelugeList | DelugeMap, start: Any = None, end: Any = None) -> DelugeList | DelugeMap:
    if start is None and end is None:
        return DelugeMap(target) if isinstance(target, DelugeMap) else DelugeList(target)
    if isinstance(target, DelugeMap):
        raise fail("duplicate: start and end indices apply to an index-value collection (a list), not to key : value pairs")
    return slice_list("duplicate", target, 0 if start is None else start, end)


@builtin("intersect", receiver="MAP", returns="MAP", tier=2,
         doc="New map of the entries (same key, equal value) present in both maps.")
def intersect_map(ctx: Any, mapping: DelugeMap, other: Any) -> DelugeMap:
    expect("intersect", other, "MAP", 1)
    return DelugeMap((k, v) for k, v in mapping.items() if k in other and same_value(v, other[k]))


@builtin("sort", receiver="MAP", returns="MAP", tier=2,
         doc="Reorder the entries by value in place (true/omitted ascending) and return the map; mixed value types give null.")
def sort_map(ctx: Any, mapping: DelugeMap, ascending: Any = True) -> DelugeMap | None:
    expect("sort", ascending, "BOOLEAN", 1)
    ordered = sorted_or_none(list(mapping.values()), ascending)
    if ordered is None:
        return None
    order = sorted(mapping.items(), key=lambda kv: order_key(kv[1]), reverse=not ascending)
    mapping.clear()
    mapping.update(order)
    return mapping


@builtin("sortKey", receiver="MAP", returns="MAP", tier=2,
         doc="Reorder the map by key in place (true/omitted ascending) and return it; mixed key types give null.")
def sort_key(ctx: Any, mapping: DelugeMap, ascending: Any = True) -> DelugeMap | None:
    expect("sortKey", ascending, "BOOLEAN", 1)
    ordered = sorted_or_none(list(mapping.keys()), ascending)
    if ordered is None:
        return None
    items = [(k, mapping[k]) for k in ordered]
    mapping.clear()
    mapping.update(items)
    return mapping


@builtin("contains", receiver="MAP", returns="BOOLEAN", tier=2, doc="True when the map has the key.")
def contains_map(ctx: Any, mapping: DelugeMap, key: Any) -> bool:
    return map_key(key) in mapping


@builtin("notContains", receiver="MAP", returns="BOOLEAN", tier=2, doc="True when the map lacks the key.")
def not_contains_map(ctx: Any, mapping: DelugeMap, key: Any) -> bool:
    return map_key(key) not in mapping


@builtin("containKey", receiver="LIST", aliases=("containsKey",), returns="BOOLEAN", tier=2,
         doc="On an index-value collection: true when the 0-based index exists.")
def contain_key_list(ctx: Any, items: DelugeList, index: Any) -> bool:
    return type(index) is int and 0 <= index < len(items)


@builtin("containValue", receiver="LIST", aliases=("containsValue",), returns="BOOLEAN", tier=2,
         doc="On an index-value collection: true when an element equals value.")
def contain_value_list(ctx: Any, items: DelugeList, value: Any) -> bool:
    return any(same_value(item, value) for item in items)


@builtin("values", receiver="LIST", aliases=("keys",), returns="LIST", tier=2,
         doc="On an index-value collection: a copy of its elements (keys too, as Zoho's collection keys page shows).")
def values_list(ctx: Any, items: DelugeList) -> DelugeList:
    return DelugeList(items)
