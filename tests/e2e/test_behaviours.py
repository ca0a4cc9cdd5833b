"""The invokeurl issue's required behaviours through real scripts: refusals with the task's
span, allowed hosts, redirects across two loopback origins, non-2xx results, timeouts, the
size cap, getUrl/postUrl, and the runtime's own switches."""

from __future__ import annotations

import re
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from e2e_support import CliRunner
from pytest_httpserver import HTTPServer

from cloudburst.engine import Runtime
from cloudburst.errors import DelugeRuntimeError
from cloudburst.http import HttpService, HttpSettings

pytestmark = pytest.mark.integration

MASK = "••••"
KEY = "e2e-behaviour-key"
USER, PASSWORD = "behave", "behave-password"


def unique(server: HTTPServer, host: str = "127.0.0.1") -> tuple[str, str]:
    path = f"/b/{uuid.uuid4().hex}"
    return path, f"http://{host}:{server.port}{path}"


def hits(server: HTTPServer, path: str) -> list[Any]:
    return [req for req, _ in server.log if req.path == path]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store built once per module through the CLI: API-key connections (query, header,
    form), a Basic one, and one that is created but never authorized."""
    tmp = tmp_path_factory.mktemp("template")
    key = Fernet.generate_key().decode()
    cb = CliRunner(tmp, f"sqlite:///{tmp / 'store.db'}", key)
    for location, name in (("query", "appid"), ("header", "X-Key"), ("form", "token")):
        link = cb.ok("connector", "create", f"Keys {location}", "--auth", "api_key").strip()
        cb.ok("connector", "param", "add", link, "Key", name, "--location", location)
        cb.ok("connector", "ready", link)
        cb.ok("connection", "create", link, f"Conn {location}", "--link-name", location)
        cb.ok("connection", "authorize", location, "--param", f"{name}={KEY}")
    basic = cb.ok("connector", "create", "Basic", "--auth", "basic").strip()
    cb.ok("connector", "ready", basic)
    cb.ok("connection", "create", basic, "Basic", "--link-name", "basic")
    cb.ok("connection", "authorize", "basic", "--param", f"username={USER}", "--param", f"password={PASSWORD}")
    cb.ok("connection", "create", basic, "Never authorized", "--link-name", "pending")
    return tmp / "store.db", key


@pytest.fixture
def connected(template: tuple[Path, str], tmp_path: Path) -> CliRunner:
    """A private copy of the template store (the CLI processes that wrote it have exited, so
    the SQLite file is complete)."""
    db, key = template
    shutil.copyfile(db, tmp_path / "store.db")
    return CliRunner(tmp_path, f"sqlite:///{tmp_path / 'store.db'}", key)


def span_error(done: Any, path_name: str, line: int, column: int) -> str:
    """The error line of a failed run, checked to carry ``file:line:col``."""
    assert done.code == 1, (done.out, done.err)
    first = done.err.splitlines()[0]
    assert re.match(rf".*{re.escape(path_name)}:{line}:{column}: error: ", first), done.err
    return first


REFUSAL = 'x = 1;\nif (x == 1)\n{\n    r = invokeurl [ url: "{url}" type: GET connection: "{link}" ];\n}\n'


@pytest.mark.parametrize("link, message", [
    ("nope", 'connection "nope" does not exist'),
    ("pending", 'connection "pending" is not connected'),
])
def test_unusable_connections_are_refused_with_the_span(connected: CliRunner, echo_server: HTTPServer,
                                                        link: str, message: str) -> None:
    path, url = unique(echo_server)
    done = connected.run(REFUSAL.replace("{url}", url).replace("{link}", link), name="refuse.dg")
    assert message in span_error(done, "refuse.dg", 4, 9)
    assert hits(echo_server, path) == []


def test_disabled_then_enabled(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, url = unique(echo_server)
    source = REFUSAL.replace("{url}", url).replace("{link}", "query")
    connected.ok("connection", "disable", "query")
    assert 'connection "query" is disabled' in span_error(connected.run(source, name="off.dg"), "off.dg", 4, 9)
    assert hits(echo_server, path) == []
    connected.ok("connection", "enable", "query")
    assert connected.run(source).code == 0
    assert [r.args["appid"] for r in hits(echo_server, path)] == [KEY]


def test_revoked_connection_is_refused(connected: CliRunner, echo_server: HTTPServer) -> None:
    connected.ok("connection", "revoke", "basic")
    path, url = unique(echo_server)
    done = connected.run(REFUSAL.replace("{url}", url).replace("{link}", "basic"), name="revoked.dg")
    assert "not connected" in span_error(done, "revoked.dg", 4, 9)
    assert hits(echo_server, path) == []


def test_draft_connector_is_refused(connected: CliRunner, echo_server: HTTPServer) -> None:
    """Ready is irreversible through every command; a store edited behind the runtime's back
    must still not lend a Draft connector's credentials."""
    with sqlite3.connect(connected.tmp / "store.db") as db:
        db.execute("UPDATE cb_connector SET stage = 'draft' WHERE link_name = 'keys_header'")
    path, url = unique(echo_server)
    done = connected.run(REFUSAL.replace("{url}", url).replace("{link}", "header"), name="draft.dg")
    assert "Draft" in span_error(done, "draft.dg", 4, 9)
    assert hits(echo_server, path) == []


