"""Escape attempts: scripts that try to reach Python internals, the host, other runs or
other connections, or to exhaust memory and CPU. Each must end in a clean Cloudburst error
(or a harmless Deluge value) within its limits, and the runtime must stay usable."""

from __future__ import annotations

import resource
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

import cloudburst
from cloudburst import (
    CloudburstError,
    DelugeRuntimeError,
    DelugeSyntaxError,
    LimitError,
    Limits,
    RecursionLimitError,
    ResolveError,
    Runtime,
    StatementLimitError,
    TimeoutLimitError,
)

MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    #: The error class the run must end in, or None when it must succeed with ``info``.
    error: type[CloudburstError] | None
    #: Substring of the error message, or the expected info lines.
    expect: str | list[str]
    limits: Limits = field(default_factory=lambda: Limits(timeout=10))
    inputs: dict[str, Any] = field(default_factory=dict)


def _loop(n: int) -> str:
    """A Deluge expression for a list of ``n`` elements (Deluge has no `while`)."""
    return f'"x".repeat({n}).toList("")'


def _big_text(doublings: int) -> str:
    """Statements that leave ``100,000 * 2**doublings`` characters in ``s`` (``repeat``
    stops at Zoho's 100,000)."""
    return f's = "x".repeat(100000); for each d in {_loop(doublings)} {{ s = s + s; }}'


UNLIMITED = Limits(max_statements=None, timeout=1.0)

