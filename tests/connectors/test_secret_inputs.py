"""Secret values given with --param-stdin, --params-file or --param-env never reach the
process list (argv, as ps shows it) or the shell history, through the real command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
from cryptography.fernet import Fernet

SECRET = "sk-live-9c1f7e-never-in-ps"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDBURST_", "XDG_"))}
    env = {**clean, "HOME": str(tmp_path / "home"), "CLOUDBURST_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode(),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for step in (["connector", "create", "Open Weather"], ["connector", "auth", "open_weather", "api_key"],
                 ["connector", "param", "add", "open_weather", "App ID", "appid"], ["connector", "ready", "open_weather"],
                 ["connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod"]):
        assert subprocess.run([sys.executable, "-m", "cloudburst", *step], env=env, capture_output=True).returncode == 0
    return env


def _argv_while_running(args: list[str], env: dict[str, str], stdin: str | None, cwd: Path) -> tuple[str, str, int]:
    """The child's argv as the process list shows it (read while it runs), its output and status."""
    proc = subprocess.Popen([sys.executable, "-m", "cloudburst", *args], env=env, cwd=cwd, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.2)
    argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    out, err = proc.communicate(stdin or "", timeout=60)
    return argv, out + err, proc.returncode


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to read a process's argv")
@pytest.mark.parametrize("how", ["stdin", "file", "env"])
def test_secret_values_stay_out_of_the_process_list(how: str, env: dict[str, str], tmp_path: Path) -> None:
    args = ["connection", "authorize", "weather_prod"]
    stdin = None
    run_env = dict(env)
    if how == "stdin":
        args += ["--param-stdin", "appid"]
        stdin = SECRET + "\n"
    elif how == "file":
        (tmp_path / "weather.env").write_text(f"appid={SECRET}\n")
        args += ["--params-file", "weather.env"]
    else:
        run_env["WEATHER_APPID"] = SECRET
        args += ["--param-env", "appid=WEATHER_APPID"]
    argv, output, status = _argv_while_running(args, run_env, stdin, tmp_path)
    assert status == 0 and output == "weather_prod: connected\n"
    assert "weather_prod" in argv and SECRET not in argv
    shown = subprocess.run([sys.executable, "-m", "cloudburst", "connection", "show", "weather_prod", "--json"],
                           env=env, capture_output=True, text=True).stdout
    assert '"status": "connected"' in shown and SECRET not in shown


def test_secret_values_stay_out_of_the_shell_history(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "weather.env").write_text(f"appid={SECRET}\n")
    history = tmp_path / "bash_history"
    shell = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], cwd=str(tmp_path), encoding="utf-8", timeout=60,
                          env={**env, "HISTFILE": str(history), "PS1": "$ "})
    try:
        shell.sendline("set -o history; PS1='rea''dy> '")
        shell.expect("ready> ")
        shell.sendline("cloudburst connection authorize weather_prod --params-file weather.env")
        shell.expect("weather_prod: connected")
        shell.expect("ready> ")
        shell.sendline("history -w; exit")
        shell.expect(pexpect.EOF)
    finally:
        shell.close()
    recorded = history.read_text()
    assert "cloudburst connection authorize weather_prod --params-file weather.env" in recorded
    assert SECRET not in recorded
