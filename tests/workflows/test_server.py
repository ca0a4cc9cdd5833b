"""The webhook and JSON API of ``cloudburst serve`` over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.integration

GREET = 'string greet(string name)\n{\n  info "greeting " + name;\n  return "Hello " + name;\n}\n'
TOTAL = 'map invoice_total(list lines, decimal tax)\n{\n  total = 0;\n  for each line in lines\n  {\n    total = total + line.get("qty") * line.get("price");\n  }\n  return {"total": total, "with_tax": total * (1 + tax / 100)};\n}\n'


def execute(server: Any, name: str, key: str, **kwargs: Any) -> httpx2.Response:
    params = {"auth_type": "apikey", "zapikey": key, **kwargs.pop("params", {})}
    return httpx2.post(f"{server.url}/functions/{name}/actions/execute", params=params, timeout=30, **kwargs)


def test_webhook_answers_with_zohos_envelope(live_server: Any) -> None:
    key = live_server.deploy("greet_hook", GREET)
    answer = execute(live_server, "greet_hook", key, json={"arguments": {"name": "Ann"}})
    assert answer.status_code == 200
    body = answer.json()
    assert body["code"] == "success" and body["message"] == "function executed successfully"
    assert body["details"]["output"] == "Hello Ann" and body["details"]["output_type"] == "string"
    assert body["details"]["userMessage"] == ["greeting Ann"]
    run = live_server.workflows.runs.get(int(body["details"]["id"]))
    assert run["trigger"] == "webhook" and run["status"] == "succeeded"


def test_arguments_as_form_field_and_query(live_server: Any) -> None:
    key = live_server.deploy("total_hook", TOTAL)
    lines = [{"qty": 2, "price": 10.5}, {"qty": 1, "price": 4}]
    form = execute(live_server, "total_hook", key, data={"arguments": json.dumps({"lines": lines, "tax": 10})})
    assert form.status_code == 200, form.text
    assert form.json()["details"]["output_type"] == "map"
    assert json.loads(form.json()["details"]["output"]) == {"total": 25.0, "with_tax": 27.5}
    query = execute(live_server, "total_hook", key, params={"arguments": json.dumps({"lines": [], "tax": 0})})
    assert query.status_code == 200 and json.loads(query.json()["details"]["output"])["total"] == 0


def test_bad_calls_are_refused_and_run_nothing(live_server: Any) -> None:
    key = live_server.deploy("guarded", GREET)
    before = len(live_server.workflows.runs.find(function="guarded", limit=1000))
    wrong = execute(live_server, "guarded", "cb_not-the-key", json={"name": "x"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "INVALID_API_KEY"
    missing = httpx2.post(f"{live_server.url}/functions/guarded/actions/execute", json={"name": "x"})
    assert missing.status_code == 401
    other = live_server.deploy("other_fn", GREET)
    assert execute(live_server, "guarded", other, json={"name": "x"}).status_code == 401
    unknown = execute(live_server, "no_such_function", key, json={"name": "x"})
    assert unknown.status_code == 404 and "no_such_function" in unknown.json()["message"]
    big = execute(live_server, "guarded", key, content=b'{"name": "' + b"x" * 70_000 + b'"}',
                  headers={"content-type": "application/json"})
    assert big.status_code == 413 and big.json()["code"] == "REQUEST_TOO_LARGE"
    broken = execute(live_server, "guarded", key, content=b'{"name": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["message"]
    not_object = execute(live_server, "guarded", key, json=["Ann"])
    assert not_object.status_code == 400 and "JSON object" in not_object.json()["message"]
    typed = live_server.deploy("typed_fn", TOTAL)
    wrong_type = execute(live_server, "typed_fn", typed, json={"lines": "three", "tax": 1})
    assert wrong_type.status_code == 400 and "argument 'lines'" in wrong_type.json()["message"]
    assert len(live_server.workflows.runs.find(function="guarded", limit=1000)) == before
    assert live_server.workflows.runs.find(function="typed_fn") == []


def test_a_failing_function_reports_its_error_position(live_server: Any) -> None:
    key = live_server.deploy("divide", 'int divide(int a, int b)\n{\n  info "dividing";\n  return a / b;\n}\n')
    answer = execute(live_server, "divide", key, json={"a": 1, "b": 0})
    assert answer.status_code == 500
    body = answer.json()
    assert body["code"] == "failure" and body["details"]["userMessage"] == ["dividing"]
    assert body["details"]["error"]["line"] == 4 and "zero" in body["details"]["error"]["message"]


def test_async_mode_and_polling_the_run(live_server: Any) -> None:
    key = live_server.deploy("slowish", GREET)
    answer = execute(live_server, "slowish", key, json={"name": "Eve"}, params={"mode": "async"})
    assert answer.status_code == 202
    run_id = answer.json()["details"]["id"]
    assert answer.headers["location"] == f"/runs/{run_id}"
    deadline = time.monotonic() + 20
    while True:
        polled = httpx2.get(f"{live_server.url}/runs/{run_id}", params={"zapikey": key})
        assert polled.status_code == 200
        if polled.json()["status"] == "succeeded" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert polled.json()["result"] == "Hello Eve" and polled.json()["info"] == ["greeting Eve"]
    other = live_server.deploy("not_yours", GREET)
    assert httpx2.get(f"{live_server.url}/runs/{run_id}", params={"zapikey": other}).status_code == 401
    assert httpx2.get(f"{live_server.url}/runs/999999").status_code == 404


def test_revoked_and_rotated_keys(live_server: Any) -> None:
    live_server.workflows.functions.deploy(GREET, "rot.dg", "rot")
    hook, key = live_server.workflows.webhooks.create("rot")
    assert execute(live_server, "rot", key, json={"name": "a"}).status_code == 200
    _, fresh = live_server.workflows.webhooks.rotate(hook["id"])
    assert execute(live_server, "rot", key, json={"name": "a"}).status_code == 401
    assert execute(live_server, "rot", fresh, json={"name": "a"}).status_code == 200
    live_server.workflows.webhooks.revoke(hook["id"])
    assert execute(live_server, "rot", fresh, json={"name": "a"}).status_code == 401
    listed = [h for h in live_server.workflows.webhooks.all("rot")]
    assert listed[0]["key"] == "••••" + fresh[-4:] and listed[0]["revoked"] is True
    assert fresh not in json.dumps(listed) and key not in json.dumps(listed)


def test_json_api_needs_the_admin_token(live_server: Any) -> None:
    live_server.workflows.functions.deploy(GREET, "api.dg", "api_fn")
    api, admin = f"{live_server.url}/api", live_server.admin
    assert httpx2.get(f"{api}/functions").status_code == 401
    assert httpx2.get(f"{api}/functions", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx2.post(f"{api}/functions/api_fn/runs", json={"name": "Zed"}).status_code == 401
    started = httpx2.post(f"{api}/functions/api_fn/runs", json={"name": "Zed"}, headers=admin)
    assert started.status_code == 202 and started.json()["status"] in ("queued", "running", "succeeded")
    names = [f["name"] for f in httpx2.get(f"{api}/functions", headers=admin).json()["functions"]]
    assert "api_fn" in names
    assert httpx2.get(f"{api}/functions/nope", headers=admin).status_code == 404
    assert httpx2.post(f"{api}/functions/api_fn/runs", json={"nom": "x"}, headers=admin).status_code == 400
    runs = httpx2.get(f"{api}/runs", params={"function": "api_fn"}, headers=admin).json()["runs"]
    assert runs and runs[0]["function"] == "api_fn"
    assert httpx2.get(f"{live_server.url}/runs/{runs[0]['id']}", headers=admin).status_code == 200
    assert httpx2.get(f"{api}/runs", params={"status": "sleeping"}, headers=admin).status_code == 400
    assert httpx2.get(f"{live_server.url}/nowhere").status_code == 404
