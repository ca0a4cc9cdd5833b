"""Runs resource bombs one after another in this process and prints one JSON line each.

Used by test_bombs.py in a subprocess, so the peak resident memory it reports belongs to
the bombs alone, and one process shows the runtime still works after every bomb.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from cloudburst.engine import Runtime
from cloudburst.errors import CloudburstError, LimitError
from cloudburst.execution import Limits

DOUBLE = "{" + ",".join(str(i) for i in range(64)) + "}"
LEVELS = "{" + ",".join(str(i) for i in range(300)) + "}"
DEEP = "{" + ",".join(str(i) for i in range(20000)) + "}"

#: name -> script; each must stop with an error well before the host's memory runs out.
BOMBS = {
    "list doubling": f"l = {{1}};\nfor each i in {DOUBLE}\n{{\n  l.addAll(l);\n}}\ninfo l.size();",
    "text doubling": f's = "ab";\nfor each i in {DOUBLE}\n{{\n  s = s + s;\n}}\ninfo s.length();',
    "map doubling": f'm = Map();\nfor each i in {DOUBLE}\n{{\n  n = Map();\n  n.put("a", m);\n  n.put("b", m);\n  m = n;\n}}\ninfo m.toString().length();',
    "repeat": 'info "ab".repeat(1000000000).length();',
    "leftPad": 'info "a".leftPad(2000000000).length();',
    "rightPad": 'info "a".rightPad(2000000000).length();',
    "replaceAll": 's = "a".repeat(100000);\ns = s + s + "a".repeat(50000);\ninfo s.replaceAll("a", "' + "b" * 80 + '").length();',
    "toString of a shared list": f"l = List();\nfor each i in {LEVELS}\n{{\n  l = {{l, l}};\n}}\ninfo l.toString().length();",
    "toString of a deep list": f"l = List();\nfor each i in {DEEP}\n{{\n  l = {{l}};\n}}\ninfo l.toString().length();",
    "toString of a deep map": f'm = Map();\nfor each i in {DEEP}\n{{\n  m = {{"k": m}};\n}}\ninfo m.toString().length();',
    "toList of 6.4M": 's = ",".repeat(100000);\nfor each i in {1, 2, 3, 4, 5, 6}\n{\n  s = s + s;\n}\ninfo s.toList(",").size();',
    "decimal powers": f"x = 2.0;\nfor each i in {DOUBLE}\n{{\n  x = x.power(100);\n}}\ninfo x;",
    "decimal squaring": f"x = 3.5;\nfor each i in {DOUBLE}\n{{\n  x = x * x;\n}}\ninfo x;",
    "huge script": "x = " + "9" * 1000000 + ";\ninfo x;",
    "huge literal": "x = " + "9" * 500000 + ";\ninfo x;",
    "huge decimal literal": "x = 0." + "1" * 500000 + ";\ninfo x * x;",
}

NORMAL = 'total = 0;\nfor each n in {1, 2, 3}\n{\n  total = total + n;\n}\nreturn total;'


def _peak_rss() -> int:
    """This process's peak resident memory in bytes. ``VmHWM`` belongs to this program's own
    address space; ``ru_maxrss`` would also count the parent's size at fork (a pytest worker
    that grew to 1 GB made every bomb look 1 GB large)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    timeout = float(sys.argv[1])
    memory = int(sys.argv[2])
    runtime = Runtime(network=False)
    limits = Limits(timeout=timeout, max_memory=memory, max_statements=None)
    names = sys.argv[3:] or list(BOMBS)
    for name in names:
        started = time.monotonic()
        kind, message = "none", ""
        try:
            runtime.compile(BOMBS[name], name).run(limits=limits)
        except LimitError as exc:
            kind, message = "limit", exc.message
        except CloudburstError as exc:
            kind, message = "error", exc.message
        elapsed = time.monotonic() - started
        after = runtime.compile(NORMAL).run(limits=limits).value
        peak = _peak_rss()
        print(json.dumps({"name": name, "kind": kind, "message": message[:300], "seconds": round(elapsed, 2),
                          "peak": peak, "after": after}), flush=True)


if __name__ == "__main__":
    main()
