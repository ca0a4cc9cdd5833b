"""The embedding examples run from the command line and do what their docs say."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_batch_job_demo_collects_results_and_errors() -> None:
    done = subprocess.run([sys.executable, str(EXAMPLES / "batch_job.py")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["total"], summary["succeeded"], summary["failed"]) == (5, 3, 2)
    assert {r["id"]: r["value"]["score"] for r in summary["results"]} == {1: 72, 2: 0, 5: 100}
    errors = {e["id"]: e for e in summary["errors"]}
    assert errors[3]["kind"] == "DelugeRuntimeError" and "TEXT" in errors[3]["error"]
    assert errors[4]["kind"] == "StatementLimitError"


def test_batch_job_reads_records_and_applies_per_run_limits(tmp_path: Path) -> None:
    records = tmp_path / "leads.jsonl"
    lines = [{"id": i, "email": f"u{i}@example.com", "tags": ["vip"] if i % 2 else [], "employees": i * 10}
             for i in range(40)]
    records.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(EXAMPLES / "batch_job.py"), str(records), "--workers", "8"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    assert summary["succeeded"] == 40
    expected = {r["id"]: min(100, 10 + (50 if r["id"] % 2 else 0) + r["id"]) for r in lines}
    assert {r["id"]: r["value"]["score"] for r in summary["results"]} == expected
    # A tight statement limit turns every run into a clean, per-record error.
    done = subprocess.run([sys.executable, str(EXAMPLES / "batch_job.py"), str(records), "--max-statements", "3"],
                          capture_output=True, text=True, timeout=120)
    summary = json.loads(done.stdout)
    assert done.returncode == 1 and summary["failed"] == 40
    assert {e["kind"] for e in summary["errors"]} == {"StatementLimitError"}


@pytest.fixture()
def webhook() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, str(EXAMPLES / "webhook_handler.py"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line + (proc.stderr.read() if proc.stderr else "")
        yield line.split("listening on ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(10)


def _post(url: str, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_webhook_runs_the_script_per_request(webhook: str) -> None:
    order = {"event": "order.created", "customerId": "C1", "lines": [{"qty": 2, "price": 9.95}, {"qty": 1, "price": 0.1}]}
    status, reply = _post(webhook, json.dumps(order).encode())
    assert status == 200 and reply["ok"] is True
    assert reply["result"] == {"status": "accepted", "customer": "Ada Lovelace", "total": "18.000", "lines": 2}
    assert reply["info"] == ["order for Ada Lovelace: 18.0"]

    status, reply = _post(webhook, json.dumps({**order, "customerId": "C2"}).encode())
    assert status == 200 and reply["result"]["total"] == "20.00"

    status, reply = _post(webhook, json.dumps({"event": "order.deleted"}).encode())
    assert status == 200 and reply["result"]["status"] == "ignored"

    status, reply = _post(webhook, json.dumps({**order, "customerId": "C404"}).encode())
    assert reply["result"] == {"status": "rejected", "reason": "unknown customer C404"}


def test_webhook_reports_script_errors_and_bad_json(webhook: str) -> None:
    bad_line = {"event": "order.created", "customerId": "C2", "lines": [{"qty": "two", "price": 1}]}
    status, reply = _post(webhook, json.dumps(bad_line).encode())
    assert status == 422 and reply["ok"] is False and reply["kind"] == "DelugeRuntimeError"
    assert "webhook.dg:16" in reply["error"]

    huge = {"event": "order.created", "customerId": "C2", "lines": [{"qty": 1, "price": 1}] * 6000}
    status, reply = _post(webhook, json.dumps(huge).encode())
    assert status == 422 and reply["kind"] == "StatementLimitError"

    status, reply = _post(webhook, b"{not json")
    assert status == 400 and "invalid JSON" in reply["error"]
