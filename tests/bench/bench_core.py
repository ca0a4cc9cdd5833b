"""Language-core benchmarks (run by hand, not by pytest), one per figure of issue 14:

1. loop: 1,000,000 iterations of integer arithmetic, a text concat and a map put/get, in
   Deluge (statement counter on, limit raised) and in plain Python; median of 5, ratio.
   issue-loop: the issue's loop (``k = i * 1000 + j; key = "k" + j; m.put(key, k % 997);
   total = total + m.get(key) + k % 13;``, 1,000 x 1,000) against the same Python function.
2. parse: lines per second parsing a 2,000-line script into our AST (positions on).
   check: ``cloudburst check`` of that script minus a 1-line check (whole processes),
   lines/s; batch: ``check`` over the corpus files in batches of 40.
3. first-run: ``run --no-cache`` of 50,000 statements (100 variables; then 50,000 distinct
   ones), and the first plain ``run`` of the first (kept in the script cache): time and peak
   memory.
4. start-up: ``cloudburst run hello.dg`` against ``python3 -c pass``, cached and first run.
   startup-instructions: the same three counted in machine instructions under valgrind's
   callgrind (when installed): the same on an idle or a loaded machine.

Whole-process figures are medians of alternating pairs, wall time and CPU time (user +
system of the child) side by side: on a shared, loaded machine CPU time is the steadier.
Run with another checkout's interpreter to measure it the same way (the commands use
``sys.executable``). Usage: python tests/bench/bench_core.py [NAME|all]
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
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

    source = _big_script().rstrip("\n")
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


ISSUE_LOOP = """
items = "a".leftPad(1000).toList("");
m = Map();
total = 0;
for each index i in items
{
    for each index j in items
    {
        k = i * 1000 + j;
        key = "k" + j;
        m.put(key, k % 997);
        total = total + m.get(key) + k % 13;
    }
}
info total;
"""


def issue_loop_python() -> int:
    items = [""] * 1000
    m: dict[str, int] = {}
    total = 0
    for i in range(len(items)):
        for j in range(len(items)):
            k = i * 1000 + j
            key = "k" + str(j)
            m[key] = k % 997
            total = total + m[key] + k % 13
    return total


def bench_issue_loop() -> None:
    from cloudburst.engine import Runtime
    from cloudburst.execution import Limits

    script = Runtime(limits=Limits(max_statements=100_000_000, timeout=None)).compile(ISSUE_LOOP, "loop.dg")
    deluge, python = [], []
    for _ in range(5):
        start = time.process_time()
        result = script.run()
        deluge.append(time.process_time() - start)
        start = time.process_time()
        expected = issue_loop_python()
        python.append(time.process_time() - start)
        assert result.info[0] == str(expected), result.info
    d, p = statistics.median(deluge), statistics.median(python)
    print(f"issue-loop: deluge {d:.3f} s, python {p:.3f} s (CPU), ratio {d / p:.2f}x (median of 5; "
          f"{result.statements} statements counted)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=False, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _pairs(a: list[str], b: list[str], env: dict[str, str], n: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Medians (wall, CPU) of ``a`` and ``b`` run alternately ``n`` times."""
    ra, rb = [], []
    for _ in range(n):
        ra.append(_timed(a, env))
        rb.append(_timed(b, env))
    med = statistics.median
    return (med(x[0] for x in ra), med(x[1] for x in ra)), (med(x[0] for x in rb), med(x[1] for x in rb))


def _big_script() -> str:
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
    return "\n".join(lines[:2000]) + "\n"


def bench_check() -> None:
    env = _env()
    with tempfile.TemporaryDirectory() as tmp:
        big, one = Path(tmp, "big.dg"), Path(tmp, "one.dg")
        big.write_text(_big_script(), encoding="utf-8")
        one.write_text("x = 1;\n", encoding="utf-8")
        cli = [sys.executable, "-m", "cloudburst", "check"]
        (bw, bc), (ow, oc) = _pairs([*cli, str(big)], [*cli, str(one)], env, 7)
    lines = 2000
    print(f"check: 2,000 lines {bw * 1000:.0f} ms, 1 line {ow * 1000:.0f} ms (wall) -> {lines / max(bw - ow, 1e-9):,.0f} lines/s; "
          f"CPU {bc * 1000:.0f} / {oc * 1000:.0f} ms -> {lines / max(bc - oc, 1e-9):,.0f} lines/s (median of 7 pairs)")


