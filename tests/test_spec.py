"""Spec files: ``tests/spec/**/*.dg`` hold chunks separated by ``---`` lines, each a script
with inline expectations:

- ``// expect: TEXT`` — the next ``info`` line (in order);
- ``// expect error: TEXT`` — the run ends in a runtime error whose message contains TEXT;
- ``// expect syntax error: TEXT`` / ``// expect resolve error: TEXT`` — compiling fails so.

Any other exception escaping the runtime fails the chunk: users must never see one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import CloudburstError, DelugeRuntimeError, DelugeSyntaxError, ResolveError

SPEC_DIR = Path(__file__).parent / "spec"
_EXPECT = re.compile(r"//\s*expect( syntax error| resolve error| error)?:[ \t]?(.*)$")


@dataclass(frozen=True)
class Chunk:
    path: Path
    line: int
    source: str
    output: tuple[str, ...]
    error_kind: str | None
    error_text: str | None


def _chunks(path: Path) -> list[Chunk]:
    chunks: list[Chunk] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    start = 0
    for i, line in enumerate(lines + ["---"]):
        if line.strip() != "---":
            continue
        body = lines[start:i]
        output: list[str] = []
        kind = text = None
        for raw in body:
            m = _EXPECT.search(raw)
            if not m:
                continue
            if m.group(1):
                kind, text = m.group(1).strip(), m.group(2).strip()
            else:
                output.append(m.group(2).rstrip())
        source = "\n" * start + "\n".join(body)  # keep file line numbers in errors
        if any(b.strip() for b in body):
            chunks.append(Chunk(path, start + 1, source, tuple(output), kind, text))
        start = i + 1
    return chunks


ALL = [c for p in sorted(SPEC_DIR.rglob("*.dg")) for c in _chunks(p)]
RUNTIME = Runtime(timezone="UTC", network=False)


@pytest.mark.parametrize("chunk", ALL, ids=[f"{c.path.relative_to(SPEC_DIR)}:{c.line}" for c in ALL])
def test_chunk(chunk: Chunk) -> None:
    run_chunk(chunk, RUNTIME)


def run_chunk(chunk: Chunk, runtime: Runtime) -> None:
    """Compile and run one chunk on ``runtime`` and check its expectations (the form spec
    files under tests/forms reuse this with a runtime that has a form store)."""
    where = f"{chunk.path}:{chunk.line}"
    if chunk.error_kind in ("syntax error", "resolve error"):
        expected = DelugeSyntaxError if chunk.error_kind == "syntax error" else ResolveError
        with pytest.raises(expected) as info:
            runtime.compile(chunk.source, str(chunk.path))
        assert chunk.error_text and chunk.error_text.lower() in info.value.message.lower(), (where, info.value.message)
        return
    script = runtime.compile(chunk.source, str(chunk.path))
    lines: list[str] = []
    try:
        script.run(on_info=lines.append)
    except DelugeRuntimeError as exc:
        if chunk.error_kind != "error":
            pytest.fail(f"{where}: unexpected error: {exc}")
        assert chunk.error_text and chunk.error_text.lower() in exc.message.lower(), (where, exc.message)
        assert exc.span is not None, f"{where}: runtime error without a source position"
        assert lines == list(chunk.output), where  # every expected line printed before the error
        return
    except CloudburstError as exc:  # pragma: no cover - reported as a failure with context
        pytest.fail(f"{where}: {type(exc).__name__}: {exc}")
    if chunk.error_kind == "error":
        pytest.fail(f"{where}: expected an error containing {chunk.error_text!r}, got output {lines}")
    assert lines == list(chunk.output), where


def test_spec_files_have_many_chunks() -> None:
    assert len(ALL) >= 250
