"""Top-level statements counted in segments run exactly as counted one by one (issue 14).

A long main script pays for each straight-line segment of top-level statements with one
addition, and compiles a segment's statement-by-statement copy only when a checkpoint or
the statement limit falls inside it (cloudburst.segments). Here every script is forced into
small segments and chunks and compared with the generic code (every statement counted on
its own) at every statement limit: the same output, statement count (also after an
ordinary error), error message and position, and the same checkpoints.
"""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from cloudburst import compiler
from cloudburst.compiler import compile_program
from cloudburst.engine import Script
from cloudburst.errors import CloudburstError, TimeoutLimitError
from cloudburst.execution import Limits

_spec = importlib.util.spec_from_file_location("differential", Path(__file__).with_name("test_differential.py"))
assert _spec is not None and _spec.loader is not None
differential = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(differential)
RUNTIME = differential.RUNTIME


def compiled(source: str, paths: str, segment: int = 3, chunk: int = 7) -> Script | tuple[str, str]:
    """``source`` compiled generic (one by one) or, with ``paths`` "auto"/"fast", in
    segments of at most ``segment`` statements and chunks of about ``chunk``."""
    saved = compiler._SEGMENTS_AFTER, compiler._SEGMENT, compiler._CHUNK
    compiler._SEGMENTS_AFTER, compiler._SEGMENT, compiler._CHUNK = 0, segment, chunk
    try:
        resolved, _, _ = RUNTIME._front_end(source, "seg.dg", False, (), RUNTIME.limits, None)
        executable = compile_program(resolved, "seg.dg", paths=paths)
    except CloudburstError as exc:
        return (type(exc).__name__, exc.message)
    finally:
        compiler._SEGMENTS_AFTER, compiler._SEGMENT, compiler._CHUNK = saved
    return Script(RUNTIME, "seg.dg", source, executable, [], ())


def run(script: Script | tuple[str, str], max_statements: int, stop_at_checkpoint: int = 0) -> Any:
    """Output, statement count, the counts at which checkpoints ran, and the error (class,
    message, position) or the value. ``stop_at_checkpoint``: the n-th checkpoint times out."""
    if not isinstance(script, Script):
        return script
    lines: list[str] = []
    execution = script.new_execution(limits=Limits(max_statements=max_statements, timeout=30), on_info=lines.append,
                                     clock=lambda: datetime.datetime(2024, 5, 6, 7, 8, 9))
    checkpoints: list[int] = []
    real = execution.checkpoint

    def checkpoint(count: int) -> int:
        checkpoints.append(count)
        if len(checkpoints) == stop_at_checkpoint:
            execution.statements = count
            raise TimeoutLimitError("the run took longer than its time limit")
        return real(count)

    execution.checkpoint = checkpoint  # type: ignore[method-assign]
    try:
        result = script.run(execution=execution)
    except CloudburstError as exc:
        span = None if exc.span is None else (exc.span.line, exc.span.column, exc.span.end_line, exc.span.end_column)
        return (lines, execution.statements, checkpoints, type(exc).__name__, exc.message, span)
    return (lines, result.statements, checkpoints, repr(result.value))


SCRIPTS: dict[str, str] = {
    "straight line with info": """
a = 1;
b = a + 2;
info "b is " + b;
c = b * 3;
d = c - a;
info d;
e = "x" + d;
f = e + "y";
info f;
g = d % 7;
info g;
""",
    "runs broken by if, try and a loop": """
total = 0;
names = List();
names.add("ann");
names.add("bo");
if (names.size() > 1)
{
    total = total + 10;
    info "two or more";
}
total = total + 1;
total = total * 2;
try
{
    x = "12".toNumber();
    total = total + x;
    y = "no".toNumber();
    total = total + 1000;
}
catch (e)
{
    info "caught " + e;
}
for each n in names
{
    total = total + n.length();
}
info total;
info names;
""",
    "function calls between counted statements": """
int twice(int x)
{
    info "twice " + x;
    y = x * 2;
    return y;
}
a = 1;
b = twice(a);
c = b + 1;
d = c + 1;
e = twice(d) + twice(c);
f = e + 1;
g = f * 2;
info g;
""",
    "an error in the middle of a run": """
a = 5;
b = a * 2;
info b;
c = b - 10;
d = "n" + c;
e = 100 / c;
info "never";
f = 1;
g = 2;
""",
    "a variable with no value in the middle of a run": """
m = Map();
m.put("k", 1);
info m;
v = m.get("k") + 1;
w = unknown + v;
info w;
x = 1;
""",
    "segments inside branches and a handler, and an error in the handler": """
n = 3;
if (n > 1)
{
    a = n * 2;
    info "a " + a;
    if (a > 4)
    {
        b = a + 1;
        info "b " + b;
        c = b - 1;
    }
    else
    {
        b = 0;
        info "none";
    }
    d = a + b;
    info d;
}
else
{
    info "small";
    d = 0;
}
try
{
    x = 1;
    y = x / 0;
    info "not here";
}
catch (e)
{
    info "caught " + e;
    z = d + 1;
    w = z / 0;
    info "never";
}
""",
    "a value returned from the middle of the script": """
a = 1;
b = 2;
c = a + b;
info c;
return c * 10;
info "never";
d = 4;
""",
    "a limit error inside a built-in": """
t = "abc";
n = 0;
n = n + 1;
t = t + t;
n = n + 1;
t = t + t;
l = t.toList("");
info l.size();
n = n + 1;
n = n + 1;
""",
}


