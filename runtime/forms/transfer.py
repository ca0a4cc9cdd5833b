"""``forms import`` / ``forms export``: records in and out as CSV or JSON.

Imports go through the same checks as ``insert into`` (types, required, unique, lookups)
and are all-or-nothing: one bad row (named by its line) leaves the form unchanged. An
``ID`` column keeps the given IDs, so lookups in another file can refer to them.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from cloudburst.errors import CloudburstError, DelugeRuntimeError
from cloudburst.forms.fields import export_value, parse_text
from cloudburst.forms.store import FormSession, FormStore
from cloudburst.values import DelugeList, DelugeMap, from_python

__all__ = ["RecordImportError", "import_file", "import_rows", "export_records", "export_csv"]


class RecordImportError(CloudburstError):
    """A file that cannot be imported (the message names the file and line)."""


def import_file(store: FormStore, form: str, path: str | Path) -> int:
    """Import a ``.csv`` or ``.json`` file (a list of objects) into ``form``; the count."""
    p = Path(path)
    try:
        content = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RecordImportError(f"cannot read {p}: {exc.strerror or exc}", None, str(p)) from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(content, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise RecordImportError(f"{p}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}", None, str(p)) from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise RecordImportError(f"{p}: expected a JSON list of record objects", None, str(p))
        return import_rows(store, form, ((f"{p}: record {i}", r, False) for i, r in enumerate(data, start=1)))
    reader = csv.DictReader(io.StringIO(content, newline=""))
    if not reader.fieldnames:
        raise RecordImportError(f"{p}: the CSV file has no header row", None, str(p))
    return import_rows(store, form, ((f"{p}:{reader.line_num}", row, True) for row in reader))


def import_rows(store: FormStore, form: str, rows: Iterable[tuple[str, dict[str, Any], bool]]) -> int:
    """Insert ``(where, row, from_text)`` rows in one transaction."""
    session = store.session()
    count = 0
    try:
        ft = session.form(form)
        for where, row, from_text in rows:
            try:
                session.insert(ft.form.name, _values(ft, row, from_text), record_id=_given_id(row))
            except (DelugeRuntimeError, ValueError) as exc:
                raise RecordImportError(f"{where}: {getattr(exc, 'message', exc)}", None, where.split(":")[0]) from None
            count += 1
        session.restart_ids(ft)
    except BaseException:
        session.close(False)
        raise
    session.close(True)
    return count


def _given_id(row: dict[str, Any]) -> int | None:
    raw = next((v for k, v in row.items() if str(k).lower() == "id"), None)
    if raw is None or raw == "":
        return None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()):
        return int(raw)
    raise ValueError(f"ID must be a whole number, got {raw!r}")


def _values(ft: Any, row: dict[str, Any], from_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in row.items():
        if key is None or str(key).lower() in ("id", "added_time", "modified_time", "modified_user"):
            continue
        f = ft.form.field(str(key))
        if f is None:
            out[str(key)] = raw  # insert names the unknown field
        elif f.kind.name == "subform":
            if from_text:
                raise ValueError(f"subform {f.name} cannot come from a CSV column; import JSON for subform rows")
            out[f.name] = DelugeList(DelugeMap({k: _cell(ft.subforms[f.name.lower()], k, v) for k, v in r.items()})
                                     for r in (raw or []))
        else:
            out[f.name] = _cell(ft, f.name, raw)
    return out


def _cell(ft: Any, key: str, raw: Any) -> Any:
    f = ft.form.field(key)
    if f is not None and isinstance(raw, str) and f.kind.storage != "text":
        return parse_text(f.kind, raw)
    return from_python(raw)


def export_records(store: FormStore, forms: Iterable[str] | None = None) -> dict[str, Any]:
    """``{"forms": {Form: [record, ...]}}`` with every field and system field."""
    session = store.session()
    try:
        names = list(forms) if forms is not None else [ft.form.name for ft in session.catalog.values()]
        out: dict[str, Any] = {}
        for name in names:
            ft = session.form(name)
            records = session.fetch((ft.form.name, ("value", True), None, False, None, None))
            out[ft.form.name] = [export_value(dict(r)) for r in records]
        return {"forms": out}
    finally:
        session.close(False)


def export_csv(store: FormStore, form: str) -> str:
    """One form as CSV (subforms left out; list fields as JSON text)."""
    data = export_records(store, [form])["forms"]
    name, records = next(iter(data.items()))
    session: FormSession = store.session()
    try:
        ft = session.form(name)
    finally:
        session.close(False)
    columns = ["ID", *(f.name for f in ft.form.fields if f.kind.name != "subform"),
               "Added_Time", "Modified_Time", "Added_User", "Modified_User"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow(["" if r.get(c) is None else json.dumps(r[c]) if isinstance(r.get(c), list) else r[c]
                         for c in columns])
    return buffer.getvalue()
