"""Deployed functions, their versions and the run records, through the local worker pool."""

from __future__ import annotations

from typing import Any

import pytest

from cloudburst.errors import DelugeSyntaxError
from cloudburst.workflows.errors import InvalidRequest, NotFound
from cloudburst.workflows.executor import LocalExecutor

GREET = """string greet(string name)
{
    info "greeting " + name;
    return "Hello " + name;
}
"""

DISCOUNT = """map discount(decimal amount, int percent)
{
    result = Map();
    result.put("amount", amount);
    result.put("discounted", amount - amount * percent / 100);
    if(percent > 50)
    {
        info 1 / 0;
    }
    return result;
}
"""


def run_all(wf: Any, *run_ids: int) -> list[dict[str, Any]]:
    pool = LocalExecutor(wf, workers=2)
    pool.start()
    try:
        for run_id in run_ids:
            pool.submit(run_id)
        assert pool.wait_idle(30)
    finally:
        pool.shutdown(5)
    return [wf.runs.get(r) for r in run_ids]


def test_deploy_run_and_record(wf: Any) -> None:
    deployed = wf.functions.deploy(GREET, "greet.dg", "greet")
    assert deployed == {"name": "greet", "version": 1, "parameters": [["name", "string"]], "warnings": []}
    run_id = wf.request_run("greet", {"name": "Ann"})
    [run] = run_all(wf, run_id)
    assert run["status"] == "succeeded"
    assert run["function"] == "greet" and run["version"] == 1 and run["trigger"] == "manual"
    assert run["info"] == ["greeting Ann"]
    assert run["result"] == "Hello Ann" and run["output_type"] == "string"
    assert run["statements"] >= 2 and run["attempts"] == 1 and run["error"] is None


def test_a_failing_check_refuses_the_deploy(wf: Any) -> None:
    with pytest.raises(DelugeSyntaxError) as caught:
        wf.functions.deploy('x = 1;\ninfo x +;\n', "broken.dg", "broken")
    assert caught.value.span is not None and caught.value.span.line == 2
    assert wf.functions.all() == []


def test_versions_and_rollback(wf: Any) -> None:
    wf.functions.deploy('return "one";', "v.dg", "v")
    wf.functions.deploy('return "two";', "v.dg", "v")
    assert [v["version"] for v in wf.functions.versions("v")] == [1, 2]
    assert wf.functions.show("v")["version"] == 2
    assert wf.functions.rollback("v") == 1
    [run] = run_all(wf, wf.request_run("v", {}))
    assert run["result"] == "one" and run["version"] == 1
    with pytest.raises(InvalidRequest):
        wf.functions.rollback("v")
    wf.functions.delete("v")
    with pytest.raises(NotFound):
        wf.functions.show("v")
    assert wf.runs.get(run["id"])["function"] == "v"  # the history outlives the function


def test_typed_arguments_are_checked_before_anything_is_queued(wf: Any) -> None:
    wf.functions.deploy(DISCOUNT, "discount.dg", "discount")
    with pytest.raises(InvalidRequest, match="argument 'percent'"):
        wf.request_run("discount", {"amount": 100, "percent": "ten"})
    with pytest.raises(InvalidRequest, match="missing argument: percent"):
        wf.request_run("discount", {"amount": 100})
    with pytest.raises(InvalidRequest, match="unknown argument 'percnt'"):
        wf.request_run("discount", {"amount": 100, "percent": 5, "percnt": 5})
    assert wf.runs.find() == []
    ok, failed = run_all(wf, wf.request_run("discount", {"amount": 80.5, "percent": "10"}),
                         wf.request_run("discount", {"amount": 10, "percent": 60}))
    assert ok["status"] == "succeeded" and ok["output_type"] == "map"
    assert ok["result"]["amount"] == 80.5
    assert failed["status"] == "failed"
    assert "zero" in failed["error"]["message"] and failed["error"]["line"] == 8


def test_statement_limit_and_secret_inputs_masked(wf: Any) -> None:
    wf.functions.deploy('n = 0;\nfor each i in leftpad("", 9000).toList("")\n{\n  n = n + 1;\n}', "spin.dg", "spin")
    [spun] = run_all(wf, wf.request_run("spin", {}))
    assert spun["status"] == "failed" and "5000 statements" in spun["error"]["message"]
    wf.functions.deploy('info "calling with " + api_token.length();\nreturn "ok";', "tok.dg", "tok")
    [run] = run_all(wf, wf.request_run("tok", {"api_token": "s3cr3t-value"}))
    assert run["inputs"] == {"api_token": "••••"}
    assert run["status"] == "succeeded"


