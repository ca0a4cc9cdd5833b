"""The code generator's inline fast paths never change what a script does.

Every chunk of the spec corpus (tests/spec) is compiled three ways: "generic" (helpers only,
every statement counted one by one), "fast" (inline fast paths and counted straight-line
runs everywhere, as loop bodies get them) and "auto" (what users get). Output, statement
counts (of finished runs and at a limit), errors (class, message and position) must agree,
with the default statement limit and with tight limits that make the run stop inside
straight-line runs and loops.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cloudburst.compiler import compile_program
from cloudburst.engine import Runtime, Script
from cloudburst.errors import CloudburstError, LimitError
from cloudburst.execution import Limits

SPEC = Path(__file__).resolve().parents[1] / "spec"
RUNTIME = Runtime(timezone="UTC", network=False)


def chunks() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SPEC.rglob("*.dg")):
        lines = path.read_text(encoding="utf-8").split("\n")
        start = 0
        for i, line in enumerate([*lines, "---"]):
            if line.strip() == "---":
                body = "\n".join(lines[start:i])
                if body.strip() and not re.search(r"expect (syntax|resolve) error", body):
                    found.append((f"{path.relative_to(SPEC)}:{start + 1}", "\n" * start + body))
                start = i + 1
    return found


CHUNKS = chunks()


def compiled(source: str, paths: str) -> Script | tuple[str, str, str]:
    """The chunk compiled with ``paths``, or how compiling it failed."""
    try:
        resolved, _, _ = RUNTIME._front_end(source, "chunk.dg", False, (), RUNTIME.limits, None)
        executable = compile_program(resolved, "chunk.dg", paths=paths)
    except CloudburstError as exc:
        return ("compile", type(exc).__name__, exc.message)
    return Script(RUNTIME, "chunk.dg", source, executable, [], ())


def outcome(source: str, paths: str, max_statements: int) -> Any:
    return run(compiled(source, paths), max_statements)


def run(script: Script | tuple[str, str, str], max_statements: int) -> Any:
    """Output, statement count and error (class, message, position) of one run."""
    if not isinstance(script, Script):
        return script
    lines: list[str] = []
    execution = script.new_execution(limits=Limits(max_statements=max_statements, timeout=30), on_info=lines.append,
                                     clock=lambda: __import__("datetime").datetime(2024, 5, 6, 7, 8, 9))
    try:
        result = script.run(execution=execution)
    except CloudburstError as exc:
        span = None if exc.span is None else (exc.span.line, exc.span.column)
        # A counted run is paid for up front, so after an ordinary error the count may
        # include the run's remaining statements; at a limit it is exact in every mode.
        counted = execution.statements if isinstance(exc, LimitError) else None
        return (lines, counted, type(exc).__name__, exc.message, span)
    return (lines, result.statements, result.info == lines)


@pytest.mark.parametrize("max_statements", [5000, 4, 13])
@pytest.mark.parametrize("name,source", CHUNKS, ids=[c[0] for c in CHUNKS])
def test_fast_paths_and_generic_code_agree(name: str, source: str, max_statements: int) -> None:
    generic = outcome(source, "generic", max_statements)
    assert outcome(source, "fast", max_statements) == generic, name
    assert outcome(source, "auto", max_statements) == generic, name


LOOPS = """
m = Map();
total = 0;
t = "";
for each index i in "a".leftPad(40).toList("")
{
    k = i * 1000 + i % 7 - 3;
    key = "k" + i % 5;
    m.put(key, k % 97);
    total = total + m.get(key) + k % 13 - i % -3;
    t = t + key;
    if (i % 9 == 0) { m.put(key, "text"); }
    n = -i;
    r = n % 4 + (n * 2) % 3;
    total = total + r;
}
info total;
info m;
info t.length();
"""


@pytest.mark.parametrize("max_statements", [None, 1, 9, 10, 11, 100, 257])
def test_a_loop_with_every_fast_path_agrees_at_every_limit(max_statements: int | None) -> None:
    results = {paths: outcome(LOOPS, paths, max_statements or 10**9) for paths in ("generic", "fast", "auto")}
    assert results["fast"] == results["generic"] == results["auto"]
