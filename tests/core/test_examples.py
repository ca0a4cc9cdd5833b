"""Every file in examples/ runs with the command written at its top, as a newcomer would
type it from the repository root, and prints something."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".dg", ".py"))
COMMAND = re.compile(r"((?:cloudburst run|python) examples/[^\n#`]*)")


def first_command(path: Path) -> list[str]:
    found = COMMAND.search(path.read_text(encoding="utf-8"))
    assert found, f"{path.name} does not say at its top how to run it"
    words = shlex.split(found.group(1))
    if words[0] == "cloudburst":
        return [sys.executable, "-m", "cloudburst", *words[1:]]
    return [sys.executable, *words[1:]]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_as_its_header_says(path: Path, tmp_path: Path) -> None:
    env = dict(os.environ, CLOUDBURST_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run(first_command(path), cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.strip(), "the example printed nothing"
    if path.name == "batch_job.py":  # its demo records include broken ones: exit 1 says some failed
        summary = json.loads(done.stdout)
        assert done.returncode == (1 if summary["failed"] else 0) and summary["succeeded"] > 0, done.stderr
    else:
        assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
