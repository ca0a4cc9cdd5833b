"""Every auth type end to end through the real ``cloudburst`` command: connector, Ready,
connection, authorize, then ``cloudburst run`` of a script whose invokeurl names the
connection. The server must receive the credential in the right place; the output must show
only ``••••`` for it."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any, Iterator

import pytest
from e2e_support import CliRunner, OAuthServer, drive_login, secret_forms, start_oauth_server
from pytest_httpserver import HTTPServer

pytestmark = pytest.mark.integration

MASK = "••••"
API_KEY = "k3y/with+plus&amp=eq?sp ace%"
USER, PASSWORD = "svc-user", "p@ss:w0rd/+ü"


def unique_path() -> str:
    return f"/e2e/{uuid.uuid4().hex}"


def received(server: HTTPServer, path: str) -> list[Any]:
    return [req for req, _ in server.log if req.path == path]


def invoke_script(url: str, link: str, extra: str = "") -> str:
    return (f'resp = invokeurl [ url: "{url}" type: GET connection: "{link}"{extra} ];\n'
            "info resp;\n")


def assert_clean(text: str, forms: set[str]) -> None:
    for form in forms:
        assert form not in text, f"secret form {form!r} leaked"


def make_api_key_connector(cb: CliRunner, name: str, location: str, key_name: str = "appid") -> str:
    link = cb.ok("connector", "create", name, "--auth", "api_key").strip()
    cb.ok("connector", "param", "add", link, "App ID", key_name, "--location", location)
    assert cb.ok("connector", "ready", link).strip() == f"{link}: Ready"
    return link


def connect_values(cb: CliRunner, connector: str, link: str, *params: str) -> None:
    assert cb.ok("connection", "create", connector, f"Conn {link}", "--link-name", link).strip() == link
    args = [a for p in params for a in ("--param", p)]
    assert cb.ok("connection", "authorize", link, *args).strip() == f"{link}: connected"


@pytest.mark.parametrize("location", ["query", "header", "form"])
def test_api_key_each_location(cb: CliRunner, echo_server: HTTPServer, location: str) -> None:
    connector = make_api_key_connector(cb, f"Echo {location}", location,
                                       "X-App-Key" if location == "header" else "appid")
    key_name = "X-App-Key" if location == "header" else "appid"
    connect_values(cb, connector, f"echo_{location}", f"{key_name}={API_KEY}")
    path = unique_path()
    method = "POST" if location == "form" else "GET"
    source = (f'resp = invokeurl [ url: "{echo_server.url_for(path)}" type: {method} '
              f'parameters: {{"q": "1"}} connection: "echo_{location}" ];\n'
              'info resp;\ninfo resp.get("args");\ninfo resp.get("form");\ninfo resp.get("headers");\n')
    done = cb.run(source)
    assert done.code == 0, done.err

    (request,) = received(echo_server, path)
    if location == "query":
        assert request.args.get("appid") == API_KEY and request.args.get("q") == "1"
    elif location == "form":
        assert request.form.get("appid") == API_KEY and request.form.get("q") == "1"
        assert "appid" not in request.args
    else:
        assert request.headers.get("X-App-Key") == API_KEY and request.args.get("q") == "1"
    assert MASK in done.out
    assert_clean(done.out + done.err, secret_forms(API_KEY))
    shown = json.loads(cb.ok("connection", "show", f"echo_{location}", "--json"))
    assert shown["status"] == "connected" and shown["last_used_at"] is not None
    assert_clean(json.dumps(shown, ensure_ascii=False), secret_forms(API_KEY))


def test_basic_auth(cb: CliRunner, echo_server: HTTPServer) -> None:
    connector = cb.ok("connector", "create", "Echo Basic", "--auth", "basic").strip()
    cb.ok("connector", "ready", connector)
    connect_values(cb, connector, "echo_basic", f"username={USER}", f"password={PASSWORD}")
    path = unique_path()
    done = cb.run(invoke_script(echo_server.url_for(path), "echo_basic") + 'info resp.get("headers");\n')
    assert done.code == 0, done.err

    (request,) = received(echo_server, path)
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {token}"
    assert f'"Authorization":"Basic {MASK}"' in done.out
    assert_clean(done.out + done.err, secret_forms(PASSWORD, USER))


def test_script_cannot_override_or_read_injected_credentials(cb: CliRunner, echo_server: HTTPServer) -> None:
    connector = make_api_key_connector(cb, "Echo Override", "query")
    connect_values(cb, connector, "echo_override", f"appid={API_KEY}")
    path = unique_path()
    url = echo_server.url_for(path) + "?appid=mine"
    done = cb.run(invoke_script(url, "echo_override", ' parameters: {"appid": "also-mine"}')
                  + 'info resp.get("args").get("appid");\n')
    assert done.code == 0, done.err
    (request,) = received(echo_server, path)
    assert request.args.getlist("appid") == [API_KEY]
    assert done.out.splitlines()[-1] == MASK


def oauth_connector(cb: CliRunner, server: OAuthServer, name: str, grant: str, offline: bool = True) -> str:
    """An OAuth 2.0 connector for the provider. OpenID providers grant ``offline_access`` (a
    refresh token) only with ``prompt=consent``, which a connector carries in its authorize URL."""
    link = cb.ok("connector", "create", name, "--auth", "oauth2").strip()
    args = ["connector", "oauth", link, "--grant-type", grant, "--client-id", server.client_id,
            "--client-secret", server.client_secret, "--token-url", server.token_url,
            "--revoke-url", server.revoke_url]
    if grant == "authorization_code":
        args += ["--authorize-url", server.authorize_url + ("?prompt=consent" if offline else ""), "--pkce"]
    cb.ok(*args)
    if grant == "authorization_code":
        cb.ok("connector", "scope", "delimiter", link, "space")
        cb.ok("connector", "scope", "add", link, "OpenID", "openid", "Offline", "offline_access")
    done = cb("connector", "ready", link)
    assert done.code == 0, done.err
    return link


def test_oauth_client_credentials(cb: CliRunner, echo_server: HTTPServer, oauth_server: OAuthServer) -> None:
    connector = oauth_connector(cb, oauth_server, "Provider CC", "client_credentials")
    cb.ok("connection", "create", connector, "Machine", "--link-name", "machine")
    assert cb.ok("connection", "authorize", "machine").strip() == "machine: connected"
    path = unique_path()
    # Tokens live 2 s and the refresh margin is larger: the run fetches a new one first.
    done = cb.run(invoke_script(echo_server.url_for(path), "machine") + 'info resp.get("headers");\n')
    assert done.code == 0, done.err
    (request,) = received(echo_server, path)
    scheme, _, token = request.headers["Authorization"].partition(" ")
    assert scheme == "Bearer" and len(token) > 20
    assert f'"Authorization":"Bearer {MASK}"' in done.out
    assert_clean(done.out + done.err, secret_forms(token) | secret_forms(oauth_server.client_secret))
    shown = cb.ok("connection", "show", "machine", "--json")
    assert_clean(shown, secret_forms(token) | secret_forms(oauth_server.client_secret))
    exported = cb.ok("connector", "export", connector)
    assert json.loads(exported)["oauth"]["client_secret"] == MASK
    assert_clean(exported, secret_forms(oauth_server.client_secret))


def authorize_code(cb: CliRunner, server: OAuthServer, link: str) -> str:
    """``connection authorize`` with --no-browser; the printed address is completed headlessly."""
    process = cb.popen("connection", "authorize", link, "--no-browser", "--port", str(server.redirect_port),
                       "--timeout", "30")
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("http"):
            drive_login(line.strip(), server.redirect_uri)
            break
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, "".join(lines) + out + err
    return "".join(lines) + out


def test_oauth_authorization_code_with_refresh(cb: CliRunner, echo_server: HTTPServer,
                                               oauth_server: OAuthServer) -> None:
    connector = oauth_connector(cb, oauth_server, "Provider Code", "authorization_code")
    cb.ok("connection", "create", connector, "Alice", "--link-name", "alice")
    printed = authorize_code(cb, oauth_server, "alice")
    assert "code_challenge=" in printed and printed.rstrip().endswith("alice: connected")
    path = unique_path()
    source = (invoke_script(echo_server.url_for(path), "alice") + 'info resp.get("headers");\n'
              f'me = invokeurl [ url: "{oauth_server.userinfo_url}" type: GET connection: "alice" ];\n'
              "info me;\n")
    # Runs twice: every run refreshes (2 s tokens), and the rotated refresh token must be kept.
    for _ in range(2):
        done = cb.run(source)
        assert done.code == 0, done.err
        assert done.out.splitlines()[-1] == '{"sub":"alice"}'
    tokens = [req.headers["Authorization"].partition(" ")[2] for req, _ in echo_server.log if req.path == path]
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    forms: set[str] = set()
    for token in tokens:
        forms |= secret_forms(token)
    assert_clean(done.out + done.err, forms)
    shown = json.loads(cb.ok("connection", "show", "alice", "--json"))
    assert shown["status"] == "connected"

    assert "not connected" in cb.ok("connection", "revoke", "alice")
    done = cb.run(invoke_script(echo_server.url_for(path), "alice"))
    assert done.code == 1 and "not connected" in done.err


SLOW_TTL = 30  # seconds: long enough for authorize and a first run on a loaded machine (15 s ran out at load 10)


@pytest.fixture(scope="module")
def slow_oauth_server() -> Iterator[OAuthServer]:
    """A provider whose access tokens outlast several CLI start-ups, then expire."""
    server = start_oauth_server(at_ttl=SLOW_TTL)
    try:
        yield server
    finally:
        server.stop()


def test_oauth_code_without_refresh_token_is_used_until_it_expires(
        cb: CliRunner, slow_oauth_server: OAuthServer) -> None:
    server = slow_oauth_server
    connector = oauth_connector(cb, server, "Provider Online", "authorization_code", offline=False)
    cb.ok("connection", "create", connector, "Bob", "--link-name", "bob")
    authorize_code(cb, server, "bob")
    authorized_at = time.monotonic()  # the token was issued before this: it expires by SLOW_TTL after
    source = f'info invokeurl [ url: "{server.userinfo_url}" type: GET connection: "bob" ];\n'
    done = cb.run(source)
    assert (done.code, done.out) == (0, '{"sub":"alice"}\n'), done.err
    assert json.loads(cb.ok("connection", "show", "bob", "--json"))["refresh_token"] is None
    # wait until the access token has expired: there is nothing to refresh it with
    time.sleep(max(0.0, authorized_at + SLOW_TTL + 0.5 - time.monotonic()))
    done = cb.run(source)
    assert done.code == 1 and "no longer authorized" in done.err
    shown = json.loads(cb.ok("connection", "show", "bob", "--json"))
    assert shown["status"] == "not connected" and "refresh" in shown["last_failure_reason"]


@pytest.mark.postgres
def test_lifecycle_on_postgresql(pg_server: Any, tmp_path: Any, key: str, echo_server: HTTPServer) -> None:
    cb = CliRunner(tmp_path, pg_server.new_database(), key)
    connector = make_api_key_connector(cb, "PG Echo", "query")
    connect_values(cb, connector, "pg_echo", f"appid={API_KEY}")
    path = unique_path()
    done = cb.run(invoke_script(echo_server.url_for(path), "pg_echo"))
    assert done.code == 0, done.err
    (request,) = received(echo_server, path)
    assert request.args["appid"] == API_KEY
    assert MASK in done.out
    assert_clean(done.out + done.err, secret_forms(API_KEY))
    cb.ok("connection", "disable", "pg_echo")
    done = cb.run(invoke_script(echo_server.url_for(path), "pg_echo"))
    assert done.code == 1 and "disabled" in done.err
    cb.ok("connection", "delete", "pg_echo")
    cb.ok("connector", "delete", connector)
    assert json.loads(cb.ok("connector", "list", "--json")) == []
