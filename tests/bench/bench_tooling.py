"""Developer tooling figures (run: ``python tests/bench/bench_tooling.py``).

1. fmt: lines per second formatting every script in tests/corpus (parse, layout, re-parse
   and compare: the whole of what ``cloudburst fmt`` does per file), median of 5.
2. lsp: time from a change to fresh diagnostics for a 2,000-line script (analysis as the
   language server runs it on every change, after the first parse), median of 9.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _median(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_fmt() -> None:
    from cloudburst.tooling.formatter import format_source

    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "corpus").glob("*.dg"))]
    sources = [s for s in sources if "<%" not in s]
    lines = sum(s.count("\n") + 1 for s in sources)
    format_source(sources[0])

    def all_files() -> None:
        for s in sources:
            format_source(s)

    t = _median(all_files, 5)
    print(f"fmt: {len(sources)} corpus files, {lines:,} lines in {t * 1000:.0f} ms = "
          f"{lines / t:,.0f} lines/s ({t / lines * 1000 * 1000:.0f} ms per 1,000 lines)")


def _script(n_lines: int) -> str:
    body = [
        'void sync{i}(int leadId)\n{{\n\tlead = zoho.crm.getRecordById("Leads", leadId);\n\tm = Map();',
        '\tm.put("name", lead.get("Last_Name").trim());\n\tm.put("total", (2 * 3).round(2));',
        '\tif(m.get("status") == "Open")\n\t{{\n\t\tinfo "open: " + m.get("name");\n\t}}',
        '\tfor each item in {{1, 2, 3}}\n\t{{\n\t\tinfo item;\n\t}}\n}}',
    ]
    lines: list[str] = []
    i = 0
    while len(lines) < n_lines:
        for part in body:
            lines.extend(part.format(i=i).split("\n"))
        i += 1
    return "\n".join(lines) + "\n"


def bench_lsp() -> None:
    from cloudburst.tooling.analysis import analyse

    source = _script(2000)
    analyse(source)
    edited = source.replace('"open: "', '"opened: "', 1)
    t = _median(lambda: analyse(edited), 9)
    print(f"lsp: diagnostics for {source.count(chr(10)):,} lines in {t * 1000:.0f} ms after a change (median of 9)")


if __name__ == "__main__":
    bench_fmt()
    bench_lsp()
