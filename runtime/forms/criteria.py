"""A lowered criteria tree (see :mod:`.lowering`) as a SQLAlchemy condition.

Values only ever become bound parameters. Creator's rules where SQL differs:

- text compares case-insensitively (``==``, ``!=``, ordering, ``in``, ``contains``,
  ``startsWith``, ``endsWith``); ``contains`` treats ``%`` and ``_`` literally;
- empty text and null are the same for text fields (``Email == null`` finds ``""``);
- ``F != v`` also matches records where a non-text ``F`` is null;
- an ordering comparison with null matches nothing;
- a DATE field compared with a DATE-TIME uses its date; a DATE-TIME field compared with a
  DATE uses midnight;
- ``Lookup.Field`` compares a field of the related record, ``Subform.Field`` a field of
  any row of the subform.
"""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement as _Col

from cloudburst.errors import DelugeRuntimeError
from cloudburst.forms.schema import Field
from cloudburst.forms.tables import Catalog, FormTables
from cloudburst.values import DelugeMap, type_name

__all__ = ["condition", "resolve_field"]

_OPS = {"==": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}


def resolve_field(ft: FormTables, name: str) -> tuple[Field, _Col[Any]]:
    f = ft.field(name)
    if f is None or f.kind.name == "subform":
        raise DelugeRuntimeError(f"{ft.form.name} has no field '{name}'")
    return f, ft.table.c[f.name]


def condition(tree: Any, ft: FormTables, catalog: Catalog) -> ColumnElement[bool]:
    kind = tree[0]
    if kind == "and":
        return and_(condition(tree[1], ft, catalog), condition(tree[2], ft, catalog))
    if kind == "or":
        return or_(condition(tree[1], ft, catalog), condition(tree[2], ft, catalog))
    if kind == "not":
        return not_(condition(tree[1], ft, catalog))
    if kind == "value":
        if not isinstance(tree[1], bool):
            raise DelugeRuntimeError(f"a criteria must be a condition on the form's fields, got {type_name(tree[1])}")
        return true() if tree[1] else false()
    path = tree[2] if kind in ("cmp", "call") else tree[1]
    return _along(path, ft, catalog, lambda f, col: _leaf(tree, f, col))


def _along(path: tuple[str, ...], ft: FormTables, catalog: Catalog, leaf: Any) -> ColumnElement[bool]:
    """Follow ``Lookup.Field`` / ``Subform.Field`` to the table holding the last field."""
    if len(path) == 1:
        f, col = resolve_field(ft, path[0])
        return leaf(f, col)  # type: ignore[no-any-return]
    head = ft.form.field(path[0])
    if head is not None and head.kind.name == "subform":
        sub = ft.subforms[head.name.lower()]
        inner = _along(path[1:], sub, catalog, leaf)
        return ft.table.c.ID.in_(select(sub.table.c.parent_id).where(inner))
    if head is None or head.kind.name != "lookup" or head.multiple or head.form is None:
        raise DelugeRuntimeError(f"'{'.'.join(path)}': {path[0]} is not a lookup or subform field of {ft.form.name}")
    target = catalog[head.form.lower()]
    inner = _along(path[1:], target, catalog, leaf)
    return ft.table.c[head.name].in_(select(target.table.c.ID).where(inner))


def _leaf(tree: Any, f: Field, col: _Col[Any]) -> ColumnElement[bool]:
    kind = tree[0]
    storage = f.kind.storage
    if kind == "cmp":
        return _compare(tree[1], f, col, tree[3])
    if kind == "in":
        values = tree[2]
        if not isinstance(values, list):
            values = [values]
        if not values:
            return false()
        if storage == "text":
            return func.lower(col).in_([_text(f, v).lower() for v in values])
        return col.in_([_param(f, v) for v in values])
    name, args = tree[1], tree[3]
    if name in ("isempty", "isnull", "isblank"):
        return _empty(f, col)
    value = args[0]
    if value is None:
        return false()
    if storage == "json" or (storage == "lookup" and f.multiple):
        needle = json.dumps(_param(f, value) if storage == "lookup" else _text(f, value))
        test = col.contains(needle, autoescape=True)
    elif storage == "text":
        text = _text(f, value).lower()
        low = func.lower(col)
        if name in ("contains", "notcontains"):
            test = low.contains(text, autoescape=True)
        elif name == "startswith":
            test = low.startswith(text, autoescape=True)
        else:
            test = low.endswith(text, autoescape=True)
    else:
        raise DelugeRuntimeError(f"{name}() in a criteria needs a text field; {f.name} is {f.kind.name}")
    return not_(test) if name == "notcontains" else test


def _empty(f: Field, col: _Col[Any]) -> ColumnElement[bool]:
    if f.kind.storage == "text":
        return or_(col == "", col.is_(None))
    if f.kind.storage == "json" or (f.kind.storage == "lookup" and f.multiple):
        return or_(col.is_(None), col == "[]")
    return col.is_(None)


def _compare(op: str, f: Field, col: _Col[Any], value: Any) -> ColumnElement[bool]:
    storage = f.kind.storage
    if value is None or (value == "" and isinstance(value, str)):
        if op == "==":
            return _empty(f, col)
        if op == "!=":
            return not_(_empty(f, col))
        return false()
    if storage == "json" or (storage == "lookup" and f.multiple):
        if op not in ("==", "!="):
            raise DelugeRuntimeError(f"{f.name} holds a list; compare it with == or != (or use contains)")
        if isinstance(value, list):
            test = col == json.dumps([_param(f, v) if storage == "lookup" else _text(f, v) for v in value])
        else:
            test = col.contains(json.dumps(_param(f, value) if storage == "lookup" else _text(f, value)),
                                autoescape=True)
        return test if op == "==" else or_(not_(test), col.is_(None))
    if storage == "text":
        return getattr(func.lower(col), _OPS[op])(_text(f, value).lower())  # type: ignore[no-any-return]
    param = _param(f, value)
    test = getattr(col, _OPS[op])(param)
    return or_(test, col.is_(None)) if op == "!=" else test


def _text(f: Field, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    raise DelugeRuntimeError(f"{f.name} is a text field; cannot compare it with {type_name(value)}")


def _param(f: Field, value: Any) -> Any:
    """A criteria value as the field's column holds it."""
    storage = f.kind.storage
    if isinstance(value, DelugeMap) and storage in ("int", "lookup"):
        value = value.get("ID")
    if storage in ("int", "lookup", "decimal"):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise DelugeRuntimeError(f"{f.name} is a {f.kind.deluge} field; cannot compare it with {type_name(value)}")
        return value
    if storage == "date":
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
    elif storage == "datetime":
        if isinstance(value, _dt.datetime):
            return value
        if isinstance(value, _dt.date):
            return _dt.datetime(value.year, value.month, value.day)
    elif storage == "time" and isinstance(value, _dt.time):
        return value
    elif storage == "bool" and isinstance(value, bool):
        return value
    raise DelugeRuntimeError(f"{f.name} is a {f.kind.deluge} field; cannot compare it with {type_name(value)}")
