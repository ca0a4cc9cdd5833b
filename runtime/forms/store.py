"""The form store: form records as SQL tables in the Cloudburst store (SQLite file by
default, PostgreSQL by URL), and the per-run session scripts read and write through.

One run, one transaction: the session opens it at the run's first form access and the
run's end commits it (or rolls it back when the run fails). On SQLite the transaction
takes the write lock when it starts, so runs touching forms take turns; on PostgreSQL
the records a run fetches are locked (``FOR UPDATE``) until it ends. Either way two runs
that read, change and write the same record cannot lose one another's update.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from pathlib import Path
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from cloudburst.errors import DelugeRuntimeError
from cloudburst.forms import aggregates
from cloudburst.forms.criteria import condition, resolve_field
from cloudburst.forms.fields import coerce, to_deluge
from cloudburst.forms.models import FormRow
from cloudburst.forms.schema import Field, Schema, parse_schema
from cloudburst.forms.tables import Catalog, FormTables, build_catalog
from cloudburst.forms.values import FormRecord, RecordList
from cloudburst.values import DelugeList, DelugeMap, type_name

__all__ = ["FormStore", "FormSession", "REGISTRY_TABLE", "forms_database_url"]

#: Applied form definitions (JSON), one row per form; created by migration 0004.
REGISTRY_TABLE: Table = FormRow.__table__  # type: ignore[attr-defined]
_SYSTEM_SET = {"id", "added_time", "modified_time", "modified_user"}
_CHUNK = 500

Query = tuple[str, Any, "str | None", bool, Any, Any]


def forms_database_url(url: str) -> str:
    """Where the forms of the store at ``url`` live. A run holds its form transaction until
    it ends, and on SQLite that is the file's write lock: in the connection store's own file
    it would stall the run's token refreshes, credential reads and run heartbeats until the
    run ended. So a SQLite store keeps its forms in a sibling file (``app.db`` ->
    ``app.forms.db``); PostgreSQL locks rows, and keeps them in the same database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # open_engine names the problem
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return url
    stem, dot, suffix = database.rpartition(".")
    sibling = f"{stem}.forms.{suffix}" if dot and "/" not in suffix else f"{database}.forms"
    return parsed.set(database=sibling).render_as_string(hide_password=False)


