"""A script that tries every way to print a connection's secrets, run through the real CLI
(in a subprocess, and in-process with every logger at DEBUG). The reflecting server sends each
credential back in headers, cookies, JSON and text bodies and redirect targets; no secret may
come out in any form (raw, URL-encoded, base64, base64 ``user:pass``, JSON-escaped)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterator

import pytest
from e2e_support import CliRunner, secret_forms
from pytest_httpserver import HTTPServer

from cloudburst.cli import main as cli_main

pytestmark = pytest.mark.integration

MASK = "••••"
QUERY_KEY = 'qü"ery\\/+ &=?%k3y-Q'
HEADER_KEY = 'h3ad"er\\key/+=%-H'
FORM_KEY = 'f0rm k€y+&=/"~!*()-F'
USER, PASSWORD = "svc.user", 'pä$$ w:rd/+"\\-B'


def all_forms() -> set[str]:
    forms = secret_forms(QUERY_KEY) | secret_forms(HEADER_KEY) | secret_forms(FORM_KEY)
    forms |= secret_forms(PASSWORD, USER)
    for secret in (QUERY_KEY, HEADER_KEY, FORM_KEY, PASSWORD):
        forms.add(json.dumps(secret)[1:-1])
        forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    return forms


def leaks(text: str) -> list[str]:
    return sorted(form for form in all_forms() if form in text)


def setup_connections(cb: CliRunner, server: HTTPServer) -> None:
    keys = cb.ok("connector", "create", "Reflect Keys", "--auth", "api_key").strip()
    cb.ok("connector", "param", "add", keys, "App ID", "appid", "--location", "query")
    cb.ok("connector", "param", "add", keys, "Api Key", "X-Api-Key", "--location", "header")
    cb.ok("connector", "param", "add", keys, "Form Token", "token", "--location", "form")
    cb.ok("connector", "ready", keys)
    cb.ok("connection", "create", keys, "Keys", "--link-name", "keys")
    cb.ok("connection", "authorize", "keys", "--param", f"appid={QUERY_KEY}", "--param", f"X-Api-Key={HEADER_KEY}",
          "--param", f"token={FORM_KEY}")
    basic = cb.ok("connector", "create", "Reflect Basic", "--auth", "basic").strip()
    cb.ok("connector", "ready", basic)
    cb.ok("connection", "create", basic, "Basic", "--link-name", "basic")
    cb.ok("connection", "authorize", "basic", "--param", f"username={USER}", "--param", f"password={PASSWORD}")


def leaky_script(base: str, other_origin: str) -> str:
    """Deluge that tries to print the secrets every way it can."""
    return f'''
for each link in {{"keys", "basic"}}
{{
    r = invokeurl [ url: "{base}/json" type: POST parameters: {{"a": "1"}} connection: link ];
    info r;
    info r.toString();
    info r.get("headers");
    info r.get("headers").get("Authorization");
    info r.get("headers").get("X-Api-Key");
    info r.getJSON("form");
    info r.get("args");
    info r.get("data");
    info r.get("lines");
    info r.get("query");
    info r.get("url");
    info r.toString().toMap();
    info zoho.encryption.base64Encode(r.toString());
    info r.toString().encodeUrl();
    d = invokeurl [ url: "{base}/json" type: POST parameters: {{"a": "1"}} connection: link detailed: true ];
    info d;
    info d.get("responseHeader");
    info d.get("responseHeader").get("Set-Cookie");
    info d.get("responseHeader").get("X-Reflect-Authorization");
    info d.get("responseHeader").get("X-Reflect-Query");
    info d.get("responseText");
    t = invokeurl [ url: "{base}/text" type: POST parameters: {{"a": "1"}} connection: link detailed: true ];
    info t;
    info t.get("responseText");
    raw = invokeurl [ url: "{base}/json" type: POST parameters: {{"a": "1"}} connection: link response-format: "TEXT" ];
    info raw;
    info raw.toMap();
    e500 = invokeurl [ url: "{base}/error" type: GET connection: link detailed: true ];
    info e500.get("responseCode");
    info e500;
    g = invokeurl [ url: "{base}/text" type: GET connection: link ];
    info g;
    info zoho.encryption.base64Encode(g);
    f = invokeurl [ url: "{base}/json" type: GET connection: link response-format: "FILE" ];
    info f.getFileContent();
    bounced = invokeurl [ url: "{base}/bounce?to={other_origin}/json" type: GET connection: link detailed: true ];
    info bounced;
    same = invokeurl [ url: "{base}/bounce?to={base}/json" type: GET connection: link detailed: true ];
    info same;
    try
    {{
        x = invokeurl [ url: "http://127.0.0.1:1/closed" type: GET connection: link ];
    }}
    catch (e)
    {{
        info e;
        info e.toString();
    }}
    try
    {{
        y = invokeurl [ url: "{base}/json" type: POST body: "raw text" connection: link ];
        info y.get("data");
    }}
    catch (e)
    {{
        info e;
    }}
    try
    {{
        z = invokeurl [ url: "{base}/json" type: GET connection: link response-format: "JSON" response-decoding: "no-such-charset" ];
    }}
    catch (e)
    {{
        info e;
    }}
}}
'''


@pytest.fixture
def debug_logs() -> Iterator[list[str]]:
    """Every log record of the run, formatted with its traceback, with every logger at DEBUG
    and a plain handler (no filter) on the root logger, as a careless host would set it up."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    names = ["", "cloudburst", "cloudburst.http", "httpx2", "httpcore2", "httpcore2.http11",
             "httpcore2.connection", "sqlalchemy.engine"]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_every_way_to_print_a_secret_in_process(
        cb: CliRunner, reflect_server: HTTPServer, debug_logs: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    setup_connections(cb, reflect_server)
    base = reflect_server.url_for("").rstrip("/")
    other = base.replace("127.0.0.1", "localhost")
    path = cb.script(leaky_script(base, other))
    monkeypatch.setenv("CLOUDBURST_SECRET_KEY", cb.env["CLOUDBURST_SECRET_KEY"])
    reflect_server.clear_log()

    code = cli_main(["run", str(path), "--db", cb.db_url])
    out, err = capsys.readouterr()
    assert code == 0, err

    # The secrets really went out (so a clean output means masking, not a missing credential).
    sent = [req for req, _ in reflect_server.log]
    assert any(req.args.get("appid") == QUERY_KEY for req in sent)
    assert any(req.headers.get("X-Api-Key") == HEADER_KEY for req in sent)
    assert any(req.form.get("token") == FORM_KEY for req in sent)
    assert any(req.authorization is not None and req.authorization.password == PASSWORD for req in sent)
    assert out.count(MASK) > 50
    assert "••••" in out and "could not reach 127.0.0.1:1" in out
    logs = "\n".join(debug_logs)
    assert "httpcore2" in logs and "HTTP Request" in logs  # the DEBUG handler really saw the traffic
    assert leaks(out) == [], leaks(out)
    assert leaks(err) == [], leaks(err)
    assert leaks(logs) == [], leaks(logs)


def test_every_way_to_print_a_secret_through_the_cli(cb: CliRunner, reflect_server: HTTPServer) -> None:
    setup_connections(cb, reflect_server)
    base = reflect_server.url_for("").rstrip("/")
    done = cb.run(leaky_script(base, base.replace("127.0.0.1", "localhost")))
    assert done.code == 0, done.err
    assert done.out.count(MASK) > 50
    assert leaks(done.out) == [] and leaks(done.err) == []


def test_uncaught_errors_and_store_commands_show_no_secret(cb: CliRunner, reflect_server: HTTPServer,
                                                           tmp_path: Path) -> None:
    setup_connections(cb, reflect_server)
    base = reflect_server.url_for("").rstrip("/")
    for source in (
        'invokeurl [ url: "http://127.0.0.1:1/x" type: GET connection: "keys" ];',
        f'invokeurl [ url: "{base}/json" type: POST body: "text" connection: "keys" ];',
        f'r = invokeurl [ url: "{base}/json" type: GET connection: "basic" ];\n'
        'n = r.get("headers").get("Authorization").toNumber();',
        f'r = invokeurl [ url: "{base}/json" type: GET connection: "keys" ];\nn = r.get("query").toLong();',
    ):
        done = cb.run(source)
        assert done.code == 1 and "error" in done.err
        assert leaks(done.out + done.err) == [], source
    outputs = [
        cb.ok("connection", "show", "keys", "--json"), cb.ok("connection", "show", "basic"),
        cb.ok("connection", "list", "--json"), cb.ok("connector", "export", "reflect_keys"),
        cb.ok("connector", "export", "reflect_basic"), cb.ok("connector", "show", "reflect_keys", "--json"),
    ]
    assert json.loads(outputs[0])["values"] == {"appid": MASK, "X-Api-Key": MASK, "token": MASK}
    failed = cb("connection", "authorize", "keys", "--param", f"appid={QUERY_KEY}", "--param", f"bogus={HEADER_KEY}")
    assert failed.code == 1
    outputs += [failed.out, failed.err]
    assert leaks("\n".join(outputs)) == []
    raw = (tmp_path / "store.db").read_bytes()
    assert [s for s in (QUERY_KEY, HEADER_KEY, FORM_KEY, PASSWORD) if s.encode() in raw] == []


def test_cookies_set_on_an_authenticated_call_are_not_replayed(cb: CliRunner, reflect_server: HTTPServer) -> None:
    """Deluge keeps no cookies between calls: a cookie a server set in answer to an
    authenticated request (here it holds the Basic token) must not ride along on later ones."""
    setup_connections(cb, reflect_server)
    base = reflect_server.url_for("").rstrip("/")
    reflect_server.clear_log()
    done = cb.run(f'a = invokeurl [ url: "{base}/json" type: GET connection: "basic" ];\n'
                  f'b = invokeurl [ url: "{base}/json" type: GET ];\n'
                  'info b.get("headers");\n')
    assert done.code == 0, done.err
    first, second = (req for req, _ in reflect_server.log)
    assert first.authorization is not None
    assert "Cookie" not in second.headers and second.authorization is None


def test_connection_test_command_logs_no_secret(cb: CliRunner, reflect_server: HTTPServer, debug_logs: list[str],
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """``connection test`` sends the credentials with its own client: its log lines (the
    request URL holds the query key) must be masked too."""
    from cloudburst.cli import main as store_main

    setup_connections(cb, reflect_server)
    cb.ok("connector", "edit", "reflect_keys", "--test-url", reflect_server.url_for("/json"))
    reflect_server.clear_log()
    code = store_main(["connection", "test", "keys", "--db", cb.db_url],
                      environ={"CLOUDBURST_SECRET_KEY": cb.env["CLOUDBURST_SECRET_KEY"]})
    out, err = capsys.readouterr()
    assert code == 0, err
    (request,) = (req for req, _ in reflect_server.log)
    assert request.args["appid"] == QUERY_KEY
    logs = "\n".join(debug_logs)
    assert "HTTP Request" in logs
    assert leaks(out + err) == [] and leaks(logs) == [], leaks(logs)
