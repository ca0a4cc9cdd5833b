"""Every task: a wrong argument is a clear error before anything is sent, and Zoho's error
answers come back as maps."""

from __future__ import annotations

import pytest

from cloudburst.errors import DelugeRuntimeError

LEAD = "5550000000100001"
ORG = "60001234"


@pytest.mark.parametrize("call, message", [
    ('zoho.crm.getRecordById("Leads", 1.5)', "argument 2 (id) must be a record id"),
    ('zoho.crm.v8.getRecords("Leads", "1", 200)', "argument 2 (page) must be a positive NUMBER"),
    ('zoho.crm.searchRecords("Leads")', "missing argument criteria"),
    ('zoho.crm.createRecord("", {"Last_Name": "A"})', "argument 1 (module) must be TEXT"),
    ('zoho.crm.updateRecord("Leads", {"Last_Name": "A"})', "argument 2 (id) must be a record id"),
    ('zoho.crm.upsert("Leads", [1])', "argument 2 (data) must be KEY-VALUE"),
    ('zoho.crm.bulkCreate("Leads", {"Last_Name": "A"})', "argument 2 (records) must be LIST"),
    ('zoho.crm.bulkCreate("Leads", List())', "the list of records is empty"),
    ('zoho.crm.bulkUpdate("Leads", ["x"])', "record 1 must be KEY-VALUE"),
    ('zoho.crm.getRelatedRecords("Notes", "Leads")', "missing argument parent_id"),
    ('zoho.crm.updateRelatedRecord("Campaigns", "x", "Leads", 1)', "argument 2 (related_id) must be a record id"),
    ('zoho.crm.convertLead("lead")', "argument 1 (lead_id) must be a record id"),
    ('zoho.crm.attachFile("Leads", 1)', "missing argument file"),
    ('zoho.crm.deleteRecord("Leads", null)', "argument 2 (id) must not be null"),
    ('zoho.crm.v2.getRecords("Leads", 1, 200, Map(), 42)', "argument 5 (connection) must be TEXT"),
    ('zoho.books.getRecords("Contacts", "60001234", 5)', "argument 3 (search) must be TEXT or KEY-VALUE"),
    ('zoho.books.getRecordsByID("Contacts", "60001234")', "missing argument id"),
    ('zoho.books.updateRecord("Contacts", "60001234", "1", "x")', "argument 4 (data) must be KEY-VALUE"),
    ('zoho.creator.getRecordById("jane", "orders", "All", "x")', "argument 4 (id) must be a record id"),
    ('zoho.creator.updateRecord("jane", "orders", "All", 1, [1])', "argument 5 (data) must be KEY-VALUE"),
    ('zoho.creator.v2_1.getRecords("jane", "orders", "All", 5)', "argument 4 (configuration) must be KEY-VALUE"),
    ('zoho.creator.v2_1.createRecords("jane", "orders", "Order", {"a": 1})', "argument 4 (data) must be LIST"),
])
def test_wrong_arguments(runtime, zoho, call, message):
    before = len(zoho.state.log)
    with pytest.raises(DelugeRuntimeError) as err:
        runtime.run(f"x = {call};", name="task.dg")
    assert message in err.value.message and str(err.value).startswith("task.dg:1:")
    assert len(zoho.state.log) == before


def test_a_script_can_catch_a_wrong_argument(run):
    assert run('try { x = zoho.crm.getRecordById("Leads", "abc"); } catch (e) { return "caught: " + e; }') \
        .startswith("caught: zoho.crm.getRecordById: argument 2")


@pytest.mark.parametrize("call", [
    'zoho.crm.searchRecords("Nope", "(A:equals:1)")',
    'zoho.crm.upsert("Nope", {"A": 1})',
    'zoho.crm.updateRelatedRecord("Campaigns", 1, "Nope", 2)',
    'zoho.crm.attachFile("Leads", 5550000000999999, f)',
    'zoho.crm.v8.bulkUpdate("Leads", [{"id": "5550000000999999", "A": 1}])',
])
def test_zoho_error_answers_are_maps(runtime, zoho, call):
    from cloudburst.values import DelugeFile

    value = runtime.run(f"return {call};", {"f": DelugeFile("a.txt", b"a", "text/plain")}).python_value()
    item = value["data"][0] if "data" in value else value
    assert item["status"] == "error" and item["code"] in ("INVALID_MODULE", "INVALID_DATA")


def test_books_pages(run, zoho):
    zoho.state.books["contacts"] = [{"contact_id": str(460000000026100 + i), "contact_name": f"C{i}"}
                                    for i in range(5)]
    first = run(f'return zoho.books.getRecords("Contacts", "{ORG}", {{"page": 1, "per_page": 2}});')
    last = run(f'return zoho.books.getRecords("Contacts", "{ORG}", {{"page": 3, "per_page": 2}});')
    assert [c["contact_name"] for c in first["contacts"]] == ["C0", "C1"] and first["page_context"]["has_more_page"]
    assert [c["contact_name"] for c in last["contacts"]] == ["C4"] and not last["page_context"]["has_more_page"]
