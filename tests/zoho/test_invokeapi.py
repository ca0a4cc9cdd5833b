"""invokeapi: service and path only; the host comes from the connection's data centre."""

from __future__ import annotations

import json

import pytest

from cloudburst.errors import DelugeRuntimeError


def test_invokeapi_get_builds_the_url_from_the_connection(run, zoho):
    resp = run('return invokeapi [ service: zohocrm path: "/crm/v8/Leads" type: GET '
               'parameters: {"fields": "Last_Name", "per_page": 2} connection: "my_crm" ];')
    assert [r["Last_Name"] for r in resp["data"]] == ["Doe", "Roe"] and resp["info"]["more_records"] is True
    sent = zoho.state.log[-1]
    assert sent.path == "/crm/v8/Leads" and sent.query == {"fields": ["Last_Name"], "per_page": ["2"]}


def test_invokeapi_post_sends_a_json_body(run, zoho):
    resp = run('return invokeapi [ service: zohocrm path: "/crm/v8/Leads" type: POST '
               'body: {"data": [{"Last_Name": "Via API"}]} ];')
    assert resp["data"][0]["status"] == "success"
    assert json.loads(zoho.state.log[-1].body) == {"data": [{"Last_Name": "Via API"}]}


def test_invokeapi_empty_answer_and_errors(run, runtime, zoho):
    assert run('return invokeapi [ service: zohocrm path: "/crm/v2/Leads/5550000000999999" ];') == ""
    with pytest.raises(DelugeRuntimeError, match="'path' must start with /"):
        runtime.run('x = invokeapi [ service: zohocrm path: "https://evil.test/x" ];')
    with pytest.raises(DelugeRuntimeError, match="'service' is required"):
        runtime.run('x = invokeapi [ path: "/crm/v8/Leads" ];')
    with pytest.raises(DelugeRuntimeError, match="unknown key 'url'"):
        runtime.run('x = invokeapi [ service: zohocrm path: "/crm/v8/Leads" url: "x" ];')
