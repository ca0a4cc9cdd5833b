"""``docs/builtins.md`` must be exactly what ``python -m cloudburst.stdlib.docs`` prints from
the registry today: a built-in added, renamed or re-documented without regenerating the
reference fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cloudburst.stdlib import REGISTRY
from cloudburst.stdlib.docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "builtins.md"
FIX = "regenerate it: python -m cloudburst.stdlib.docs > docs/builtins.md"


def test_builtins_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), f"docs/builtins.md is out of date with the registry; {FIX}"


def test_every_builtin_and_system_variable_has_a_row() -> None:
    text = render()
    for b in REGISTRY.builtins:
        assert f"`{b.signature.replace('|', chr(92) + '|')}`" in text, b.signature
        assert b.doc, f"{b.signature} has no one-line meaning"
    for v in REGISTRY.system.values():
        assert f"| `{v.name}` | {v.returns} |" in text, v.name
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(REGISTRY.builtins) + len(REGISTRY.system)
    assert all("| implemented |" in row for row in rows)


def test_module_entry_point_prints_the_reference() -> None:
    out = subprocess.run([sys.executable, "-m", "cloudburst.stdlib.docs"], capture_output=True, text=True,
                         check=True, encoding="utf-8")
    assert out.stdout == render()
