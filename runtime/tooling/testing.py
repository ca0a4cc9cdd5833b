"""``cloudburst test``: Deluge test scripts with their expectations written inside them.

A test file is ``*_test.dg`` or ``test_*.dg`` (also ``.deluge``/``.ds``); lines holding only
``---`` split it into several tests. Expectations are comments, as in crafting-interpreters
style suites:

- ``// expect: TEXT`` — the next ``info`` line, in order;
- ``// expect return: VALUE`` — the run's return value, as ``info`` would show it;
- ``// expect error: TEXT`` — the run fails with an error containing TEXT; written after a
  statement, the error must come from that line;
- ``// expect syntax error: TEXT`` / ``// expect resolve error: TEXT`` — checking fails so.

Fixtures sit beside the test in ``NAME.json`` (for ``NAME_test.dg``: ``NAME_test.json``), an
object with any of ``inputs`` (the script's inputs, as ``run --input``), ``records`` (the
``--records`` fixture, inline or a file name), ``http`` (recorded exchanges, replayed: no test
ever reaches the network), ``connections`` (link names made in a throwaway store, so a script
may name them) and ``limits`` (``timeout``, ``max_statements``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Case", "Outcome", "discover", "load_cases", "run_case", "TEST_PATTERNS"]

TEST_PATTERNS = ("*_test.dg", "test_*.dg", "*_test.deluge", "test_*.deluge", "*_test.ds", "test_*.ds")
_EXPECT = re.compile(r"//\s*expect(?: (syntax error|resolve error|error|return))?:[ \t]?(.*)$")
_SEPARATOR = re.compile(r"^---[ \t]*$")


@dataclass(frozen=True)
class Expectation:
    kind: str  # "output" | "return" | "error" | "syntax error" | "resolve error"
    text: str
    line: int
    trailing: bool  # written after code on the same line


@dataclass(frozen=True)
class Case:
    """One test: a script (a whole file or one ``---`` chunk) and what it must do."""

    path: Path
    line: int  # first line of the chunk in the file
    source: str  # padded with blank lines so positions are the file's
    expectations: tuple[Expectation, ...]
    fixture: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.path}:{self.line}" if self.line > 1 else str(self.path)


@dataclass
class Outcome:
    case: Case
    status: str  # "passed" | "failed" | "error"
    message: str = ""
    duration: float = 0.0
    info: list[str] = field(default_factory=list)


def discover(paths: Iterable[str]) -> Iterator[Path]:
    """Test files under ``paths`` (files are taken as given), in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = {p for pattern in TEST_PATTERNS for p in path.rglob(pattern)
                     if not any(part.startswith(".") or part == "node_modules" for part in p.parts)}
            yield from sorted(found)
        else:
            yield path


def load_cases(path: Path) -> list[Case]:
    """The cases of one test file. Raises OSError or ValueError for an unreadable fixture."""
    text = path.read_text(encoding="utf-8")
    fixture = _fixture(path)
    lines = text.split("\n")
    cases: list[Case] = []
    start = 0
    for i, line in enumerate([*lines, "---"]):
        if not _SEPARATOR.match(line):
            continue
        body = lines[start:i]
        if any(b.strip() for b in body):
            expectations = tuple(_expectations(body, start))
            cases.append(Case(path, start + 1, "\n" * start + "\n".join(body), expectations, fixture))
        start = i + 1
    return cases


def _expectations(body: list[str], offset: int) -> Iterator[Expectation]:
    for number, raw in enumerate(body, start=offset + 1):
        m = _EXPECT.search(raw)
        if m:
            before = raw[:m.start()].strip()
            yield Expectation(m.group(1) or "output", m.group(2).rstrip(), number, bool(before))


