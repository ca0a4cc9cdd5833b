"""``forms apply``: bring the form tables from the applied schema to a new one without
losing data, or refuse (changing nothing) and say why.

Allowed: new forms, fields and subforms; removing a form, field or subform that holds no
values; type changes within one storage class (text to text, decimal to decimal, number
to decimal) when every stored value is valid for the new field; choices, required and
unique changes that the stored values satisfy. Anything else is refused with the form,
the field and the number of records in the way. All changes run in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, func, insert, select, text, update
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection

from cloudburst.forms.fields import coerce, to_deluge
from cloudburst.forms.schema import Field, Schema, SchemaError
from cloudburst.forms.tables import Catalog, FormTables, build_catalog, field_column

if TYPE_CHECKING:
    from cloudburst.forms.store import FormStore

__all__ = ["apply_schema"]

_PG_LOCK = 0x666F726D73  # "forms": one apply at a time


def apply_schema(store: FormStore, schema: Schema, *, dry_run: bool = False) -> list[str]:
    from cloudburst.forms.store import REGISTRY_TABLE

    new = build_catalog(schema)
    changes: list[str] = []
    with store.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # table rebuilds must not cascade: foreign keys off for this connection
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                old = store.catalog(conn)
                _Plan(conn, old, new, changes).run()
                if dry_run:
                    conn.rollback()
                    return changes
                conn.execute(delete(REGISTRY_TABLE))
                now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None, microsecond=0)
                if schema.forms:
                    conn.execute(insert(REGISTRY_TABLE), [
                        {"name": f.name, "definition": json.dumps(f.to_json()), "updated_at": now} for f in schema.forms])
        finally:
            if sqlite:
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.execute("PRAGMA foreign_keys=ON")
    return changes


class _Plan:
    def __init__(self, conn: Connection, old: Catalog, new: Catalog, changes: list[str]) -> None:
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        self.conn = conn
        self.old = old
        self.new = new
        self.changes = changes
        self.op = Operations(MigrationContext.configure(conn))

    def count(self, table: Table, where: Any = None) -> int:
        stmt = select(func.count()).select_from(table)
        if where is not None:
            stmt = stmt.where(where)
        return int(self.conn.execute(stmt).scalar_one())

    def run(self) -> None:
        created = [ft for key, ft in self.new.items() if key not in self.old]
        for key, ft in self.old.items():
            if key not in self.new:
                self.drop_form(ft)
        for key, ft in self.new.items():
            if key in self.old:
                self.change_form(self.old[key], ft)
        if created:
            tables = [t for ft in created for t in (ft.table, *(s.table for s in ft.subforms.values()))]
            tables[0].metadata.create_all(self.conn, tables=tables)
            self.changes.extend(f"create form {ft.form.name}" for ft in created)

    def drop_form(self, ft: FormTables) -> None:
        rows = self.count(ft.table)
        if rows:
            raise SchemaError(f"form '{ft.form.name}' is not in the schema but holds {rows} record"
                              f"{'s' if rows != 1 else ''}; delete them first (cloudburst forms export keeps a copy)")
        for sub in ft.subforms.values():
            sub.table.drop(self.conn)
        ft.table.drop(self.conn)
        self.changes.append(f"drop form {ft.form.name} (it was empty)")

    def change_form(self, old: FormTables, new: FormTables) -> None:
        for f in old.form.fields:
            if new.form.field(f.name) is None:
                self.drop_field(old, f)
        for f in new.form.fields:
            before = old.form.field(f.name)
            if before is None:
                self.add_field(old, new, f)
            elif before.to_json() != f.to_json():
                self.change_field(old, new, before, f)

    # -- fields -------------------------------------------------------------------------
    def _has_values(self, ft: FormTables, f: Field) -> int:
        col = ft.table.c[f.name]
        where = (col != "") & col.is_not(None) if f.kind.text else col.is_not(None)
        return self.count(ft.table, where)

    def drop_field(self, ft: FormTables, f: Field) -> None:
        where = f"{ft.form.name}.{f.name}"
        if f.kind.name == "subform":
            sub = ft.subforms[f.name.lower()]
            rows = self.count(sub.table)
            if rows:
                raise SchemaError(f"subform {where} is not in the schema but holds {rows} rows; "
                                  "remove them first")
            sub.table.drop(self.conn)
        else:
            used = self._has_values(ft, f)
            if used:
                raise SchemaError(f"field {where} is not in the schema but {_holding(used)} a value in it; "
                                  "clear it first (or keep the field)")
            self._drop_column(ft, f)
        self.changes.append(f"drop field {where} (it held no values)")

    def _drop_column(self, ft: FormTables, f: Field) -> None:
        for index in list(ft.table.indexes):
            if f.name in index.columns:
                self.op.drop_index(str(index.name), table_name=ft.table.name)
        with self.op.batch_alter_table(ft.table.name) as batch:
            batch.drop_column(f.name)

    def add_field(self, old: FormTables, new: FormTables, f: Field) -> None:
        where = f"{new.form.name}.{f.name}"
        if f.kind.name == "subform":
            sub = new.subforms[f.name.lower()]
            sub.table.create(self.conn)
            self.changes.append(f"add subform {where}")
            return
        rows = self.count(old.table)
        if rows and f.required and f.default is None:
            raise SchemaError(f"new required field {where} needs a default: {new.form.name} already holds {rows} "
                              f"record{'s' if rows != 1 else ''}")
        if rows > 1 and f.unique:
            raise SchemaError(f"new unique field {where} cannot be filled for the {rows} existing records; "
                              "add it without 'unique', fill it, then make it unique")
        column, indexes = field_column(old.table.name, f)
        self.op.add_column(old.table.name, column)
        if f.default is not None and rows:
            self.conn.execute(update(sql_table(old.table.name, sql_column(f.name))).values({f.name: coerce(f, f.default)}))
        for index in indexes:
            self.op.create_index(index.name, old.table.name, [f.name], unique=index.unique)
        self.changes.append(f"add field {where}")

    def change_field(self, old: FormTables, new: FormTables, before: Field, after: Field) -> None:
        where = f"{new.form.name}.{after.name}"
        if before.kind.name == "subform" or after.kind.name == "subform":
            if before.kind.name != after.kind.name:
                raise SchemaError(f"field {where} cannot change between subform and {after.kind.name}")
            self.change_form(old.subforms[before.name.lower()], new.subforms[after.name.lower()])
            return
        col = old.table.c[before.name]
        same_storage = before.kind.storage == after.kind.storage or (before.kind.storage, after.kind.storage) == ("int", "decimal")
        used = self._has_values(old, before)
        if not same_storage or (before.kind.storage == "lookup" and before.form != after.form) or before.multiple != after.multiple:
            if used:
                raise SchemaError(f"cannot change {where} from {before.kind.name} to {after.kind.name}: "
                                  f"{_holding(used)} a value in it (export, clear the field, apply, then import)")
            self._drop_column(old, before)
            self.add_field(old, new, after)
            self.changes.append(f"change field {where} to {after.kind.name} (it held no values)")
            return
        bad = 0
        example = None
        for (value,) in self.conn.execute(select(col).distinct()):
            try:
                stored = coerce(after, to_deluge(before, value))
                if after.required and stored in (None, "", "[]"):
                    raise ValueError("is empty but now required")
            except ValueError as exc:
                bad += self.count(old.table, col.is_(None) if value is None else col == value)
                example = example or f"{value!r} {exc}"
        if bad:
            raise SchemaError(f"cannot apply the new definition of {where}: {bad} record{'s' if bad != 1 else ''} "
                              f"would not fit it (e.g. {example})")
        if after.unique and not before.unique:
            dupes = self.conn.execute(select(col).where(col.is_not(None)).group_by(col)
                                      .having(func.count() > 1).limit(1)).first()
            if dupes is not None:
                raise SchemaError(f"cannot make {where} unique: {dupes[0]!r} is held by more than one record")
        for index in list(old.table.indexes):
            if before.name in index.columns:
                self.op.drop_index(str(index.name), table_name=old.table.name)
        column, indexes = field_column(old.table.name, after)
        if self.conn.dialect.name != "sqlite":  # SQLite keeps any value in any column
            sql = column.type.compile(self.conn.dialect)
            self.op.alter_column(old.table.name, before.name, type_=column.type,
                                 postgresql_using=f'"{before.name}"::{sql}')
        for index in indexes:
            self.op.create_index(index.name, old.table.name, [after.name], unique=index.unique)
        self.changes.append(f"change field {where}")


def _holding(count: int) -> str:
    return "1 record holds" if count == 1 else f"{count} records hold"
