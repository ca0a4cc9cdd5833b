"""Shared pieces of the security tests: the real connection store and loopback servers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "http"))
sys.path.insert(0, str(Path(__file__).parent.parent / "servers"))
sys.path.insert(0, str(Path(__file__).parent))

from stores import new_store  # noqa: E402


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Any]:
    """A real connector store (SQLite file in ``tmp_path``)."""
    store = new_store(tmp_path)
    yield store
    store.close()
