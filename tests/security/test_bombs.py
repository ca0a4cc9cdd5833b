"""The resource-bomb suite (issue 10): every bomb ends with a limit or range error within a
few seconds of its limit, the process stays under its memory cap, and the same runtime
runs a normal script right after each bomb.

All bombs run in one subprocess (``bomb_runner.py``), so its peak resident memory is
theirs alone and a bomb that broke the runtime would break every run after it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bomb_runner import BOMBS

TIMEOUT = 5.0
MEMORY = 512 * 1024 * 1024
#: The whole process (interpreter, runtime and every bomb) must stay below this.
PEAK_CAP = MEMORY + 200 * 1024 * 1024
PYTHON_WORDS = ("internal error", "Traceback", "MemoryError", "RecursionError", "ValueError", "Overflow'")


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Any]:
    runner = Path(__file__).with_name("bomb_runner.py")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(runner), str(TIMEOUT), str(MEMORY)], capture_output=True, text=True,
                          timeout=len(BOMBS) * (TIMEOUT + 10))
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    print(f"bomb suite: {time.monotonic() - started:.1f} s, peak {lines[-1]['peak'] / 2**20:.0f} MB")
    return {line["name"]: line for line in lines}


@pytest.mark.parametrize("name", list(BOMBS))
def test_each_bomb_stops_with_a_clean_error_in_time(outcomes: dict[str, Any], name: str) -> None:
    outcome = outcomes[name]
    assert outcome["kind"] in ("limit", "error"), f"{name} ran to the end: {outcome}"
    assert outcome["seconds"] < TIMEOUT + 3, outcome
    assert not any(w in outcome["message"] for w in PYTHON_WORDS), outcome
    assert outcome["after"] == 6, "the runtime must keep working after a bomb"


def test_the_process_stays_under_its_memory_cap(outcomes: dict[str, Any]) -> None:
    peak = max(o["peak"] for o in outcomes.values())
    first = next(name for name, o in outcomes.items() if o["peak"] == peak)
    assert peak < PEAK_CAP, f"peak resident memory {peak / 2**20:.0f} MB (first reached in {first!r})"
