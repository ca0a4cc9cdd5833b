"""Built-ins on LIST: access, mutation, search, slicing, sorting and numeric aggregates.

Indexes are 0-based; an index outside ``0 .. size-1`` is a runtime error. Membership and
search use Deluge equality (:func:`cloudburst.stdlib.common.same_value`).
"""

from __future__ import annotations

from decimal import Decimal

from cloudburst.datetime_types import dt as _dt
from cloudburst.stdlib.common import parse_decimal_text, same_value, value_key
from cloudburst.stdlib.registry import builtin, expect, fail
from cloudburst.stdlib.typed_lists import coerce_element, coerce_elements
from cloudburst.values import DECIMAL_CONTEXT, DelugeList, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

#: Zoho's documented cap on how many elements one addAll call may add.
ADD_ALL_LIMIT = 25_000


def check_index(fn: str, items: DelugeList, index: Any, position: int = 1) -> int:
    """Validate a 0-based element index (shared with the collection built-ins)."""
    expect(fn, index, "NUMBER", position)
    if not 0 <= index < len(items):
        raise fail(f"{fn}: index {index} is out of range for a list of size {len(items)}")
    return int(index)


def check_growth(ctx: Any, fn: str, new_size: int) -> None:
    """Refuse to grow a collection past the run's collection-size limit."""
    limit = ctx.limits.max_collection_size
    if new_size > limit:
        raise fail(f"{fn}: a collection may hold at most {limit} elements")


@builtin("get", receiver="LIST", returns="ANY", tier=1, doc="Element at a 0-based index; out of range is an error.")
def get(ctx: Any, items: DelugeList, index: Any) -> Any:
    return items[check_index("get", items, index)]


@builtin("add", receiver="LIST", returns="NULL", tier=1,
         doc="Append one element (a list argument is added as one nested element).")
def add(ctx: Any, items: DelugeList, value: Any) -> None:
    check_growth(ctx, "add", len(items) + 1)
    kind = items.element_type
    items.append(value if kind is None else coerce_element(ctx, "add", kind, value))


@builtin("addAll", receiver="LIST", returns="NULL", tier=1,
         doc="Append every element of another list (at most 25,000 per call).")
def add_all(ctx: Any, items: DelugeList, other: Any) -> None:
    expect("addAll", other, "LIST", 1)
    if len(other) > ADD_ALL_LIMIT:
        raise fail(f"addAll: cannot add {len(other)} elements in one call (limit {ADD_ALL_LIMIT})")
    check_growth(ctx, "addAll", len(items) + len(other))
    items.extend(coerce_elements(ctx, "addAll", items, other))


@builtin("size", receiver="LIST", function=True, returns="NUMBER", tier=1, doc="Number of elements.")
def size(ctx: Any, items: DelugeList) -> int:
    return len(items)


@builtin("remove", receiver="LIST", returns="ANY", tier=1,
         doc="Remove the element at a 0-based index and return it; out of range is an error.")
def remove(ctx: Any, items: DelugeList, index: Any) -> Any:
    return items.pop(check_index("remove", items, index))


@builtin("removeElement", receiver="LIST", returns="NULL", tier=1,
         doc="Remove the first element equal to value; a missing value is a no-op; a typed list refuses another type.")
def remove_element(ctx: Any, items: DelugeList, value: Any) -> None:
    kind = items.element_type
    if kind is not None:  # Zoho's page: the value must fit a data-type specific list
        value = coerce_element(ctx, "removeElement", kind, value)
    for i, item in enumerate(items):
        if same_value(item, value):
            del items[i]
            return


@builtin("removeAll", receiver="LIST", returns="NULL", tier=1,
         doc="Remove every element equal to any element of the given list.")
def remove_all(ctx: Any, items: DelugeList, values: Any) -> None:
    expect("removeAll", values, "LIST", 1)
    drop = {value_key(v) for v in values}
    items[:] = [item for item in items if value_key(item) not in drop]


@builtin("clear", receiver="LIST", returns="NULL", tier=1, doc="Remove every element.")
def clear(ctx: Any, items: DelugeList) -> None:
    items.clear()


@builtin("contains", receiver="LIST", returns="BOOLEAN", tier=1,
         doc="True when an element equals value (text case-sensitive, 1 equals 1.0).")
def contains(ctx: Any, items: DelugeList, value: Any) -> bool:
    return any(same_value(item, value) for item in items)


@builtin("notContains", receiver="LIST", returns="BOOLEAN", tier=1, doc="True when no element equals value.")
def not_contains(ctx: Any, items: DelugeList, value: Any) -> bool:
    return not contains(ctx, items, value)


@builtin("indexOf", receiver="LIST", returns="NUMBER", tier=1,
         doc="0-based position of the first element equal to value, -1 when absent.")
def index_of(ctx: Any, items: DelugeList, value: Any) -> int:
    for i, item in enumerate(items):
        if same_value(item, value):
            return i
    return -1


@builtin("lastIndexOf", receiver="LIST", returns="NUMBER", tier=1,
         doc="0-based position of the last element equal to value, -1 when absent.")
def last_index_of(ctx: Any, items: DelugeList, value: Any) -> int:
    for i in range(len(items) - 1, -1, -1):
        if same_value(items[i], value):
            return i
    return -1


@builtin("distinct", receiver="LIST", returns="LIST", tier=2,
         doc="New list without repeated elements, keeping first occurrences in order.")
def distinct(ctx: Any, items: DelugeList) -> DelugeList:
    seen: set[Any] = set()
    out = DelugeList()
    for item in items:
        key = value_key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


