"""Shell completion through the real command: ``cloudburst completion bash|zsh|fish``
prints scripts each shell accepts, and they complete commands, options and the link names
of a real store (read by the hidden ``cloudburst __names``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from cryptography.fernet import Fernet

BIN = Path(sys.executable).parent


def cloudburst(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cloudburst", *args], env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment with a fresh home and a store holding connectors open_weather and crm
    and the connection weather_prod; `cloudburst` is on its PATH."""
    root = tmp_path_factory.mktemp("completion")
    (root / "home").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDBURST_", "XDG_"))}
    env.update(HOME=str(root / "home"), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               CLOUDBURST_DATABASE_URL=f"sqlite:///{root / 'store.db'}",
               CLOUDBURST_SECRET_KEY=Fernet.generate_key().decode())
    for step in (["connector", "create", "Open Weather"], ["connector", "auth", "open_weather", "api_key"],
                 ["connector", "param", "add", "open_weather", "App ID", "appid"],
                 ["connector", "ready", "open_weather"],
                 ["connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod"],
                 ["connector", "create", "CRM"]):
        assert cloudburst(env, *step).returncode == 0
    return env


@pytest.fixture(scope="module")
def scripts(store: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("scripts")
    made = {}
    for shell in ("bash", "zsh", "fish"):
        proc = cloudburst(store, "completion", shell)
        assert proc.returncode == 0 and proc.stderr == ""
        made[shell] = where / f"cloudburst.{shell}"
        made[shell].write_text(proc.stdout)
    return made


def test_the_name_lister_reads_the_store(store: dict[str, str]) -> None:
    assert cloudburst(store, "__names", "connectors").stdout == "crm\nopen_weather\n"
    assert cloudburst(store, "__names", "connections").stdout == "weather_prod\n"
    other = {k: v for k, v in store.items() if k != "CLOUDBURST_DATABASE_URL"}
    assert cloudburst(other, "__names", "connections", "--db", store["CLOUDBURST_DATABASE_URL"]).stdout == \
        "weather_prod\n"


def test_the_name_lister_is_silent_and_creates_nothing_without_a_store(tmp_path: Path,
                                                                          store: dict[str, str]) -> None:
    fresh = {k: v for k, v in store.items() if k != "CLOUDBURST_DATABASE_URL"}
    fresh["HOME"] = str(tmp_path)
    proc = cloudburst(fresh, "__names", "connections")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert list(tmp_path.rglob("*.db")) == []
    broken = cloudburst(store, "__names", "connections", "--db", "sqlite:////nonexistent/dir/x.db")
    assert (broken.returncode, broken.stdout, broken.stderr) == (0, "", "")


def test_the_hidden_lister_is_not_in_the_help(store: dict[str, str]) -> None:
    shown = cloudburst(store, "--help").stdout
    assert "completion" in shown and "__names" not in shown


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_script_is_valid_for_its_shell(shell: str, scripts: dict[str, Path]) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed (.ci/run installs it)")
    proc = subprocess.run([shell, "-n", str(scripts[shell])], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def _interactive(command: list[str], env: dict[str, str]) -> pexpect.spawn:
    child = pexpect.spawn(command[0], command[1:], env={**env, "TERM": "dumb"}, encoding="utf-8", timeout=30,
                          dimensions=(40, 200))
    return child


def test_bash_completes_commands_options_and_link_names(store: dict[str, str], scripts: dict[str, Path]) -> None:
    child = _interactive(["bash", "--norc", "--noprofile", "-i"], {**store, "PS1": "$ "})
    try:
        child.sendline(f"source {scripts['bash']}; bind 'set show-all-if-ambiguous on'; PS1='rea''dy> '")
        child.expect("ready> ")
        child.send("cloudburst connec\t")
        child.expect("connection")
        child.expect("connector")
        child.sendcontrol("u")
        child.send("cloudburst connection show w\t")
        child.expect("weather_prod")
        child.sendcontrol("u")
        child.send("cloudburst connection list --conn\t")
        child.expect("--connector ")
        child.send("o\t")
        child.expect("open_weather")
    finally:
        child.terminate(force=True)


def test_zsh_completes_link_names(store: dict[str, str], scripts: dict[str, Path]) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed (.ci/run installs it)")
    child = _interactive(["zsh", "-f", "-i"], {**store, "PS1": "$ "})
    try:
        child.sendline(f"autoload -U compinit && compinit -u && source {scripts['zsh']}; PS1='rea''dy> '")
        child.expect("ready> ")
        child.send("cloudburst connection show w\t")
        child.expect("weather_prod")
        child.sendcontrol("u")
        child.send("cloudburst connection cr\t")
        child.expect("create")
    finally:
        child.terminate(force=True)


def test_fish_completes_link_names_with_descriptions(store: dict[str, str], scripts: dict[str, Path]) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed (.ci/run installs it)")

    def complete(line: str) -> str:
        proc = subprocess.run(["fish", "--no-config", "-c", f"source {scripts['fish']}; complete -C'{line}'"],
                              env=store, capture_output=True, text=True, timeout=60)
        assert proc.stderr == ""
        return proc.stdout

    assert complete("cloudburst connection show ") == "weather_prod\n"
    assert complete("cloudburst connection create ") == "crm\nopen_weather\n"
    assert "create\tcreate a connection from a Ready connector\n" in complete("cloudburst connection ")
    values = complete("cloudburst run --integer-division ").splitlines()
    assert [line.split("\t")[0] for line in values] == ["decimal", "truncate"]