def test_refusal_is_catchable(connected: CliRunner, echo_server: HTTPServer) -> None:
    _, url = unique(echo_server)
    done = connected.run(f'try {{ r = invokeurl [ url: "{url}" connection: "nope" ]; }}\n'
                         'catch (e) { info "caught: " + e; }\n')
    assert done.code == 0 and done.out.startswith('caught: invokeurl: connection "nope" does not exist; create it'), done.err


def test_allowed_hosts_refuse_before_sending(connected: CliRunner, echo_server: HTTPServer) -> None:
    connected.ok("connector", "edit", "keys_query", "--allow-host", "localhost")
    path, url = unique(echo_server)
    done = connected.run(f'r = invokeurl [ url: "{url}" type: GET connection: "query" ];\n', name="hosts.dg")
    assert "not in the connector's allowed hosts" in span_error(done, "hosts.dg", 1, 5)
    assert hits(echo_server, path) == []
    path, url = unique(echo_server, "localhost")
    done = connected.run(f'r = invokeurl [ url: "{url}" type: GET connection: "query" ];\ninfo r.get("args");\n')
    assert done.code == 0 and done.out == f'{{"appid":"{MASK}"}}\n', done.err
    assert hits(echo_server, path)[0].args["appid"] == KEY


def redirect(server: HTTPServer, to: str, status: int = 302) -> str:
    return f"http://127.0.0.1:{server.port}/redirect?status={status}&to={quote(to, safe='')}"


@pytest.mark.parametrize("link, method, status", [
    ("query", "GET", 302), ("header", "GET", 302), ("basic", "GET", 302),
    ("form", "POST", 307), ("query", "POST", 308), ("basic", "PUT", 307),
])
def test_redirect_to_other_origin_drops_every_credential(connected: CliRunner, echo_server: HTTPServer,
                                                         link: str, method: str, status: int) -> None:
    path, target = unique(echo_server, "localhost")
    source = (f'r = invokeurl [ url: "{redirect(echo_server, target, status)}" type: {method} '
              f'parameters: {{"mine": "1"}} headers: {{"Authorization": "script-own", "X-Trace": "t"}} '
              f'connection: "{link}" ];\ninfo r.get("host");\ninfo r.get("method");\n')
    done = connected.run(source)
    assert done.code == 0, done.err
    (request,) = hits(echo_server, path)
    assert done.out == f"localhost:{echo_server.port}\n{method if status in (307, 308) else 'GET'}\n"
    assert "Authorization" not in request.headers and "X-Key" not in request.headers
    assert "appid" not in request.args and "token" not in request.form and "token" not in request.args
    assert request.headers.get("X-Trace") == "t"
    if status in (307, 308):
        assert request.form.get("mine") == "1"  # the script's own body goes on, without any key
    first = [r for r, _ in echo_server.log if r.path == "/redirect" and path in r.args.get("to", "")]
    assert first and (first[0].authorization is not None or KEY in first[0].url + str(first[0].headers)
                      + str(dict(first[0].form)))