CASES = [
    # -- Python internals -----------------------------------------------------------------
    Case("dunder-field", 'x = "a"; info x.__class__;', DelugeRuntimeError, "no field '__class__'"),
    Case("dunder-method", 'info "a".__len__();', ResolveError, "unknown method '__len__'"),
    Case("dunder-method-on-map", 'm = map(); info m.__class__();', ResolveError, "unknown method"),
    Case("getattr", 'info getattr("a", "upper");', DelugeRuntimeError, "function 'getattr' is not defined"),
    Case("import", 'os = __import__("os"); info os;', DelugeRuntimeError, "function '__import__' is not defined"),
    Case("eval", 'info eval("1 + 1");', DelugeRuntimeError, "function 'eval' is not defined"),
    Case("exec", 'exec("x = 1");', DelugeRuntimeError, "function 'exec' is not defined"),
    Case("open-file", 'info open("/etc/passwd");', DelugeRuntimeError, "function 'open' is not defined"),
    Case("builtins-name", "info __builtins__;", DelugeRuntimeError, "'__builtins__' is used before it has a value"),
    Case("ctx-name-read", "info __ctx;", DelugeRuntimeError, "'__ctx' is used before it has a value"),
    Case("constants-name-read", "info __K;", DelugeRuntimeError, "'__K' is used before it has a value"),
    Case("map-dunder-key", 'm = {"__class__": 7}; info m.__class__; info m.__dict__;', None, ["7", "null"]),
    Case("input-dunder-field", "info input.__dict__; info input.__class__;", None, ["null", "null"],
         inputs={"input": {"Name": "x"}}),
    # Assigning the generated code's own names only makes ordinary Deluge variables:
    # counting, output and helpers keep working.
    Case("internal-names-assigned",
         "__ctx = 1; __c = -100000; __chk = 999999999; __d = 0; __maxd = 99999; __info = 0; __K = 0; __args = 0; "
         "__v = 0; __e = 0; __t0 = 0; _h_op_add = 0; v___ctx = 0; f_g = 0; __program = 0; __make = 0; __H = 0; "
         f"info 1 + 2; for each i in {_loop(10000)} {{ x = i; }}",
         StatementLimitError, "more than 5000 statements", Limits(max_statements=5000, timeout=10)),
    Case("internal-names-as-parameters",
         "int g(int __ctx, int __c, int _h_op_add) { return __ctx + __c + _h_op_add; } info g(1, 2, 3);",
         None, ["6"]),
    Case("internal-names-as-functions",
         "int __make() { return 1; } int __program() { return 2; } int f_x() { return 3; } int _h_op_add() { return 4; } "
         "info __make() + __program() + f_x() + _h_op_add();", None, ["10"]),
    Case("catch-variable-named-__e",
         'try { x = 1 / 0; } catch (__e) { info __e; } try { y = list().get(3); } catch (__ctx) { info __ctx.message; }',
         None, ["division by zero", "get: index 3 is out of range for a list of size 0"]),
    Case("dollar-names-distinct", "a$b = 1; a_S_b = 2; aǂb = 3;", DelugeSyntaxError, ""),
    Case("dollar-and-underscore", "a$b = 1; a_S_b = 2; info a$b; info a_S_b;", None, ["1", "2"]),
    Case("dotted-functions-distinct",
         'string a.b() { return "dot"; } string a_b() { return "under"; } string a$b() { return "dollar"; } '
         "info a.b(); info a_b(); info a$b();", None, ["dot", "under", "dollar"]),
    # An unknown Zoho service is only a check warning (it may be a Zoho app newer than the
    # list), and a run refuses it like any integration the host does not serve.
    Case("unknown-integration", 'info zoho.os.system("ls");', DelugeRuntimeError,
         "integration task 'zoho.os.system' is not configured"),
    Case("mistyped-integration", 'info zoho.crn.getRecords("Leads");', ResolveError,
         "unknown Zoho task 'zoho.crn.getRecords'; did you mean 'zoho.crm'?"),
    Case("unconfigured-integration", 'info zoho.crm.getRecordById("Leads", 1);', DelugeRuntimeError,
         "is not configured"),
    Case("unregistered-host-function", 'info lookupCustomer("1");', DelugeRuntimeError,
         "function 'lookupCustomer' is not defined"),
    # -- the host: files, environment, network, mail ----------------------------------------
    Case("file-url", 'info getUrl("file:///etc/passwd");', DelugeRuntimeError, "only http and https"),
    Case("file-url-invokeurl", 'r = invokeurl [ url: "file:///etc/passwd" type: GET ]; info r;',
         DelugeRuntimeError, "only http and https"),
    Case("other-host", 'info getUrl("http://10.255.255.1/");', DelugeRuntimeError, "not allowed in this runtime"),
    Case("other-connection",
         'r = invokeurl [ url: "http://127.0.0.1:9/" type: GET connection: "payroll" ]; info r;',
         DelugeRuntimeError, "connection 'payroll' is not available"),
    Case("sendmail-without-mailer", 'sendmail [ from: "a@b.c" to: "d@e.f" subject: "x" message: "y" ];',
         DelugeRuntimeError, "'sendmail' is disabled"),
    Case("file-value-is-memory-only", 'f = "secret".toFile("/tmp/cloudburst-escape-probe.txt"); info f.getFileName();',
         None, ["/tmp/cloudburst-escape-probe.txt"]),
    # -- exhausting memory ----------------------------------------------------------------
    Case("text-doubling", f's = "ab"; for each i in {_loop(40)} {{ s = s + s; }} info s.length();',
         LimitError, "text longer than"),
    Case("repeat-huge", 'info "a".repeat(1000000000);', DelugeRuntimeError, "text limit"),
    Case("leftpad-huge", 'info "a".leftPad(1000000000);', DelugeRuntimeError, "text limit"),
    Case("addall-loop", f"l = {_loop(25000)}; m = list(); for each i in {_loop(100)} {{ m.addAll(l); }}",
         DelugeRuntimeError, "at most 1000000 elements"),
    Case("list-of-references-displayed",
         f'{_big_text(6)} l = list(); l.add(s); for each i in {_loop(12)} {{ l.addAll(l); }} info l;',
         LimitError, "text longer than"),
    Case("map-of-references-as-json",
         f'{_big_text(6)} m = map(); for each i in {_loop(100)} {{ m.put(i + m.size(), s); }} info m;',
         LimitError, "text longer than"),
    Case("distinct-copies", f'{_big_text(6)} m = map(); for each i in {_loop(400)} {{ m.put(m.size(), s + i); }}',
         LimitError, "MB of memory", Limits(timeout=20, max_memory=256 * MB)),
    Case("list-copies", f"l = {_loop(25000)}; for each i in {_loop(39)} {{ l.addAll({_loop(25000)}); }} "
         f"m = map(); for each i in {_loop(2000)} {{ m.put(m.size(), List(l)); }}",
         LimitError, "MB of memory", Limits(timeout=30, max_memory=256 * MB)),
    Case("deep-nesting-displayed", f"m = map(); for each i in {_loop(100000)} {{ n = map(); n.put(\"a\", m); m = n; }} info m;",
         RecursionLimitError, "nested too deeply", Limits(max_statements=None, timeout=10)),
    Case("self-containing-list", "l = list(); l.add(l); info l;", RecursionLimitError, "nested too deeply"),
    Case("self-containing-map", 'm = map(); m.put("me", m); info m.toString();', RecursionLimitError, "nested too deeply"),
    Case("deep-json-text", 'info "' + "[" * 100000 + "]" * 100000 + '".toJSONList();', DelugeRuntimeError, "nested too deeply"),
    Case("deep-source-nesting", "info " + "[" * 3000 + "]" * 3000 + ";", CloudburstError, "nested too deeply"),
    Case("long-operator-chain", "info " + "+".join(["1"] * 20000) + ";", CloudburstError, "nested too deeply"),
    # -- exhausting CPU -------------------------------------------------------------------
    Case("deep-recursion", "int f(int n) { return f(n + 1); } info f(1);", RecursionLimitError, "nested function calls"),
    Case("mutual-recursion", "int f(int n) { return g(n); } int g(int n) { return f(n); } info f(1);",
         RecursionLimitError, "nested function calls"),
    Case("endless-loop-statement-limit",
         f"l = {_loop(1000)}; for each a in l {{ for each b in l {{ for each c in l {{ x = 1; }} }} }}",
         StatementLimitError, "more than 5000 statements", Limits(timeout=10)),
    Case("endless-loop-timeout",
         f"l = {_loop(1000)}; for each a in l {{ for each b in l {{ for each c in l {{ x = 1; }} }} }}",
         TimeoutLimitError, "1 s limit", UNLIMITED),
    Case("endless-recursion-loops",
         f"int f(int n) {{ for each i in {_loop(1000)} {{ x = i; }} if (n < 70) {{ f(n + 1); f(n + 1); }} return 0; }} info f(0);",
         TimeoutLimitError, "1 s limit", UNLIMITED),
    Case("limit-errors-are-not-catchable",
         f"try {{ for each a in {_loop(100000)} {{ x = 1; }} }} catch (e) {{ info \"caught\"; }}",
         StatementLimitError, "more than", Limits(max_statements=100, timeout=10)),
    Case("number-overflow", "x = 9223372036854775807; info x + 1;", DelugeRuntimeError, "overflow"),
    Case("decimal-growth", f"d = 10.5; for each i in {_loop(40)} {{ d = d * d; }} info d;", DelugeRuntimeError, "out of range"),
]


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / MB