def _fixture(path: Path) -> dict[str, Any]:
    beside = path.with_suffix(".json")
    if not beside.exists():
        return {}
    data = json.loads(beside.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{beside}: a test fixture must be a JSON object")
    unknown = set(data) - {"inputs", "records", "http", "connections", "limits"}
    if unknown:
        raise ValueError(f"{beside}: unknown fixture key {sorted(unknown)[0]!r} "
                         "(known: inputs, records, http, connections, limits)")
    records = data.get("records")
    if isinstance(records, str):
        data["records"] = json.loads((path.parent / records).read_text(encoding="utf-8"))
    return data


def run_case(case: Case, *, timeout: float = 10.0, workdir: Path | None = None) -> Outcome:
    """Run one case in a fresh runtime and compare it with its expectations."""
    started = time.perf_counter()
    try:
        outcome = _run(case, timeout, workdir)
    except _FixtureProblem as exc:
        outcome = Outcome(case, "error", str(exc))
    outcome.duration = time.perf_counter() - started
    return outcome


class _FixtureProblem(Exception):
    pass


def _run(case: Case, timeout: float, workdir: Path | None) -> Outcome:
    from cloudburst.engine import Runtime
    from cloudburst.errors import CloudburstError, DelugeSyntaxError, ResolveError
    from cloudburst.execution import Limits

    fixture = case.fixture
    limits_given = fixture.get("limits") or {}
    limits = Limits(timeout=float(limits_given.get("timeout", timeout)),
                    max_statements=limits_given.get("max_statements", Limits().max_statements))
    store, keys = _connections(case, workdir)
    runtime = Runtime(timezone="UTC", limits=limits, http_transport=_transport(case), store=store, secret_keys=keys)
    if fixture.get("records") is not None:
        from cloudburst.records import RecordStore

        RecordStore(fixture["records"]).install(runtime)
    wanted = {e.kind: e for e in case.expectations if e.kind != "output"}
    output = [e.text for e in case.expectations if e.kind == "output"]
    static = wanted.get("syntax error") or wanted.get("resolve error")
    try:
        script = runtime.compile(case.source, str(case.path))
    except (DelugeSyntaxError, ResolveError) as exc:
        if static is None:
            return Outcome(case, "error", _located(exc))
        if static.text.lower() not in exc.message.lower():
            return Outcome(case, "failed", f"{case.path}:{static.line}: expected {static.kind} containing "
                                           f"{static.text!r}\n  got: {_located(exc)}")
        return Outcome(case, "passed")
    if static is not None:
        return Outcome(case, "failed", f"{case.path}:{static.line}: expected {static.kind} containing "
                                       f"{static.text!r}, but the script compiled")
    info: list[str] = []
    error = wanted.get("error")
    try:
        result = script.run(fixture.get("inputs") or {}, on_info=info.append)
    except CloudburstError as exc:
        if error is None:
            return Outcome(case, "failed", _diff(case, output, info) + f"unexpected error: {_located(exc)}", info=info)
        problem = _error_mismatch(case, error, exc)
        if problem:
            return Outcome(case, "failed", problem, info=info)
        return _compare(case, output, info)
    finally:
        runtime.close()
    if error is not None:
        return Outcome(case, "failed", _diff(case, output, info)
                       + f"{case.path}:{error.line}: expected an error containing {error.text!r}, "
                       "but the run succeeded", info=info)
    returned = wanted.get("return")
    if returned is not None:
        from cloudburst.values import display

        shown = display(result.value)
        if shown != returned.text:
            return Outcome(case, "failed", f"{case.path}:{returned.line}: expected return {returned.text!r}\n"
                                           f"  got: {shown!r}", info=info)
    return _compare(case, output, info)


def _compare(case: Case, expected: list[str], got: list[str]) -> Outcome:
    if expected == got:
        return Outcome(case, "passed", info=got)
    return Outcome(case, "failed", _diff(case, expected, got), info=got)


def _diff(case: Case, expected: list[str], got: list[str]) -> str:
    if expected == got:
        return ""
    lines = [e for e in case.expectations if e.kind == "output"]
    for i, want in enumerate(expected):
        if i >= len(got):
            return f"{case.path}:{lines[i].line}: expected info {want!r}, but the script printed nothing more\n"
        if got[i] != want:
            return f"{case.path}:{lines[i].line}: expected info {want!r}\n  got: {got[i]!r}\n"
    extra = got[len(expected)]
    return f"{case.path}: unexpected extra info line {extra!r} (no '// expect:' for it)\n"


def _error_mismatch(case: Case, error: Expectation, exc: Any) -> str:
    if error.text.lower() not in exc.message.lower():
        return f"{case.path}:{error.line}: expected an error containing {error.text!r}\n  got: {_located(exc)}"
    span = getattr(exc, "span", None)
    if error.trailing and span is not None and span.line != error.line:
        return (f"{case.path}:{error.line}: expected the error on line {error.line}\n"
                f"  got it on line {span.line}: {exc.message}")
    return ""


def _located(exc: Any) -> str:
    span = getattr(exc, "span", None)
    where = f"{exc.source_name}:{span.line}:{span.column}: " if span is not None else ""
    return f"{where}{exc.message}"


def _transport(case: Case) -> Any:
    from cloudburst.tooling.replay import ReplayTransport

    try:
        return ReplayTransport(case.fixture.get("http") or [], str(case.path.with_suffix(".json")))
    except ValueError as exc:
        raise _FixtureProblem(str(exc)) from None


def _connections(case: Case, workdir: Path | None) -> tuple[str | None, list[str] | None]:
    """A throwaway store (URL and key) holding a stub connection for each name the fixture lists."""
    names = case.fixture.get("connections") or []
    if not names:
        return None, None
    import tempfile

    from cryptography.fernet import Fernet

    from cloudburst.connectors.service import ConnectorService

    folder = Path(tempfile.mkdtemp(prefix="cb-test-", dir=workdir))
    url = f"sqlite:///{folder / 'store.db'}"
    key = Fernet.generate_key().decode()
    service = ConnectorService(url, secret_keys=[key])
    try:
        for name in names:
            connector = f"{name}_stub"
            service.create_connector(f"Stub {name}", link_name=connector, auth_type="api_key")
            service.add_param(connector, "Stub key", "X-Stub-Key", "header")
            service.mark_ready(connector)
            service.create_connection(connector, f"Stub {name}", link_name=name)
            service.authorize_with_values(name, {"X-Stub-Key": "stub"})
    finally:
        service.close()
    return url, [key]
