"""The registry makes a registration into a ``Builtin`` record only when its name is looked
up or a table is read (a cached run imports whole built-in modules and calls a few of
their built-ins), and the records look as if they had been made at registration."""

from __future__ import annotations

from typing import Any

import pytest

from cloudburst.stdlib.registry import Registry, _Entry
from cloudburst.values import DelugeList


def _entry(name: str, receiver: str = "", aliases: tuple[str, ...] = (), forms: tuple[str, ...] = ("method",)) -> _Entry:
    def impl(ctx: Any, recv: Any, extra: Any = None) -> str:
        return f"{name}({recv})"

    return _Entry(impl, name, (receiver,) if receiver else (), forms if receiver else ("function",), aliases,
                  "TEXT", 1, f"{name} doc")


def _built(registry: Registry) -> list[str]:
    return [e.name for e in registry._entries if e.built is not None]


def test_a_lookup_builds_only_the_name_it_asks_for() -> None:
    registry = Registry()
    for entry in (_entry("first", "TEXT"), _entry("second", "TEXT"), _entry("third", "LIST")):
        registry.register(entry)
    assert _built(registry) == []
    assert registry.method_dispatcher("SECOND")(None, "x") == "second(x)"
    assert _built(registry) == ["second"]
    assert [b.signature for b in registry.builtins] == ["TEXT.first([extra])", "TEXT.second([extra])",
                                                        "LIST.third([extra])"]


def test_overloads_reached_through_an_alias_keep_registration_order() -> None:
    registry = Registry()
    registry.register(_entry("values", "MAP"))
    registry.register(_entry("items", "LIST", aliases=("values",)))
    assert registry.method_dispatcher("items")(None, DelugeList()) == "items([])"  # builds "values" as well
    assert [b.signature for b in registry.methods["values"]] == ["MAP.values([extra])", "LIST.items([extra])"]
    assert registry.methods["items"][0].names == ("items", "values")


def test_a_name_both_plain_function_and_method_function_is_refused_when_built() -> None:
    registry = Registry()
    registry.register(_entry("size"))
    registry.register(_entry("size", "TEXT", forms=("method", "function")))
    with pytest.raises(ValueError, match="both a plain function and a method function"):
        registry.function("size")
