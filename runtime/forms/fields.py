"""Creator field types: how each is stored, checked and read back.

A script value goes through :func:`coerce` before it is stored (the wrong type, a choice
not offered, a bad e-mail address raise ``ValueError`` with Creator's wording), and a
stored value comes back through :func:`to_deluge`. Empty text is stored as ``""``, never
NULL, as Creator does; a list-valued field (multi-select, checkbox, multi lookup) is
stored as JSON text.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from cloudburst.values import DelugeList, DelugeMap, type_name

if TYPE_CHECKING:
    from cloudburst.forms.schema import Field

__all__ = ["FieldKind", "KINDS", "coerce", "to_deluge", "parse_text", "export_value"]


@dataclass(frozen=True)
class FieldKind:
    name: str
    #: text, int, decimal, date, datetime, time, bool, json, lookup, subform
    storage: str
    #: The Deluge type a script sees.
    deluge: str
    choices: bool = False
    decimal: bool = False
    list_valued: bool = False

    def to_json(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (_dt.date, _dt.time)):
            return value.isoformat()
        return value

    def from_json(self, value: Any) -> Any:
        if self.storage in ("date", "datetime", "time") and isinstance(value, str):
            return parse_text(self, value)
        if self.storage == "decimal" and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            try:
                return Decimal(str(value))
            except InvalidOperation:
                raise ValueError(f"{value!r} is not a number") from None
        if isinstance(value, list):
            return DelugeList(value)
        return value

    @property
    def text(self) -> bool:
        return self.storage == "text"


_KIND_LIST = [
    FieldKind("single_line", "text", "TEXT"),
    FieldKind("multi_line", "text", "TEXT"),
    FieldKind("rich_text", "text", "TEXT"),
    FieldKind("email", "text", "TEXT"),
    FieldKind("phone", "text", "TEXT"),
    FieldKind("url", "text", "TEXT"),
    FieldKind("dropdown", "text", "TEXT", choices=True),
    FieldKind("radio", "text", "TEXT", choices=True),
    FieldKind("number", "int", "NUMBER"),
    FieldKind("decimal", "decimal", "DECIMAL", decimal=True),
    FieldKind("currency", "decimal", "DECIMAL", decimal=True),
    FieldKind("percent", "decimal", "DECIMAL", decimal=True),
    FieldKind("date", "date", "DATE"),
    FieldKind("datetime", "datetime", "DATE-TIME"),
    FieldKind("time", "time", "TIME"),
    FieldKind("decision_box", "bool", "BOOLEAN"),
    FieldKind("multi_select", "json", "LIST", choices=True, list_valued=True),
    FieldKind("checkbox", "json", "LIST", choices=True, list_valued=True),
    FieldKind("lookup", "lookup", "NUMBER"),
    FieldKind("subform", "subform", "LIST", list_valued=True),
]
KINDS = {k.name: k for k in _KIND_LIST}
KINDS.update({"drop_down": KINDS["dropdown"], "date_time": KINDS["datetime"], "boolean": KINDS["decision_box"],
              "text": KINDS["single_line"]})

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MAX_LINE = 255


def _describe(value: Any) -> str:
    return f"{type_name(value)} {value!r}" if isinstance(value, (str, int, Decimal)) else type_name(value)


def coerce(field: Field, value: Any) -> Any:
    """``value`` (a Deluge value) as stored in ``field``; ValueError says what is wrong."""
    kind = field.kind
    storage = kind.storage
    if value is None or (value == "" and storage != "text"):
        return "" if storage == "text" else None
    if storage == "text":
        if not isinstance(value, str):
            raise ValueError(f"expects TEXT, got {_describe(value)}")
        if kind.name not in ("multi_line", "rich_text") and len(value) > _MAX_LINE:
            raise ValueError(f"takes at most {_MAX_LINE} characters, got {len(value)}")
        if value and kind.name == "email" and not _EMAIL.fullmatch(value):
            raise ValueError(f"enter a valid email address (got {value!r})")
        if value and kind.choices and value not in field.choices:
            raise ValueError(f"{value!r} is not one of its choices ({', '.join(field.choices)})")
        return str(value)
    if storage == "int":
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expects a NUMBER, got {_describe(value)}")
        return value
    if storage == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise ValueError(f"expects a DECIMAL, got {_describe(value)}")
        return Decimal(value).quantize(Decimal(1).scaleb(-field.decimals))
    if storage == "date":
        if isinstance(value, _dt.datetime):
            return value.date()
        if not isinstance(value, _dt.date):
            raise ValueError(f"expects a DATE, got {_describe(value)}")
        return value
    if storage == "datetime":
        if isinstance(value, _dt.datetime):
            return value.replace(microsecond=0)
        if isinstance(value, _dt.date):
            return _dt.datetime(value.year, value.month, value.day)
        raise ValueError(f"expects a DATE-TIME, got {_describe(value)}")
    if storage == "time":
        if not isinstance(value, _dt.time):
            raise ValueError(f"expects a TIME, got {_describe(value)}")
        return value
    if storage == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expects a BOOLEAN, got {_describe(value)}")
        return value
    if storage == "json":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"expects a LIST of TEXT, got {_describe(value)}")
        for item in items:
            if item not in field.choices:
                raise ValueError(f"{item!r} is not one of its choices ({', '.join(field.choices)})")
        return json.dumps(list(items))
    if storage == "lookup":
        ids = value if field.multiple and isinstance(value, list) else [value]
        out = [_record_id(v) for v in ids]
        return json.dumps(out) if field.multiple else out[0]
    raise ValueError("a subform is set with a list of rows")


def _record_id(value: Any) -> int:
    if isinstance(value, DelugeMap):
        value = value.get("ID")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expects a record ID (NUMBER), got {_describe(value)}")
    return value


def to_deluge(field: Field, stored: Any) -> Any:
    """A stored value as the script sees it."""
    storage = field.kind.storage
    if storage == "text":
        return "" if stored is None else stored
    if stored is None:
        if storage == "bool":
            return False
        if storage == "json" or (storage == "lookup" and field.multiple):
            return DelugeList()
        return None
    if storage == "decimal":
        return Decimal(str(stored)).quantize(Decimal(1).scaleb(-field.decimals))
    if storage == "json" or (storage == "lookup" and field.multiple):
        return DelugeList(json.loads(stored))
    if storage == "datetime" and isinstance(stored, str):  # SQLite hands back text for raw SQL results
        return _dt.datetime.fromisoformat(stored)
    if storage == "date" and isinstance(stored, str):
        return _dt.date.fromisoformat(stored[:10])
    if storage == "bool":
        return bool(stored)
    return stored


_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%d/%m/%Y", "%m/%d/%Y")


def parse_text(kind: FieldKind, text: str) -> Any:
    """A value read from a CSV cell or a JSON string (import, defaults)."""
    text = text.strip()
    if text == "":
        return "" if kind.storage == "text" else None
    storage = kind.storage
    try:
        if storage == "int" or storage == "lookup":
            return int(text)
        if storage == "decimal":
            return Decimal(text.replace(",", ""))
        if storage == "bool":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return lowered in ("true", "1", "yes")
        if storage == "date":
            for fmt in _DATE_FORMATS:
                try:
                    return _dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
            raise ValueError
        if storage == "datetime":
            try:
                return _dt.datetime.fromisoformat(text).replace(tzinfo=None)
            except ValueError:
                return _dt.datetime.strptime(text, "%d-%b-%Y %H:%M:%S")
        if storage == "time":
            return _dt.time.fromisoformat(text)
        if storage == "json":
            return DelugeList(json.loads(text)) if text.startswith("[") else DelugeList(
                [p.strip() for p in text.split(",") if p.strip()])
    except (ValueError, InvalidOperation, json.JSONDecodeError):
        raise ValueError(f"cannot read {text!r} as {kind.deluge}") from None
    return text


def export_value(value: Any) -> Any:
    """A Deluge value as plain JSON data (dates as ISO text, decimals as text kept exact)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [export_value(v) for v in value]
    if isinstance(value, dict):
        return {k: export_value(v) for k, v in value.items()}
    return value
