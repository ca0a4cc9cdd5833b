"""A long main script compiles in chunks (each top-level run its own code object) and runs
exactly as when compiled whole: every chunk of the spec corpus, forced into chunks of one
and of three top-level statements, gives the same output, statement count and errors
(message and position), also at tight statement limits; values, returns, caught errors,
functions and the REPL's variables cross chunk boundaries; a chunked script survives the
script cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cloudburst import compiler
from cloudburst.compiler import compile_program
from cloudburst.engine import Runtime
from cloudburst.errors import CloudburstError
from cloudburst.execution import Limits

def _differential() -> Any:
    """The spec corpus's runnable chunks, as the fast-path differential test reads them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_differential", Path(__file__).with_name("test_differential.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_DIFFERENTIAL = _differential()
CHUNKS, RUNTIME = _DIFFERENTIAL.CHUNKS, _DIFFERENTIAL.RUNTIME


def outcome(source: str, max_statements: int) -> Any:
    """Output, statement count, value and final variables of a run, or the error."""
    runtime = Runtime(timezone="UTC", network=False, limits=Limits(max_statements=max_statements, timeout=30))
    lines: list[str] = []
    script = runtime.compile(source, "chunk.dg")
    execution = script.new_execution(on_info=lines.append)
    execution.capture_variables = True
    try:
        result = script.run(execution=execution)
    except CloudburstError as exc:
        span = None if exc.span is None else (exc.span.line, exc.span.column, exc.span.end_line, exc.span.end_column)
        return (lines, execution.statements, type(exc).__name__, exc.message, span)
    return (lines, result.statements, repr(result.value), repr(execution.variables))


def chunked(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(compiler, "_CHUNK_AFTER", 0)
    monkeypatch.setattr(compiler, "_CHUNK", size)


@pytest.mark.parametrize("size", [1, 3])
def test_the_spec_corpus_runs_alike_in_chunks(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(CHUNKS) > 100
    whole = {(name, limit): _DIFFERENTIAL.outcome(source, "auto", limit) for name, source in CHUNKS for limit in (5000, 7)}
    chunked(monkeypatch, size)
    for name, source in CHUNKS:
        for limit in (5000, 7):
            assert _DIFFERENTIAL.outcome(source, "auto", limit) == whole[name, limit], (name, limit)


SCRIPT = """
total = 0;
names = List();
int twice(int x)
{
    info "twice " + x;
    return x * 2;
}
for each i in {1, 2, 3}
{
    total = total + twice(i);
    names.add(i);
}
try
{
    bad = 1 / 0;
}
catch (e)
{
    info "caught " + e;
}
info total;
if (total > 100)
{
    return "big";
}
late = names.size();
info late;
return total + late;
info "never";
"""


@pytest.mark.parametrize("limit", [10**6, 1, 5, 12, 20, 23])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_values_returns_errors_and_functions_cross_chunks(limit: int, size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = outcome(SCRIPT, limit)
    chunked(monkeypatch, size)
    assert outcome(SCRIPT, limit) == whole
    if limit == 10**6:
        assert whole[0] == ["twice 1", "twice 2", "twice 3", "caught division by zero", "12", "3"], whole
        assert whole[2] == "15" and "'late': 3" in whole[3], whole


def test_an_unassigned_variable_is_reported_as_in_whole_code(monkeypatch: pytest.MonkeyPatch) -> None:
    source = 'x = 1;\nif (x > 5)\n{\n\ty = 2;\n}\ninfo x;\ninfo y + 1;\n'
    whole = outcome(source, 5000)
    chunked(monkeypatch, 1)
    assert outcome(source, 5000) == whole
    assert "used before it has a value" in whole[3] and whole[4][0] == 7


def test_a_long_script_compiles_in_chunks_and_is_cached(tmp_path: Path) -> None:
    lines = [f"v{i} = {i};" for i in range(50)]
    lines += [f"v{i % 50} = v{(i - 1) % 50} + {i % 10};" for i in range(50, compiler._CHUNK_AFTER + 500)]
    source = "\n".join(lines) + "\ninfo v49;\nreturn v0;\n"
    rt = Runtime(cache_dir=tmp_path, limits=Limits(max_statements=10**6))
    first = rt.run(source, name="long.dg")
    again = Runtime(cache_dir=tmp_path, limits=Limits(max_statements=10**6)).run(source, name="long.dg")
    assert list(tmp_path.glob("*.bin")), "the chunked script was not cached"
    assert (again.info, again.statements, again.value) == (first.info, first.statements, first.value)
    assert first.statements == len(lines) + 2
    resolved, _, _ = RUNTIME._front_end(source, "long.dg", False, (), RUNTIME.limits, None)
    code_objects = [c for c in compile_program(resolved, "long.dg").constants if hasattr(c, "co_freevars")]
    assert len(code_objects) >= 2


def test_inputs_and_the_repl_variables_go_through_the_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunked script binds its inputs and hands the REPL its variables without code per
    variable: the same values, in the same order, as compiled whole."""
    source = "\n".join(f"n{i} = base + {i};" for i in range(40)) + "\nif (base > 100) { never = 1; }\ninfo n39;\n"

    def run() -> Any:
        script = Runtime(timezone="UTC", network=False).compile(source, "inputs.dg", inputs=["base"])
        execution = script.new_execution()
        execution.capture_variables = True
        result = script.run({"base": 5}, execution=execution)
        assert execution.variables is not None
        return result.info, list(execution.variables.items())

    whole = run()
    chunked(monkeypatch, 3)
    assert run() == whole
    assert whole[0] == ["44"] and whole[1][:2] == [("base", 5), ("n0", 5)] and "never" not in dict(whole[1])