@pytest.fixture(scope="module")
def runtime() -> Iterator[Runtime]:
    with Runtime(allowed_hosts=["127.0.0.1"], connections=["mine"]) as rt:
        yield rt


def test_there_are_at_least_thirty_escape_attempts() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_escape_attempt_ends_cleanly(runtime: Runtime, case: Case) -> None:
    started = time.monotonic()
    if case.error is None:
        result = runtime.run(case.source, case.inputs, limits=case.limits)
        assert result.info == case.expect
    else:
        with pytest.raises(case.error) as caught:
            runtime.run(case.source, case.inputs, limits=case.limits)
        assert isinstance(case.expect, str)
        assert case.expect.lower() in caught.value.message.lower()
        assert "Traceback" not in str(caught.value)
    elapsed = time.monotonic() - started
    budget = case.limits.timeout if case.limits.timeout is not None else 10
    assert elapsed < budget + 2.0, f"took {elapsed:.1f}s"
    # The host is unharmed: the runtime still works and memory came back.
    assert runtime.run('info "still here";').info == ["still here"]
    assert _rss_mb() < 1500


def test_memory_budget_counts_from_the_run_start() -> None:
    """The default budget (1 GiB of growth) stops a copy bomb that the per-value limits
    alone would let grow to tens of gigabytes."""
    bomb = f'{_big_text(6)} m = map(); for each i in {_loop(4000)} {{ m.put(m.size(), s + i); }}'
    before = _rss_mb()
    with pytest.raises(LimitError, match="MB of memory"):
        cloudburst.run(bomb)
    assert _rss_mb() < before + 200


