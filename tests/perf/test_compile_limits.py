"""Compiling is bounded (issue 10 items 3 and 4): source size, syntax nodes and the run's
time limit cap it, and nesting at any depth ends in a clean Cloudburst error, never a
Python RecursionError, for the CLI and for a host alike."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import CloudburstError, LimitError, TimeoutLimitError
from cloudburst.execution import Limits

ROOT = Path(__file__).resolve().parents[2]

UNCAPPED = Limits(max_statements=None, timeout=None, max_source_chars=None, max_syntax_nodes=None)


def assignments(count: int) -> str:
    return "\n".join(f"v{i % 100} = v{(i - 1) % 100} + {i % 10};" if i >= 100 else f"v{i} = {i};" for i in range(count))


def test_a_script_longer_than_the_source_cap_is_refused_before_parsing() -> None:
    rt = Runtime(network=False, limits=Limits(max_source_chars=5_000))
    started = time.monotonic()
    with pytest.raises(LimitError, match="more than the 5,000 a script may have") as info:
        rt.compile(assignments(2_000), "big.dg")
    assert info.value.source_name == "big.dg"
    assert time.monotonic() - started < 1.0
    rt.compile(assignments(100), "small.dg")  # the runtime keeps working


def test_a_script_with_too_many_syntax_nodes_is_refused() -> None:
    rt = Runtime(network=False, limits=Limits(max_syntax_nodes=10_000))
    items = ", ".join(str(i) for i in range(20_000))
    with pytest.raises(LimitError, match="more than 10,000 syntax nodes"):
        rt.compile(f"big = {{{items}}};\ninfo big.size();", "list.dg")
    with pytest.raises(LimitError, match="syntax nodes"):
        rt.check(f"big = {{{items}}};", "list.dg")
    assert rt.run("info {1, 2}.size();").info == ["2"]


def test_the_time_limit_covers_compiling() -> None:
    rt = Runtime(network=False, limits=Limits(timeout=0.05, max_statements=None))
    source = assignments(5_000)
    with pytest.raises(TimeoutLimitError, match=r"0.05 s limit \(while compiling the script\)"):
        rt.compile(source, "slow.dg")
    with pytest.raises(TimeoutLimitError):
        rt.run(source, name="slow.dg")
    unlimited = Runtime(network=False, limits=Limits(timeout=None, max_statements=None))
    assert unlimited.compile(source, "slow.dg").run().statements == 5_000


def test_cli_reports_a_compile_limit_with_exit_4(tmp_path: Path) -> None:
    script = tmp_path / "big.dg"
    script.write_text("x = 1;\n" * 200_000, encoding="utf-8")
    env = {**os.environ, "CLOUDBURST_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "cloudburst", "run", str(script)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 4, proc.stderr
    assert "big.dg: error: the script has 1,400,000 characters, more than the 1,000,000" in proc.stderr
    assert "Traceback" not in proc.stderr


def nested(shape: str, depth: int) -> str:
    return {
        "if": "x = true;\n" + "if (x) {\n" * depth + "info 1;\n" + "}\n" * depth,
        "for": "l = {1};\n" + "for each a in l {\n" * depth + "info a;\n" + "}\n" * depth,
        "parentheses": "x = " + "(" * depth + "1" + ")" * depth + ";\ninfo x;",
        "list": "x = " + "{" * depth + "1" + "}" * depth + ";",
        "minus": "y = 1;\nx = " + "-" * depth + "y;",
        "not": "x = " + "!" * depth + "true;",
        "call": "x = " + "abs(" * depth + "1" + ")" * depth + ";",
        "if-function": "x = " + "if(true, " * depth + "1" + ", 2)" * depth + ";",
        "sum": "y = 1;\nx = " + "y + (" * depth + "1" + ")" * depth + ";",
        "method": 'x = "a"' + ".trim()" * depth + ";",
        "index": "l = {1};\nx = l" + "[0]" * depth + ";",
    }[shape]


def outcome(rt: Runtime, source: str) -> str:
    """What a host sees: a Cloudburst error's class, or the output."""
    try:
        return "ran: " + ",".join(rt.compile(source, "deep.dg").run().info)
    except CloudburstError as exc:
        assert exc.message and "Recursion" not in exc.message
        return type(exc).__name__


SHAPES = ["if", "for", "parentheses", "list", "minus", "not", "call", "if-function", "sum", "method", "index"]


@pytest.mark.parametrize("shape", SHAPES)
def test_ten_thousand_levels_of_nesting_fail_cleanly(shape: str) -> None:
    rt = Runtime(network=False, limits=UNCAPPED)
    result = outcome(rt, nested(shape, 10_000))
    if shape == "parentheses":  # grouping adds no node: still a plain 1
        assert result == "ran: 1"
    else:
        assert result in ("ResolveError", "DelugeSyntaxError"), result
    assert outcome(rt, nested(shape, 3)) not in ("ResolveError", "DelugeSyntaxError")  # shallow nesting compiles


@pytest.mark.parametrize("shape", ["not", "minus"])
def test_a_hundred_thousand_levels_of_nesting_fail_cleanly(shape: str) -> None:
    assert outcome(Runtime(network=False, limits=UNCAPPED), nested(shape, 100_000)) == "ResolveError"


def test_a_hundred_thousand_nested_blocks_stop_at_the_size_cap() -> None:
    assert outcome(Runtime(network=False), nested("if", 100_000)) == "LimitError"


def test_cli_deep_nesting_is_a_compile_error_not_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "deep.dg"
    script.write_text(nested("if", 10_000), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cloudburst", "check", str(script)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 3 and "blocks are nested more than 60 deep" in proc.stderr
    assert "Traceback" not in proc.stderr


DEEP_LIST = """
x = list();
for each j in "a".leftPad({outer}).toList("")
{{
    for each i in "a".leftPad(1000).toList("")
    {{
        y = list();
        y.add(x);
        x = y;
    }}
}}
"""


@pytest.mark.parametrize("depth", [10_000, 100_000])
@pytest.mark.parametrize("use", ["info x;", "info x.toString().length();", "m = Map(); m.put(\"k\", x); info m;"])
def test_displaying_deeply_nested_values_fails_cleanly(depth: int, use: str) -> None:
    rt = Runtime(network=False, limits=Limits(max_statements=None, timeout=60))
    assert outcome(rt, DEEP_LIST.format(outer=depth // 1000) + use) == "RecursionLimitError"


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_parsing_deeply_nested_json_fails_cleanly(depth: int) -> None:
    rt = Runtime(network=False)
    assert outcome(rt, f'info ("[".repeat({depth}) + "]".repeat({depth})).toJSONList();') == "DelugeRuntimeError"
    assert outcome(rt, f'info ("{{\\"a\\":".repeat({depth}) + "1" + "}}".repeat({depth})).toMap();') == "DelugeRuntimeError"
