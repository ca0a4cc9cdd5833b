"""Language-core benchmarks (run by hand, not by pytest):

1. loop: 1,000,000 iterations of integer arithmetic, a text concat and a map put/get, in
   Deluge (statement counter on, limit raised) and in plain Python; median of 5, ratio.
2. parse: lines per second parsing a 2,000-line script into our AST (positions on).
3. start-up: ``cloudburst run hello.dg`` against ``python3 -c pass`` (byte-code caching on).

Usage: python tests/bench/bench_core.py [loop|parse|startup|all]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOOP_DELUGE = """
items = leftpad("", 999).replaceAll(" ", ",").toList(",");
total = 0;
m = Map();
t = "";
for each a in items
{
    for each b in items
    {
        total = total + 3 * 2 - 1;
        t = "k" + total;
        m.put("k", total);
        v = m.get("k");
    }
}
info total;
info t.length() > 0;
"""


def loop_python() -> int:
    items = [""] * 1000
    total = 0
    m: dict[str, int] = {}
    t = ""
    for _a in items:
        for _b in items:
            total = total + 3 * 2 - 1
            t = "k" + str(total)
            m["k"] = total
            _v = m["k"]
    assert t
    return total


def bench_loop() -> None:
    from cloudburst.engine import Runtime
    from cloudburst.execution import Limits

    rt = Runtime(limits=Limits(max_statements=10_000_000, timeout=None))
    script = rt.compile(LOOP_DELUGE, "loop.dg")
    deluge, python = [], []
    for _ in range(5):  # interleaved so machine noise hits both alike
        start = time.perf_counter()
        result = script.run()
        deluge.append(time.perf_counter() - start)
        start = time.perf_counter()
        expected = loop_python()
        python.append(time.perf_counter() - start)
        assert result.info[0] == str(expected), result.info
    d, p = statistics.median(deluge), statistics.median(python)
    print(f"loop: deluge {d:.3f} s, python {p:.3f} s, ratio {d / p:.2f}x (median of 5; "
          f"{result.statements} statements counted)")


def bench_parse() -> None:
    from cloudburst.parser import parse

    body = [
        'resp = invokeurl\n[\n\turl: "https://api.example.test/v1/items/" + id\n\ttype: GET\n\tconnection: "conn"\n];',
        'm = Map();\nm.put("name", rec.get("Name").trim());\nm.put("total", (qty * price).round(2));',
        'if (m.get("status") == "Open" && !isNull(owner))\n{\n\tinfo "open: " + m.get("name");\n}\nelse\n{\n\tlist.add(m);\n}',
        'for each item in items\n{\n\tcount = count + 1;\n\tif (count > 10) { break; }\n}',
        '// a comment with "quotes" and // slashes\nx = ifnull(rec.get("Amount"), 0).toDecimal();',
    ]
    lines: list[str] = []
    i = 0
    while len(lines) < 2000:
        lines.extend(body[i % len(body)].replace("id", f"id{i}").split("\n"))
        i += 1
    source = "\n".join(lines[:2000])
    if not source.rstrip().endswith((";", "}")):
        source += ";"
    parse(source)  # warm the grammar cache
    times = []
    for _ in range(5):
        start = time.perf_counter()
        parse(source)
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    print(f"parse: 2000 lines in {t * 1000:.0f} ms = {2000 / t:,.0f} lines/s (median of 5)")


def bench_startup() -> None:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    hello = ROOT / "examples" / "hello.dg"
    exe = [sys.executable, "-m", "cloudburst", "run", str(hello)]
    base = [sys.executable, "-c", "pass"]
    subprocess.run(exe, env=env, check=True, capture_output=True)  # write byte code once
    runs, bases = [], []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run(exe, env=env, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(base, env=env, check=True, capture_output=True)
        bases.append(time.perf_counter() - start)
    r, b = statistics.median(runs), statistics.median(bases)
    print(f"start-up: cloudburst run hello.dg {r * 1000:.0f} ms, python -c pass {b * 1000:.0f} ms, "
          f"ratio {r / b:.2f}x (median of 7)")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    for name, fn in (("loop", bench_loop), ("parse", bench_parse), ("startup", bench_startup)):
        if what in (name, "all"):
            fn()
