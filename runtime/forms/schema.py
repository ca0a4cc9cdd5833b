"""Form schemas: what ``cloudburst forms apply forms.yaml`` declares, checked before any
table is touched.

A schema file (YAML, or JSON when the file name ends in ``.json``) maps form link names
to their fields::

    forms:
      Customers:
        fields:
          Name: {type: single_line, required: true, unique: true}
          City: single_line
      Orders:
        fields:
          Customer: {type: lookup, form: Customers, required: true}
          Status: {type: dropdown, choices: [Open, Closed], default: Open}
          Lines:
            type: subform
            fields:
              Item: {type: single_line, required: true}
              Qty: {type: number, default: 1}

Every form also has the system fields ``ID``, ``Added_Time``, ``Modified_Time``,
``Added_User`` and ``Modified_User``, which the store fills.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from cloudburst.errors import CloudburstError
from cloudburst.forms.fields import KINDS, FieldKind, coerce

__all__ = ["Field", "Form", "Schema", "SchemaError", "SYSTEM_FIELDS", "load_schema", "parse_schema"]

#: Filled by the store; scripts may read them, and may only set ``Added_User`` on insert.
SYSTEM_FIELDS = ("ID", "Added_Time", "Modified_Time", "Added_User", "Modified_User")

_LINK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED = {"container", "request", "response", "input", "zoho", "thisapp", "null", "true", "false", "if",
             "else", "for", "each", "in", "return", "info", "insert", "into", "delete", "from", "sort",
             "by", "range", "to", "while", "break", "continue", "try", "catch"}
_FIELD_KEYS = {"type", "required", "unique", "default", "choices", "form", "multiple", "decimals", "fields",
               "label", "max_length"}


class SchemaError(CloudburstError):
    """A schema file that cannot be applied (the message names the form and field)."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    required: bool = False
    unique: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    #: Lookup: the form it points to, and whether it holds several records.
    form: str | None = None
    multiple: bool = False
    decimals: int = 2
    #: Subform: the row fields.
    fields: tuple[Field, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind.name}
        if self.required:
            out["required"] = True
        if self.unique:
            out["unique"] = True
        if self.default is not None:
            out["default"] = self.kind.to_json(self.default)
        if self.choices:
            out["choices"] = list(self.choices)
        if self.form is not None:
            out["form"] = self.form
        if self.multiple:
            out["multiple"] = True
        if self.kind.decimal:
            out["decimals"] = self.decimals
        if self.fields:
            out["fields"] = {f.name: f.to_json() for f in self.fields}
        return out


@dataclass(frozen=True)
class Form:
    name: str
    fields: tuple[Field, ...]
    _index: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> Field | None:
        """The field with this link name (any case), or None."""
        return self._index.get(name.lower())

    def to_json(self) -> dict[str, Any]:
        return {"fields": {f.name: f.to_json() for f in self.fields}}


@dataclass(frozen=True)
class Schema:
    forms: tuple[Form, ...]

    def form(self, name: str) -> Form | None:
        lowered = name.lower()
        return next((f for f in self.forms if f.name.lower() == lowered), None)

    def to_json(self) -> dict[str, Any]:
        return {"forms": {f.name: f.to_json() for f in self.forms}}


