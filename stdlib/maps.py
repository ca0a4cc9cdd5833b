"""Built-ins on KEY-VALUE maps: get/put, membership, keys and values.

A missing key reads as null and removing a missing key does nothing, as in Zoho. Keys may
be of any type; a LIST or MAP key is held as a hashable copy (Zoho's keys page).
"""

from __future__ import annotations

from cloudburst.stdlib.common import same_value
from cloudburst.stdlib.lists import check_growth
from cloudburst.stdlib.registry import builtin, expect, fail
from cloudburst.values import DelugeList, DelugeMap, map_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any




@builtin("get", receiver="MAP", returns="ANY", tier=1, doc="Value for key; null when the key is absent.")
def get(ctx: Any, mapping: DelugeMap, key: Any) -> Any:
    return mapping.get(map_key(key))


_NO_VALUE = object()


@builtin("put", receiver="MAP", returns="NULL", tier=1,
         doc="Add an entry or overwrite the value of an existing key; put(map) copies a map's entries in.")
def put(ctx: Any, mapping: DelugeMap, key: Any, value: Any = _NO_VALUE) -> None:
    if value is _NO_VALUE:  # `m.put(other)`: Zoho copies the other map's entries in, as putAll
        _merge(ctx, "put", mapping, key)
        return
    key = map_key(key)
    if key not in mapping:
        check_growth(ctx, "put", len(mapping) + 1)
    mapping[key] = value


@builtin("putAll", receiver="MAP", returns="NULL", tier=1,
         doc="Copy every entry of another map in; existing keys are overwritten.")
def put_all(ctx: Any, mapping: DelugeMap, other: Any) -> None:
    _merge(ctx, "putAll", mapping, other)


def _merge(ctx: Any, name: str, mapping: DelugeMap, other: Any) -> None:
    expect(name, other, "MAP", 1)
    check_growth(ctx, name, len(mapping) + sum(1 for k in other if k not in mapping))
    mapping.update(dict(other))  # other's keys are already hashable


@builtin("remove", receiver="MAP", returns="ANY", tier=1,
         doc="Delete the entry for key and return its value; a missing key is a no-op (null).")
def remove(ctx: Any, mapping: DelugeMap, key: Any) -> Any:
    return mapping.pop(map_key(key), None)


@builtin("containKey", receiver="MAP", aliases=("containsKey",), returns="BOOLEAN", tier=1,
         doc="True when the map has the key (case-sensitive for text keys).")
def contain_key(ctx: Any, mapping: DelugeMap, key: Any) -> bool:
    return map_key(key) in mapping


@builtin("containValue", receiver="MAP", aliases=("containsValue",), returns="BOOLEAN", tier=1,
         doc="True when some entry's value equals value.")
def contain_value(ctx: Any, mapping: DelugeMap, value: Any) -> bool:
    return any(same_value(v, value) for v in mapping.values())


@builtin("keys", receiver="MAP", returns="LIST", tier=1, doc="The keys as a new list, in the map's order.")
def keys(ctx: Any, mapping: DelugeMap) -> DelugeList:
    return DelugeList(mapping.keys())


@builtin("values", receiver="MAP", returns="LIST", tier=1, doc="The values as a new list, in the map's order.")
def values(ctx: Any, mapping: DelugeMap) -> DelugeList:
    return DelugeList(mapping.values())


@builtin("size", receiver="MAP", function=True, returns="NUMBER", tier=1, doc="Number of entries.")
def size(ctx: Any, mapping: DelugeMap) -> int:
    return len(mapping)


@builtin("clear", receiver="MAP", returns="NULL", tier=1, doc="Remove every entry.")
def clear(ctx: Any, mapping: DelugeMap) -> None:
    mapping.clear()
