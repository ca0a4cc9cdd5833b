"""Queue throughput and safety: N runs of a short function through the local pool (SQLite)
and through Celery worker processes (Redis broker, PostgreSQL store); and the crash test,
``kill -9`` of a worker while runs are in flight.

Run: python tests/bench/bench_queue.py [--runs 10000] [--mode local|celery|crash|all]
     [--workers 4] [--crash-runs 100]
Prints runs/s, and counts of lost (not final), duplicated (more than one attempt without a
re-queue note) and re-queued runs. Targets: zero lost, zero duplicated.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import postgres, redis  # noqa: E402

from cloudburst.workflows.service import Workflows  # noqa: E402

SHORT = 'int short(int n)\n{\n  total = 0;\n  for each i in {1,2,3,4,5}\n  {\n    total = total + i * n;\n  }\n  return total;\n}\n'
SLOW = 'string slow(int n)\n{\n  resp = invokeurl\n  [\n    url: "URL"\n    type: GET\n  ];\n  return n + ":" + resp;\n}\n'


def queue_runs(wf: Workflows, function: str, count: int, **extra: Any) -> list[int]:
    return [wf.request_run(function, {"n": i, **extra}) for i in range(count)]


def tally(wf: Workflows, ids: list[int]) -> dict[str, int]:
    first, last = min(ids), max(ids)
    runs = [r for r in wf.runs.find(limit=len(ids) + 10) if first <= r["id"] <= last]
    final = [r for r in runs if r["status"] not in ("queued", "waiting", "running")]
    requeued = [r for r in runs if any("re-queued" in n["note"] for n in r["notes"])]
    duplicated = [r for r in runs if r["attempts"] > 1 + sum("re-queued" in n["note"] for n in r["notes"])]
    return {"runs": len(ids), "final": len(final), "lost": len(ids) - len(final),
            "succeeded": sum(r["status"] == "succeeded" for r in runs), "requeued": len(requeued),
            "duplicated": len(duplicated)}


def wait_final(wf: Workflows, ids: list[int], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        pending = sum(wf.runs.counts().get(s, 0) for s in ("queued", "running"))
        if pending == 0:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def local(count: int, workers: int) -> None:
    from cloudburst.workflows.executor import LocalExecutor

    folder = Path(tempfile.mkdtemp(prefix="cb-bench-q-"))
    wf = Workflows(f"sqlite:///{folder / 'q.db'}")
    wf.functions.deploy(SHORT, "short.dg", "short")
    t0 = time.monotonic()
    ids = queue_runs(wf, "short", count)
    queued = time.monotonic() - t0
    pool = LocalExecutor(wf, workers=workers)
    t1 = time.monotonic()
    pool.start()
    pool.wait_idle(3600)
    elapsed = time.monotonic() - t1
    pool.shutdown(10)
    print(f"local pool ({workers} threads, SQLite): queued {count} in {queued:.1f} s; ran them in {elapsed:.1f} s "
          f"= {count / elapsed:.0f} runs/s; {tally(wf, ids)}")
    wf.close()


def start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cloudburst", "worker", "--concurrency", str(concurrency),
                             "--lost-after", "5"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    proc.wait(timeout=60)


def celery(count: int, workers: int) -> None:
    from cloudburst.workflows.celery_executor import CeleryExecutor, make_app

    with postgres() as db, redis() as broker:
        env = {**os.environ, "CLOUDBURST_DATABASE_URL": db, "CLOUDBURST_BROKER_URL": broker}
        wf = Workflows(db)
        wf.functions.deploy(SHORT, "short.dg", "short")
        ids = queue_runs(wf, "short", count)
        executor = CeleryExecutor(make_app(broker, db))
        t0 = time.monotonic()
        for run_id in ids:
            executor.submit(run_id)
        sent = time.monotonic() - t0
        proc = start_worker(env, workers)
        elapsed = wait_final(wf, ids, 3600)
        stop(proc)
        print(f"celery ({workers} worker processes, Redis + PostgreSQL): sent {count} in {sent:.1f} s; ran them in "
              f"{elapsed:.1f} s (from worker start) = {count / elapsed:.0f} runs/s; {tally(wf, ids)}")
        wf.close()


def crash(count: int, workers: int) -> None:
    """Runs that each wait 1 s on an HTTP call; the worker is killed with SIGKILL while
    ``workers`` of them are running and the rest are queued; a second worker finishes."""
    from cloudburst.workflows.celery_executor import CeleryExecutor, make_app

    server = subprocess.Popen([sys.executable, "-c", _SLOW_SERVER], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
    assert server.stdout is not None
    url = f"http://127.0.0.1:{int(server.stdout.readline())}/slow"
    try:
        with postgres() as db, redis() as broker:
            env = {**os.environ, "CLOUDBURST_DATABASE_URL": db, "CLOUDBURST_BROKER_URL": broker}
            wf = Workflows(db)
            wf.functions.deploy(SLOW.replace("URL", url), "slow.dg", "slow")
            ids = queue_runs(wf, "slow", count)
            executor = CeleryExecutor(make_app(broker, db))
            for run_id in ids:
                executor.submit(run_id)
            doomed = start_worker(env, workers)
            while wf.runs.counts().get("succeeded", 0) < workers or wf.runs.counts().get("running", 0) < workers:
                time.sleep(0.05)
            counts = wf.runs.counts()
            running, pending = counts.get("running", 0), counts.get("running", 0) + counts.get("queued", 0)
            stop(doomed, signal.SIGKILL)
            survivor = start_worker(env, workers)
            elapsed = wait_final(wf, ids, 600)
            stop(survivor)
            print(f"crash: kill -9 of a {workers}-process worker with {running} runs running and "
                  f"{pending} not yet done; all final "
                  f"{elapsed:.1f} s after the kill (lost-after 5 s); {tally(wf, ids)}")
            wf.close()
    finally:
        server.terminate()


_SLOW_SERVER = r"""
import http.server, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        time.sleep(1.0)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--crash-runs", type=int, default=100)
    parser.add_argument("--mode", choices=("local", "celery", "crash", "all"), default="all")
    args = parser.parse_args()
    if args.mode in ("local", "all"):
        local(args.runs, args.workers)
    if args.mode in ("celery", "all"):
        celery(args.runs, args.workers)
    if args.mode in ("crash", "all"):
        crash(args.crash_runs, args.workers)


if __name__ == "__main__":
    main()
