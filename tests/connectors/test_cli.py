"""The CLI end to end through ``main()``: the issue's exact invocations, the full lifecycle on
SQLite and PostgreSQL, exit codes, JSON output, prompts, confirmation and redaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

Cli = Any
SECRET = "sk-LIVE-7f3a9c-appid-value"


def ok(result: Any) -> str:
    assert result.code == 0, result.err
    assert result.err == "" or result.err.startswith("cloudburst: warning:")
    return str(result.out)


def test_issue_invocations_work_as_written(cli: Cli) -> None:
    assert ok(cli("connector", "create", "Open Weather")) == "open_weather\n"
    listing = json.loads(ok(cli("connector", "list", "--json")))
    assert listing == [{"name": "Open Weather", "link_name": "open_weather", "stage": "Draft",
                        "auth_type": None, "connections": []}]
    ok(cli("connector", "auth", "open_weather", "api_key"))
    ok(cli("connector", "param", "add", "open_weather", "App ID", "appid", "--location", "query"))
    assert ok(cli("connector", "ready", "open_weather")) == "open_weather: Ready\n"
    assert ok(cli("connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod")) == \
        "weather_prod\n"
    assert ok(cli("connection", "authorize", "weather_prod", "--param", "appid=KEY")) == "weather_prod: connected\n"
    shown = json.loads(ok(cli("connection", "show", "weather_prod", "--json")))
    assert shown["status"] == "connected" and shown["values"] == {"appid": "••••"}


def test_full_lifecycle(any_db_url: str, key: str, tmp_path: Path, httpserver: HTTPServer, make_cli: Any) -> None:
    """Every command once, against a real SQLite file and a real PostgreSQL database."""
    cli = make_cli({"CLOUDBURST_SECRET_KEY": key})
    db = ["--db", any_db_url]
    seen: list[Request] = []

    def answer(request: Request) -> Response:
        seen.append(request)
        good = request.args.get("appid") == SECRET and request.headers.get("X-Region") == "eu-secret-region"
        return Response("{}", status=200 if good else 401)

    httpserver.expect_request("/ping").respond_with_handler(answer)
    test_url = httpserver.url_for("/ping")

    assert ok(cli("connector", *db, "create", "Open Weather", "--description", "Weather data (v2.5)")) == \
        "open_weather\n"
    ok(cli("connector", "edit", "open_weather", "--test-url", test_url, "--allow-host", "localhost",
           "--allow-host", "127.0.0.1", *db))
    ok(cli("connector", "auth", "open_weather", "api_key", *db))
    ok(cli("connector", "param", "add", "open_weather", "App ID", "appid", "--location", "query", *db))
    ok(cli("connector", "param", "add", "open_weather", "Region", "X-Region", *db))
    ok(cli("connector", "param", "add", "open_weather", "Old", "old", "--location", "form", *db))
    ok(cli("connector", "param", "delete", "open_weather", "old", *db))
    params = json.loads(ok(cli("connector", "param", "list", "open_weather", "--json", *db)))
    assert [(p["key"], p["location"]) for p in params] == [("appid", "query"), ("X-Region", "header")]
    ok(cli("connector", "ready", "open_weather", *db))

    ok(cli("connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod", *db))
    result = cli("connection", "test", "weather_prod", *db)
    assert result.code == 1 and "not connected" in result.err
    ok(cli("connection", "authorize", "weather_prod", "--param", f"appid={SECRET}",
           "--param", "X-Region=eu-secret-region", *db))
    assert ok(cli("connection", "test", "weather_prod", *db)) == "weather_prod: ok (HTTP 200)\n"
    assert len(seen) == 1

    shown = json.loads(ok(cli("connection", "show", "weather_prod", "--json", *db)))
    assert shown["last_used_at"] is not None and shown["status"] == "connected"
    assert ok(cli("connection", "list", "--connector", "open_weather", *db)).splitlines()[1].split()[0] == \
        "weather_prod"

    ok(cli("connection", "disable", "weather_prod", *db))
    assert json.loads(ok(cli("connection", "list", "--json", *db)))[0]["enabled"] is False
    result = cli("connection", "test", "weather_prod", *db)
    assert result.code == 1 and "is disabled" in result.err
    ok(cli("connection", "enable", "weather_prod", *db))

    export_file = tmp_path / "weather.json"
    ok(cli("connector", "export", "open_weather", "-o", str(export_file), *db))
    ok(cli("connection", "revoke", "weather_prod", *db))
    shown = json.loads(ok(cli("connection", "show", "weather_prod", "--json", *db)))
    assert shown["status"] == "not connected" and shown["values"] == {}

    result = cli("connector", "delete", "open_weather", *db)
    assert result.code == 1 and "has connections (weather_prod)" in result.err
    ok(cli("connection", "delete", "weather_prod", *db))
    ok(cli("connector", "delete", "open_weather", *db))
    assert ok(cli("connector", "import", str(export_file), *db)) == "open_weather\n"
    imported = json.loads(ok(cli("connector", "show", "open_weather", "--json", *db)))
    assert imported["stage"] == "Draft" and [p["key"] for p in imported["params"]] == ["appid", "X-Region"]
    assert imported["test_url"] == test_url and imported["allowed_hosts"] == ["localhost", "127.0.0.1"]


def test_oauth_connector_commands(cli: Cli) -> None:
    ok(cli("connector", "create", "Zoho CRM", "--auth", "oauth2"))
    ok(cli("connector", "oauth", "zoho_crm", "--client-id", "1000.ABC", "--client-secret", "s3cr3t-client",
           "--authorize-url", "https://accounts.example.com/oauth/v2/auth",
           "--token-url", "https://accounts.example.com/oauth/v2/token",
           "--revoke-url", "https://accounts.example.com/oauth/v2/token/revoke",
           "--expiry", "1800", "--bearer-name", "Zoho0authtoken", "--no-pkce"))
    ok(cli("connector", "scope", "add", "zoho_crm", "Read contacts", "ZohoCRM.contacts.READ",
           "All modules", "ZohoCRM.modules.ALL"))
    ok(cli("connector", "scope", "edit", "zoho_crm", "ZohoCRM.modules.ALL", "All modules", "ZohoCRM.modules.all"))
    found = json.loads(ok(cli("connector", "scope", "list", "zoho_crm", "--search", "contacts", "--json")))
    assert found == [{"display_name": "Read contacts", "value": "ZohoCRM.contacts.READ"}]
    ok(cli("connector", "scope", "delimiter", "zoho_crm", "space"))
    result = cli("connector", "scope", "add", "zoho_crm", "Odd one out")
    assert result.code == 1 and "NAME VALUE pairs" in result.err
    shown = ok(cli("connector", "show", "zoho_crm"))
    assert "client_secret: ••••" in shown and "s3cr3t-client" not in shown
    assert "scope_delimiter: space" in shown
    exported = ok(cli("connector", "export", "zoho_crm"))
    assert "s3cr3t-client" not in exported and json.loads(exported)["oauth"]["client_secret"] == "••••"
    ok(cli("connector", "ready", "zoho_crm"))
    ok(cli("connection", "create", "zoho_crm", "CRM", "--scope", "ZohoCRM.contacts.READ"))
    result = cli("connector", "scope", "delete", "zoho_crm", "ZohoCRM.modules.all")
    assert result.code == 1 and "has connections (crm)" in result.err
    assert ok(cli("connection", "scopes", "crm", "ZohoCRM.contacts.READ,ZohoCRM.modules.all")) == \
        "crm: scopes ZohoCRM.contacts.READ, ZohoCRM.modules.all\n"  # not connected yet: nothing to revoke
    answer = json.loads(ok(cli("connection", "scopes", "crm", "ZohoCRM.modules.all", "--json")))
    assert answer == {"link_name": "crm", "scopes": ["ZohoCRM.modules.all"], "status": "not connected"}
    result = cli("connection", "scopes", "crm", "ZohoCRM.deals.ALL")
    assert result.code == 1 and "scopes: must be a subset" in result.err and "unknown: ZohoCRM.deals.ALL" in result.err


def test_import_recreates_as_draft_without_secret(cli: Cli, tmp_path: Path) -> None:
    ok(cli("connector", "create", "Zoho CRM", "--auth", "oauth2"))
    ok(cli("connector", "oauth", "zoho_crm", "--client-id", "id1", "--client-secret", "top-secret",
           "--token-url", "https://a.example.com/t", "--authorize-url", "https://a.example.com/a"))
    ok(cli("connector", "scope", "add", "zoho_crm", "Read", "read"))
    ok(cli("connector", "ready", "zoho_crm"))
    path = tmp_path / "crm.json"
    ok(cli("connector", "export", "zoho_crm", "--output", str(path)))
    assert ok(cli("connector", "import", str(path), "--link-name", "zoho_crm_copy")) == "zoho_crm_copy\n"
    copy = json.loads(ok(cli("connector", "show", "zoho_crm_copy", "--json")))
    assert copy["stage"] == "Draft" and copy["oauth"]["client_secret"] is None
    assert copy["scopes"] == [{"display_name": "Read", "value": "read"}]
    result = cli("connector", "ready", "zoho_crm_copy")
    assert result.code == 1 and "missing client_secret" in result.err
    result = cli("connector", "import", str(path))
    assert result.code == 1 and "already used" in result.err
    path.write_text("{not json")
    result = cli("connector", "import", str(path))
    assert result.code == 1 and "not valid JSON" in result.err
    path.write_text(json.dumps({"format": "something-else"}))
    assert "not a connector export" in cli("connector", "import", str(path)).err


def test_prompts_hidden_for_secrets(cli: Cli) -> None:
    ok(cli("connector", "create", "Jira", "--auth", "basic"))
    ok(cli("connector", "param", "edit", "jira", "username", "--display-name", "Email"))
    ok(cli("connector", "ready", "jira"))
    ok(cli("connection", "create", "jira", "Jira"))
    result = cli("connection", "authorize", "jira", answers=["me@example.com", "hunter2-password"])
    assert result.code == 0 and "hunter2" not in result.out + result.err
    assert cli.asked == [("Email: ", False), ("Password: ", True)]
    result = cli("connection", "authorize", "jira", "--param", "username=me")
    assert result.code == 1 and "missing value for password; pass --param-stdin KEY" in result.err
    result = cli("connection", "authorize", "jira", "--param", "password")
    assert result.code == 1 and "expected KEY=VALUE" in result.err


def test_auth_change_asks_for_confirmation(cli: Cli) -> None:
    ok(cli("connector", "create", "Weather", "--auth", "api_key"))
    ok(cli("connector", "param", "add", "weather", "Key", "key"))
    result = cli("connector", "auth", "weather", "basic")
    assert result.code == 1 and "pass --yes to confirm" in result.err
    result = cli("connector", "auth", "weather", "basic", answers=["n"])
    assert result.code == 1 and "cancelled" in result.err
    assert json.loads(ok(cli("connector", "show", "weather", "--json")))["auth_type"] == "api_key"
    ok(cli("connector", "auth", "weather", "basic", answers=["yes"]))
    ok(cli("connector", "auth", "weather", "oauth2", "--yes"))
    assert json.loads(ok(cli("connector", "show", "weather", "--json")))["params"] == []


def test_usage_errors_exit_2_without_traceback(cli: Cli) -> None:
    for argv in (["connector", "bogus"], ["connection", "create", "only_one"],
                 ["connector", "scope", "delimiter", "x", "semicolon"], ["nonsense"],
                 ["connection", "authorize", "x", "--timeout", "soon"]):
        result = cli(*argv)
        assert result.code == 2, argv
        assert "cloudburst: error:" in result.err and "Traceback" not in result.err


def test_a_bare_group_lists_its_commands(cli: Cli) -> None:
    for group, expected in (["connector", "import"], ["connection", "authorize"], ["secrets", "generate-key"]):
        result = cli(group)
        assert result.code == 0 and result.err == ""
        assert expected in result.out and f"usage: cloudburst {group}" in result.out
    result = cli("connector", "scope")
    assert result.code == 0 and "delimiter" in result.out


def test_help_exits_0(cli: Cli) -> None:
    result = cli("connection", "--help")
    assert result.code == 0 and "authorize" in result.out


def test_refusals_exit_1(cli: Cli) -> None:
    result = cli("connector", "show", "missing")
    assert (result.code, result.err) == (1, 'cloudburst: error: connector "missing" does not exist; create it with: '
                                           'cloudburst connector create "NAME" --link-name missing --auth TYPE\n')
    result = cli("connection", "enable", "missing")
    assert result.code == 1 and 'connection "missing" does not exist' in result.err
    result = cli("connector", "create", "x" * 51)
    assert result.code == 1 and "name: must be at most 50 characters" in result.err


def test_db_option_and_bad_url(key: str, tmp_path: Path, make_cli: Any) -> None:
    cli = make_cli({"CLOUDBURST_SECRET_KEY": key})
    url = f"sqlite:///{tmp_path / 'other.db'}"
    ok(cli("connector", "--db", url, "create", "A"))
    ok(cli("connector", "create", "B", "--db", url))
    assert [c["link_name"] for c in json.loads(ok(cli("connector", "list", "--json", "--db", url)))] == ["a", "b"]
    result = cli("connector", "list", "--db", "postgresql://user:pw-should-hide@127.0.0.1:1/none")
    assert result.code == 1 and "cannot open the connection store" in result.err
    assert "pw-should-hide" not in result.err
    result = cli("connector", "list", "--db", "::not a url::")
    assert result.code == 1 and "invalid database URL" in result.err


def test_default_locations_are_user_dirs(isolated_user_dirs: Path, make_cli: Any) -> None:
    cli = make_cli({})
    ok(cli("connector", "create", "A"))
    key_file = isolated_user_dirs / "config" / "cloudburst" / "secret.key"
    assert (isolated_user_dirs / "data" / "cloudburst" / "connections.db").exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_module_entry_point(tmp_path: Path, key: str) -> None:
    env = {**os.environ, "CLOUDBURST_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "CLOUDBURST_SECRET_KEY": key}
    run = subprocess.run([sys.executable, "-m", "cloudburst", "connector", "create", "Open Weather"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert (run.returncode, run.stdout) == (0, "open_weather\n")
    run = subprocess.run([sys.executable, "-m", "cloudburst", "connector", "ready", "open_weather"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 1 and run.stderr == "cloudburst: error: auth_type: must be set before the connector " \
                                                 "can be marked Ready\n"


def test_edit_connector_general_fields(cli: Cli, tmp_path: Path) -> None:
    ok(cli("connector", "create", "Weather"))
    logo = tmp_path / "l.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n1234")
    ok(cli("connector", "edit", "weather", "--name", "Weather API", "--description", "Forecasts",
           "--logo", str(logo), "--link-name", "weather_api"))
    info = json.loads(ok(cli("connector", "show", "weather_api", "--json")))
    assert (info["name"], info["description"], info["logo"]) == ("Weather API", "Forecasts",
                                                                 {"type": "image/png", "bytes": 12})
    ok(cli("connector", "edit", "weather_api", "--no-logo", "--no-description", "--allow-host", "a.example.com",
           "--allow-host", "b.example.com"))
    ok(cli("connector", "edit", "weather_api", "--remove-host", "a.example.com"))
    info = json.loads(ok(cli("connector", "show", "weather_api", "--json")))
    assert (info["logo"], info["description"], info["allowed_hosts"]) == (None, None, ["b.example.com"])
    result = cli("connector", "edit", "weather_api")
    assert result.code == 1 and "nothing to change" in result.err
    assert ok(cli("connector", "list", "--search", "API")).count("weather_api") == 1
    assert ok(cli("connector", "list", "--search", "nothing-like-it")) == "no connectors\n"


@pytest.mark.parametrize("status", [401, 302])
def test_connection_test_failure_is_recorded(cli: Cli, httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/me").respond_with_data("no", status=status, headers={"Location": "http://evil.test/"})
    ok(cli("connector", "create", "Svc", "--auth", "basic"))
    ok(cli("connector", "edit", "svc", "--test-url", httpserver.url_for("/me")))
    ok(cli("connector", "ready", "svc"))
    ok(cli("connection", "create", "svc", "Svc"))
    ok(cli("connection", "authorize", "svc", "--param", "username=u", "--param", "password=pw-xyz-123"))
    result = cli("connection", "test", "svc")
    assert result.code == 1 and f"HTTP {status}" in result.err
    shown = json.loads(ok(cli("connection", "show", "svc", "--json")))
    assert shown["last_failure_reason"] == f"test: HTTP {status}" and shown["status"] == "connected"
    assert len(httpserver.log) == 1


def test_connection_test_refuses_disallowed_host(cli: Cli, httpserver: HTTPServer) -> None:
    ok(cli("connector", "create", "Svc", "--auth", "basic"))
    ok(cli("connector", "edit", "svc", "--test-url", httpserver.url_for("/me"), "--allow-host", "api.example.com"))
    ok(cli("connector", "ready", "svc"))
    ok(cli("connection", "create", "svc", "Svc"))
    ok(cli("connection", "authorize", "svc", "--param", "username=u", "--param", "password=p"))
    result = cli("connection", "test", "svc")
    assert result.code == 1 and "not in the connector's allowed hosts" in result.err
    assert len(httpserver.log) == 0