def bench_batch(count: int = 1578) -> None:
    """``check`` over ``count`` files (the corpus, repeated) in batches of 40 processes."""
    env = _env()
    corpus = sorted((ROOT / "tests" / "corpus").glob("*.dg"))
    files = [str(corpus[i % len(corpus)]) for i in range(count)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for i in range(0, len(files), 40):
        subprocess.run([sys.executable, "-m", "cloudburst", "check", "--quiet", *files[i:i + 40]], env=env,
                       capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"batch: check of {count} corpus files in batches of 40: {wall:.1f} s wall, {cpu:.1f} s CPU")


def bench_first_run() -> None:
    """The issue's script (100 variables reassigned), then one assigning 50,000 distinct ones;
    both with ``--no-cache`` (the issue's figure), then the first one as a plain ``run``
    would first meet it (compiled to be kept in a new, empty script cache)."""
    lines = [f"v{i} = {i};" for i in range(100)]
    lines += [f"v{i % 100} = v{(i - 1) % 100} + {i % 10};" for i in range(100, 50_000)]
    _first_run("50,000 statements", "\n".join(lines) + "\ninfo v99;\n")
    distinct = ["x0=1;"] + [f"x{i}=x{i - 1}+1;" for i in range(1, 50_000)]
    _first_run("50,000 statements, as many variables", "\n".join(distinct) + "\ninfo x49999;\n")
    _first_run("50,000 statements", "\n".join(lines) + "\ninfo v99;\n", cached=True)


def _first_run(label: str, source: str, cached: bool = False) -> None:
    env = _env()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "s50k.dg")
        script.write_text(source, encoding="utf-8")
        times = []
        for i in range(3):
            env["CLOUDBURST_CACHE_DIR"] = str(Path(tmp, f"cache{i}"))  # empty each time
            mode = "" if cached else "'--no-cache', "
            code = ("import resource, subprocess, sys, time; s = time.perf_counter(); "
                    f"subprocess.run([sys.executable, '-m', 'cloudburst', 'run', {mode}'--max-statements', '0', "
                    f"'--timeout', '0', {str(script)!r}], capture_output=True, check=True); "
                    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
                    "print(time.perf_counter() - s, u.ru_utime + u.ru_stime, u.ru_maxrss)")
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            times.append(tuple(float(x) for x in out.stdout.split()))
    wall, cpu, rss = (statistics.median(t[i] for t in times) for i in range(3))
    how = "run, first time (kept in the script cache)" if cached else "run --no-cache"
    print(f"first-run: {label}, {how}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {rss / 1024:.0f} MB (median of 3)")


def bench_startup_first() -> None:
    """A new script each time: parse, resolve and compile in the run."""
    env = _env()
    hello = (ROOT / "examples" / "hello.dg").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        env["CLOUDBURST_CACHE_DIR"] = str(Path(tmp, "cache"))
        runs, bases = [], []
        for i in range(7):
            script = Path(tmp, f"hello{i}.dg")
            script.write_text(hello + f"\ninfo {i};\n", encoding="utf-8")
            runs.append(_timed([sys.executable, "-m", "cloudburst", "run", str(script)], env))
            bases.append(_timed([sys.executable, "-c", "pass"], env))
    med = statistics.median
    rw, rc, bw, bc = med(r[0] for r in runs), med(r[1] for r in runs), med(b[0] for b in bases), med(b[1] for b in bases)
    print(f"start-up (first run of a new script): {rw * 1000:.0f} ms vs python -c pass {bw * 1000:.0f} ms, "
          f"ratio {rw / bw:.2f}x wall, {rc / bc:.2f}x CPU (median of 7 pairs)")


def bench_startup_cached() -> None:
    env = _env()
    with tempfile.TemporaryDirectory() as tmp:
        env["CLOUDBURST_CACHE_DIR"] = str(Path(tmp, "cache"))
        exe = [sys.executable, "-m", "cloudburst", "run", str(ROOT / "examples" / "hello.dg")]
        subprocess.run(exe, env=env, check=True, capture_output=True)  # byte code and the script cache
        (rw, rc), (bw, bc) = _pairs(exe, [sys.executable, "-c", "pass"], env, 9)
    print(f"start-up (cached script): {rw * 1000:.0f} ms vs python -c pass {bw * 1000:.0f} ms, "
          f"ratio {rw / bw:.2f}x wall, {rc / bc:.2f}x CPU (median of 9 pairs)")


def _instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Machine instructions one process executes (valgrind's callgrind), None without valgrind."""
    import re
    import shutil

    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", *cmd], env=env,
                              capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def bench_startup_instructions() -> None:
    env = _env()
    hello = (ROOT / "examples" / "hello.dg").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        env["CLOUDBURST_CACHE_DIR"] = str(Path(tmp, "cache"))
        run = [sys.executable, "-m", "cloudburst", "run"]
        cached = str(ROOT / "examples" / "hello.dg")
        subprocess.run([*run, cached], env=env, check=True, capture_output=True)  # byte code, indexes, the cache
        subprocess.run([*run, cached], env=env, check=True, capture_output=True)
        script = Path(tmp, "new.dg")
        script.write_text(hello + "\ninfo 1;\n", encoding="utf-8")
        base = _instructions([sys.executable, "-c", "pass"], env)
        warm = _instructions([*run, cached], env)
        first = _instructions([*run, str(script)], env)
    if base is None or warm is None or first is None:
        print("startup-instructions: valgrind is not installed")
        return
    print(f"start-up in instructions: python -c pass {base / 1e6:.1f}M, cached run {warm / 1e6:.1f}M "
          f"({warm / base:.2f}x), first run of a new script {first / 1e6:.1f}M ({first / base:.2f}x)")


BENCHES = {
    "loop": bench_loop, "issue-loop": bench_issue_loop, "parse": bench_parse, "check": bench_check,
    "batch": bench_batch, "first-run": bench_first_run, "startup": bench_startup_cached,
    "startup-first": bench_startup_first, "startup-instructions": bench_startup_instructions,
}

if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, fn in BENCHES.items():
        if what in (name, "all"):
            fn()
