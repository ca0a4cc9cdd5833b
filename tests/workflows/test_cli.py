"""The workflow commands as a user types them: deploy, run, schedule, webhook, runs; and
``cloudburst serve`` as a real process answering a webhook."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.fernet import Fernet

from cloudburst.cli import main

GREET = 'string greet(string name)\n{\n  info "Hello " + name;\n  return "Hi " + name;\n}\n'


class Cli:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), stdout=out, stderr=err, environ=self.env)
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "greet.dg").write_text(GREET)
    return Cli({"CLOUDBURST_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
                "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode()})


def test_deploy_run_schedule_and_history(cli: Cli) -> None:
    assert cli("function", "deploy", "greet.dg", "--name", "greet")[:2] == (0, "deployed greet version 1\n")
    code, out, err = cli("function", "run", "greet", "--arg", "name=Ann")
    assert (code, out) == (0, "Hello Ann\n") and 'returned "Hi Ann"' in err
    code, out, _ = cli("schedule", "create", "greet", "--cron", "*/5 * * * *", "--timezone", "Europe/Berlin",
                       "--arg", "name=Ann")
    assert code == 0 and out.startswith("schedule 1 created; next fire ")
    code, out, _ = cli("schedule", "list", "--json")
    [schedule] = json.loads(out)
    assert schedule["timezone"] == "Europe/Berlin" and schedule["next_fire"].endswith("+00:00")
    assert schedule["next_fire"][14:16] in {f"{m:02d}" for m in range(0, 60, 5)}
    code, out, _ = cli("runs", "list", "--json")
    [run] = json.loads(out)
    assert {k: run[k] for k in ("function", "status", "trigger", "info", "result")} == {
        "function": "greet", "status": "succeeded", "trigger": "manual", "info": ["Hello Ann"], "result": "Hi Ann"}
    assert json.loads(cli("runs", "list", "--trigger", "webhook", "--json")[1]) == []
    code, out, _ = cli("runs", "show", str(run["id"]), "--json")
    assert json.loads(out)["id"] == run["id"]
    code, out, _ = cli("runs", "tail", "--once")
    assert "succeeded  greet (manual)" in out


def test_webhook_url_printed_once_and_masked_after(cli: Cli) -> None:
    cli("function", "deploy", "greet.dg")
    code, out, err = cli("webhook", "create", "greet")
    url = out.strip()
    assert code == 0 and url.startswith("http://127.0.0.1:8470/functions/greet/actions/execute?auth_type=apikey&zapikey=")
    key = url.rsplit("=", 1)[1]
    assert "only this once" in err
    code, out, _ = cli("webhook", "list", "--json")
    assert key not in out and json.loads(out)[0]["key"] == "••••" + key[-4:]


def test_bad_input_is_refused_with_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "bad.dg").write_text('total = 0;\ninfo total +;\n')
    code, _, err = cli("function", "deploy", "bad.dg")
    assert code == 3 and "bad.dg:2:" in err and "nothing was stored" in err and "Traceback" not in err
    cli("function", "deploy", "greet.dg")
    code, _, err = cli("function", "run", "greet", "--arg", "nmae=x")
    assert code == 1 and "unknown argument 'nmae' (the function takes: name)" in err
    code, _, err = cli("schedule", "create", "greet", "--cron", "every monday", "--arg", "name=x")
    assert code == 1 and "not a valid cron expression" in err
    code, _, err = cli("runs", "prune", "--older-than", "soon")
    assert code == 2 and "--older-than" in err
    code, _, err = cli("serve", "--host", "0.0.0.0")
    assert code == 2 and "--allow-remote" in err
    code, _, err = cli("worker")
    assert code == 2 and "CLOUDBURST_BROKER_URL" in err


def test_failed_run_exit_status_and_retry(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "div.dg").write_text('int div(int a, int b)\n{\n  return a / b;\n}\n')
    cli("function", "deploy", "div.dg")
    code, _, err = cli("function", "run", "div", "--arg", "a=1", "--arg", "b=0")
    assert code == 1 and "run 1 failed at line 3:" in err
    code, out, _ = cli("runs", "show", "1")
    assert "div.dg:3:" in out and "error: division by zero" in out and "return a / b;" in out and "^" in out
    code, out, _ = cli("runs", "retry", "1", "--json")
    assert json.loads(out)["retry_of"] == 1 and json.loads(out)["trigger"] == "retry"


@pytest.mark.integration
def test_serve_prints_its_address_answers_and_stops_gracefully(cli: Cli, tmp_path: Path, echo_server: Any) -> None:
    cli("function", "deploy", "greet.dg")
    key = cli("webhook", "create", "greet")[1].strip().rsplit("=", 1)[1]
    (tmp_path / "slow.dg").write_text(f'resp = invokeurl\n[\n  url: "{echo_server.url_for("/slow/2")}"\n  type: GET\n];\n'
                                      'return resp;\n')
    cli("function", "deploy", "slow.dg")
    slow_key = cli("webhook", "create", "slow")[1].strip().rsplit("=", 1)[1]
    proc = subprocess.Popen([sys.executable, "-m", "cloudburst", "serve", "--port", "0"], env={**os.environ, **cli.env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("cloudburst serve: listening on http://127.0.0.1:"), line
        base = line.split(" on ", 1)[1].split()[0]
        assert httpx2.get(f"{base}/healthz").status_code == 200  # the socket listens before the line is printed
        answer = httpx2.post(f"{base}/functions/greet/actions/execute", params={"auth_type": "apikey", "zapikey": key},
                             json={"arguments": {"name": "Web"}}, timeout=30)
        assert answer.status_code == 200 and answer.json()["details"]["output"] == "Hi Web"
        started = httpx2.post(f"{base}/functions/slow/actions/execute",
                              params={"auth_type": "apikey", "zapikey": slow_key, "mode": "async"})
        slow_id = started.json()["details"]["id"]
        deadline = time.monotonic() + 20
        while httpx2.get(f"{base}/runs/{slow_id}", params={"zapikey": slow_key}).json()["status"] != "running":
            assert time.monotonic() < deadline, "the slow run never started"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once shut down
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    code, out, _ = cli("runs", "list", "--json")
    assert [(r["function"], r["status"]) for r in json.loads(out)] == [("slow", "succeeded"), ("greet", "succeeded")]
    # the slow run was running when SIGTERM came: it finished within the grace period
