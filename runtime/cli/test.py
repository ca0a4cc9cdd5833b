"""``cloudburst test``: run Deluge test scripts (``*_test.dg``) and report like pytest."""

from __future__ import annotations

import argparse
import time
from typing import Any

from cloudburst.cli.dispatch import EXIT_OK, EXIT_RUNTIME, Context

__all__ = ["HELP", "configure", "EXIT_NO_TESTS"]

HELP = "run Deluge test scripts (*_test.dg) with their // expect: comments; JUnit XML for CI"

EXIT_NO_TESTS = 5  # as pytest: nothing was collected


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_test)
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="test files or folders to search for *_test.dg and test_*.dg (default: .)")
    parser.add_argument("-k", dest="select", metavar="TEXT",
                        help="run only tests whose name (file:line) contains TEXT")
    parser.add_argument("--junit-xml", metavar="FILE", help="also write the results as JUnit XML to FILE")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="time limit of each test (default 10; a fixture's limits.timeout wins)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per test instead of dots")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: every test's name, status, message, info lines and time")


def _test(ctx: Context) -> int:
    from cloudburst.tooling.testing import Case, Outcome, discover, load_cases, run_case

    args = ctx.args
    started = time.perf_counter()
    cases: list[Case] = []
    outcomes: list[Outcome] = []
    for path in discover(args.paths):
        try:
            found = load_cases(path)
        except (OSError, ValueError) as exc:
            ctx.err.write(f"{path}: error: cannot load the test: {exc}\n")
            outcomes.append(Outcome(Case(path, 1, "", (), {}), "error", f"cannot load the test: {exc}"))
            continue
        cases.extend(c for c in found if not args.select or args.select in c.name)
    if not cases and not outcomes:
        ctx.err.write(f"no tests found in {', '.join(args.paths)} (files named *_test.dg or test_*.dg)\n")
        return EXIT_NO_TESTS
    marks = {"passed": ".", "failed": "F", "error": "E"}
    for case in cases:
        outcome = run_case(case, timeout=args.timeout)
        outcomes.append(outcome)
        if args.json:
            continue
        if args.verbose:
            ctx.out.write(f"{case.name} {outcome.status.upper()}\n")
        else:
            ctx.out.write(marks[outcome.status])
        ctx.out.flush()
    elapsed = time.perf_counter() - started
    bad = [o for o in outcomes if o.status != "passed"]
    counts = {status: sum(o.status == status for o in outcomes) for status in ("passed", "failed", "error")}
    if args.json:
        ctx.json({**counts, "seconds": round(elapsed, 3), "tests": [
            {"name": o.case.name, "status": o.status, "message": o.message, "info": o.info,
             "seconds": round(o.duration, 3)} for o in outcomes]})
    else:
        if not args.verbose:
            ctx.out.write("\n")
        for outcome in bad:
            ctx.out.write(f"\n____ {outcome.case.name} ____\n{outcome.message.rstrip()}\n")
        summary = ", ".join(f"{n} {'errors' if s == 'error' and n != 1 else s}" for s, n in counts.items() if n)
        ctx.out.write(f"\n{summary} in {elapsed:.2f}s\n")
    if args.junit_xml:
        _write_junit(args.junit_xml, outcomes, elapsed, ctx)
    return EXIT_RUNTIME if bad else EXIT_OK


def _write_junit(path: str, outcomes: list[Any], elapsed: float, ctx: Context) -> None:
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name="cloudburst", tests=str(len(outcomes)),
                       failures=str(sum(o.status == "failed" for o in outcomes)),
                       errors=str(sum(o.status == "error" for o in outcomes)), time=f"{elapsed:.3f}")
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname=str(o.case.path), name=o.case.name,
                             time=f"{o.duration:.3f}")
        if o.status != "passed":
            tag = "failure" if o.status == "failed" else "error"
            ET.SubElement(case, tag, message=o.message.splitlines()[0] if o.message else o.status).text = o.message
        if o.info:
            ET.SubElement(case, "system-out").text = "\n".join(o.info)
    root = ET.Element("testsuites")
    root.append(suite)
    try:
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        ctx.error(f"cannot write --junit-xml file: {exc.strerror}")
