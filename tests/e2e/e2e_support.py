"""Helpers for the end-to-end tests: the CLI in a subprocess, a reflecting HTTP handler, an
oidc-provider with the CLI's redirect URI, and the provider's dev login driven headlessly."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx2
import pytest
from fixtures import OAUTH_DIR, ensure_node_modules, free_port
from werkzeug import Request, Response

__all__ = ["CliRunner", "Done", "OAuthServer", "start_oauth_server", "reflect_handler", "drive_login",
           "secret_forms"]


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


class CliRunner:
    """Runs ``python -m cloudburst ...`` with an isolated environment and ``--db`` on every
    store and run command."""

    def __init__(self, tmp: Path, db_url: str, key: str) -> None:
        self.tmp = tmp
        self.db_url = db_url
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDBURST_", "XDG_"))}
        env.update({
            "CLOUDBURST_SECRET_KEY": key,
            "CLOUDBURST_CACHE_DIR": str(tmp / "scripts-cache"),
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "XDG_DATA_HOME": str(tmp / "data"),
            "XDG_CACHE_HOME": str(tmp / "cache-home"),
            "PYTHONIOENCODING": "utf-8",
        })
        self.env = env
        self._scripts = 0

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "cloudburst", *args, "--db", self.db_url]

    def __call__(self, *args: str, timeout: float = 60) -> Done:
        done = subprocess.run(self.argv(*args), env=self.env, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout, stdin=subprocess.DEVNULL)
        return Done(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str) -> str:
        done = self(*args)
        assert done.code == 0, f"cloudburst {' '.join(args)} failed ({done.code}):\n{done.err}"
        return done.out

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.argv(*args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, encoding="utf-8")

    def script(self, source: str, name: str | None = None) -> Path:
        self._scripts += 1
        path = self.tmp / (name or f"script{self._scripts}.dg")
        path.write_text(source, encoding="utf-8")
        return path

    def run(self, source: str, *extra: str, name: str | None = None, timeout: float = 60) -> Done:
        path = self.script(source, name)
        return self("run", str(path), *extra, timeout=timeout)


def secret_forms(secret: str, username: str | None = None) -> set[str]:
    """Every form of ``secret`` that must never be printed."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret),
             base64.b64encode(secret.encode()).decode()}
    if username is not None:
        forms.add(base64.b64encode(f"{username}:{secret}".encode()).decode())
    return forms


def reflect_handler(request: Request) -> Response:
    """Send the request back in every place a script can read: each request header as an
    ``X-Reflect-*`` response header, the query string in ``X-Reflect-Query``, a cookie, and the
    body as JSON (default), plain text (``/text``) or a 500 error (``/error``). ``/bounce?to=URL``
    redirects to URL with the whole query string copied, as careless servers do."""
    if request.path.startswith("/bounce"):  # a redirect that copies the whole query string
        target = request.args["to"] + "?" + request.query_string.decode("latin-1")
        return Response("", status=int(request.args.get("status", "302")), headers={"Location": target})
    headers = {f"X-Reflect-{k}": v for k, v in request.headers.items()}
    headers["X-Reflect-Query"] = request.query_string.decode("latin-1")
    auth = request.headers.get("Authorization", "")
    headers["Set-Cookie"] = f"seen={quote(auth or 'none', safe='')}; Path=/"
    raw_body = request.get_data(as_text=True)
    lines = [f"{request.method} {request.full_path}"] + [f"{k}: {v}" for k, v in request.headers.items()]
    lines += ["", raw_body]
    if request.path.startswith("/text"):
        return Response("\n".join(lines), content_type="text/plain; charset=utf-8", headers=headers)
    body = json.dumps({"url": request.url, "query": request.query_string.decode("latin-1"),
                       "headers": dict(request.headers.items()), "args": request.args.to_dict(),
                       "form": request.form.to_dict(), "data": raw_body, "lines": lines})
    status = 500 if request.path.startswith("/error") else 200
    return Response(body, status=status, content_type="application/json", headers=headers)


@dataclass
class OAuthServer:
    process: subprocess.Popen[bytes]
    issuer: str
    redirect_port: int
    client_id: str = "deluge-runtime"
    client_secret: str = "test-secret"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.issuer}/auth"

    @property
    def revoke_url(self) -> str:
        return f"{self.issuer}/token/revocation"

    @property
    def userinfo_url(self) -> str:
        return f"{self.issuer}/me"

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.redirect_port}/callback"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_oauth_server(at_ttl: int) -> OAuthServer:
    ensure_node_modules()
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the OAuth end-to-end tests (oidc-provider)")
    port, redirect_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORT": str(port), "AT_TTL": str(at_ttl), "CLOCK_TOLERANCE": "0",
           "REDIRECT_URI": f"http://127.0.0.1:{redirect_port}/callback"}
    process = subprocess.Popen([node, "server.mjs"], cwd=OAUTH_DIR, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx2.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return OAuthServer(process, issuer, redirect_port)
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    pytest.fail("oidc-provider did not start")


def drive_login(url: str, redirect_uri: str, login: str = "alice", timeout: float = 20) -> str:
    """Log in and consent through oidc-provider's dev interactions like a browser would, then
    deliver the final redirect (``code`` and ``state``) to ``redirect_uri``; returns that URL."""
    deadline = time.monotonic() + timeout
    with httpx2.Client(follow_redirects=False, timeout=10) as browser:  # keeps the interaction cookies
        forms = [{"prompt": "login", "login": login}, {"prompt": "consent"}]
        while time.monotonic() < deadline:
            if url.startswith(redirect_uri):
                break
            response = browser.get(url)
            if response.status_code in (302, 303):
                url = str(httpx2.URL(url).join(response.headers["location"]))
                continue
            if not forms:
                raise AssertionError(f"stuck on an interaction page: {url} (HTTP {response.status_code})")
            posted = browser.post(url, data=forms.pop(0))
            url = str(httpx2.URL(url).join(posted.headers["location"]))
        else:
            raise AssertionError(f"the provider never redirected back (last URL {url})")
    for _ in range(100):  # the CLI's listener may still be starting
        try:
            httpx2.get(url, timeout=5)
            return url
        except httpx2.TransportError:
            time.sleep(0.05)
    raise AssertionError("the CLI's redirect listener never answered")
