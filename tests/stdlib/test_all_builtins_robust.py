"""Every registered built-in, fed wrong-typed and null arguments through real compiled
scripts, at every arity it accepts: only a Deluge value or a
:class:`~cloudburst.errors.DelugeRuntimeError` with a span may come out.

Scripts are compiled by ``Runtime(network=False)`` (``return recv.name(a1, a2);`` and
``return name(a1, a2);``) and run with the values as inputs, so the resolver's arity checks,
the method dispatch and the span attachment are all exercised. The runtime turns a stray
Python exception into ``internal error (...)``; such an error counts as a leak here.
"""

from __future__ import annotations

import random
import datetime as _dt
from decimal import Decimal
from typing import Any, Iterator

import pytest

from cloudburst.engine import Runtime, Script
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Limits
from cloudburst.stdlib import REGISTRY
from cloudburst.stdlib.registry import TYPES, Builtin
from cloudburst.values import INT_MAX, INT_MIN, CaughtError, DelugeFile, DelugeList, OpenCollection, TypedList, DelugeMap
from cloudburst.forms.values import RecordList

def _nested(depth: int) -> DelugeList:
    """A list nested ``depth`` levels deep (JSON from an API can be)."""
    value = DelugeList([1])
    for _ in range(depth):
        value = DelugeList([value])
    return value


#: Values of every type, including the awkward ones (bad patterns, bad JSON, extremes).
POOL: list[Any] = [
    None,
    "", "abc", "  Hello World  ", "-42", "12.5", "1e400", "123456789012345678901234567890",
    "2024-01-05", "05-Jan-2024 10:20:30", '{"a":1,"b":[1,2]}', '[1,{"x":2}]', "{bad json", "(", "[a-", "\\",
    "$1", "%zz", "é✓\u0000", "yyyy-MM-dd'T'HH:mm:ssXXX", "<a><b>1</b></a>", "/a/b", "Asia/Kolkata", "bogus/zone",
    "9223372036854775808", "NaN", "-Infinity", "\u0661\u0662", "a|b*", "'", "31-Dec-9999 23:59:59", "+05:30",
    "a\ud800b",  # an unpaired surrogate, which JSON text can produce
    CaughtError("05-Jan-2024", 3),  # a catch variable: TEXT that remembers its line
    0, 1, -1, 5, 1000, INT_MAX, INT_MIN,
    Decimal("1.5"), Decimal("-0.5"), Decimal("0.0"), Decimal("1E+30"), Decimal("-1E-30"), Decimal("123456789.123456789"),
    True, False,
    DelugeList(), DelugeList([3, 1, 2]), DelugeList([1, "a", None, Decimal("2.5")]), DelugeList(["b", "a"]),
    DelugeList([DelugeMap({"a": 1}), DelugeList([1])]), TypedList([2, 1], "NUMBER"), TypedList(["b"], "TEXT"), RecordList("Orders", []),
    DelugeMap(), DelugeMap({"a": 1, "b": None}), DelugeMap({"x": DelugeMap({"y": DelugeList([1, 2])})}),
    DelugeMap({1: "x", "k": DelugeList()}),
    _nested(150),
    _dt.date(2024, 1, 5), _dt.date(1, 1, 1), _dt.date(9999, 12, 31), _dt.datetime(2024, 2, 29, 23, 59, 59),
    _dt.datetime(9999, 12, 31, 23, 59, 59), _dt.datetime(1, 1, 1), _dt.time(10, 20, 30), _dt.time(0, 0),
    DelugeFile("a.txt", b"hello", "text/plain"), DelugeFile("b.bin", b"\xff\xfe\x00", "application/octet-stream"),
]
BASELINES: tuple[Any, ...] = ("abc", 1)
MAX_EXTRA = 3  # arguments tried beyond the minimum of a variadic built-in
RANDOM_MIXES = 100  # random argument tuples per arity of two or more

RUNTIME = Runtime(network=False, timezone="UTC",
                  limits=Limits(max_statements=10_000, timeout=10, max_text_length=1_000_000))
_SCRIPTS: dict[str, Script] = {}


def _type_of(value: Any) -> type:
    return type(value)


def receivers(b: Builtin) -> list[Any]:
    """Every pool value the overload accepts as its receiver."""
    accepted = {t for name in b.receiver for t in TYPES[name]}
    return [v for v in POOL if _type_of(v) in accepted]


def main_receivers(b: Builtin) -> list[Any]:
    """The receivers that get the full argument sweep: every one but text, where only empty,
    date and plain text do (text methods of the date module parse their receiver first)."""
    found = [v for v in receivers(b) if type(v) is not str]
    return found + ([v for v in ("", "2024-01-05", "abc")] if "TEXT" in b.receiver or "ANY" in b.receiver else [])


def arities(b: Builtin) -> range:
    hi = b.max_args if b.max_args is not None else b.min_args + MAX_EXTRA
    return range(b.min_args, hi + 1)


def argument_sets(k: int) -> Iterator[tuple[Any, ...]]:
    """All null; each pool value in every position; each pool value in one position with a
    plausible value elsewhere (random mixes are added by :func:`check`)."""
    if k == 0:
        yield ()
        return
    yield (None,) * k
    for v in POOL:
        yield (v,) * k
    if k > 1:
        for base in BASELINES:
            for i in range(k):
                for v in POOL:
                    yield tuple(v if j == i else base for j in range(k))


