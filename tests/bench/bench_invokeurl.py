"""Requests per second through ``invokeurl`` in a real script with an API-key connection
(real SQLite store) versus a bare shared httpx2 client making the same requests, against
the same local server in another process.

Run: python tests/bench/bench_invokeurl.py [--requests N] [--rounds 5]
Prints both rates (median of the rounds) and their ratio; the target is >= 0.8.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from cryptography.fernet import Fernet

from cloudburst.engine import Runtime
from cloudburst.execution import Limits

SERVER = r"""
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_GET(self):
        body = b'{"ok":true,"items":[1,2,3]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}/items"


def make_store(folder: Path, key: str) -> object:
    from cloudburst.connectors.service import ConnectorService

    svc = ConnectorService(f"sqlite:///{folder / 'bench.db'}", secret_keys=[key])
    svc.create_connector("Bench", link_name="bench_svc", auth_type="api_key")
    svc.add_param("bench_svc", "Key", "X-Api-Key", "header")
    svc.mark_ready("bench_svc")
    svc.create_connection("bench_svc", "Bench", link_name="bench")
    svc.authorize_with_values("bench", {"X-Api-Key": "bench-key-123"})
    return svc


def rate(batch: object, n: int) -> float:
    """Requests per second of ``batch()``, which makes ``n`` requests."""
    start = time.perf_counter()
    batch()  # type: ignore[operator]
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    proc, url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            key = Fernet.generate_key().decode()
            store = make_store(Path(tmp), key)
            runtime = Runtime(store=f"sqlite:///{Path(tmp) / 'bench.db'}", secret_keys=[key],
                              limits=Limits(max_statements=None, timeout=None))
            script = runtime.compile(
                f'for each i in leftpad("", {args.requests - 1}).replaceAll(" ", ",")\n'
                f'{{\n\tr = invokeurl\n\t[\n\t\turl: "{url}"\n\t\ttype: GET\n'
                f'\t\tconnection: "bench"\n\t];\n}}\ninfo r.get("ok");', "bench.dg")
            bare = httpx2.Client()

            def via_script() -> None:
                assert script.run().info == ["true"]

            def via_bare() -> None:
                for _ in range(args.requests):
                    bare.get(url, headers={"X-Api-Key": "bench-key-123"}).json()

            via_script(), via_bare()  # warm both pools
            invoke_rates, bare_rates = [], []
            for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
                bare_rates.append(rate(via_bare, args.requests))
                invoke_rates.append(rate(via_script, args.requests))
            bare.close()
            runtime.close()
            store.close()  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait()
    b, i = statistics.median(bare_rates), statistics.median(invoke_rates)
    print(f"bare httpx2:        {b:8.0f} req/s (median of {args.rounds} x {args.requests})")
    print(f"invokeurl + API key:{i:8.0f} req/s (a script looping over invokeurl with a connection)")
    print(f"ratio:              {i / b:8.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