def test_cancel_retry_and_prune(wf: Any, clock: Any) -> None:
    wf.functions.deploy(GREET, "greet.dg", "greet")
    queued = wf.request_run("greet", {"name": "Bo"})
    assert wf.runs.cancel(queued) == "cancelled"
    [run] = run_all(wf, queued)
    assert run["status"] == "cancelled" and run["started_at"] is None
    retry = wf.retry(queued)
    [again] = run_all(wf, retry)
    assert again["trigger"] == "retry" and again["retry_of"] == queued and again["status"] == "succeeded"
    with pytest.raises(InvalidRequest, match="already ended"):
        wf.runs.cancel(retry)
    clock.advance(days=31)
    assert wf.runs.prune(__import__("datetime").timedelta(days=30)) == 2
    assert wf.runs.find() == []


def test_a_run_claimed_twice_runs_once(wf: Any) -> None:
    wf.functions.deploy(GREET, "greet.dg", "greet")
    run_id = wf.request_run("greet", {"name": "Cy"})
    assert wf.runs.claim(run_id, "w1") is not None
    assert wf.runs.claim(run_id, "w2") is None


def test_lost_worker_runs_are_requeued_or_failed_with_a_note(wf: Any, clock: Any) -> None:
    wf.functions.deploy(GREET, "greet.dg", "greet")
    first, second = wf.request_run("greet", {"name": "A"}), wf.request_run("greet", {"name": "B"})
    wf.runs.claim(first, "dead-worker")
    wf.runs.claim(second, "dead-worker")
    clock.advance(seconds=120)
    assert wf.runs.recover_lost(30, "requeue") == [first, second]
    run = wf.runs.get(first)
    assert run["status"] == "queued" and "stopped during attempt 1; re-queued" in run["notes"][0]["note"]
    done, also = run_all(wf, first, second)  # a starting pool also takes up what the store holds queued
    assert done["status"] == also["status"] == "succeeded" and done["attempts"] == 2
    third = wf.request_run("greet", {"name": "C"})
    wf.runs.claim(third, "dead-again")
    clock.advance(seconds=120)
    assert wf.runs.recover_lost(30, "fail") == []
    lost = wf.runs.get(third)
    assert lost["status"] == "failed" and "the run was lost" in lost["error"]["message"]


def test_on_failure_handler_receives_the_failed_run(wf: Any) -> None:
    wf.functions.deploy('void alert(map run)\n{\n  info "run " + run.get("id") + " failed: " + run.get("error").get("message");\n}',
                        "alert.dg", "alert")
    wf.functions.deploy('int risky(int n)\n{\n  return 10 / n;\n}', "risky.dg", "risky", on_failure="alert")
    failed_id = wf.request_run("risky", {"n": 0})
    run_all(wf, failed_id)
    handler = [r for r in wf.runs.find(function="alert")]
    assert len(handler) == 1 and handler[0]["trigger"] == "failure" and handler[0]["retry_of"] == failed_id
    pool_runs = run_all(wf, handler[0]["id"])
    assert pool_runs[0]["status"] == "succeeded"
    assert pool_runs[0]["info"][0].startswith(f"run {failed_id} failed: ")


def test_each_invokeurl_is_recorded_without_credentials(wf: Any, echo_server: Any) -> None:
    base = echo_server.url_for("/")
    wf.functions.deploy(f'''resp = invokeurl
[
  url: "{base}orders?api_key=k-123"
  type: POST
  parameters: {{"id": 7}}
];
info resp.get("method");
missing = invokeurl
[
  url: "{base}status/404"
  type: GET
  detailed: true
];
info missing.get("responseCode");
return "done";''', "sync.dg", "sync")
    [run] = run_all(wf, wf.request_run("sync", {}))
    assert run["status"] == "succeeded" and run["info"] == ["POST", "404"]
    first, second = run["http_calls"]
    assert first["method"] == "POST" and first["host"] == "127.0.0.1" and first["status"] == 200
    assert second["method"] == "GET" and second["status"] == 404 and second["connection"] is None
    assert first["latency_ms"] > 0
    assert "k-123" not in str(run["http_calls"]) and "orders" not in str(run["http_calls"])


def test_cancelling_a_running_run_stops_it(wf: Any, echo_server: Any) -> None:
    import time

    wf.functions.deploy(f'info "asking";\nresp = invokeurl\n[\n  url: "{echo_server.url_for("/slow/5")}"\n  type: GET\n];\n'
                        'info "answered";', "wait.dg", "wait")
    pool = LocalExecutor(wf, workers=1)
    pool.start()
    try:
        run_id = wf.request_run("wait", {})
        pool.submit(run_id)
        deadline = time.monotonic() + 20
        while wf.runs.get(run_id)["status"] != "running" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert wf.runs.cancel(run_id) == "running"  # asked; the worker stops it at its next heartbeat
        assert pool.wait_idle(10)
    finally:
        pool.shutdown(5)
    run = wf.runs.get(run_id)
    assert run["status"] == "cancelled" and run["info"] == ["asking"]
    assert [n["note"] for n in run["notes"]] == ["cancellation asked for"]
