"""The Creator scripts of tests/corpus that use forms, run end to end on the seeded store
(SQLite and PostgreSQL), checked by what they print and what they leave in the forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudburst.engine import Runtime

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _run(runtime: Runtime, name: str, **inputs: object) -> list[str]:
    path = CORPUS / name
    return runtime.compile(path.read_text(), str(path)).run(inputs).info


def test_approval_flow(runtime: Runtime) -> None:
    assert _run(runtime, "creator_forms_approval_flow.dg") == ["approved 1, rejected 1", "pending 0"]
    check = runtime.run('info Orders[ID == 100].Status;\ninfo Orders[ID == 102].Status;\n'
                        'info Approvals[Decision == "Rejected"].Order_Ref;\ninfo Approvals[ID != 0].count();')
    assert check.info == ["Approved", "Rejected", "102", "2"]


def test_inventory_decrement(runtime: Runtime) -> None:
    assert _run(runtime, "creator_forms_inventory_decrement.dg", orderId=100) == [
        "waiting for stock: NB-02"]
    assert runtime.run("info Products[ID == 10].Stock;").info == ["120"]  # nothing taken
    assert _run(runtime, "creator_forms_inventory_decrement.dg", orderId=102) == [
        "NB-02 now 3", "low stock: NB-02,INK-03"]
    assert runtime.run("info Orders[ID == 102].Status;").info == ["Shipped"]
    assert _run(runtime, "creator_forms_inventory_decrement.dg", orderId=999) == ["no order 999"]


def test_order_totals(runtime: Runtime) -> None:
    assert _run(runtime, "creator_forms_order_totals.dg") == [
        "Acme Traders: 2 orders, 330.5",
        "Blue Harbor: 1 orders, 21.25",
        "Cobalt & Sons: 1 orders, 0",
        "largest: 250.0",
        "cities: 2 gold orders",
    ]


@pytest.mark.parametrize("criteria, expected", [("Status == \"Open\"", "2"), ("Total > 100", "2")])
def test_creator_tasks_answer_like_the_records_fixture(runtime: Runtime, criteria: str, expected: str) -> None:
    """zoho.creator.* on the forms and on a --records fixture holding the same records."""
    from cloudburst.forms.creator_tasks import CreatorTasks
    from cloudburst.records import RecordStore

    script = ('r = zoho.creator.getRecords("o", "app", "Orders", "' + criteria.replace('"', '\\"') + '", 1, 200);\n'
              'info r.get("code");\ninfo r.get("data").size();\n'
              'c = zoho.creator.createRecord("o", "app", "Orders", {"Customer": 2, "Status": "Open", "Total": 5});\n'
              'info c.get("code");\n'
              'u = zoho.creator.updateRecord("o", "app", "Orders", c.get("data").get("ID"), {"Status": "Shipped"});\n'
              'info u.get("message");\n'
              'm = zoho.creator.updateRecord("o", "app", "Orders", "123456", {"Status": "Shipped"});\n'
              'info m.get("code");\n'
              'n = zoho.creator.getRecords("o", "app", "Orders", "Status == \\"Lost\\"", 1, 200);\n'
              'info n.get("code");')
    exported = runtime.run('info Orders[ID != 0].count();').info
    assert exported == ["4"]
    from cloudburst.forms.transfer import export_records

    store = runtime.form_store()
    fixture = {"creator": {"Orders": [{k: v for k, v in r.items() if k != "Lines"}
                                      for r in export_records(store, ["Orders"])["forms"]["Orders"]]}}
    for record in fixture["creator"]["Orders"]:
        record["Total"] = None if record["Total"] is None else float(record["Total"])
    with_fixture = Runtime(network=False)
    RecordStore(fixture).install(with_fixture)
    CreatorTasks(store).install(runtime)
    expected_lines = with_fixture.run(script).info
    assert expected_lines[1] == expected
    assert runtime.run(script).info == expected_lines
