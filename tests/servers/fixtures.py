"""Real servers on 127.0.0.1 for integration tests, started and stopped by fixtures.

* :func:`echo_server`: pytest-httpserver (Werkzeug, in-process) answering every path with a
  JSON echo of the request, plus ``/redirect?to=URL&status=N``, ``/status/N``,
  ``/bytes/N`` and ``/slow/S``. Reached as ``127.0.0.1`` and as ``localhost`` it gives two
  origins on one port.
* :func:`oauth_provider`: oidc-provider 8.8.1 (npm) with rotation on, ``AT_TTL=2`` and
  ``CLOCK_TOLERANCE=0``; ``npm ci`` runs into ``tests/servers/oauth/node_modules`` when it
  is missing.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import httpx2
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

OAUTH_DIR = Path(__file__).parent / "oauth"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _echo(request: Request) -> Response:
    path = request.path
    if path == "/redirect":
        return Response("", status=int(request.args.get("status", "302")), headers={"Location": request.args["to"]})
    if path.startswith("/status/"):
        return Response(json.dumps({"status": int(path[8:])}), status=int(path[8:]), content_type="application/json")
    if path.startswith("/bytes/"):
        return Response(b"x" * int(path[7:]), content_type="application/octet-stream")
    if path.startswith("/slow/"):
        time.sleep(float(path[6:]))
        return Response("late", content_type="text/plain")
    files = {k: {"filename": f.filename, "content": f.read().decode("utf-8", "replace")}
             for k, f in request.files.items()}
    body = {
        "method": request.method, "host": request.host, "path": path,
        "args": request.args.to_dict(flat=True), "form": request.form.to_dict(flat=True), "files": files,
        "headers": {k: v for k, v in request.headers.items()},
        "data": request.get_data(as_text=True) if not request.form and not files else "",
    }
    return Response(json.dumps(body), content_type="application/json", headers={"X-Echo-Path": path})


@contextmanager
def catch_all_server(handler: Callable[[Request], Response]) -> Iterator[HTTPServer]:
    """A threaded server on 127.0.0.1 answering every request with ``handler``."""
    server = HTTPServer(host="127.0.0.1", port=free_port(), threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(handler)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture(scope="session")
def echo_server() -> Iterator[HTTPServer]:
    with catch_all_server(_echo) as server:
        yield server


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str = "deluge-runtime"
    client_secret: str = "test-secret"
    redirect_uri: str = "http://127.0.0.1:8765/callback"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/token"

    @property
    def revoke_url(self) -> str:
        return f"{self.issuer}/token/revocation"

    @property
    def authorize_url(self) -> str:
        return f"{self.issuer}/auth"

    @property
    def userinfo_url(self) -> str:
        return f"{self.issuer}/me"


def ensure_node_modules() -> None:
    """Install oidc-provider (pinned in package-lock.json) unless already present."""
    marker = OAUTH_DIR / "node_modules" / "oidc-provider" / "package.json"
    if marker.exists():
        return
    with open(OAUTH_DIR / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers: one installs, the others wait
        if not marker.exists():
            _npm_ci()


def _npm_ci() -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed for the OAuth integration tests (oidc-provider)")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=OAUTH_DIR,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"npm ci failed in {OAUTH_DIR}:\n{done.stderr[-2000:]}")


def start_provider(at_ttl: int = 2, redirect_uri: str | None = None) -> tuple[subprocess.Popen[bytes], Provider]:
    """oidc-provider on a free port; its one client accepts ``redirect_uri`` (default 127.0.0.1:8765/callback)."""
    ensure_node_modules()
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the OAuth integration tests (oidc-provider)")
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}", **({"redirect_uri": redirect_uri} if redirect_uri else {}))
    env = {**os.environ, "PORT": str(port), "AT_TTL": str(at_ttl), "CLOCK_TOLERANCE": "0",
           "REDIRECT_URI": provider.redirect_uri}
    process = subprocess.Popen([node, "server.mjs"], cwd=OAUTH_DIR, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return process, provider
        except httpx2.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    pytest.fail("oidc-provider did not start")


def stop_provider(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def oauth_provider() -> Iterator[Provider]:
    process, provider = start_provider(at_ttl=2)
    try:
        yield provider
    finally:
        stop_provider(process)


@dataclass
class RedisServer:
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A throwaway redis-server (Debian's ``redis-server`` package) on a free loopback port,
    without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server not found (apt-get install -y redis-server)"
        print(f"\nSKIP redis tests: {message}")
        pytest.skip(message)
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.skip("redis-server did not start")
    try:
        yield RedisServer(port)
    finally:
        process.terminate()
        process.wait(timeout=10)
