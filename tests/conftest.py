"""Fixtures shared by more than one test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def installed_tree(tmp_path: Path) -> Path:
    """A folder holding the package laid out as installed (``runtime/`` is ``cloudburst``,
    ``stdlib/`` is ``cloudburst.stdlib``, ``grammar/`` is ``cloudburst.grammar``), as symbolic
    links: what mypy and a run without the editable install's import hook see."""
    package = tmp_path / "tree" / "cloudburst"
    package.mkdir(parents=True)
    for entry in (ROOT / "runtime").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    (package / "stdlib").symlink_to(ROOT / "stdlib")
    (package / "grammar").symlink_to(ROOT / "grammar")
    return package.parent
