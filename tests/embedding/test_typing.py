"""``mypy --strict -p cloudburst`` passes.

The package is assembled from three folders (``runtime/`` is ``cloudburst``, ``stdlib/``
is ``cloudburst.stdlib``, ``grammar/`` is ``cloudburst.grammar``) and the editable install
uses an import hook mypy cannot follow, so the check runs on a tree of symbolic links that
lays the sources out as installed (the ``installed_tree`` fixture; the same command is in
docs/embedding.md).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mypy_strict_passes(tmp_path: Path, installed_tree: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(installed_tree)}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "-p", "cloudburst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout
