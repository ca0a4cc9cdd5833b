"""Proven facts and inline fast paths fall back correctly (issue 14).

Loop bodies compile with what the code generator proves about variables (cloudburst.facts)
and guarded fast paths for the rest. Each script below makes a guard fail or a proof stop
in a different way: a value changes type mid-loop, an operation overflows, ``break`` and
``continue`` leave a body early, loops nest, functions run in the body, a ``try`` body
stops half-way. Each must print what it always printed (checked literally) and agree with
the generic code (helpers only, statement by statement) at every statement limit: same
output, same count and the same error at the same position.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cloudburst.compiler import compile_program
from cloudburst.errors import CloudburstError
from cloudburst.execution import Limits

_spec = importlib.util.spec_from_file_location("differential", Path(__file__).with_name("test_differential.py"))
assert _spec is not None and _spec.loader is not None
differential = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(differential)

SCRIPTS: dict[str, tuple[str, list[str] | str]] = {
    "type changes mid-loop": ("""
prices = {"a": 10, "b": 20, "c": "30", "d": 1.5, "e": 2};
total = 0;
count = 0;
for each key in prices.keys()
{
    total = total + prices.get(key);
    count = count + 1;
    label = "item " + count;
}
info total;
info label;
""", ["30301.52", "item 5"]),
    "map values of mixed types": ("""
stock = Map();
stock.put("apples", 3);
stock.put("pears", "none");
lines = List();
for each index i in {"apples", "pears", "plums"}
{
    name = {"apples", "pears", "plums"}.get(i);
    qty = stock.get(name);
    if (qty == null)
    {
        qty = 0;
    }
    lines.add(name + ": " + (qty + i));
}
info lines;
""", ["apples: 3,pears: none1,plums: 2"]),
    "a variable proven a NUMBER becomes TEXT in a branch": ("""
count = 0;
note = "";
for each index i in "a".leftPad(9).toList("")
{
    if (i % 4 == 3)
    {
        count = "n" + count;
    }
    else
    {
        count = count + i * 2;
    }
    note = note + count + ";";
}
info note;
""", ["0;2;6;n6;n68;n6810;n681012;nn681012;nn68101216;"]),
    "overflow at the end of an expression": ("""
big = 4611686018427387904;
sum = 0;
for each index i in {1, 2, 3, 4}
{
    step = i * 1000 + i % 7;
    sum = sum + big + step;
    info sum;
}
""", "number overflow"),
    "overflow of a proven NUMBER": ("""
n = 3037000499;
for each index i in {1, 2, 3}
{
    n = n * 3037000499 + i;
    info n;
}
""", "number overflow"),
    "break and continue": ("""
orders = {5, "skip", 12, 7, 30, 2};
total = 0;
seen = 0;
for each order in orders
{
    seen = seen + 1;
    if (order == "skip")
    {
        continue;
    }
    for each j in {1, 2, 3}
    {
        if (j % 2 == 0)
        {
            continue;
        }
        total = total + order * j;
        if (total > 60)
        {
            break;
        }
    }
    if (total > 100)
    {
        break;
    }
}
info total;
info seen;
""", ["105", "5"]),
    "nested loops": ("""
grid = Map();
rows = "a".leftPad(6).toList("");
acc = 0;
for each index r in rows
{
    line = "";
    for each index c in rows
    {
        v = r * 10 + c;
        if (v % 4 == 0)
        {
            v = "q" + v;
        }
        line = line + v + ",";
        acc = acc + r - c;
    }
    grid.put("r" + r, line);
    acc = acc * 2 % 1000003;
}
info grid.get("r2");
info acc;
""", ["q20,21,22,23,q24,25,", "-1206"]),
    "functions called in the body": ("""
int score(int n)
{
    return n * n % 7;
}
string tag(int n)
{
    if (n % 3 == 0)
    {
        return "x" + n;
    }
    return "-";
}
void fill(map m, int n)
{
    m.put("k" + n, n);
}
m = Map();
total = 0;
text = "";
for each index i in "a".leftPad(12).toList("")
{
    total = total + score(i);
    text = text + tag(i);
    fill(m, i % 4);
    m.put("k" + i % 4, m.get("k" + i % 4) + 1);
}
info total;
info text;
info m;
""", ["23", "x0--x3--x6--x9--", '{"k0":1,"k1":2,"k2":3,"k3":4}']),
    "a try body stops half-way": ("""
values = {"4", "x", "12", 3, null};
total = 0;
failures = 0;
for each v in values
{
    n = 1;
    try
    {
        n = v.toNumber();
        total = total + n * 2;
    }
    catch (e)
    {
        failures = failures + 1;
        n = "bad";
    }
    info n;
}
info total;
info failures;
""", ["4", "bad", "12", "3", "bad", "38", "2"]),
    "insert with key-value pairs rebinds its variable": ("""
c = Collection();
seen = Map();
total = 0;
for each index i in {1, 2, 3}
{
    c.insert("k" + i : i * 10);
    seen.insert("s" + i : i);
    total = total + c.get("k" + i) + seen.get("s" + i);
}
info total;
info c;
""", ["33", '{"k0":0,"k1":10,"k2":20}']),
    "a name with no value beside a call": ("""
int noisy(int n)
{
    info "noisy " + n;
    return n;
}
for each index i in {1, 2}
{
    if (i == 1)
    {
        x = 5;
    }
    y = x + noisy(i) * 2;
    info y;
}
""", "variable 'x' is used before it has a value"),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_prints_what_it_always_printed(name: str) -> None:
    source, expected = SCRIPTS[name]
    lines, *rest = differential.outcome(source, "auto", 10**6)
    if isinstance(expected, str):
        assert expected in rest[-2], rest
    else:
        assert lines == expected


@pytest.mark.parametrize("name", SCRIPTS)
def test_agrees_with_generic_code_at_every_statement_limit(name: str) -> None:
    source = SCRIPTS[name][0]
    scripts = {paths: differential.compiled(source, paths) for paths in ("generic", "fast", "auto")}
    finished = differential.run(scripts["generic"], 10**6)
    total = finished[1] if isinstance(finished[1], int) else 300
    for limit in range(1, total + 2):
        generic = differential.run(scripts["generic"], limit)
        assert differential.run(scripts["fast"], limit) == generic, (name, limit)
        assert differential.run(scripts["auto"], limit) == generic, (name, limit)


def test_proven_arithmetic_compiles_to_plain_python() -> None:
    """A ``for each index`` variable is a small non-negative NUMBER, so ``i * 1000 + i % 7``
    needs no type test, no range check and no helper; only the loop-carried count keeps one."""
    source = """
pairs = 0;
for each index i in "a".leftPad(30).toList("")
{
    k = i * 1000 + i % 7;
    if (k % 2 == 0)
    {
        pairs = pairs + 1;
    }
}
info pairs;
"""
    resolved, _, _ = differential.RUNTIME._front_end(source, "proven.dg", False, (), differential.RUNTIME.limits, None)
    helpers = set(compile_program(resolved, "proven.dg").helpers.values())
    script = differential.compiled(source, "auto")
    assert {("op", "mul"), ("op", "mod"), ("op", "eq")}.isdisjoint(helpers), helpers
    assert ("op", "add") in helpers  # pairs: assigned in the body, so not assumed
    assert differential.run(script, 10**6)[0] == [str(sum(1 for i in range(30) if (i * 1000 + i % 7) % 2 == 0))]


def test_put_stops_at_the_collection_limit_in_every_mode() -> None:
    """``put`` skips its growth check only while the map has room for another key."""
    source = """
m = Map();
for each index i in {1, 2, 3, 4, 5, 6, 7, 8}
{
    m.put("k" + i % 3, i);
    m.put("n" + i, i * 2);
}
info m.size();
"""
    outcomes: dict[int, set[str]] = {}
    for paths in ("generic", "fast", "auto"):
        script = differential.compiled(source, paths)
        assert isinstance(script, differential.Script)
        for size in (6, 10, 11, 12):
            try:
                shown = script.run(limits=Limits(max_collection_size=size)).info[0]
            except CloudburstError as exc:
                assert exc.span is not None
                shown = f"{exc.span.line}:{exc.span.column} {exc.message}"
            outcomes.setdefault(size, set()).add(shown)
    assert outcomes == {6: {"6:5 put: a collection may hold at most 6 elements"},
                        10: {"6:5 put: a collection may hold at most 10 elements"}, 11: {"11"}, 12: {"11"}}


def test_a_long_main_script_compiled_in_chunks_keeps_every_fast_path() -> None:
    """Past a couple of thousand top-level statements the main script compiles in chunks
    (separate code objects); a loop there still reaches everything its fast paths use."""
    source = "m = Map();\ntotal = 0;\n" + "x = 1;\n" * 2100 + """
for each index i in {1, 2, 3, 4}
{
    key = "k" + i % 2;
    m.put(key, i * 3);
    total = total + m.get(key) + i % 3;
}
info m;
info total;
"""
    generic = differential.outcome(source, "generic", 10**6)
    assert generic[0] == ['{"k0":6,"k1":9}', "21"]
    assert differential.outcome(source, "auto", 10**6) == generic
