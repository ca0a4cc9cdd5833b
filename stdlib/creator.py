"""Built-ins: Creator record-collection helpers (``Form[criteria].count()``, ``.getAll()``)
and field access by name (``getFieldNames()``, ``getFieldValue(f)``).

A fetch returns a RECORDS collection (a LIST of record maps); ``count``/``getAll`` also work
on plain lists and maps a host's provider returns. Called directly on a fetch
(``Orders[c].sum(Total)``) the aggregates run in SQL instead (see ``cloudburst.forms``).
"""

from __future__ import annotations

from typing import Any

from cloudburst.errors import DelugeRuntimeError
from cloudburst.forms.aggregates import over_values
from cloudburst.forms.values import FormRecord, RecordList
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


#: The fields the store fills on every record; getFieldNames lists the form's own fields.
_SYSTEM_FIELDS = frozenset({"ID", "Added_Time", "Modified_Time", "Added_User", "Modified_User"})


def _field_names(ctx: Any, source: Any) -> DelugeList:
    if isinstance(source, RecordList) and not source:
        from cloudburst.forms.access import session_of

        form = session_of(ctx, f"{source.form}.getFieldNames()").form(source.form).form
        return DelugeList(f.name for f in form.fields)
    if isinstance(source, RecordList):
        source = source[0]
    if isinstance(source, FormRecord):
        return DelugeList(k for k in source if k not in _SYSTEM_FIELDS)
    return DelugeList(source)


def _field_value(source: Any, name: Any) -> Any:
    if not isinstance(name, str):
        raise DelugeRuntimeError(f"getFieldValue: give a field link name as TEXT, got {type_name(name)}")
    if isinstance(source, RecordList):
        return source.first_field(name)
    return get_field(source, name)


def _form_input(ctx: Any, fn: str) -> Any:
    record = ctx.form_input
    if not isinstance(record, DelugeMap):
        raise DelugeRuntimeError(f"{fn} without a record reads the form being submitted (input), and this run "
                                 f"has none: pass it as the argument input, or call rec.{fn} on a fetched record")
    return record


@builtin("getFieldNames", receiver=("MAP", "RECORDS"), function=False, returns="LIST", tier=2,
         doc="Link names of a record's fields (of its form's fields for fetched records; a map's keys).")
def get_field_names(ctx: Any, source: Any) -> DelugeList:
    return _field_names(ctx, source)


@builtin("getFieldNames", returns="LIST", tier=2,
         doc="In a form workflow: link names of the submitted form's fields (the run's input).")
def get_input_field_names(ctx: Any) -> DelugeList:
    return _field_names(ctx, _form_input(ctx, "getFieldNames()"))


@builtin("getFieldValue", receiver=("MAP", "RECORDS"), function=False, returns="ANY", tier=2,
         doc="The value of the named field (of the first record for fetched records); null if it has none.")
def get_field_value(ctx: Any, source: Any, name: Any) -> Any:
    return _field_value(source, name)


@builtin("getFieldValue", returns="ANY", tier=2,
         doc="In a form workflow: the value of the named field of the submitted form (the run's input).")
def get_input_field_value(ctx: Any, name: Any) -> Any:
    return _field_value(_form_input(ctx, "getFieldValue(name)"), name)
