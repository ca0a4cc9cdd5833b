"""Scale-out: ``cloudburst worker`` processes (real Celery, real Redis, real PostgreSQL) run
queued runs exactly once, and a worker killed with ``kill -9`` mid-run loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

SLOW_CALL = '''string fetch_status(string base, int n)
{{
  resp = invokeurl
  [
    url: base + "slow/{seconds}"
    type: GET
  ];
  info "call " + n + " answered " + resp;
  return resp;
}}
'''


class Workers:
    """``cloudburst worker`` subprocesses, each in its own process group (so kill -9 takes
    the Celery parent and its pool children together, as a lost machine would)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, concurrency: int = 2, lost_after: float = 3.0) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([sys.executable, "-m", "cloudburst", "worker", "--concurrency", str(concurrency),
                                 "--lost-after", str(lost_after)], env=self.env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def kill9(self, proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def scaled(pg_server: Any, redis_server: Any) -> Iterator[tuple[Any, Workers, Any]]:
    from cloudburst.workflows.celery_executor import CeleryExecutor, make_app
    from cloudburst.workflows.service import Workflows

    url, key = pg_server.new_database(), Fernet.generate_key().decode()
    env = {**os.environ, "CLOUDBURST_DATABASE_URL": url, "CLOUDBURST_SECRET_KEY": key,
           "CLOUDBURST_BROKER_URL": redis_server.url}
    wf = Workflows(url, secret_keys=[key])
    workers = Workers(env)
    try:
        yield wf, workers, CeleryExecutor(make_app(redis_server.url, url))
    finally:
        workers.stop_all()
        wf.close()


def wait_final(wf: Any, ids: list[int], timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        runs = [wf.runs.get(i) for i in ids]
        if all(r["status"] not in ("queued", "waiting", "running") for r in runs) or time.monotonic() > deadline:
            return runs
        time.sleep(0.2)


def test_workers_run_each_run_once(scaled: Any) -> None:
    wf, workers, executor = scaled
    wf.functions.deploy('string greet(string name)\n{\n  info "hello " + name;\n  return name;\n}\n', "greet.dg", "greet")
    workers.start(concurrency=2)
    workers.start(concurrency=2)
    ids = [wf.request_run("greet", {"name": f"n{i}"}) for i in range(40)]
    for run_id in ids:
        executor.submit(run_id)
    executor.submit(ids[0])  # a duplicate delivery must not run it again
    runs = wait_final(wf, ids, 90)
    assert [r["status"] for r in runs] == ["succeeded"] * 40
    assert all(r["attempts"] == 1 and r["info"] == [f"hello n{i}"] for i, r in enumerate(runs))
    assert len({r["worker"] for r in runs}) >= 2  # spread over more than one process


def test_kill_9_mid_run_leaves_every_run_with_a_final_status(scaled: Any, echo_server: Any) -> None:
    wf, workers, executor = scaled
    wf.functions.deploy(SLOW_CALL.format(seconds=2), "fetch.dg", "fetch_status")
    doomed = workers.start(concurrency=4, lost_after=5)
    base = echo_server.url_for("/")
    ids = [wf.request_run("fetch_status", {"base": base, "n": i}) for i in range(8)]
    for run_id in ids:
        executor.submit(run_id)
    deadline = time.monotonic() + 60
    while len(wf.runs.find(status="running")) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    in_flight = {r["id"] for r in wf.runs.find(status="running")}
    assert len(in_flight) == 4
    workers.kill9(doomed)
    workers.start(concurrency=4, lost_after=5)
    runs = wait_final(wf, ids, 120)
    assert [r["status"] for r in runs] == ["succeeded"] * 8
    for run in runs:  # every extra attempt is on the record (a loaded machine may re-queue a slow one too)
        requeues = [n for n in run["notes"] if "re-queued" in n["note"]]
        assert run["attempts"] == 1 + len(requeues)
        if run["id"] in in_flight:
            assert run["attempts"] >= 2 and "stopped during attempt 1" in requeues[0]["note"]


def test_serve_with_the_celery_executor_answers_webhooks_from_workers(scaled: Any) -> None:
    """The README's scale-out variant: ``serve --executor celery`` and a worker, one store."""
    import httpx2

    wf, workers, _ = scaled
    wf.functions.deploy('string greet(string name)\n{\n  info "hello " + name;\n  return "Hi " + name;\n}\n',
                        "greet.dg", "greet")
    _, key = wf.webhooks.create("greet")
    workers.start(concurrency=1)
    serve = subprocess.Popen([sys.executable, "-m", "cloudburst", "serve", "--executor", "celery", "--port", "0"],
                             env=workers.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             start_new_session=True)
    workers.procs.append(serve)  # type: ignore[arg-type]
    assert serve.stdout is not None
    line = serve.stdout.readline()
    assert "(celery executor)" in line, line
    base = line.split(" on ", 1)[1].split()[0]
    answer = httpx2.post(f"{base}/functions/greet/actions/execute", params={"auth_type": "apikey", "zapikey": key},
                         json={"arguments": {"name": "Cel"}}, timeout=60)
    assert answer.status_code == 200 and answer.json()["details"]["output"] == "Hi Cel"
    run = wf.runs.get(int(answer.json()["details"]["id"]))
    assert run["worker"].startswith("celery@") and run["trigger"] == "webhook"
