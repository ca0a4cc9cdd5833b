"""The command line as a newcomer meets it: every option and argument has a help text, a
bare group lists its subcommands, and every command that reports something takes --json
and then prints exactly one JSON object (through the real ``cloudburst`` command)."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pytest_httpserver import HTTPServer

from cloudburst.cli.argtree import build_parser


def _actions(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _actions(child, (*path, name))
        else:
            yield path, action


def test_every_option_and_argument_has_a_help_text() -> None:
    missing = [f"{' '.join(path)} {action.option_strings or action.dest}"
               for path, action in _actions(build_parser(io.StringIO(), io.StringIO())) if not action.help]
    assert missing == []


def test_every_connector_and_connection_command_takes_json() -> None:
    leaves: dict[tuple[str, ...], bool] = {}
    for path, action in _actions(build_parser(io.StringIO(), io.StringIO())):
        if path[:1] in (("connector",), ("connection",), ("secrets",)) and len(path) > 1:
            leaves[path] = leaves.get(path, False) or "--json" in action.option_strings
    groups = {path[:-1] for path in leaves}
    without = [" ".join(p) for p, has in leaves.items()
               if not has and p not in groups and p[-1] not in ("export", "generate-key")]
    assert without == []


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDBURST_", "XDG_"))}
    return {**clean, "HOME": str(tmp_path / "home"), "CLOUDBURST_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
            "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode()}


def cloudburst(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cloudburst", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def reported(env: dict[str, str], *args: str, stdin: str = "", status: int = 0) -> dict[str, object]:
    proc = cloudburst(env, *args, "--json", stdin=stdin)
    assert proc.returncode == status, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, dict)
    return data


def test_bare_group_prints_its_subcommands(env: dict[str, str]) -> None:
    proc = cloudburst(env, "connection")
    assert proc.returncode == 0
    for name in ("create", "authorize", "list", "show", "test", "revoke", "delete"):
        assert re.search(rf"\n    {name}\s", proc.stdout)


def test_connector_and_connection_commands_report_json(env: dict[str, str], httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ping").respond_with_data("{}", status=401)
    made = reported(env, "connector", "create", "Open Weather")
    assert (made["link_name"], made["stage"]) == ("open_weather", "Draft")
    assert reported(env, "connector", "auth", "open_weather", "api_key") == {"link_name": "open_weather",
                                                                            "auth_type": "api_key"}
    assert reported(env, "connector", "param", "add", "open_weather", "App ID", "appid", "--location", "query") == \
        {"link_name": "open_weather", "added": ["appid"]}
    edited = reported(env, "connector", "edit", "open_weather", "--test-url", httpserver.url_for("/ping"),
                      "--allow-host", "127.0.0.1", "--allow-host", "localhost")
    assert edited["test_url"] == httpserver.url_for("/ping")
    assert reported(env, "connector", "ready", "open_weather")["stage"] == "Ready"
    connection = reported(env, "connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod")
    assert (connection["link_name"], connection["status"]) == ("weather_prod", "not connected")
    assert reported(env, "connection", "authorize", "weather_prod", "--param-stdin", "appid",
                    stdin="sk-live-1234\n") == {"link_name": "weather_prod", "status": "connected"}
    failed = reported(env, "connection", "test", "weather_prod", status=1)
    assert failed["link_name"] == "weather_prod" and failed["ok"] is False and "401" in str(failed["reason"])
    assert reported(env, "connection", "disable", "weather_prod") == {"link_name": "weather_prod", "enabled": False}
    assert reported(env, "connection", "rename", "weather_prod", "Weather - live") == \
        {"link_name": "weather_prod", "name": "Weather - live"}
    assert reported(env, "connection", "delete", "weather_prod") == {"link_name": "weather_prod", "deleted": True}
    assert reported(env, "secrets", "check") == {"ok": True}


def test_json_mode_keeps_refusals_on_standard_error(env: dict[str, str]) -> None:
    proc = cloudburst(env, "connection", "delete", "nope", "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert 'connection "nope" does not exist' in proc.stderr
