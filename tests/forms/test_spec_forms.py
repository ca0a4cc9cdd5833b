"""Spec files for Creator data access: tests/forms/spec/*.dg, in the format of
tests/test_spec.py, each chunk run against the seeded store on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cloudburst.engine import Runtime

SPEC = Path(__file__).resolve().parent / "spec"


def _spec_module():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "test_spec.py"
    spec = importlib.util.spec_from_file_location("cb_forms_spec_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_runner = _spec_module()
CHUNKS = [c for p in sorted(SPEC.glob("*.dg")) for c in _runner._chunks(p)]


@pytest.mark.parametrize("chunk", CHUNKS, ids=[f"{c.path.stem}:{c.line}" for c in CHUNKS])
def test_chunk(chunk, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    _runner.run_chunk(chunk, runtime)
