"""zoho.crm write tasks: request bodies as Zoho documents them, answers in Deluge's shapes."""

from __future__ import annotations

import json

import pytest

from cloudburst.errors import DelugeRuntimeError

LEAD = "5550000000100001"


def body(zoho):
    return json.loads(zoho.state.log[-1].body)


def test_create_record_returns_id_and_times_and_sends_no_trigger(run, zoho):
    resp = run('return zoho.crm.createRecord("Leads", {"Last_Name": "Stewart", "Company": "Zylker"});')
    assert set(resp) == {"id", "Created_Time", "Modified_Time", "Created_By", "Modified_By"}
    assert resp["id"].isdigit() and len(resp["id"]) == 16
    sent = body(zoho)
    assert sent == {"data": [{"Last_Name": "Stewart", "Company": "Zylker"}], "trigger": []}
    assert zoho.state.crm["Leads"][-1]["Company"] == "Zylker"


def test_create_record_trigger_option_and_decimal_exactness(run, zoho):
    run('return zoho.crm.v8.createRecord("Deals", {"Deal_Name": "Big", "Amount": 1234567.89}, {"trigger": ["workflow"]});')
    assert zoho.state.log[-1].path == "/crm/v8/Deals"
    assert zoho.state.log[-1].body == b'{"data":[{"Deal_Name":"Big","Amount":1234567.89}],"trigger":["workflow"]}'


def test_create_record_missing_mandatory_field_returns_the_error_map(run):
    resp = run('return zoho.crm.createRecord("Leads", {"Company": "NoName"});')
    assert resp == {"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "Last_Name"},
                    "message": "required field not found", "status": "error"}


def test_create_record_wrong_arguments(runtime, zoho):
    with pytest.raises(DelugeRuntimeError, match=r"argument 2 \(data\) must be KEY-VALUE, got TEXT"):
        runtime.run('x = zoho.crm.createRecord("Leads", "Last_Name=Doe");')
    with pytest.raises(DelugeRuntimeError, match="trigger"):
        runtime.run('x = zoho.crm.createRecord("Leads", {"Last_Name": "A"}, {"trigger": 5});')


def test_update_record_puts_to_the_record_and_returns_details(run, zoho):
    resp = run(f'return zoho.crm.updateRecord("Leads", {LEAD}, {{"Lead_Source": "Partner"}});')
    assert resp["id"] == LEAD and "Modified_Time" in resp
    assert zoho.state.log[-1].method == "PUT" and zoho.state.log[-1].path == f"/crm/v2/Leads/{LEAD}"
    assert zoho.state.crm["Leads"][0]["Lead_Source"] == "Partner"


def test_update_record_unknown_id_returns_invalid_data(run):
    resp = run('return zoho.crm.v8.updateRecord("Leads", 5550000000999999, {"Lead_Source": "X"});')
    assert resp["code"] == "INVALID_DATA" and resp["details"] == {"id": "5550000000999999"}


def test_upsert_inserts_then_updates_on_the_duplicate_check_field(run, zoho):
    first = run('return zoho.crm.upsert("Leads", {"Last_Name": "New", "Email": "new@example.com"});')
    again = run('return zoho.crm.upsert("Leads", {"Last_Name": "Newer", "Email": "new@example.com"}, '
                '{"duplicate_check_fields": ["Email"]});')
    assert first["id"] == again["id"]
    assert body(zoho)["duplicate_check_fields"] == ["Email"]
    assert zoho.state.log[-1].path == "/crm/v2/Leads/upsert"
    assert [r["Last_Name"] for r in zoho.state.crm["Leads"] if r.get("Email") == "new@example.com"] == ["Newer"]


def test_bulk_create_returns_zohos_answer_per_record(run, zoho):
    resp = run('rows = List(); rows.add({"Last_Name": "A"}); rows.add({"Company": "no name"});'
               'return zoho.crm.bulkCreate("Leads", rows);')
    assert [i["status"] for i in resp["data"]] == ["success", "error"]
    assert resp["data"][0]["details"]["id"].isdigit()


def test_bulk_create_over_100_is_refused_before_sending(runtime, zoho):
    before = len(zoho.state.log)
    with pytest.raises(DelugeRuntimeError, match="at most 100 records"):
        runtime.run('rows = List(); for each i in leftpad("", 101).toList("") { rows.add({"Last_Name": "x"}); }'
                    'r = zoho.crm.bulkCreate("Leads", rows);')
    assert len(zoho.state.log) == before


def test_bulk_update_needs_ids_and_updates(run, runtime, zoho):
    resp = run(f'return zoho.crm.bulkUpdate("Leads", [{{"id": "{LEAD}", "Lead_Source": "Ads"}}]);')
    assert resp["data"][0]["code"] == "SUCCESS"
    assert zoho.state.log[-1].method == "PUT" and zoho.state.log[-1].path == "/crm/v2/Leads"
    with pytest.raises(DelugeRuntimeError, match='record 1 has no "id"'):
        runtime.run('r = zoho.crm.bulkUpdate("Leads", [{"Lead_Source": "Ads"}]);')


def test_update_related_record_and_delete(run, zoho):
    resp = run(f'return zoho.crm.updateRelatedRecord("Campaigns", 5550000000400001, "Leads", {LEAD}, '
               '{"Member_Status": "Active"});')
    assert resp["status"] == "success" and resp["details"]["id"] == "5550000000400001"
    assert zoho.state.log[-1].path == f"/crm/v2/Leads/{LEAD}/Campaigns/5550000000400001"
    assert json.loads(zoho.state.log[-1].body) == {"data": [{"Member_Status": "Active"}]}
    gone = run(f'return zoho.crm.deleteRecord("Leads", {LEAD});')
    assert gone["details"]["id"] == LEAD and gone["status"] == "success"
    assert zoho.state.log[-1].query == {"wf_trigger": ["false"]}
    again = run(f'return zoho.crm.deleteRecord("Leads", {LEAD});')
    assert again["code"] == "INVALID_DATA"


def test_convert_lead_returns_new_ids_in_both_versions(run, zoho):
    v2 = run(f'return zoho.crm.convertLead({LEAD}, {{"Deals": {{"Deal_Name": "From lead"}}}});')
    assert set(v2) == {"Contacts", "Deals", "Accounts"} and v2["Deals"] is not None
    assert zoho.state.log[-1].path == f"/crm/v2/Leads/{LEAD}/actions/convert"
    v8 = run('return zoho.crm.v8.convertLead(5550000000100002);')
    assert v8["Contacts"].isdigit() and v8["Deals"] is None
    missing = run('return zoho.crm.convertLead(5550000000999999, Map());')
    assert missing["code"] == "INVALID_DATA"


def test_attach_file_uploads_multipart_file(runtime, zoho):
    from cloudburst.values import DelugeFile

    result = runtime.run(f'return zoho.crm.attachFile("Leads", {LEAD}, doc);',
                         {"doc": DelugeFile("quote.pdf", b"%PDF-1.4 data", "application/pdf")}).python_value()
    assert result["status"] == "success" and result["message"] == "attachment uploaded successfully"
    sent = zoho.state.log[-1]
    assert sent.path == f"/crm/v2/Leads/{LEAD}/Attachments"
    assert b'name="file"; filename="quote.pdf"' in sent.body and b"%PDF-1.4 data" in sent.body
    with pytest.raises(DelugeRuntimeError, match=r"argument 3 \(file\) must be FILE"):
        runtime.run(f'x = zoho.crm.attachFile("Leads", {LEAD}, "quote.pdf");')
