"""The form store as hosts and users meet it: concurrent runs, transactions, schema
migrations that keep data or refuse, import/export and the forms CLI."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from cloudburst.cli import main
from cloudburst.engine import Runtime
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Limits
from cloudburst.forms.schema import SchemaError, load_schema, parse_schema
from cloudburst.forms.store import FormStore
from cloudburst.forms.transfer import RecordImportError, export_records, import_file

HERE = Path(__file__).resolve().parent


def _runtime(store: FormStore) -> Runtime:
    return Runtime(forms=store, network=False, limits=Limits(max_statements=None, timeout=120))


def test_concurrent_decrements_lose_no_update(store: FormStore) -> None:
    """Eight runs read, decrement and write the same stock at once: every decrement counts."""
    script = _runtime(store).compile('p = Products[SKU == "PEN-01"];\np.Stock = p.Stock - 1;')
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                script.run()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _runtime(store).run('info Products[SKU == "PEN-01"].Stock;').info == ["80"]


def test_concurrent_unique_clash_is_a_clear_error(store: FormStore) -> None:
    script = _runtime(store).compile('insert into Customers [ Name = "Same Name Ltd" ];')
    outcomes: list[str] = []

    def worker() -> None:
        try:
            script.run()
            outcomes.append("ok")
        except DelugeRuntimeError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert all("already exists (it must be unique)" in o for o in outcomes if o != "ok"), outcomes
    assert _runtime(store).run('info Customers[Name == "Same Name Ltd"].count();').info == ["1"]


def test_failed_run_rolls_back_updates_and_deletes(store: FormStore) -> None:
    rt = _runtime(store)
    with pytest.raises(DelugeRuntimeError) as info:
        rt.run('o = Orders[ID == 100];\no.Status = "Shipped";\ndelete from Products[ID != 0];\nx = 1 / 0;',
               name="job.dg")
    assert info.value.span is not None and info.value.span.line == 4
    assert rt.run('info Orders[ID == 100].Status;\ninfo Products[ID != 0].count();').info == ["Open", "3"]


def test_error_names_the_script_position(store: FormStore) -> None:
    with pytest.raises(DelugeRuntimeError) as info:
        _runtime(store).run('x = 1;\nid = insert into Orders [ Customer = 999 ];', name="flow.dg")
    assert str(info.value).startswith("flow.dg:2:")
    assert "Customer refers to record 999 of Customers" in info.value.message


def test_runtime_opens_forms_from_a_store_url(applied_store: FormStore, db_url: str) -> None:
    with Runtime(forms=db_url, network=False) as rt:
        assert rt.run("info Customers[ID != 0].count() >= 0;").info == ["true"]
    with Runtime(store=db_url, network=False) as rt:  # forms live in the connection store
        assert rt.run("info Customers[ID != 0].count() >= 0;").info == ["true"]


def test_schema_migration_keeps_data_or_refuses(fresh_url: str, reseed: Any) -> None:
    store = FormStore(fresh_url)
    try:
        schema = load_schema(HERE / "forms.yaml").to_json()
        store.apply(parse_schema(schema))
        reseed(store)
        grown = json.loads(json.dumps(schema))
        grown["forms"]["Customers"]["fields"]["Phone"] = {"type": "phone"}
        grown["forms"]["Customers"]["fields"]["Region"] = {"type": "single_line", "required": True, "default": "West"}
        grown["forms"]["Products"]["fields"]["Stock"] = {"type": "decimal", "default": "0"}
        changes = store.apply(parse_schema(grown))
        assert "add field Customers.Phone" in changes and "change field Products.Stock" in changes
        rt = _runtime(store)
        assert rt.run('info Customers[ID == 1].Region;\ninfo Products[SKU == "NB-02"].Stock;').info == ["West", "8.0"]
        assert store.apply(parse_schema(grown)) == []
        narrowed = json.loads(json.dumps(grown))
        narrowed["forms"]["Customers"]["fields"]["City"] = {"type": "dropdown", "choices": ["Pune"]}
        with pytest.raises(SchemaError, match=r"Customers.City.*would not fit"):
            store.apply(parse_schema(narrowed))
        del narrowed["forms"]["Customers"]["fields"]["City"]
        with pytest.raises(SchemaError, match=r"field Customers.City is not in the schema but 3 records hold"):
            store.apply(parse_schema(narrowed))
        del narrowed["forms"]["Approvals"]
        del narrowed["forms"]["Orders"]
        with pytest.raises(SchemaError, match="holds 4 records"):
            store.apply(parse_schema(narrowed))
        assert rt.run('info Customers[City == "pune"].count();').info == ["2"]  # nothing changed
        del grown["forms"]["Customers"]["fields"]["Phone"]  # empty: it may go
        assert "drop field Customers.Phone (it held no values)" in store.apply(parse_schema(grown))
        assert rt.run('info Customers[ID == 1].Name;').info == ["Acme Traders"]
    finally:
        store.close()


def test_bad_schema_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "forms.yaml"
    bad.write_text("forms:\n  Orders:\n    fields:\n      Customer: {type: lookup, form: Clients}\n")
    with pytest.raises(SchemaError, match="lookup needs 'form'"):
        load_schema(bad)
    bad.write_text("forms:\n  Orders:\n    fields:\n      Status: {type: dropdown}\n")
    with pytest.raises(SchemaError, match="needs a non-empty list of 'choices'"):
        load_schema(bad)
    bad.write_text("forms:\n  Orders:\n    fields:\n      ID: number\n")
    with pytest.raises(SchemaError, match="system field"):
        load_schema(bad)
    bad.write_text("forms:\n  Orders: [\n")
    with pytest.raises(SchemaError, match=r"forms.yaml:\d+:\d+: invalid YAML"):
        load_schema(bad)


def test_import_is_all_or_nothing_and_export_round_trips(store: FormStore, tmp_path: Path) -> None:
    good = tmp_path / "customers.csv"
    good.write_text("Name,City,Credit_Limit\nFoxtrot,Goa,250.50\nGolf,Goa,\n")
    assert import_file(store, "Customers", good) == 2
    bad = tmp_path / "more.csv"
    bad.write_text("Name,City\nHotel,Goa\nFoxtrot,Goa\n")
    with pytest.raises(RecordImportError, match=r"more.csv:3: insert into Customers: Name \"Foxtrot\" already exists"):
        import_file(store, "Customers", bad)
    data = export_records(store, ["Customers"])["forms"]["Customers"]
    names = [r["Name"] for r in data]
    assert "Hotel" not in names and names[-2:] == ["Foxtrot", "Golf"]
    assert data[-2]["Credit_Limit"] == "250.50" and data[-1]["Credit_Limit"] is None  # an empty cell is empty
    assert data[-1]["Tier"] == "Standard"  # a column the file lacks takes its default


def test_forms_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"CLOUDBURST_DATABASE_URL": url}

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), stdout=out, stderr=err, environ=env)
        return code, out.getvalue(), err.getvalue()

    code, out, _ = run("forms", "apply", str(HERE / "forms.yaml"))
    assert code == 0 and "create form Orders" in out
    (tmp_path / "c.csv").write_text("ID,Name,City\n7,Acme,Pune\n")
    (tmp_path / "o.csv").write_text("Customer,Status,Total\n7,Open,12.50\n8,Open,1\n")
    assert run("forms", "import", "Customers", str(tmp_path / "c.csv"))[0] == 0
    code, _, err = run("forms", "import", "Orders", str(tmp_path / "o.csv"))
    assert code == 1 and "o.csv:3: insert into Orders: Customer refers to record 8 of Customers" in err
    code, out, _ = run("forms", "show", "Orders")
    assert code == 0 and "Orders  0 records" in out and "Customer  lookup  -> Customers  required" in out
    script = tmp_path / "s.dg"
    script.write_text('insert into Orders [ Customer = 7 Status = "Open" Total = 12.5 ];\n'
                      'for each o in Orders[Customer.City == "PUNE"] { o.Status = "Approved"; }\n'
                      'info Orders[Status == "Approved"].sum(Total);\n')
    code, out, err = run("run", str(script))
    assert (code, out) == (0, "12.5\n"), err
    code, out, _ = run("forms", "export", "Orders", "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("1,7,Approved,,12.50,")
    code, _, err = run("forms", "apply", str(tmp_path / "missing.yaml"))
    assert code != 0 and "cannot read" in err and "Traceback" not in err
    code, out, _ = run("forms", "show", "--json")
    assert code == 0 and {"name": "Orders", "records": 1} in json.loads(out)
    code, out, _ = run("forms", "show", "Orders", "--json")
    customer = json.loads(out)["fields"][0]
    assert customer == {"name": "Customer", "type": "lookup", "required": True, "unique": False,
                        "form": "Customers", "multiple": False}
    code, out, _ = run("forms", "apply", str(HERE / "forms.yaml"), "--json")
    assert (code, json.loads(out)) == (0, {"changes": [], "dry_run": False})
    (tmp_path / "more.csv").write_text("Name,City\nBeta,Delhi\n")
    code, out, _ = run("forms", "import", "Customers", str(tmp_path / "more.csv"), "--json")
    assert (code, json.loads(out)) == (0, {"form": "Customers", "imported": 1})


def test_criteria_values_are_bound_parameters(store: FormStore) -> None:
    """The SQL text never holds a criteria value, whatever it contains."""
    session = store.session()
    try:
        evil = "x'); DROP TABLE cbf_customers; --"
        for tree in [("cmp", "==", ("Name",), evil), ("call", "contains", ("Name",), (evil,)),
                     ("in", ("City",), [evil, "Pune"]), ("cmp", "==", ("Customer", "Name"), evil)]:
            form = "Orders" if tree[2:3] == (("Customer", "Name"),) else "Customers"
            sql = str(session._select((form, tree, "Name" if form == "Customers" else None, False, 1, 5))
                      .compile(session.conn))
            assert "drop" not in sql.lower() and "x')" not in sql, sql
    finally:
        session.close(False)
    assert _runtime(store).run("info Customers[ID != 0].count();").info == ["3"]


def test_a_run_holding_forms_leaves_the_sqlite_connection_store_writable(tmp_path: Path) -> None:
    """Insert a record, then (as an OAuth refresh or a run heartbeat would) write to the
    connection store in the same run: the form transaction must not hold that file's lock."""
    import time

    from cloudburst.connectors.service import ConnectorService
    from cloudburst.forms.store import forms_database_url

    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert forms_database_url(url) == f"sqlite:///{tmp_path / 'app.forms.db'}"
    assert forms_database_url("sqlite://") == "sqlite://"
    forms = FormStore(url)
    forms.apply(parse_schema({"forms": {"Notes": {"fields": {"Title": "single_line"}}}}))
    connectors = ConnectorService(url, key_file=tmp_path / "key")
    waited: list[float] = []

    def store_write(name: str) -> str:
        started = time.monotonic()
        link = connectors.create_connector(name, auth_type="api_key")["link_name"]
        waited.append(time.monotonic() - started)
        return str(link)

    rt = Runtime(forms=forms, network=False)
    rt.register_integration("zoho.storeWrite", store_write)
    try:
        out = rt.run('insert into Notes [ Title = "first" ];\ninfo zoho.storeWrite("Weather API");\n'
                     'info Notes[ID != 0].count();')
    finally:
        rt.close()
        connectors.close()
        forms.close()
    assert out.info == ["weather_api", "1"]
    assert waited and waited[0] < 5, waited


