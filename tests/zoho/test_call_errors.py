"""Zoho's answers about the call itself: invalid tokens, missing scopes, rate limits."""

from __future__ import annotations

import pytest

from cloudburst.errors import DelugeRuntimeError, TimeoutLimitError
from cloudburst.execution import Limits
from cloudburst.zoho import ZohoProvider
from cloudburst.zoho.live import RetryPolicy
from cloudburst.zoho.setup import authorize_with_grant_code, create_zoho_connector

LEAD = "5550000000100001"


def test_invalid_token_is_refreshed_once_and_the_call_repeated(run, zoho):
    zoho.state.expire_all()
    calls_before = len(zoho.state.token_calls)
    rec = run(f'return zoho.crm.getRecordById("Leads", {LEAD});')
    assert rec["Last_Name"] == "Doe"
    refreshes = [c for c in zoho.state.token_calls[calls_before:] if c["grant_type"] == "refresh_token"]
    assert len(refreshes) == 1
    assert zoho.provider.calls == 1  # Zoho counts the task execution, not the retry


def test_a_token_refused_even_after_refresh_is_an_error_naming_the_connection(runtime, zoho):
    zoho.state.fail_next(401, {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token",
                               "status": "error"}, times=2)
    with pytest.raises(DelugeRuntimeError, match="refused connection 'my_crm' .*INVALID_TOKEN.* authorize it again"):
        runtime.run(f'x = zoho.crm.getRecordById("Leads", {LEAD});')


def test_scope_mismatch_names_the_missing_scope(runtime, zoho, store, table):
    create_zoho_connector(store, "Zoho leads only", link_name="zoho_ro", dc="eu", apps=[],
                          extra_scopes=["ZohoCRM.modules.leads.READ"], client_id=zoho.state.client_id,
                          client_secret=zoho.state.client_secret, table=table)
    store.create_connection("zoho_ro", "Read only", link_name="crm_ro")
    authorize_with_grant_code(store, "crm_ro", zoho.state.issue_code(["ZohoCRM.modules.leads.READ"]))
    provider = ZohoProvider.live(runtime, connection_for={"crm": "crm_ro"}, table=table)
    provider.install(runtime)
    try:
        assert runtime.run(f'return zoho.crm.getRecordById("Leads", {LEAD});').python_value()["id"] == LEAD
        with pytest.raises(DelugeRuntimeError) as err:
            runtime.run('x = zoho.crm.createRecord("Leads", {"Last_Name": "A"});')
        assert "OAUTH_SCOPE_MISMATCH" in err.value.message
        assert "ZohoCRM.modules.leads.CREATE or ZohoCRM.modules.leads.ALL or ZohoCRM.modules.ALL" in err.value.message
        with pytest.raises(DelugeRuntimeError, match="ZohoSearch.securesearch.READ"):
            runtime.run('x = zoho.crm.searchRecords("Leads", "(Last_Name:equals:Doe)");')
    finally:
        store.delete_connection("crm_ro")
        store.delete_connector("zoho_ro")


def test_rate_limit_is_waited_out(run, zoho):
    zoho.state.fail_next(429, {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "too many requests",
                               "status": "error"}, times=2, headers={"Retry-After": "0.01"})
    assert run(f'return zoho.crm.getRecordById("Leads", {LEAD});')["id"] == LEAD
    assert zoho.provider.calls == 1
    assert len([e for e in zoho.state.log if e.path.startswith("/crm/")]) == 3


def test_rate_limit_gives_up_within_the_run_budget(runtime, zoho, table):
    provider = ZohoProvider.live(runtime, connection_for={"zoho": "my_crm"}, table=table,
                                 retry=RetryPolicy(attempts=5, first_delay=5.0))
    provider.install(runtime)
    zoho.state.fail_next(429, {"code": "TOO_MANY_REQUESTS", "message": "too many requests", "status": "error"})
    with pytest.raises(DelugeRuntimeError, match="rate limit .*time budget ends first") as err:
        runtime.run(f'x = zoho.crm.getRecordById("Leads", {LEAD});', limits=Limits(timeout=2.0))
    assert not isinstance(err.value, TimeoutLimitError)
    zoho.state.faults.clear()


def test_limit_exceeded_in_data_is_returned_as_zohos_map(run, zoho):
    zoho.state.fail_next(400, {"code": "LIMIT_EXCEEDED", "details": {"limit": 100},
                               "message": "the number of records exceeds the limit", "status": "error"})
    assert run('return zoho.crm.createRecord("Leads", {"Last_Name": "A"});')["code"] == "LIMIT_EXCEEDED"


def test_a_non_json_answer_is_an_error_naming_the_status(runtime, zoho):
    zoho.state.faults.append((502, None, {}))
    with pytest.raises(DelugeRuntimeError, match="HTTP 502"):
        runtime.run('x = zoho.crm.createRecord("Leads", {"Last_Name": "A"});')


def test_no_secret_in_errors(runtime, zoho, store):
    creds = store.credentials_for("my_crm")
    zoho.state.fail_next(401, {"code": "INVALID_TOKEN", "message": creds.access_token}, times=2)
    with pytest.raises(DelugeRuntimeError) as err:
        runtime.run(f'x = zoho.crm.getRecordById("Leads", {LEAD});')
    for secret in store.credentials_for("my_crm").secret_values():
        assert secret not in str(err.value)


def test_a_revoked_grant_marks_the_connection_not_connected(runtime, zoho, store, table):
    create_zoho_connector(store, "Zoho revoked", link_name="zoho_rev", dc="eu", client_id=zoho.state.client_id,
                          client_secret=zoho.state.client_secret, table=table)
    store.create_connection("zoho_rev", "Revoked", link_name="crm_rev")
    try:
        authorize_with_grant_code(store, "crm_rev", zoho.state.issue_code(["ZohoCRM.modules.ALL"]))
        del zoho.state.refresh[store.credentials_for("crm_rev").refresh_token]  # revoked in Zoho's accounts page
        zoho.state.expire_all()
        ZohoProvider.live(runtime, connection_for={"crm": "crm_rev"}, table=table).install(runtime)
        with pytest.raises(DelugeRuntimeError, match="'crm_rev' is no longer authorized \\(invalid_code\\); reconnect"):
            runtime.run(f'x = zoho.crm.getRecordById("Leads", {LEAD});')
        assert store.get_connection("crm_rev")["status"] == "not connected"
    finally:
        store.delete_connection("crm_rev")
        store.delete_connector("zoho_rev")


def test_revoke_through_the_store_reaches_zohos_revoke_url(zoho, store, table):
    create_zoho_connector(store, "Zoho revoke", link_name="zoho_rv", dc="eu", client_id=zoho.state.client_id,
                          client_secret=zoho.state.client_secret, table=table)
    store.create_connection("zoho_rv", "Revoke me", link_name="crm_rv")
    try:
        authorize_with_grant_code(store, "crm_rv", zoho.state.issue_code(["ZohoCRM.modules.ALL"]))
        refresh = store.credentials_for("crm_rv").refresh_token
        assert refresh in zoho.state.refresh
        assert store.revoke("crm_rv") == []
        assert refresh not in zoho.state.refresh
        assert store.connection_properties("crm_rv") == {}
    finally:
        store.delete_connection("crm_rv")
        store.delete_connector("zoho_rv")