@builtin("intersect", receiver="LIST", returns="LIST", tier=2,
         doc="New list of the distinct elements found in both lists, in this list's order.")
def intersect(ctx: Any, items: DelugeList, other: Any) -> DelugeList:
    expect("intersect", other, "LIST", 1)
    keep = {value_key(v) for v in other}
    return DelugeList(item for item in distinct(ctx, items) if value_key(item) in keep)


@builtin("subList", receiver="LIST", returns="LIST", tier=2,
         doc="New list from start (inclusive) to end (exclusive, default: the end); 0-based.")
def sub_list(ctx: Any, items: DelugeList, start: Any, end: Any = None) -> DelugeList:
    return slice_list("subList", items, start, end)


def slice_list(fn: str, items: DelugeList, start: Any, end: Any) -> DelugeList:
    """Elements from ``start`` (inclusive) to ``end`` (exclusive, default the end), 0-based;
    a range outside the list is an error (subList and duplicate)."""
    expect(fn, start, "NUMBER", 1)
    stop = len(items) if end is None else expect(fn, end, "NUMBER", 2)
    if not 0 <= start <= len(items) or not start <= stop <= len(items):
        raise fail(f"{fn}: range {start}..{stop} is out of bounds for a list of size {len(items)}")
    return DelugeList(items[start:stop])


def _sort_family(value: Any) -> str | None:
    """Elements of one family can be ordered together; None means not sortable."""
    t = type(value)
    if t is int or t is Decimal:
        return "number"
    if t is str:
        return "text"
    if t is bool:
        return "boolean"
    if t is _dt.datetime or t is _dt.date:
        return "date"
    if t is _dt.time:
        return "time"
    return None


def order_key(value: Any) -> Any:
    if type(value) is _dt.date:
        return _dt.datetime(value.year, value.month, value.day)
    return value


def sorted_or_none(values: list[Any], ascending: bool) -> list[Any] | None:
    """Values in order, or None when they mix types that cannot be compared (Zoho's rule)."""
    families = {_sort_family(v) for v in values}
    if None in families or len(families) > 1:
        return None
    return sorted(values, key=order_key, reverse=not ascending)


@builtin("sort", receiver="LIST", returns="LIST", tier=2,
         doc="Sort in place and return the list (true/omitted ascending, false descending); text by character code; mixed types give null.")
def sort(ctx: Any, items: DelugeList, ascending: Any = True) -> DelugeList | None:
    expect("sort", ascending, "BOOLEAN", 1)
    ordered = sorted_or_none(list(items), ascending)
    if ordered is None:
        return None
    items[:] = ordered  # Zoho's collection sort page: the collection itself becomes sorted
    return items


@builtin("toList", receiver="LIST", returns="LIST", tier=2, doc="A shallow copy of the list.")
def to_list(ctx: Any, items: DelugeList) -> DelugeList:
    return DelugeList(items)


# -- numeric aggregates -------------------------------------------------------------------
def _numbers(fn: str, items: DelugeList) -> list[int | Decimal]:
    """The list's values as numbers; number text ("12.5") counts, anything else is an error."""
    out: list[int | Decimal] = []
    for item in items:
        t = type(item)
        if t is int or t is Decimal:
            out.append(item)
        elif t is str:
            out.append(parse_decimal_text(fn, item))
        else:
            raise fail(f"{fn}: the list must hold numbers only, found {type_name(item)}")
    if not out:
        raise fail(f"{fn}: the list is empty")
    return out


def _aggregate(name: str, doc: str, pick: Callable[[list[Any]], Any], returns: str = "NUMERIC") -> None:
    def impl(ctx: Any, items: DelugeList) -> Any:
        return pick(_numbers(name, items))

    impl.__name__ = name
    builtin(name, receiver="LIST", function=True, returns=returns, tier=3, doc=doc)(impl)


def _mean(values: list[Any]) -> Decimal:
    total = sum((Decimal(v) for v in values), Decimal(0))
    return DECIMAL_CONTEXT.divide(total, Decimal(len(values)))


def _median(values: list[Any]) -> Any:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return _mean(ordered[mid - 1:mid + 1])




@builtin("sum", receiver="LIST", function=True, returns="NUMERIC", tier=3,
         doc="Total of a numeric list; 0 for an empty list.")
def sum_list(ctx: Any, items: DelugeList) -> Any:
    return sum(_numbers("sum", items), start=0) if items else 0


_aggregate("average", "Mean of a numeric list as a DECIMAL; an empty list is an error.", _mean, "DECIMAL")
_aggregate("largest", "Largest value of a numeric list.", max)
_aggregate("smallest", "Smallest value of a numeric list.", min)
_aggregate("median", "Middle value (mean of the two middle values for an even count).", _median)


def _nth(fn: str, items: DelugeList, n: Any, descending: bool) -> Any:
    expect(fn, n, "NUMBER", 1)
    values = sorted(_numbers(fn, items), reverse=descending)
    if not 1 <= n <= len(values):
        raise fail(f"{fn}: position {n} is out of range 1..{len(values)}")
    return values[n - 1]


@builtin("nthLargest", receiver="LIST", function=True, returns="NUMERIC", tier=3,
         doc="The n-th largest value (n starts at 1; repeated values count separately).")
def nth_largest(ctx: Any, items: DelugeList, n: Any) -> Any:
    return _nth("nthLargest", items, n, True)


@builtin("nthSmallest", receiver="LIST", function=True, returns="NUMERIC", tier=3,
         doc="The n-th smallest value (n starts at 1; repeated values count separately).")
def nth_smallest(ctx: Any, items: DelugeList, n: Any) -> Any:
    return _nth("nthSmallest", items, n, False)
