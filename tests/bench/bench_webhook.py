"""Webhook throughput and latency for a trivial function: ``cloudburst serve``'s app under
uvicorn (in another process) with the local executor, called over HTTP by concurrent
clients; against calling the same compiled function in-process through the embedding API.

Run: python tests/bench/bench_webhook.py [--requests 2000] [--clients 8] [--rounds 3]
Prints requests/s, median and p99 latency of the webhook, calls/s in-process, and the ratio.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

from cloudburst.engine import Runtime
from cloudburst.workflows.service import Workflows

GREET = 'string greet(string name)\n{\n  info "hello " + name;\n  return "Hi " + name;\n}\n'


def webhook_round(url: str, params: dict[str, str], requests: int, clients: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = requests // clients

    def client() -> None:
        mine = []
        # TCP_NODELAY as curl sets it: without it the client's second small write waits for
        # the server's delayed ACK (~40 ms a request), which measures the kernel, not the server
        nodelay = httpx2.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        with httpx2.Client(timeout=60, transport=nodelay) as http:
            for i in range(per_client):
                t = time.perf_counter()
                answer = http.post(url, params=params, json={"arguments": {"name": f"c{i}"}})
                mine.append(time.perf_counter() - t)
                assert answer.status_code == 200, answer.text
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_client * clients / (time.perf_counter() - started), sorted(latencies)


def in_process_round(calls: int) -> float:
    runtime = Runtime(network=False)
    script = runtime.compile(GREET, "greet.dg")
    started = time.perf_counter()
    for i in range(calls):
        script.run({"name": f"c{i}"})
    return calls / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cb-bench-hook-"))
    url = f"sqlite:///{folder / 'hook.db'}"
    with Workflows(url) as wf:
        wf.functions.deploy(GREET, "greet.dg", "greet")
        _, key = wf.webhooks.create("greet")
    env = {**os.environ, "CLOUDBURST_DATABASE_URL": url, "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder)}
    server = subprocess.Popen([sys.executable, "-m", "cloudburst", "serve", "--port", "0", "--workers",
                               str(args.workers), "--retention", "0"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base = server.stdout.readline().split(" on ", 1)[1].split()[0]
        hook = f"{base}/functions/greet/actions/execute"
        params = {"auth_type": "apikey", "zapikey": key}
        webhook_round(hook, params, 100, 4)  # warm up: compile, connections
        rates, p50s, p99s = [], [], []
        for _ in range(args.rounds):
            rate, lat = webhook_round(hook, params, args.requests, args.clients)
            rates.append(rate)
            p50s.append(lat[len(lat) // 2] * 1000)
            p99s.append(lat[int(len(lat) * 0.99) - 1] * 1000)
        local = [in_process_round(args.requests) for _ in range(args.rounds)]
    finally:
        server.terminate()
        server.wait(timeout=60)
    hook_rate, local_rate = statistics.median(rates), statistics.median(local)
    print(f"webhook ({args.clients} clients, local executor {args.workers} threads, SQLite): "
          f"{hook_rate:.0f} req/s, latency median {statistics.median(p50s):.1f} ms, p99 {statistics.median(p99s):.1f} ms")
    print(f"in-process Script.run: {local_rate:.0f} calls/s; webhook/in-process = {hook_rate / local_rate:.4f} "
          f"(1 : {local_rate / hook_rate:.0f})")


if __name__ == "__main__":
    main()