def test_forms_kept_inside_an_older_store_file_move_to_their_own_file(tmp_path: Path) -> None:
    """A store written before forms got their own file holds forms and records in the store
    file itself: opening its forms moves them (records, subform rows, lookups, unique
    indexes) into the sibling file once, and leaves the connection data where it was."""
    import shutil
    import sqlite3

    from cloudburst.connectors.service import ConnectorService

    build = FormStore(f"sqlite:///{tmp_path / 'build.db'}")
    build.apply(load_schema(HERE / "forms.yaml"))
    setup = _runtime(build)
    setup.run('c = insert into Customers [ Name = "Acme Ltd" City = "Pune" ];\n'
              'p = insert into Products [ SKU = "PEN-01" Stock = 7 ];\n'
              'insert into Orders [ Customer = c Total = 12.50 Lines = {{"Product": p, "Qty": 3}} ];')
    build.close()
    legacy = tmp_path / "app.db"
    shutil.copy(tmp_path / "build.forms.db", legacy)  # the old layout: forms inside the store file
    connectors = ConnectorService(f"sqlite:///{legacy}", key_file=tmp_path / "key")
    connectors.create_connector("Weather API", auth_type="api_key")
    connectors.close()

    forms = FormStore(f"sqlite:///{legacy}")
    try:
        out = _runtime(forms).run('o = Orders[Total == 12.50];\ninfo Customers[ID == o.Customer].Name;\n'
                                  'for each line in o.Lines { info line.Qty; }\ninfo Products[SKU == "PEN-01"].Stock;')
        assert out.info == ["Acme Ltd", "3", "7"]
        with pytest.raises(DelugeRuntimeError, match="unique|already"):
            _runtime(forms).run('insert into Customers [ Name = "Acme Ltd" ];')
    finally:
        forms.close()
    with sqlite3.connect(legacy) as old:
        assert old.execute("SELECT count(*) FROM cb_form").fetchone()[0] == 0
        assert not old.execute("SELECT name FROM sqlite_master WHERE name LIKE 'cbf%'").fetchall()
    again = ConnectorService(f"sqlite:///{legacy}", key_file=tmp_path / "key")
    try:
        assert [c["link_name"] for c in again.list_connectors()] == ["weather_api"]
    finally:
        again.close()
    reopened = FormStore(f"sqlite:///{legacy}")  # moved once: a second open finds them in place
    try:
        assert _runtime(reopened).run("info Customers[ID != 0].count();").info == ["1"]
    finally:
        reopened.close()
