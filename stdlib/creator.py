"""Built-ins: Creator record-collection helpers (``Form[criteria].count()``, ``.getAll()``).

A fetch returns a RECORDS collection (a LIST of record maps); ``count``/``getAll`` also work
on plain lists and maps a host's provider returns. Called directly on a fetch
(``Orders[c].sum(Total)``) the aggregates run in SQL instead (see ``cloudburst.forms``).
"""

from __future__ import annotations

from typing import Any

from cloudburst.errors import DelugeRuntimeError
from cloudburst.forms.aggregates import over_values
from cloudburst.forms.values import RecordList
from cloudburst.operators import get_field
from cloudburst.stdlib.registry import builtin
from cloudburst.values import DelugeList, DelugeMap, type_name


@builtin("count", receiver=("LIST", "MAP", "NULL"), returns="NUMBER", tier=1,
         doc="How many records (elements or entries) a fetched collection holds; 0 for null.")
def count(ctx: Any, records: DelugeList | DelugeMap | None) -> int:
    return 0 if records is None else len(records)


@builtin("getAll", receiver=("LIST", "NULL"), returns="LIST", tier=1,
         doc="All values of a fetched field as a new LIST (an empty list for null).")
def get_all(ctx: Any, values: DelugeList | None) -> DelugeList:
    return DelugeList() if values is None else DelugeList(values)


def _field_values(records: RecordList, field: Any) -> list[Any]:
    if not isinstance(field, str):
        raise DelugeRuntimeError(f"give a field link name, e.g. rows.sum(Total); got {type_name(field)}")
    return [get_field(r, field) for r in records]


@builtin("count", receiver="RECORDS", returns="NUMBER", tier=1,
         doc="Fetched records: how many there are, or with a field, how many hold a value in it.")
def count_records(ctx: Any, records: RecordList, field: Any = None) -> int:
    return len(records) if field is None else int(over_values("count", _field_values(records, field)))


@builtin("sum", receiver="RECORDS", returns="NUMERIC", tier=1,
         doc="Fetched records: the total of a number field (0 when none).")
def sum_records(ctx: Any, records: RecordList, field: Any) -> Any:
    return over_values("sum", _field_values(records, field))


@builtin("avg", receiver="RECORDS", aliases=("average",), returns="DECIMAL", tier=1,
         doc="Fetched records: the mean of a number field (null when none).")
def avg_records(ctx: Any, records: RecordList, field: Any) -> Any:
    return over_values("avg", _field_values(records, field))


@builtin("maximum", receiver="RECORDS", returns="ANY", tier=1,
         doc="Fetched records: the largest value of a field (null when none).")
def maximum_records(ctx: Any, records: RecordList, field: Any) -> Any:
    return over_values("maximum", _field_values(records, field))


@builtin("minimum", receiver="RECORDS", returns="ANY", tier=1,
         doc="Fetched records: the smallest value of a field (null when none).")
def minimum_records(ctx: Any, records: RecordList, field: Any) -> Any:
    return over_values("minimum", _field_values(records, field))


@builtin("distinct", receiver="RECORDS", returns="LIST", tier=1,
         doc="Fetched records: each value of a field once, in ascending order.")
def distinct_records(ctx: Any, records: RecordList, field: Any) -> Any:
    return over_values("distinct", _field_values(records, field))
