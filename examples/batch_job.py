"""A batch job: run one Deluge script over many input records, each run with its own
limits, and collect the results and the errors.

    python examples/batch_job.py            # built-in demo records
    python examples/batch_job.py leads.jsonl --workers 4 --max-statements 2000

Records are JSON objects, one a line; each is given to the script as ``lead``. The
summary (results, errors, counts) is printed as JSON; the exit status is 1 when any record
failed (the demo records include two that do, to show that one broken record stops nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import cloudburst

HERE = Path(__file__).resolve().parent

DEMO = [
    {"id": 1, "email": "ada@example.com", "tags": ["vip"], "employees": 120},
    {"id": 2, "email": "no-address", "tags": [], "employees": 8},
    {"id": 3, "email": None, "tags": ["cold"], "employees": "many"},   # TEXT / NUMBER: a runtime error
    {"id": 4, "email": "big@example.com", "tags": ["x"] * 10000, "employees": 5},  # over the statement limit
    {"id": 5, "email": "bob@example.com", "tags": ["vip", "warm"], "employees": 2000},
]


def run_one(script: cloudburst.Script, record: dict[str, Any], limits: cloudburst.Limits) -> dict[str, Any]:
    try:
        result = script.run({"lead": record}, limits=limits)
    except cloudburst.CloudburstError as exc:
        return {"id": record.get("id"), "ok": False, "error": exc.message, "kind": type(exc).__name__,
                "line": exc.span.line if exc.span else None}
    return {"id": record.get("id"), "ok": True, "value": result.python_value(), "statements": result.statements}


def run_batch(script: cloudburst.Script, records: list[dict[str, Any]], limits: cloudburst.Limits,
              workers: int) -> dict[str, Any]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(lambda r: run_one(script, r, limits), records))
    return {
        "total": len(outcomes),
        "succeeded": sum(o["ok"] for o in outcomes),
        "failed": sum(not o["ok"] for o in outcomes),
        "results": [o for o in outcomes if o["ok"]],
        "errors": [o for o in outcomes if not o["ok"]],
    }


def read_records(path: Path | None) -> list[dict[str, Any]]:
    if path is None:
        return DEMO
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path, nargs="?", help="JSON-lines file (default: demo records)")
    parser.add_argument("--script", type=Path, default=HERE / "score_lead.dg")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-statements", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per record")
    args = parser.parse_args(argv)
    runtime = cloudburst.Runtime(network=False)
    try:
        script = runtime.compile(args.script.read_text(encoding="utf-8"), name=args.script.name)
    except cloudburst.CloudburstError as exc:
        print(exc, file=sys.stderr)
        return 2
    limits = cloudburst.Limits(max_statements=args.max_statements, timeout=args.timeout)
    summary = run_batch(script, read_records(args.records), limits, args.workers)
    json.dump(summary, sys.stdout, indent=2, default=str)
    print()
    return 0 if summary["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