def test_catching_is_not_an_escape_from_memory_limits(runtime: Runtime) -> None:
    src = f's = "ab"; try {{ for each i in {_loop(40)} {{ s = s + s; }} }} catch (e) {{ info "caught"; }} info "after";'
    with pytest.raises(LimitError):
        runtime.run(src)


def test_variables_of_other_runs_are_unreachable(runtime: Runtime) -> None:
    runtime.run('secret = "s3cret-A"; m = map(); m.put("k", secret); return m;')
    for probe in ("info secret;", "info m;"):
        with pytest.raises(DelugeRuntimeError, match="used before it has a value"):
            runtime.run(probe)
    # A map given to one run as input and changed there is not seen by the next run.
    script = runtime.compile('input.put("seen", true); return input.size();')
    shared = {"a": 1}
    assert script.run({"input": shared}).value == 2
    assert script.run({"input": shared}).value == 2
    assert shared == {"a": 1}


def test_concurrent_runs_do_not_see_each_others_variables(runtime: Runtime) -> None:
    script = runtime.compile("if (mine == null) { mine = tag; } x = mine; for each i in "
                             + _loop(200) + " { x = x + \"\"; } return x;")
    errors: list[str] = []

    def worker(tag: str) -> None:
        for _ in range(50):
            value = script.run({"tag": tag, "mine": None}).value
            if value != tag:
                errors.append(f"{tag} saw {value}")

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_environment_is_not_read(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> None:
    for var in ("USER", "LOGNAME", "USERNAME", "HOME", "TZ"):
        monkeypatch.setenv(var, "env-leak-probe")
    src = ("info zoho.loginuser; info zoho.loginuserid; info zoho.adminuser; info zoho.appname; "
           "info zoho.ipaddress; info zoho.currenttime;")
    assert not any("env-leak-probe" in line for line in runtime.run(src).info)


class _Refusing(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Refusing.hits.append(self.headers.get("Authorization", ""))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def test_disallowed_connection_never_reaches_the_server(runtime: Runtime) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        with pytest.raises(DelugeRuntimeError, match="connection 'payroll' is not available"):
            runtime.run(f'r = invokeurl [ url: "{url}" type: GET connection: "payroll" ]; info r;')
        assert _Refusing.hits == []
        assert runtime.run(f'info getUrl("{url}");').info == ["ok"]
        assert _Refusing.hits == [""]
    finally:
        server.shutdown()
        server.server_close()


def test_network_off_refuses_every_door() -> None:
    with Runtime(network=False) as rt:
        for src in ('info getUrl("http://127.0.0.1:9/");', 'r = invokeurl [ url: "http://127.0.0.1:9/" type: GET ];',
                    'info postUrl("http://127.0.0.1:9/", map());'):
            with pytest.raises(DelugeRuntimeError, match="disabled"):
                rt.run(src)


def test_catastrophic_regex_respects_the_timeout(runtime: Runtime) -> None:
    # `(a|aa)+$` backtracks exponentially even in the `regex` module; its timeout stops it.
    started = time.monotonic()
    with pytest.raises(TimeoutLimitError, match="regular expression took too long"):
        runtime.run('info ("a".repeat(40) + "!").matches("(a|aa)+$");', limits=Limits(timeout=0.3))
    assert time.monotonic() - started < 3.0