@pytest.mark.parametrize("paths", ["auto", "fast"])
@pytest.mark.parametrize("segment,chunk", [(2, 3), (3, 7), (25, 1000)])
@pytest.mark.parametrize("name", SCRIPTS)
def test_segments_agree_with_generic_code_at_every_statement_limit(name: str, segment: int, chunk: int,
                                                                     paths: str) -> None:
    source = SCRIPTS[name]
    generic = compiled(source, "generic")
    counted = compiled(source, paths, segment, chunk)
    finished = run(generic, 10**6)
    total = finished[1]
    assert isinstance(total, int) and total >= 5
    for limit in range(1, total + 2):
        assert run(counted, limit) == run(generic, limit), (name, limit)


def test_a_failed_run_reports_the_statements_it_ran() -> None:
    """The segment holding the failing division was paid for in full; the count taken
    back leaves exactly the statements that ran, the failing one included."""
    outcome = run(compiled(SCRIPTS["an error in the middle of a run"], "auto", segment=25), 10**6)
    assert outcome[1:] == (6, [0], "DelugeRuntimeError", "division by zero", (7, 5, 7, 12))
    assert outcome[0] == ["10"]


def test_checkpoints_and_a_timeout_fall_where_they_fall_one_by_one() -> None:
    """Three thousand top-level statements: checkpoints at the same counts, and a timeout at
    any of them stops at the same statement with the same count."""
    lines = [f"v{i} = {i};" for i in range(30)]
    lines += [f"v{i % 30} = v{(i - 1) % 30} + {i % 10};" if i % 97 else f"info v{i % 30};" for i in range(30, 3000)]
    source = "\n".join(lines) + "\ninfo v29;\n"
    generic = compiled(source, "generic")
    counted = compiled(source, "auto", segment=25, chunk=1000)
    assert run(counted, 10**6) == run(generic, 10**6)
    for stop in (2, 3):
        outcome = run(counted, 10**6, stop_at_checkpoint=stop)
        assert outcome == run(generic, 10**6, stop_at_checkpoint=stop)
        assert outcome[3] == "TimeoutLimitError" and outcome[1] == outcome[2][-1] == 1001 * (stop - 1)
    for limit in (999, 1000, 1001, 2024, 2999, 3001):
        assert run(counted, limit) == run(generic, limit), limit


@pytest.mark.parametrize("max_statements", [5000, 4, 13])
@pytest.mark.parametrize("name,source", differential.CHUNKS, ids=[c[0] for c in differential.CHUNKS])
def test_the_spec_corpus_runs_alike_in_segments(name: str, source: str, max_statements: int) -> None:
    assert run(compiled(source, "auto"), max_statements) == run(compiled(source, "generic"), max_statements), name


def test_a_cached_script_is_compiled_without_segments(tmp_path: Path) -> None:
    """A script stored on disk must hold all its code (no segment needs the compiler later):
    the entry is written, and read back by another runtime, it runs alike."""
    from cloudburst.engine import Runtime

    source = "\n".join(f"v{i} = {i} + 1;" for i in range(300)) + "\nv0 = 1 / 0;\n"
    outcomes = []
    for runtime in (Runtime(cache_dir=tmp_path), Runtime(cache_dir=tmp_path), Runtime()):
        script = runtime.compile(source, "cached.dg")
        execution = script.new_execution(limits=Limits(max_statements=150))
        with pytest.raises(CloudburstError) as caught:
            script.run(execution=execution)
        outcomes.append((execution.statements, caught.value.message, caught.value.span))
        assert len([p for p in tmp_path.glob("*.bin") if "-" not in p.stem]) == 1  # builtins-*: the built-in index
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert outcomes[0][:2] == (151, "more than 150 statements were executed")


def test_runs_in_several_threads_share_the_precise_copies() -> None:
    """One compiled script run in four threads at once, each stopping at its own limit:
    every run builds or reuses precise copies and counts as the generic code does."""
    from concurrent.futures import ThreadPoolExecutor

    source = "\n".join(f"v{i % 40} = v{(i + 39) % 40} + {i % 7};" if i >= 40 else f"v{i} = {i};" for i in range(2500))
    counted = compiled(source + "\ninfo v0;\n", "auto", segment=25, chunk=1000)
    generic = compiled(source + "\ninfo v0;\n", "generic")
    limits = [1001, 1013, 2002, 2499, 2501, 2502, 10**6, 1777]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda limit: run(counted, limit), limits))
    assert results == [run(generic, limit) for limit in limits]
