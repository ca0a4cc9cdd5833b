"""``mypy --strict -p cloudburst`` passes.

The package is assembled from three folders (``runtime/`` is ``cloudburst``, ``stdlib/``
is ``cloudburst.stdlib``, ``grammar/`` is ``cloudburst.grammar``) and the editable install
uses an import hook mypy cannot follow, so the check runs on a tree of symbolic links that
lays the sources out as installed (the same command is in docs/embedding.md).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def link_tree(target: Path) -> Path:
    package = target / "cloudburst"
    package.mkdir(parents=True)
    for entry in (ROOT / "runtime").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    (package / "stdlib").symlink_to(ROOT / "stdlib")
    (package / "grammar").symlink_to(ROOT / "grammar")
    return target


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mypy_strict_passes(tmp_path: Path) -> None:
    tree = link_tree(tmp_path / "tree")
    env = {**os.environ, "MYPYPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "-p", "cloudburst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout
