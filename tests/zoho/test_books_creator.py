"""zoho.books and zoho.creator tasks: Zoho's whole answers, paths and parameters."""

from __future__ import annotations

import json

import pytest

from cloudburst.errors import DelugeRuntimeError

ORG = "60001234"


def test_books_get_records_lists_with_search_map_and_text(run, zoho):
    resp = run(f'return zoho.books.getRecords("Contacts", "{ORG}");')
    assert resp["code"] == 0 and [c["contact_name"] for c in resp["contacts"]] == ["Acme", "Bolt"]
    assert resp["page_context"]["has_more_page"] is False
    assert zoho.state.log[-1].path == "/books/v3/contacts"
    assert zoho.state.log[-1].query["organization_id"] == [ORG]
    found = run(f'return zoho.books.getRecords("Contacts", "{ORG}", {{"contact_name": "Bo"}});')
    assert [c["contact_name"] for c in found["contacts"]] == ["Bolt"]
    text = run(f'return zoho.books.getRecords("Contacts", {ORG}, "contact_name=Ac&page=1");')
    assert [c["contact_name"] for c in text["contacts"]] == ["Acme"]
    none = run(f'return zoho.books.getRecords("Contacts", "{ORG}", {{"contact_name": "Zed"}});')
    assert none["contacts"] == []


def test_books_get_create_update_by_id(run, zoho):
    one = run(f'return zoho.books.getRecordsByID("Contacts", "{ORG}", "460000000026049");')
    assert one["contact"]["contact_name"] == "Acme"
    made = run(f'return zoho.books.createRecord("Contacts", "{ORG}", {{"contact_name": "Cog"}}, "my_crm");')
    assert made["code"] == 0 and made["contact"]["contact_id"].isdigit()
    assert json.loads(zoho.state.log[-1].body) == {"contact_name": "Cog"}
    new_id = made["contact"]["contact_id"]
    upd = run(f'return zoho.books.updateRecord("Contacts", "{ORG}", "{new_id}", {{"email": "x@cog.test"}});')
    assert upd["contact"]["email"] == "x@cog.test" and zoho.state.log[-1].method == "PUT"


def test_books_errors_are_maps_and_bad_arguments_raise(run, runtime):
    missing = run(f'return zoho.books.getRecordsByID("Contacts", "{ORG}", "1");')
    assert missing == {"code": 1002, "message": "Contact does not exist."}
    with pytest.raises(DelugeRuntimeError, match=r"argument 2 \(org_id\) must be a record id"):
        runtime.run('x = zoho.books.getRecords("Contacts", "my org");')
    with pytest.raises(DelugeRuntimeError, match=r"argument 3 \(data\) must be KEY-VALUE"):
        runtime.run(f'x = zoho.books.createRecord("Contacts", "{ORG}", [1, 2]);')


def test_creator_get_records_with_criteria_and_paging(run, zoho):
    resp = run('return zoho.creator.getRecords("jane", "orders", "All_Orders", "Status == \\"Open\\"");')
    assert resp["code"] == 3000 and [r["ID"] for r in resp["data"]] == ["3891000000012345678"]
    sent = zoho.state.log[-1]
    assert sent.path == "/creator/v2.1/data/jane/orders/report/All_Orders"
    assert sent.query["criteria"] == ['Status == "Open"'] and sent.query["limit"] == ["200"]
    page2 = run('return zoho.creator.getRecords("jane", "orders", "All_Orders", "", 2, 1);')
    assert [r["Status"] for r in page2["data"]] == ["Closed"]
    assert zoho.state.log[-1].query["from"] == ["2"]
    none = run('return zoho.creator.getRecords("jane", "orders", "All_Orders", "Status == \\"Lost\\"");')
    assert none["code"] == 9280


def test_creator_create_update_get_by_id(run, zoho):
    made = run('return zoho.creator.createRecord("jane", "orders", "Order", {"Status": "Open", "Total": 5});')
    assert made["code"] == 3000 and made["message"] == "Data Added Successfully"
    assert zoho.state.log[-1].path == "/creator/v2.1/data/jane/orders/form/Order"
    assert json.loads(zoho.state.log[-1].body) == {"data": {"Status": "Open", "Total": 5}}
    upd = run('return zoho.creator.updateRecord("jane", "orders", "All_Orders", "3891000000012345678", '
              '{"Status": "Shipped"});')
    assert upd["code"] == 3000 and zoho.state.log[-1].method == "PATCH"
    got = run('return zoho.creator.getRecordById("jane", "orders", "All_Orders", 3891000000012345678);')
    assert got["data"]["Status"] == "Shipped"
    missing = run('return zoho.creator.getRecordById("jane", "orders", "All_Orders", 1);')
    assert missing["code"] == 3100


def test_creator_wrong_arguments(runtime):
    with pytest.raises(DelugeRuntimeError, match=r"argument 3 \(report\) must be TEXT"):
        runtime.run('x = zoho.creator.getRecords("jane", "orders", 5);')
    with pytest.raises(DelugeRuntimeError, match="page_size may be at most 1000"):
        runtime.run('x = zoho.creator.getRecords("jane", "orders", "All", "", 1, 5000);')


def test_creator_create_many_and_v2_1_tasks(run, runtime, zoho):
    many = run('return zoho.creator.createRecord("jane", "orders", "Order", [{"Status": "A"}, {"Status": "B"}], Map());')
    assert [r["code"] for r in many["result"]] == [3000, 3000]
    got = run('return zoho.creator.v2_1.getRecords("jane", "orders", "Order", '
              '{"criteria": "Status == \\"A\\"", "field_config": "all"}, "my_crm");')
    assert got["code"] == 3000 and [r["Status"] for r in got["data"]] == ["A"]
    assert zoho.state.log[-1].query["field_config"] == ["all"]
    one = run('return zoho.creator.v2_1.getRecordById("jane", "orders", "All_Orders", "3891000000012345678", Map());')
    assert one["data"]["Status"] == "Open"
    made = run('return zoho.creator.v2_1.createRecords("jane", "orders", "Order", [{"Status": "C"}], '
               '{"result": {"fields": ["Status"]}});')
    assert made["result"][0]["code"] == 3000
    assert json.loads(zoho.state.log[-1].body) == {"data": [{"Status": "C"}], "result": {"fields": ["Status"]}}
    with pytest.raises(DelugeRuntimeError, match="KEY-VALUE or a LIST of KEY-VALUE"):
        runtime.run('x = zoho.creator.createRecord("jane", "orders", "Order", [1, 2]);')
