"""The console's guards: first-start setup, login, CSRF on every form, headers, host check."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.fernet import Fernet

from console_client import PASSWORD, ConsoleClient

SECURITY = {"content-security-policy", "x-frame-options", "x-content-type-options"}


def test_first_start_needs_the_printed_setup_code(fresh_console: ConsoleClient) -> None:
    assert fresh_console.get("/connectors", follow_redirects=False).headers["location"] == "/setup"
    page = fresh_console.get("/setup?code=setup-code-for-tests")
    assert 'value="setup-code-for-tests"' in page.text
    wrong = fresh_console.post("/setup", {"code": "guessed", "password": "long enough pw", "confirm": "long enough pw"})
    assert wrong.status_code == 400 and "does not match the setup code" in wrong.text
    short = fresh_console.post("/setup", {"code": "setup-code-for-tests", "password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    ok = fresh_console.post("/setup", {"code": "setup-code-for-tests", "password": "a good password",
                                       "confirm": "a good password"})
    assert ok.status_code == 303 and ok.headers["location"] == "/connectors"
    # Once set, the setup page only leads to the login.
    assert fresh_console.get("/setup?code=setup-code-for-tests", follow_redirects=False).headers["location"] == "/login"


def test_password_is_stored_hashed(console_setup: Any) -> None:
    from cloudburst.connectors.models import StoreMeta

    with console_setup.workflows.store.tx() as s:
        stored = s.get(StoreMeta, "console_admin_password").value
    assert PASSWORD not in stored and stored.startswith("scrypt$")


def test_pages_need_login_and_come_back_after_it(anonymous: ConsoleClient) -> None:
    answer = anonymous.get("/connectors?search=x", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/connectors%3Fsearch%3Dx"
    wrong = anonymous.post("/login", {"password": "not it", "next": "/connectors"}, from_page="/login")
    assert wrong.status_code == 400 and "wrong password" in wrong.text
    right = anonymous.post("/login", {"password": PASSWORD, "next": "/connectors?search=x"}, from_page="/login")
    assert right.status_code == 303 and right.headers["location"] == "/connectors?search=x"


def test_login_never_redirects_off_site(anonymous: ConsoleClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        answer = anonymous.post("/login", {"password": PASSWORD, "next": target}, from_page="/login")
        assert answer.headers["location"] == "/", target
        anonymous.post("/logout", from_page="/connectors")


def test_login_rotates_the_session_and_logout_ends_it(anonymous: ConsoleClient) -> None:
    anonymous.get("/login")
    before = anonymous.http.cookies.get("cloudburst_console")
    anonymous.log_in()
    after = anonymous.http.cookies.get("cloudburst_console")
    assert before and after and before != after
    out = anonymous.post("/logout", from_page="/connectors")
    assert out.status_code == 303
    assert anonymous.get("/connectors", follow_redirects=False).status_code == 303


def test_wrong_passwords_are_throttled(anonymous: ConsoleClient) -> None:
    statuses = [anonymous.post("/login", {"password": f"guess {i}"}, from_page="/login").status_code for i in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert anonymous.post("/login", {"password": PASSWORD}).status_code == 429


def test_a_post_without_the_sessions_csrf_token_is_refused(console: ConsoleClient) -> None:
    for token in ("", "forged-token"):
        answer = console.http.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 403 and "did not come from this console" in answer.text
    # Still logged in: the forged logout did nothing.
    assert console.get("/connectors", follow_redirects=False).status_code == 200


def test_cookie_and_security_headers(anonymous: ConsoleClient) -> None:
    answer = anonymous.get("/login")
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    static = anonymous.get("/static/console.css")
    assert static.status_code == 200 and SECURITY <= set(static.headers)
    assert "<script>" not in answer.text and " on" + "click=" not in answer.text


def test_https_cookie_is_secure_with_host_prefix(console_setup: Any) -> None:
    from starlette.testclient import TestClient

    with TestClient(console_setup.app, base_url="https://127.0.0.1") as http:
        cookie = http.get("/login").headers["set-cookie"]
    assert cookie.startswith("__Host-cloudburst_console=") and "Secure" in cookie


def test_another_host_name_is_refused_on_loopback(console_setup: Any) -> None:
    from starlette.testclient import TestClient

    with TestClient(console_setup.app, base_url="http://rebound.example") as http:
        answer = http.get("/login")
    assert answer.status_code == 421 and "content-security-policy" in answer.headers


FORM = re.compile(r'<form\b(?=[^>]*\bmethod="post")[^>]*\baction="([^"]+)"', re.I)
HREF = re.compile(r'href="(/[^"#]*)"')


def _store_snapshot(service: Any, workflows: Any) -> str:
    connectors = [service.get_connector(c["link_name"]) for c in service.list_connectors()]
    connections = [service.get_connection(c["link_name"]) for c in service.list_connections()]
    return json.dumps([connectors, connections, workflows.functions.all(), workflows.runs.find(limit=1000)], sort_keys=True, default=str)


def test_every_post_form_refuses_a_missing_or_forged_csrf_token(console: ConsoleClient, console_setup: Any) -> None:
    service, workflows = console_setup.console.service, console_setup.workflows
    service.create_connector("Keyed", auth_type="api_key")
    service.add_param("keyed", "Key", "X-Key", "header")
    service.mark_ready("keyed")
    service.create_connection("keyed", "Keyed")
    service.authorize_with_values("keyed", {"X-Key": "k-1"})
    service.create_connector("Draft Desk", auth_type="oauth2")
    service.add_scopes("draft_desk", [("Read", "desk.read"), ("Write", "desk.write")])
    workflows.functions.deploy('info "hi";\nreturn "ok";', "hello.dg", "hello")

    forms: set[str] = set()
    pages, seen = ["/connectors", "/connections", "/functions", "/schedules", "/webhooks", "/runs",
                   "/connectors/-/new", "/connectors/-/import", "/connections/-/new?connector=keyed"], set()
    while pages:
        path = html.unescape(pages.pop())
        if path in seen or path.startswith("/static/") or path.endswith(("/export", "/logo")):
            continue
        seen.add(path)
        answer = console.get(path)
        forms.update(html.unescape(a) for a in FORM.findall(answer.text))
        pages += HREF.findall(answer.text)
    expected = {"/logout", "/connectors/-/new", "/connectors/-/import", "/connectors/draft_desk/security",
                "/connectors/draft_desk/scopes", "/connectors/draft_desk/ready", "/connectors/keyed/delete",
                "/connections/-/new", "/connections/keyed/test", "/connections/keyed/revoke",
                "/connections/keyed/disable", "/connections/keyed/rename", "/connections/keyed/delete",
                "/connections/keyed/authorize"}
    assert expected <= forms, expected - forms
    before = _store_snapshot(service, workflows)
    for action in sorted(forms):
        for token in (None, "forged-token"):
            data = {"name": "Changed", "action": "add", "value": "x.y"} | ({} if token is None else {"csrf_token": token})
            answer = console.http.post(action, data=data, follow_redirects=False)
            assert answer.status_code == 403, (action, token)
    assert _store_snapshot(service, workflows) == before
    assert console.get("/connectors", follow_redirects=False).status_code == 200  # still logged in


def test_an_unexpected_failure_is_a_page_without_details(console: ConsoleClient, console_setup: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(search: str | None = None) -> list[dict[str, Any]]:
        raise RuntimeError("driver said: password=hunter2-do-not-show")

    monkeypatch.setattr(console_setup.console.service, "list_connectors", broken)
    answer = console.get("/connectors")
    assert answer.status_code == 500 and "internal error (RuntimeError)" in answer.text
    assert "hunter2" not in answer.text and "Traceback" not in answer.text
    assert answer.headers["content-security-policy"] and answer.headers["content-type"].startswith("text/html")


@pytest.mark.integration
def test_serve_prints_the_console_address_and_can_reset_the_password(tmp_path: Path) -> None:
    from cloudburst.console.admin_password import AdminPassword
    from cloudburst.workflows.store import WorkflowStore

    url = f"sqlite:///{tmp_path / 'serve.db'}"
    env = {**os.environ, "CLOUDBURST_DATABASE_URL": url, "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode(),
           "CLOUDBURST_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CLOUDBURST_ADMIN_TOKEN", None)
    store = WorkflowStore(url)
    AdminPassword(store).set(PASSWORD)
    store.close()

    def console_line(*extra: str) -> str:
        proc = subprocess.Popen([sys.executable, "-m", "cloudburst", "serve", "--port", "0", *extra], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().startswith("cloudburst serve: listening on http://127.0.0.1:")
            line = proc.stdout.readline().strip()
            page = httpx2.get(line.split()[1], timeout=10, follow_redirects=True)
            assert page.status_code == 200 and "content-security-policy" in page.headers
            return line
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)

    assert re.fullmatch(r"console: http://127\.0\.0\.1:\d+/", console_line())
    reset = console_line("--reset-console-password")
    assert re.fullmatch(r"console: http://127\.0\.0\.1:\d+/setup\?code=\S+  \(first start: choose the admin password there\)",
                        reset)
    store = WorkflowStore(url)
    assert not AdminPassword(store).is_set()
    store.close()


def test_the_login_form_needs_the_csrf_token_too(anonymous: ConsoleClient) -> None:
    anonymous.get("/login")
    assert anonymous.http.post("/login", data={"password": PASSWORD}, follow_redirects=False).status_code == 403
    assert anonymous.get("/connectors", follow_redirects=False).status_code == 303  # not logged in


def test_the_setup_form_needs_the_csrf_token_too(fresh_console: ConsoleClient) -> None:
    fresh_console.get("/setup")
    forged = fresh_console.http.post("/setup", data={"code": "setup-code-for-tests", "password": "p" * 12,
                                                     "confirm": "p" * 12, "csrf_token": "x"}, follow_redirects=False)
    assert forged.status_code == 403
    assert fresh_console.get("/connectors", follow_redirects=False).headers["location"] == "/setup"


def test_running_a_script_loads_no_console(tmp_path: Path) -> None:
    """The console's stack (Jinja2, Starlette, the form parser) loads with ``serve`` only."""
    script = tmp_path / "hello.dg"
    script.write_text('info "hello";\n')
    probe = ("import sys\nfrom cloudburst.cli.dispatch import main\n"
             f"code = main(['run', {str(script)!r}])\n"
             "print(code, sorted(m for m in ('jinja2', 'starlette', 'multipart', 'python_multipart', 'cloudburst.console') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CLOUDBURST_CACHE_DIR": str(tmp_path / "cache")})
    assert done.stdout.splitlines() == ["hello", "0 []"], done.stdout + done.stderr


def test_an_unknown_path_is_a_page_for_browsers_and_json_for_programs(anonymous: ConsoleClient) -> None:
    page = anonymous.get("/connectors-typo", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no page at /connectors-typo." in page.text
    assert "default-src" in page.headers["content-security-policy"]
    program = anonymous.get("/connectors-typo", headers={"Accept": "application/json"})
    assert program.status_code == 404 and program.json()["code"] == "NOT_FOUND"
    api = anonymous.get("/api/nothing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