def test_redirect_chain_never_regains_credentials(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, back_home = unique(echo_server)  # 127.0.0.1 again, after a hop through localhost
    via_localhost = f"http://localhost:{echo_server.port}/redirect?to={quote(back_home, safe='')}"
    done = connected.run(f'r = invokeurl [ url: "{redirect(echo_server, via_localhost)}" connection: "header" ];\n'
                         'info r.get("path");\n')
    assert done.code == 0 and done.out.strip() == path, done.err
    (request,) = hits(echo_server, path)
    assert "X-Key" not in request.headers


def test_same_origin_redirect_keeps_credentials(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, target = unique(echo_server)
    done = connected.run(f'r = invokeurl [ url: "{redirect(echo_server, target)}" connection: "query" ];\n')
    assert done.code == 0, done.err
    assert hits(echo_server, path)[0].args["appid"] == KEY


def test_server_copying_the_key_into_the_redirect_target(connected: CliRunner, reflect_server: HTTPServer) -> None:
    """A server that copies the whole query string into Location must not carry the key over."""
    base = reflect_server.url_for("").rstrip("/")
    other = base.replace("127.0.0.1", "localhost")
    reflect_server.clear_log()
    done = connected.run(f'r = invokeurl [ url: "{base}/bounce?to={other}/json" connection: "query" ];\n'
                         'info r.get("args");\n')
    assert done.code == 0, done.err
    first, second = (req for req, _ in reflect_server.log)
    assert first.args["appid"] == KEY and second.host.startswith("localhost")
    assert "appid" not in second.args and KEY not in done.out


def test_non_2xx_is_returned_not_raised(connected: CliRunner, echo_server: HTTPServer) -> None:
    base = f"http://127.0.0.1:{echo_server.port}"
    done = connected.run(
        f'r = invokeurl [ url: "{base}/status/404" type: GET connection: "query" detailed: true ];\n'
        'info r.get("responseCode");\ninfo r.get("responseText");\n'
        f'p = invokeurl [ url: "{base}/status/503" type: POST parameters: {{"a": 1}} ];\ninfo p;\n'
        f'u = invokeurl [ url: "{base}/status/401" type: GET connection: "basic" ];\ninfo u.get("status");\n')
    assert done.code == 0, done.err
    assert done.out.splitlines() == ["404", '{"status":404}', '{"status":503}', "401"]


def test_size_cap(connected: CliRunner, echo_server: HTTPServer) -> None:
    base = f"http://127.0.0.1:{echo_server.port}"
    done = connected.run(f'r = invokeurl [ url: "{base}/bytes/1000" type: GET ];\ninfo r.length();\n'
                         f'big = invokeurl [ url: "{base}/bytes/{5 * 1024 * 1024 + 1}" type: GET connection: "query" ];\n',
                         name="big.dg")
    assert done.out == "1000\n"
    assert "larger than the 5 MB limit" in span_error(done, "big.dg", 3, 7)


def test_run_time_limit_bounds_the_call(connected: CliRunner, echo_server: HTTPServer) -> None:
    base = f"http://127.0.0.1:{echo_server.port}"
    done = connected.run(f'r = invokeurl [ url: "{base}/slow/5" type: GET connection: "query" ];\n',
                         "--timeout", "1", name="slow.dg")
    assert done.code == 4 and "slow.dg:1:5" in done.err and "1 s" in done.err, done.err


def test_no_network_switch(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, url = unique(echo_server)
    done = connected.run(f'r = invokeurl [ url: "{url}" connection: "query" ];\n', "--no-network")
    assert done.code != 0 and hits(echo_server, path) == []


def test_get_url_and_post_url(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, url = unique(echo_server)
    done = connected.run(
        f'info getUrl("{url}?q=1").contains("\\"q\\": \\"1\\"");\n'
        f'd = getUrl("{url}", {{"X-Mine": "yes"}}, false);\n'
        'info d.get("responseCode");\ninfo d.get("responseText").get("headers").get("X-Mine");\n'
        f'p = postUrl("{url}", {{"a": "b"}});\ninfo p.contains("\\"a\\": \\"b\\"");\n'
        f'e = getUrl("http://127.0.0.1:{echo_server.port}/status/404", {{}}, false);\ninfo e.get("responseCode");\n')
    assert done.code == 0, done.err
    assert done.out.splitlines() == ["true", "200", "yes", "true", "404"]
    methods = [r.method for r in hits(echo_server, path)]
    assert methods == ["GET", "GET", "POST"] and hits(echo_server, path)[2].form["a"] == "b"


# -- in-process runtimes: switches the CLI does not expose ---------------------------------------


def runtime_with(cb: CliRunner, **kwargs: Any) -> Runtime:
    return Runtime(store=cb.db_url, secret_keys=[cb.env["CLOUDBURST_SECRET_KEY"]], **kwargs)


def test_runtime_connection_allow_list(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, url = unique(echo_server)
    with runtime_with(connected, connections=["header"]) as rt:
        assert rt.run(f'r = invokeurl [ url: "{url}" connection: "header" ];\ninfo r.get("path");').info == [path]
        with pytest.raises(DelugeRuntimeError, match="not available to scripts") as info:
            rt.run(f'r = invokeurl [ url: "{url}" connection: "query" ];', name="allow.dg")
        assert (info.value.span.line, info.value.span.column) == (1, 5)
    assert len(hits(echo_server, path)) == 1


def test_runtime_allowed_hosts_cover_get_url_and_redirects(connected: CliRunner, echo_server: HTTPServer) -> None:
    path, url = unique(echo_server)
    with runtime_with(connected, allowed_hosts=["localhost"]) as rt:
        with pytest.raises(DelugeRuntimeError, match="not allowed in this runtime"):
            rt.run(f'x = getUrl("{url}");')
        local = url.replace("127.0.0.1", "localhost")
        with pytest.raises(DelugeRuntimeError, match="not allowed in this runtime"):
            rt.run(f'r = invokeurl [ url: "http://localhost:{echo_server.port}/redirect?to={quote(url, safe="")}" ];')
        assert rt.run(f'info postUrl("{local}", {{"k": "v"}}).contains("localhost");').info == ["true"]
    assert [r.host for r in hits(echo_server, path)] == [f"localhost:{echo_server.port}"]


def test_socket_timeout_is_a_catchable_error(connected: CliRunner, echo_server: HTTPServer) -> None:
    with runtime_with(connected) as rt:
        rt.service("http", lambda: HttpService(rt.connections, HttpSettings(timeout=0.5)))
        result = rt.run(f'try {{ r = invokeurl [ url: "http://127.0.0.1:{echo_server.port}/slow/2" '
                        'connection: "query" ]; }\ncatch (e) { info e; }')
    assert result.info == [f"invokeurl: socket timeout: no complete response from 127.0.0.1:{echo_server.port} "
                           "within 0.5 s"]
