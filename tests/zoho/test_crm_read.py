"""zoho.crm read tasks against the contract fake, through a real connection and OAuth."""

from __future__ import annotations

import pytest

from cloudburst.errors import DelugeRuntimeError

LEAD = "5550000000100001"


def test_get_record_by_id_returns_the_record_map(run, zoho):
    rec = run(f'return zoho.crm.getRecordById("Leads", {LEAD});')
    assert rec["Last_Name"] == "Doe" and rec["id"] == LEAD
    sent = zoho.state.log[-1]
    assert sent.path == f"/crm/v2/Leads/{LEAD}"
    assert sent.headers["Authorization"].startswith("Zoho-oauthtoken 1000.")


def test_get_record_by_id_unknown_id_is_an_empty_map(run):
    assert run('r = zoho.crm.getRecordById("Leads", "5550000000999999"); return r.isEmpty();') is True


def test_get_record_by_id_v8_passes_the_query_map(run, zoho):
    rec = run(f'return zoho.crm.v8.getRecordById("Leads", {LEAD}, {{"fields": "Last_Name,Email"}});')
    assert rec == {"id": LEAD, "Last_Name": "Doe", "Email": "jane@example.com"}
    assert zoho.state.log[-1].path == f"/crm/v8/Leads/{LEAD}"


def test_get_record_by_id_wrong_module_returns_zoho_error_map(run):
    rec = run(f'return zoho.crm.getRecordById("Leds", {LEAD});')
    assert rec["code"] == "INVALID_MODULE" and rec["status"] == "error"


@pytest.mark.parametrize("call, message", [
    ('zoho.crm.getRecordById("Leads", "abc")', "argument 2 (id) must be a record id"),
    ('zoho.crm.getRecordById("Leads")', "missing argument id"),
    ('zoho.crm.getRecordById(123, 1)', "argument 1 (module) must be TEXT"),
    ('zoho.crm.getRecordById("Leads", 1, {}, "c", 5)', "takes at most 4 arguments"),
    ('zoho.crm.getRecords("Leads", 1, 500)', "per_page may be at most 200"),
    ('zoho.crm.getRecords("Leads", 0)', "argument 2 (page) must be a positive NUMBER"),
])
def test_wrong_arguments_are_clear_errors_sending_nothing(runtime, zoho, call, message):
    before = len(zoho.state.log)
    with pytest.raises(DelugeRuntimeError) as err:
        runtime.run(f"x = {call};", name="job.dg")
    assert message in err.value.message
    assert str(err.value).startswith("job.dg:1:")
    assert len(zoho.state.log) == before


def test_get_records_returns_a_list_of_maps_and_pages(run, zoho):
    first = run('return zoho.crm.getRecords("Leads", 1, 2);')
    second = run('return zoho.crm.getRecords("Leads", 2, 2);')
    assert [r["Last_Name"] for r in first] == ["Doe", "Roe"]
    assert [r["Last_Name"] for r in second] == ["Dane"]
    assert zoho.state.log[-1].query == {"page": ["2"], "per_page": ["2"]}


def test_get_records_past_the_end_is_an_empty_list(run):
    assert run('return zoho.crm.getRecords("Leads", 5, 200);') == []


def test_get_records_query_map_sorts(run, zoho):
    rows = run('return zoho.crm.getRecords("Leads", 1, 200, {"sort_by": "Last_Name", "sort_order": "desc"});')
    assert [r["Last_Name"] for r in rows] == ["Roe", "Doe", "Dane"]


def test_get_records_v8_without_fields_returns_zohos_error_and_with_fields_works(run):
    err = run('return zoho.crm.v8.getRecords("Leads");')
    assert err["code"] == "REQUIRED_PARAM_MISSING" and err["details"]["param"] == "fields"
    rows = run('return zoho.crm.v8.getRecords("Leads", 1, 200, {"fields": "Last_Name"});')
    assert rows[0] == {"id": "5550000000100001", "Last_Name": "Doe"}


def test_connection_argument_is_accepted_in_last_place(run, zoho):
    rows = run('return zoho.crm.getRecords("Leads", 1, 200, Map(), "my_crm");')
    assert len(rows) == 3
    rec = run(f'return zoho.crm.getRecordById("Leads", {LEAD}, "my_crm");')
    assert rec["id"] == LEAD


def test_search_records_sends_zoho_criteria_and_returns_matches(run, zoho):
    rows = run('return zoho.crm.searchRecords("Leads", "((Lead_Source:equals:Web)and(Last_Name:starts_with:D))");')
    assert sorted(r["Last_Name"] for r in rows) == ["Dane", "Doe"]
    sent = zoho.state.log[-1]
    assert sent.path == "/crm/v2/Leads/search"
    assert sent.query["criteria"] == ["((Lead_Source:equals:Web)and(Last_Name:starts_with:D))"]


def test_search_records_no_match_is_an_empty_list_and_pages(run):
    assert run('return zoho.crm.searchRecords("Leads", "(Email:equals:nobody@example.com)");') == []
    page2 = run('return zoho.crm.v8.searchRecords("Leads", "(Lead_Source:equals:Web)", 2, 1);')
    assert [r["Last_Name"] for r in page2] == ["Dane"]


def test_search_records_bad_criteria_is_refused_before_sending(runtime, zoho):
    before = len(zoho.state.log)
    with pytest.raises(DelugeRuntimeError, match="criteria"):
        runtime.run('x = zoho.crm.searchRecords("Leads", "Last_Name = Doe");')
    with pytest.raises(DelugeRuntimeError, match="at most 10 conditions"):
        runtime.run('x = zoho.crm.searchRecords("Leads", "' + "and".join(["(A:equals:1)"] * 11) + '");')
    assert len(zoho.state.log) == before


def test_get_related_records_lists_the_related_list(run, zoho):
    notes = run(f'return zoho.crm.getRelatedRecords("Notes", "Leads", {LEAD});')
    assert [n["Note_Title"] for n in notes] == ["Call", "Mail"]
    assert zoho.state.log[-1].path == f"/crm/v2/Leads/{LEAD}/Notes"
    assert run(f'return zoho.crm.getRelatedRecords("Notes", "Leads", {LEAD}, 2, 1);')[0]["Note_Title"] == "Mail"
    assert run('return zoho.crm.getRelatedRecords("Notes", "Leads", 5550000000100002);') == []
    bad = run(f'return zoho.crm.getRelatedRecords("Nope", "Leads", {LEAD});')
    assert bad["code"] == "INVALID_DATA"