def script(source: str) -> Script:
    found = _SCRIPTS.get(source)
    if found is None:
        found = _SCRIPTS[source] = RUNTIME.compile(source, "robust.dg")
    return found


def is_deluge(value: Any, depth: int = 0) -> bool:
    t = type(value)
    if value is None or t in (str, CaughtError, bool, Decimal, _dt.date, _dt.datetime, _dt.time, DelugeFile):
        return True
    if t is int:
        return INT_MIN <= value <= INT_MAX
    if depth > 50:
        return True
    if t is DelugeList or t is OpenCollection:  # an empty Collection() is a list until a pair arrives
        return all(is_deluge(v, depth + 1) for v in value)
    if t is DelugeMap:
        return all(is_deluge(k, depth + 1) and is_deluge(v, depth + 1) for k, v in value.items())
    return False


def fresh(value: Any) -> Any:
    """A copy of a pool value, so methods that mutate their receiver cannot change the pool."""
    if isinstance(value, DelugeList):
        return DelugeList(fresh(v) for v in value)
    if isinstance(value, DelugeMap):
        return DelugeMap((k, fresh(v)) for k, v in value.items())
    if isinstance(value, DelugeFile):
        return DelugeFile(value.name, value.content, value.content_type)
    return value


def problem(s: Script, inputs: dict[str, Any]) -> str | None:
    """None when the run gave a Deluge value or a clean Deluge error, else what went wrong."""
    try:
        result = s.run({k: fresh(v) for k, v in inputs.items()})
    except DelugeRuntimeError as exc:
        if exc.span is None:
            return f"error without a span: {exc.message}"
        if exc.message.startswith("internal error") or isinstance(exc.__cause__, (NameError, RecursionError,
                                                                                   MemoryError)):
            return f"leaked {type(exc.__cause__).__name__}: {exc.message}"
        return None
    except Exception as exc:  # anything else escaping the runtime is the bug this test hunts
        return f"raised {type(exc).__name__}: {exc}"
    if not is_deluge(result.value):
        return f"returned a non-Deluge value {type(result.value).__name__}: {result.value!r}"
    return None


def check(b: Builtin) -> list[str]:
    failures: list[str] = []

    def note(source: str, inputs: dict[str, Any]) -> None:
        found = problem(script(source), inputs)
        if found is not None and len(failures) < 20:
            failures.append(f"{source}  with {inputs!r}: {found}")

    for k in arities(b):
        names = ", ".join(f"a{i}" for i in range(1, k + 1))
        if b.receiver:
            method_src = f"return recv.{b.name}({names});"
            function_src = f"return {b.name}(recv{', ' if k else ''}{names});"
            main = main_receivers(b)
            for recv in receivers(b):
                sets = argument_sets(k) if recv in main else iter({(None,) * k, *((base,) * k for base in BASELINES)})
                for args in sets:
                    inputs = {"recv": recv, **{f"a{i}": v for i, v in enumerate(args, 1)}}
                    note(method_src, inputs)
                    if "function" in b.forms:
                        note(function_src, inputs)
        else:
            for args in argument_sets(k):
                note(f"return {b.name}({names});", {f"a{i}": v for i, v in enumerate(args, 1)})
        rng = random.Random(f"{b.signature}/{k}")  # mixed arguments, reproducible per built-in
        for _ in range(RANDOM_MIXES if k > 1 else 0):
            args = tuple(rng.choice(POOL) for _ in range(k))
            if b.receiver:
                note(method_src, {"recv": rng.choice(receivers(b)), **{f"a{i}": v for i, v in enumerate(args, 1)}})
            else:
                note(f"return {b.name}({names});", {f"a{i}": v for i, v in enumerate(args, 1)})
        for alias in b.aliases:  # the other names resolve to the same implementation
            recv_part = "recv." if b.receiver else ""
            null_args = {f"a{i}": None for i in range(1, k + 1)}
            for recv in receivers(b)[:1] if b.receiver else [None]:
                note(f"return {recv_part}{alias}({names});", {"recv": recv, **null_args} if b.receiver else null_args)
    return failures


@pytest.mark.parametrize("b", REGISTRY.builtins, ids=[b.signature for b in REGISTRY.builtins])
def test_builtin_never_leaks_a_python_exception(b: Builtin) -> None:
    failures = check(b)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(REGISTRY.system))
def test_system_variable_gives_a_deluge_value(name: str) -> None:
    for system in ({}, {"loginuser": DelugeList([1]), "adminuserid": None, "appname": 5}):
        runtime = Runtime(network=False, system=system)
        value = runtime.run(f"return {name};").value
        assert is_deluge(value) and value is not None, (name, value)


def test_pool_covers_every_type() -> None:
    covered = {_type_of(v) for v in POOL}
    assert all(covered & set(types) for types in TYPES.values()), "a Deluge type has no sample value"
    assert len(REGISTRY.builtins) > 200 and all(receivers(b) for b in REGISTRY.builtins if b.receiver)