def _sqlite_path(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


class FormStore:
    """Forms of the store at ``url`` (None: the user's default store); see
    :func:`forms_database_url` for where they live."""

    def __init__(self, url: str | None = None, *, clock: Callable[[], _dt.datetime] | None = None) -> None:
        from cloudburst.connectors.database import default_database_url, open_engine

        self.url = url or default_database_url()
        forms_url = forms_database_url(self.url)
        self.engine: Engine = open_engine(forms_url)
        if forms_url != self.url:
            from cloudburst.forms.relocate import adopt_forms

            adopt_forms(Path(_sqlite_path(self.url)), Path(_sqlite_path(forms_url)))
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[tuple[tuple[str, str], ...], Catalog] | None = None

    # -- schema ---------------------------------------------------------------------------
    def definitions(self, conn: Connection) -> tuple[tuple[str, str], ...]:
        rows = conn.execute(select(REGISTRY_TABLE.c.name, REGISTRY_TABLE.c.definition)
                            .order_by(REGISTRY_TABLE.c.name)).all()
        return tuple((r[0], r[1]) for r in rows)

    def catalog(self, conn: Connection) -> Catalog:
        """Tables of the applied schema (rebuilt only when the schema changed)."""
        defs = self.definitions(conn)
        with self._lock:
            if self._cached is not None and self._cached[0] == defs:
                return self._cached[1]
        catalog = build_catalog(_schema_of(defs))
        with self._lock:
            self._cached = (defs, catalog)
        return catalog

    def schema(self) -> Schema:
        with self.engine.connect() as conn:
            return _schema_of(self.definitions(conn))

    def apply(self, schema: Schema, *, dry_run: bool = False) -> list[str]:
        """Bring the tables to ``schema``; the changes made (or, dry, to be made). Raises
        SchemaError, changing nothing, when a change would lose data."""
        from cloudburst.forms.migrate import apply_schema

        return apply_schema(self, schema, dry_run=dry_run)

    # -- sessions -------------------------------------------------------------------------
    def session(self, ctx: Any = None) -> FormSession:
        """A transaction for one run (``ctx``: the run's Execution, for its clock and user)."""
        user = "cloudburst"
        now: Callable[[], _dt.datetime] = self._clock or (lambda: _dt.datetime.now().replace(microsecond=0))
        if ctx is not None:
            user = str(ctx.settings.system.get("loginuser", user))
            if self._clock is None:
                now = ctx.now
        return FormSession(self, user, now)

    def close(self) -> None:
        self.engine.dispose()


def _schema_of(defs: Iterable[tuple[str, str]]) -> Schema:
    return parse_schema({"forms": {name: json.loads(text) for name, text in defs}})


def _db_error(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


class FormSession:
    """One run's view of the forms: every read and write in one transaction."""

    def __init__(self, store: FormStore, user: str, now: Callable[[], _dt.datetime]) -> None:
        self.store = store
        self.user = user
        self.now = now
        self.conn = store.engine.connect()
        try:
            self.conn.begin()
            self.catalog = store.catalog(self.conn)
        except SQLAlchemyError as exc:
            self.conn.close()
            raise DelugeRuntimeError(f"cannot open the form store: {_db_error(exc)}") from None
        self.lock_rows = self.conn.dialect.name == "postgresql"
        self._inserts: dict[str, Any] = {}  # one INSERT statement per table: compiled once
        self.broken: str | None = None
        self.closed = False

    def close(self, ok: bool) -> None:
        self.closed = True
        try:
            if ok:
                self.conn.commit()
            else:
                self.conn.rollback()
        except IntegrityError as exc:
            raise DelugeRuntimeError(f"the run's changes to forms could not be saved: {_db_error(exc)}") from None
        finally:
            self.conn.close()

    # -- helpers --------------------------------------------------------------------------
    def form(self, name: str) -> FormTables:
        ft = self.catalog.get(name.lower())
        if ft is None:
            raise DelugeRuntimeError(f"form '{name}' does not exist in the form store "
                                     f"(declare it in a schema and run: cloudburst forms apply FILE)")
        return ft

    def _select(self, q: Query, *columns: Any, ordered: bool = True) -> Any:
        """The query's SELECT; ``ordered=False`` (aggregates) drops the order when no range
        depends on it."""
        form, tree, sort, descending, start, end = q
        ft = self.form(form)
        stmt = select(*columns) if columns else select(ft.table)
        stmt = stmt.where(condition(tree, ft, self.catalog))
        if not ordered and start is None and end is None:
            return stmt
        if sort is not None:
            f, col = resolve_field(ft, sort)
            key = func.lower(col) if f.kind.text else col
            stmt = stmt.order_by(key.desc().nulls_last() if descending else key.asc().nulls_first())
        stmt = stmt.order_by(ft.table.c.ID)
        if start is not None or end is not None:
            first, last = _range(start, end)
            stmt = stmt.offset(first - 1)
            if last is not None:
                stmt = stmt.limit(max(last - first + 1, 0))
        return stmt

    def _run(self, stmt: Any) -> Any:
        try:
            return self.conn.execute(stmt)
        except SQLAlchemyError as exc:
            raise DelugeRuntimeError(f"form store error: {_db_error(exc)}") from None

    def _record(self, ft: FormTables, row: Mapping[str, Any]) -> FormRecord:
        values: dict[str, Any] = {"ID": row["ID"]}
        for f in ft.form.fields:
            values[f.name] = DelugeList() if f.kind.name == "subform" else to_deluge(f, row[f.name])
        for key in ("Added_Time", "Modified_Time", "Added_User", "Modified_User"):
            values[key] = row[key]
        return FormRecord(ft.form.name, values, self)

    # -- reading --------------------------------------------------------------------------
    def fetch(self, q: Query) -> RecordList:
        ft = self.form(q[0])
        stmt = self._select(q)
        if self.lock_rows:
            stmt = stmt.with_for_update(of=ft.table)
        records = [self._record(ft, row) for row in self._run(stmt).mappings()]
        if ft.subforms and records:
            self._load_rows(ft, records)
        return RecordList(ft.form.name, records)

    def _load_rows(self, ft: FormTables, records: list[FormRecord]) -> None:
        by_id = {r.record_id: r for r in records}
        ids = list(by_id)
        for sub in ft.subforms.values():
            for i in range(0, len(ids), _CHUNK):
                stmt = (select(sub.table).where(sub.table.c.parent_id.in_(ids[i:i + _CHUNK]))
                        .order_by(sub.table.c.parent_id, sub.table.c.row_no))
                for row in self._run(stmt).mappings():
                    values = {"ID": row["ID"], **{f.name: to_deluge(f, row[f.name]) for f in sub.form.fields}}
                    dict.__getitem__(by_id[row["parent_id"]], sub.form.name).append(DelugeMap(values))

    def first_value(self, q: Query, name: str) -> Any:
        ft = self.form(q[0])
        f = ft.field(name)
        if f is None or f.kind.name == "subform":
            return self.fetch(q).first_field(name)
        row = self._run(self._select(q, ft.table.c[f.name]).limit(1)).first()
        return None if row is None else to_deluge(f, row[0])

    def column(self, q: Query, name: str) -> DelugeList:
        ft = self.form(q[0])
        f = ft.field(name)
        if f is None or f.kind.name == "subform":
            return DelugeList(r.get(name) for r in self.fetch(q))
        return DelugeList(to_deluge(f, v) for (v,) in self._run(self._select(q, ft.table.c[f.name])))

    def aggregate(self, q: Query, name: str, field: Any) -> Any:
        fn = aggregates.canonical(name)
        ft = self.form(q[0])
        if field is None:
            if fn != "count":
                raise DelugeRuntimeError(f"{name}() needs a field, e.g. {ft.form.name}[...].{name}(Total)")
            counted = self._select(q, ft.table.c.ID, ordered=False).subquery()
            return int(self._run(select(func.count()).select_from(counted)).scalar_one())
        if not isinstance(field, str):
            raise DelugeRuntimeError(f"{name}() takes a field link name, got {type_name(field)}")
        f, _ = resolve_field(ft, field)
        storage = f.kind.storage
        if fn in ("sum", "avg") and storage not in ("int", "decimal"):
            raise DelugeRuntimeError(f"{name}() needs a number field; {f.name} is {f.kind.name}")
        if storage == "json" or (storage == "lookup" and f.multiple):
            return aggregates.over_values(name, self.column(q, field))
        sub = self._select(q, ft.table.c[f.name].label("v"), ordered=False).subquery()
        v = sub.c.v
        if fn == "distinct":
            rows = self._run(select(v).where(v.is_not(None)).distinct())
            return aggregates.over_values("distinct", (to_deluge(f, r[0]) for r in rows))
        if fn == "count":
            return int(self._run(select(func.count(v))).scalar_one())
        if fn == "avg":
            total, count = self._run(select(func.sum(v), func.count(v))).one()
            return aggregates.finish("avg", (_exact(f, total), count), False)
        if fn == "sum":
            raw = self._run(select(func.sum(v))).scalar_one()
            return aggregates.finish("sum", _exact(f, raw), storage == "int")
        raw = self._run(select(func.max(v) if fn == "max" else func.min(v))).scalar_one()
        return None if raw is None else to_deluge(f, raw)

    # -- writing --------------------------------------------------------------------------
    def _check(self, ft: FormTables, f: Field, value: Any, what: str, record_id: int | None = None) -> Any:
        try:
            stored = coerce(f, value)
        except ValueError as exc:
            raise DelugeRuntimeError(f"{what}: {f.name} {exc}") from None
        if f.required and stored in (None, "", "[]"):
            raise DelugeRuntimeError(f"{what}: enter a value for {f.name} (it is required)")
        col = ft.table.c[f.name]
        if f.unique and stored not in (None, ""):
            clash = select(ft.table.c.ID).where(col == stored)
            if record_id is not None:
                clash = clash.where(ft.table.c.ID != record_id)
            if self._run(clash.limit(1)).first() is not None:
                raise DelugeRuntimeError(f"{what}: {f.name} {_shown(value)} already exists (it must be unique)")
        if f.kind.storage == "lookup" and stored is not None and f.form is not None:
            target = self.form(f.form)
            ids = json.loads(stored) if f.multiple else [stored]
            found = {r[0] for r in self._run(select(target.table.c.ID).where(target.table.c.ID.in_(ids)))}
            missing = [i for i in ids if i not in found]
            if missing:
                raise DelugeRuntimeError(f"{what}: {f.name} refers to record {missing[0]} of {target.form.name}, "
                                         "which does not exist")
        return stored

    def _write(self, stmt: Any, ft: FormTables, what: str, params: dict[str, Any] | None = None) -> Any:
        """Run a write. On PostgreSQL a failed statement aborts the run's transaction, so a
        write that can clash in the database (unique fields, lookups: checked beforehand,
        but another run may commit in between) runs in a savepoint; after any other
        failure the session refuses further work with the reason."""
        if self.broken is not None:
            raise DelugeRuntimeError(f"{what}: the run's form transaction failed earlier: {self.broken}")
        try:
            if not self.lock_rows or not _may_clash(ft):
                return self.conn.execute(stmt, params)
            with self.conn.begin_nested():
                return self.conn.execute(stmt, params)
        except IntegrityError as exc:
            text = _db_error(exc)
            self._broke(ft, text)
            for f in ft.form.fields:
                if f.unique and f.name.lower() in text.lower() or f"uq_{ft.table.name}_{f.name.lower()}" in text:
                    raise DelugeRuntimeError(f"{what}: this {f.name} already exists (it must be unique)") from None
            raise DelugeRuntimeError(f"{what}: {text}") from None
        except SQLAlchemyError as exc:
            self._broke(ft, _db_error(exc))
            raise DelugeRuntimeError(f"{what}: form store error: {_db_error(exc)}") from None

    def _broke(self, ft: FormTables, reason: str) -> None:
        if self.lock_rows and not _may_clash(ft):
            self.broken = reason

    def insert(self, form: str, values: Mapping[str, Any], *, record_id: int | None = None) -> int:
        """A new record from field values (Deluge values); its ID (``record_id``: keep this one)."""
        ft = self.form(form)
        what = f"insert into {ft.form.name}"
        given: dict[str, Any] = {}
        row: dict[str, Any] = {}
        rows: dict[str, Any] = {}
        for key, value in values.items():
            f = ft.form.field(key)
            if f is None:
                if key.lower() == "added_user":
                    row["Added_User"] = "" if value is None else str(value)
                    continue
                if key.lower() in _SYSTEM_SET:
                    raise DelugeRuntimeError(f"{what}: {key} is a system field; Creator fills it")
                raise DelugeRuntimeError(f"{what}: {ft.form.name} has no field '{key}'")
            if f.kind.name == "subform":
                rows[f.name.lower()] = value
            else:
                given[f.name] = value
        for f in ft.form.fields:
            if f.kind.name == "subform":
                continue
            row[f.name] = self._check(ft, f, given[f.name] if f.name in given else f.default, what)
        now = self.now()
        row.update(Added_Time=now, Modified_Time=now, Modified_User=self.user)
        row.setdefault("Added_User", self.user)
        if record_id is not None:
            if self._run(select(ft.table.c.ID).where(ft.table.c.ID == record_id)).first() is not None:
                raise DelugeRuntimeError(f"{what}: a record with ID {record_id} already exists")
            row["ID"] = record_id
        stmt = self._inserts.get(ft.table.name)
        if stmt is None:
            stmt = self._inserts[ft.table.name] = insert(ft.table)
        result = self._write(stmt, ft, what, row)
        new_id = int(result.inserted_primary_key[0])
        for key, sub in ft.subforms.items():
            self._insert_rows(sub, new_id, rows.get(key), f"{what}: subform {sub.form.name}")
        return new_id

    def _insert_rows(self, sub: FormTables, parent: int, value: Any, what: str) -> None:
        if value is None:
            return
        items = value if isinstance(value, list) else [value]
        out = []
        for n, item in enumerate(items, start=1):
            if not isinstance(item, DelugeMap):
                raise DelugeRuntimeError(f"{what}: a row must be a record map, got {type_name(item)}")
            row: dict[str, Any] = {"parent_id": parent, "row_no": n}
            for key in item:
                if sub.form.field(str(key)) is None and str(key).lower() != "id":
                    raise DelugeRuntimeError(f"{what}: {sub.form.name} has no field '{key}'")
            lowered = {str(k).lower(): v for k, v in item.items()}
            for f in sub.form.fields:
                row[f.name] = self._check(sub, f, lowered.get(f.name.lower(), f.default), f"{what}, row {n}")
            out.append(row)
        if out:
            try:
                with self.conn.begin_nested():
                    self.conn.execute(insert(sub.table), out)
            except SQLAlchemyError as exc:
                raise DelugeRuntimeError(f"{what}: {_db_error(exc)}") from None

    def set_field(self, record: FormRecord, name: str, value: Any) -> tuple[str, Any]:
        """``r.Field = value`` on a fetched record: validated and written at once (by the
        running script's session when the record was fetched by an earlier run, as in the
        REPL)."""
        if self.closed:
            from cloudburst.execution import current
            from cloudburst.forms.access import session_of

            ctx = current()
            if ctx is None:
                raise DelugeRuntimeError(f"{record.form} record {record.record_id} can only be changed by a script")
            session: FormSession = session_of(ctx, f"{record.form}.{name}")
            record.rebind(session)
            return session.set_field(record, name, value)
        ft = self.form(record.form)
        f = ft.form.field(name)
        what = f"{ft.form.name}.{name}"
        if f is None:
            if name.lower() in _SYSTEM_SET or name.lower() == "added_user":
                raise DelugeRuntimeError(f"{what}: {name} is a system field; it cannot be set")
            raise DelugeRuntimeError(f"{ft.form.name} has no field '{name}'")
        if f.kind.name == "subform":
            raise DelugeRuntimeError(f"{what}: a subform cannot be assigned; insert its rows with the record")
        stored = self._check(ft, f, value, what, record.record_id)
        now = self.now()
        result = self._write(update(ft.table).where(ft.table.c.ID == record.record_id)
                             .values({f.name: stored, "Modified_Time": now, "Modified_User": self.user}), ft, what)
        if result.rowcount == 0:
            raise DelugeRuntimeError(f"{what}: record {record.record_id} no longer exists")
        dict.__setitem__(record, "Modified_Time", now)
        dict.__setitem__(record, "Modified_User", self.user)
        return f.name, to_deluge(f, stored)

    def restart_ids(self, ft: FormTables) -> None:
        """After records were stored with given IDs: new IDs continue above the highest."""
        if self.conn.dialect.name == "postgresql":
            self._run(select(func.setval(func.pg_get_serial_sequence(ft.table.name, "ID"),
                                         func.coalesce(func.max(ft.table.c.ID), 0) + 1, False)))

    def delete(self, q: Query) -> int:
        """``delete from Form[criteria]``: lookups to the deleted records are emptied and
        their subform rows removed."""
        ft = self.form(q[0])
        what = f"delete from {ft.form.name}"
        ids = [r[0] for r in self._run(select(ft.table.c.ID).where(condition(q[1], ft, self.catalog)))]
        if not ids:
            return 0
        try:
            with self.conn.begin_nested():
                for i in range(0, len(ids), _CHUNK):
                    chunk = ids[i:i + _CHUNK]
                    for other in self.catalog.values():
                        for holder in (other, *other.subforms.values()):
                            for f in holder.form.fields:
                                if f.kind.name == "lookup" and not f.multiple and (f.form or "").lower() == ft.form.name.lower():
                                    col = holder.table.c[f.name]
                                    self.conn.execute(update(holder.table).where(col.in_(chunk)).values({f.name: None}))
                    for sub in ft.subforms.values():
                        self.conn.execute(delete(sub.table).where(sub.table.c.parent_id.in_(chunk)))
                    self.conn.execute(delete(ft.table).where(ft.table.c.ID.in_(chunk)))
        except SQLAlchemyError as exc:
            raise DelugeRuntimeError(f"{what}: form store error: {_db_error(exc)}") from None
        return len(ids)


def _may_clash(ft: FormTables) -> bool:
    return any(f.unique or f.kind.storage == "lookup" for f in ft.form.fields)


def _range(start: Any, end: Any) -> tuple[int, int | None]:
    """``range from a to b``: 1-based and inclusive (a position below 1 counts as 1)."""
    for label, v in (("from", start), ("to", end)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise DelugeRuntimeError(f"range {label} needs a NUMBER, got {type_name(v)}")
    return max(start or 1, 1), end


def _exact(f: Field, raw: Any) -> Any:
    """SQLite sums DECIMAL columns as floats: back to the field's decimal places."""
    if raw is None or f.kind.storage == "int":
        return raw
    return Decimal(str(raw)).quantize(Decimal(1).scaleb(-f.decimals))


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)
