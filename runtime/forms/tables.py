"""Form schemas as SQLAlchemy tables: one table per form (``cbf_<form>``) and one per
subform (``cbf_<form>__<subform>``, rows linked by ``parent_id``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
)
from sqlalchemy.types import TypeEngine

from cloudburst.forms.fields import KINDS
from cloudburst.forms.schema import Field, Form, Schema

__all__ = ["FormTables", "Catalog", "build_catalog", "table_name", "sql_type", "SYSTEM", "field_column"]

#: System fields as typed pseudo-fields, so criteria and sorting treat them like any field.
SYSTEM = {
    "id": Field("ID", KINDS["number"]),
    "added_time": Field("Added_Time", KINDS["datetime"]),
    "modified_time": Field("Modified_Time", KINDS["datetime"]),
    "added_user": Field("Added_User", KINDS["single_line"]),
    "modified_user": Field("Modified_User", KINDS["single_line"]),
}
_ID = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only auto-increments INTEGER keys


def table_name(form: str, subform: str | None = None) -> str:
    base = "cbf_" + form.lower()
    return base if subform is None else f"{base}__{subform.lower()}"


def sql_type(f: Field) -> TypeEngine[Any]:
    storage = f.kind.storage
    if storage == "text":
        return Text() if f.kind.name in ("multi_line", "rich_text") else String(255)
    if storage == "int":
        return BigInteger()
    if storage == "decimal":
        return Numeric(28, f.decimals)
    if storage == "date":
        return Date()
    if storage == "datetime":
        return DateTime()
    if storage == "time":
        return Time()
    if storage == "bool":
        return Boolean()
    if storage == "lookup" and not f.multiple:
        return BigInteger()
    return Text()


def field_column(table: str, f: Field) -> tuple[Column[object], list[Index]]:
    """The column holding ``f`` and the indexes it needs (unique fields, lookups)."""
    fk = []
    if f.kind.storage == "lookup" and not f.multiple and f.form is not None:
        fk = [ForeignKey(f"{table_name(f.form)}.ID", ondelete="SET NULL")]
    column: Column[object] = Column(f.name, sql_type(f), *fk, nullable=True,
                                    server_default="" if f.kind.text else None)
    indexes = []
    if f.unique:
        indexes.append(Index(f"uq_{table}_{f.name.lower()}", column, unique=True))
    elif fk:
        indexes.append(Index(f"ix_{table}_{f.name.lower()}", column))
    return column, indexes


@dataclass
class FormTables:
    """A form (or a subform, as a form of its own rows) and its table."""

    form: Form
    table: Table
    subforms: dict[str, FormTables] = field(default_factory=dict)
    parent: str | None = None

    def field(self, name: str) -> Field | None:
        return self.form.field(name) or SYSTEM.get(name.lower())


Catalog = dict[str, FormTables]


def build_catalog(schema: Schema) -> Catalog:
    """Tables for every form of ``schema`` on one MetaData (lookups are foreign keys)."""
    metadata = MetaData()
    catalog: Catalog = {}
    for form in schema.forms:
        name = table_name(form.name)
        columns: list[Column[object]] = [
            Column("ID", _ID, primary_key=True, autoincrement=True),
            Column("Added_Time", DateTime(), nullable=True, index=True),
            Column("Modified_Time", DateTime(), nullable=True),
            Column("Added_User", String(255), nullable=True),
            Column("Modified_User", String(255), nullable=True),
        ]
        extra: list[Index] = []
        subforms: list[Field] = []
        for f in form.fields:
            if f.kind.name == "subform":
                subforms.append(f)
                continue
            column, indexes = field_column(name, f)
            columns.append(column)
            extra.extend(indexes)
        table = Table(name, metadata, *columns, *extra)
        entry = FormTables(form, table)
        for sub in subforms:
            sub_name = table_name(form.name, sub.name)
            sub_columns: list[Column[object]] = [
                Column("ID", _ID, primary_key=True, autoincrement=True),
                Column("parent_id", BigInteger(), ForeignKey(f"{name}.ID", ondelete="CASCADE"), nullable=False,
                       index=True),
                Column("row_no", Integer(), nullable=False),
            ]
            sub_extra: list[Index] = []
            for f in sub.fields:
                column, indexes = field_column(sub_name, f)
                sub_columns.append(column)
                sub_extra.extend(indexes)
            entry.subforms[sub.name.lower()] = FormTables(Form(sub.name, sub.fields), Table(sub_name, metadata, *sub_columns, *sub_extra),
                                                          parent=form.name)
        catalog[form.name.lower()] = entry
    return catalog