def load_schema(path: str | Path) -> Schema:
    """Read and check a schema file (``.json`` as JSON, anything else as YAML)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(f"cannot read {p}: {exc.strerror or exc}", None, str(p)) from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SchemaError(f"{p}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}", None, str(p)) from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(p)
            raise SchemaError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}", None, str(p)) from None
    try:
        return parse_schema(data)
    except SchemaError as exc:
        raise SchemaError(f"{p}: {exc.message}", None, str(p)) from None


def parse_schema(data: Any) -> Schema:
    """Check a schema given as plain data (the parsed file)."""
    if not isinstance(data, Mapping) or set(data) - {"forms"} or not isinstance(data.get("forms"), Mapping):
        raise SchemaError("a schema is a map with one key, 'forms', mapping form names to their fields")
    names = {str(k).lower() for k in data["forms"]}
    forms: list[Form] = []
    seen: set[str] = set()
    for name, body in data["forms"].items():
        name = _link_name(name, "form")
        if name.lower() in seen:
            raise SchemaError(f"form '{name}' is declared twice (form names ignore case)")
        seen.add(name.lower())
        if not isinstance(body, Mapping) or set(body) - {"fields", "label"} or not isinstance(body.get("fields"), Mapping):
            raise SchemaError(f"form '{name}': expected a map with 'fields'")
        forms.append(Form(name, _fields(name, body["fields"], names, subform=False)))
    return Schema(tuple(forms))


def _link_name(raw: Any, what: str) -> str:
    name = str(raw)
    if not _LINK_NAME.fullmatch(name):
        raise SchemaError(f"'{name}' is not a valid {what} link name (letters, digits and _, starting with a letter)")
    if name.lower() in _RESERVED or name.lower().startswith("zc_"):
        raise SchemaError(f"'{name}' is a reserved word and cannot be a {what} link name (Creator would use "
                          f"'{name}_field')")
    return name


def _fields(form: str, raw: Mapping[str, Any], forms: set[str], *, subform: bool) -> tuple[Field, ...]:
    fields: list[Field] = []
    seen: set[str] = set()
    for name, spec in raw.items():
        name = _link_name(name, "field")
        where = f"form '{form}', field '{name}'"
        if name.lower() in {s.lower() for s in SYSTEM_FIELDS} or name.lower() in ("parent_id", "row_no"):
            raise SchemaError(f"{where}: this is a system field; the store provides it")
        if name.lower() in seen:
            raise SchemaError(f"{where}: declared twice (link names ignore case)")
        seen.add(name.lower())
        fields.append(_field(where, name, {"type": spec} if isinstance(spec, str) else spec, forms, subform))
    if not fields and not subform:
        raise SchemaError(f"form '{form}' has no fields")
    return tuple(fields)


def _field(where: str, name: str, spec: Any, forms: set[str], subform: bool) -> Field:
    if not isinstance(spec, Mapping):
        raise SchemaError(f"{where}: expected a field type or a map with 'type'")
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise SchemaError(f"{where}: unknown option {', '.join(sorted(map(str, unknown)))}")
    kind = KINDS.get(str(spec.get("type", "")).lower().replace("-", "_").replace(" ", "_"))
    if kind is None:
        raise SchemaError(f"{where}: unknown type {spec.get('type')!r} (one of {', '.join(sorted(KINDS))})")
    flags = {}
    for flag in ("required", "unique", "multiple"):
        value = spec.get(flag, False)
        if not isinstance(value, bool):
            raise SchemaError(f"{where}: '{flag}' must be true or false")
        flags[flag] = value
    choices: tuple[str, ...] = ()
    if kind.choices:
        raw_choices = spec.get("choices")
        if not isinstance(raw_choices, list) or not raw_choices:
            raise SchemaError(f"{where}: a {kind.name} field needs a non-empty list of 'choices'")
        choices = tuple(str(c) for c in raw_choices)
    elif "choices" in spec:
        raise SchemaError(f"{where}: only drop-down, radio, multi-select and checkbox fields take 'choices'")
    target = None
    if kind.name == "lookup":
        target = str(spec.get("form", ""))
        if target.lower() not in forms:
            raise SchemaError(f"{where}: lookup needs 'form', the link name of a form in this schema")
    elif "form" in spec or flags["multiple"]:
        raise SchemaError(f"{where}: only lookup fields take 'form' and 'multiple'")
    decimals = spec.get("decimals", 2)
    if kind.decimal and (isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 10):
        raise SchemaError(f"{where}: 'decimals' must be a whole number from 0 to 10")
    sub: tuple[Field, ...] = ()
    if kind.name == "subform":
        if subform:
            raise SchemaError(f"{where}: a subform cannot hold another subform")
        if not isinstance(spec.get("fields"), Mapping):
            raise SchemaError(f"{where}: a subform needs 'fields'")
        if flags["unique"] or "default" in spec:
            raise SchemaError(f"{where}: a subform takes no 'unique' or 'default'")
        sub = _fields(where, spec["fields"], forms, subform=True)
    elif "fields" in spec:
        raise SchemaError(f"{where}: only subform fields take 'fields'")
    if flags["unique"] and (kind.list_valued or flags["multiple"]):
        raise SchemaError(f"{where}: a {kind.name} field cannot be unique")
    made = Field(name, kind, flags["required"], flags["unique"], None, choices, target, flags["multiple"],
                 decimals if kind.decimal else 2, sub)
    if spec.get("default") is not None:
        if kind.name in ("lookup", "subform"):
            raise SchemaError(f"{where}: a {kind.name} field takes no default")
        try:
            default = coerce(made, kind.from_json(spec["default"]))
        except ValueError as exc:
            raise SchemaError(f"{where}: bad default: {exc}") from None
        made = Field(name, kind, made.required, made.unique, default, choices, target, made.multiple, made.decimals, sub)
    return made
