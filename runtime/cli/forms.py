"""``cloudburst forms ...``: apply a form schema, show forms, import and export records
(the forms live in the store ``--db`` names; see docs/forms.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from cloudburst.cli.dispatch import Context, Usage, command, subcommands

__all__ = ["HELP", "configure", "show"]

HELP = "Creator forms: apply a schema, show, import and export records"


def _store(ctx: Context) -> Any:
    from cloudburst.forms.store import FormStore

    return FormStore(ctx.db)


def _run(action: Any) -> Any:
    def handler(ctx: Context) -> None:
        store = _store(ctx)
        try:
            action(store, ctx)
        finally:
            store.close()

    return handler


def _apply(store: Any, ctx: Context) -> None:
    from cloudburst.forms.schema import load_schema

    args = ctx.args
    changes = store.apply(load_schema(args.file), dry_run=args.dry_run)
    prefix = "would " if args.dry_run else ""
    text = "\n".join(f"{prefix}{change}" for change in changes) or "the forms already match the schema"
    ctx.report(text, {"changes": changes, "dry_run": args.dry_run})


def _show(store: Any, ctx: Context) -> None:
    if ctx.args.json:
        ctx.json(_as_json(store, ctx.args.form))
    else:
        show(store, ctx.args.form, ctx.out)


def _as_json(store: Any, form: str | None) -> Any:
    """``forms show --json``: the forms with their record counts, or one form with its fields."""
    session = store.session()
    try:
        if form is None:
            return [{"name": ft.form.name, "records": _count(session, ft.form.name)} for ft in session.catalog.values()]
        ft = session.form(form)
        return {"name": ft.form.name, "records": _count(session, ft.form.name),
                "fields": [_field_json(f) for f in ft.form.fields]}
    finally:
        session.close(False)


def _field_json(f: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": f.name, "type": f.kind.name, "required": bool(f.required), "unique": bool(f.unique)}
    if f.form:
        data.update(form=f.form, multiple=bool(f.multiple))
    if f.choices:
        data["choices"] = list(f.choices)
    if f.default is not None:
        data["default"] = f.kind.to_json(f.default)
    if f.fields:
        data["fields"] = [_field_json(sub) for sub in f.fields]
    return data


def show(store: Any, form: str | None, out: TextIO) -> None:
    """The forms and their record counts, or one form's fields (also the REPL's ``:forms``)."""
    session = store.session()
    try:
        if form is None:
            if not session.catalog:
                out.write("no forms (declare them in a schema file and run: cloudburst forms apply FILE)\n")
            for ft in session.catalog.values():
                count = _count(session, ft.form.name)
                out.write(f"{ft.form.name}  {count} record{'s' if count != 1 else ''}\n")
            return
        ft = session.form(form)
        count = _count(session, ft.form.name)
        out.write(f"{ft.form.name}  {count} record{'s' if count != 1 else ''}\n")
        for f in ft.form.fields:
            out.write(f"  {f.name}  {_describe(f)}\n")
            for sub in f.fields:
                out.write(f"    {sub.name}  {_describe(sub)}\n")
        out.write("  ID, Added_Time, Modified_Time, Added_User, Modified_User  (system)\n")
    finally:
        session.close(False)


def _count(session: Any, form: str) -> int:
    """How many records ``form`` holds."""
    return int(session.aggregate((form, ("value", True), None, False, None, None), "count", None))


def _describe(f: Any) -> str:
    parts = [f.kind.name]
    if f.form:
        parts.append(f"-> {f.form}" + (" (multiple)" if f.multiple else ""))
    if f.choices:
        parts.append("[" + ", ".join(f.choices) + "]")
    if f.required:
        parts.append("required")
    if f.unique:
        parts.append("unique")
    if f.default is not None:
        parts.append(f"default {f.kind.to_json(f.default)}")
    return "  ".join(parts)


def _import(store: Any, ctx: Context) -> None:
    from cloudburst.forms.transfer import import_file

    args = ctx.args
    count = import_file(store, args.form, args.file)
    ctx.report(f"imported {count} record{'s' if count != 1 else ''} into {args.form}",
               {"form": args.form, "imported": count})


def _export(store: Any, ctx: Context) -> None:
    from cloudburst.forms.transfer import export_csv, export_records

    args, out = ctx.args, ctx.out
    if args.format == "csv":
        if len(args.forms) != 1:
            raise Usage("--format csv exports one form: name it")
        text = export_csv(store, args.forms[0])
    else:
        text = json.dumps(export_records(store, args.forms or None), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        out.write(text)


def configure(parser: argparse.ArgumentParser) -> None:
    cmds = subcommands(parser)
    p = command(cmds, "apply", _run(_apply), "create or migrate the forms a schema file declares (YAML or JSON)")
    p.add_argument("file", help="schema file (forms.yaml or forms.json)")
    p.add_argument("--dry-run", action="store_true", help="print the changes without making them")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p = command(cmds, "show", _run(_show), "list the forms, or one form's fields and record count")
    p.add_argument("form", nargs="?", help="a form's name (default: list every form)")
    p.add_argument("--json", action="store_true", help="print JSON (forms with record counts, or one form's fields)")
    p = command(cmds, "import", _run(_import), "add records from a CSV or JSON file (all or nothing)")
    p.add_argument("form", help="the form the records go into")
    p.add_argument("file", help="records file (.csv with a header row of link names, or .json)")
    p.add_argument("--json", action="store_true", help="print the count imported as JSON")
    p = command(cmds, "export", _run(_export), "write records as JSON (every form, or those named) or one form as CSV")
    p.add_argument("forms", nargs="*", metavar="FORM", help="the forms to export (default: all)")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
