"""Every script of the realistic sample in tests/corpus must pass ``cloudburst check``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cloudburst.engine import Runtime

CORPUS = sorted((Path(__file__).parent.parent / "corpus").glob("*.dg"))


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_script_compiles(path: Path) -> None:
    Runtime(network=False).compile(path.read_text(encoding="utf-8"), str(path))


def test_check_command_accepts_the_whole_corpus() -> None:
    proc = subprocess.run([sys.executable, "-m", "cloudburst", "check", *map(str, CORPUS)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"checked {len(CORPUS)} files: {len(CORPUS)} ok, 0 with errors"
