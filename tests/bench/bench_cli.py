"""Start-up of the connector and connection commands (run by hand, not by pytest): each
command as a whole process against a temporary SQLite store holding a few connectors and
connections, next to ``python -c pass``; medians of alternating pairs, wall and CPU time
(user + system of the child) side by side. Byte code is written (PYTHONDONTWRITEBYTECODE
unset) and one warm-up run goes first, as on a user's machine.

Usage: python tests/bench/bench_cli.py [N] [--against DIR]
  N pairs per command (default 9). With --against, each command also runs with another
  tree's ``cloudburst`` package on PYTHONPATH (DIR holds a ``cloudburst`` directory, e.g.
  links to an older checkout's runtime/*, stdlib and grammar), alternating with this one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_core import _timed  # noqa: E402  (the same whole-process timer)

COMMANDS = (
    ("connector list", ["connector", "list"]),
    ("connector show --json", ["connector", "show", "open_weather", "--json"]),
    ("connection list", ["connection", "list"]),
    ("connection show", ["connection", "show", "weather_prod"]),
    ("connection (bare group)", ["connection"]),
    ("connection test --help", ["connection", "test", "--help"]),
    ("__names connections (completion)", ["__names", "connections"]),
)


def _store(env: dict[str, str]) -> None:
    cli = [sys.executable, "-m", "cloudburst"]
    for i in range(5):
        steps = [["connector", "create", f"Service {i}", "--link-name", f"service_{i}"],
                 ["connector", "auth", f"service_{i}", "api_key"],
                 ["connector", "param", "add", f"service_{i}", "App ID", "appid"],
                 ["connector", "ready", f"service_{i}"],
                 ["connection", "create", f"service_{i}", f"Service {i} prod", "--link-name", f"service_{i}_prod"]]
        for step in steps:
            subprocess.run(cli + step, env=env, check=True, capture_output=True)
    for step in (["connector", "create", "Open Weather"], ["connector", "auth", "open_weather", "api_key"],
                 ["connector", "param", "add", "open_weather", "App ID", "appid"], ["connector", "ready", "open_weather"],
                 ["connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod"]):
        subprocess.run(cli + step, env=env, check=True, capture_output=True)


def main() -> None:
    args = sys.argv[1:]
    against = None
    if "--against" in args:
        at = args.index("--against")
        against = args[at + 1]
        del args[at:at + 2]
    pairs = int(args[0]) if args else 9
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        env.update(CLOUDBURST_DATABASE_URL=f"sqlite:///{Path(tmp, 'store.db')}",
                   CLOUDBURST_SECRET_KEY=Fernet.generate_key().decode(), HOME=tmp)
        _store(env)
        variants = {"this tree": env, **({"against": {**env, "PYTHONPATH": against}} if against else {})}
        variants["python -c pass"] = env
        med = statistics.median
        for label, args_ in COMMANDS:
            cmd = [sys.executable, "-m", "cloudburst", *args_]
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
            for name, venv in variants.items():
                _timed(cmd, venv)  # warm-up: byte code
            for _ in range(pairs):
                for name, venv in variants.items():
                    times[name].append(_timed([sys.executable, "-c", "pass"] if name == "python -c pass" else cmd,
                                              venv))
            shown = "   ".join(f"{name} {med(t[0] for t in runs) * 1000:.0f}/{med(t[1] for t in runs) * 1000:.0f}"
                               for name, runs in times.items())
            print(f"{label:<34} {shown}   (ms wall/CPU, median of {pairs})")


if __name__ == "__main__":
    main()
