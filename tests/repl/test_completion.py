"""Completion candidates by context, and the prompt_toolkit completer around them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from cloudburst.cli.repl.completion import DelugeCompleter, candidates
from cloudburst.stdlib import REGISTRY


def links() -> list[str]:
    return ["crm_prod", "crm_test", "books"]


def texts(before: str, repl: Any, requested: bool = False) -> list[str]:
    return [c.text for c in candidates(before, repl.session, links, requested)]


@pytest.fixture
def filled(repl: Any) -> Any:
    repl.run('name = "Ann"; nums = {1, 2}; m = {"a": 1}; total = 1.5; flag = true;')
    repl.run("int double(int a) { return a * 2; }")
    return repl


def test_variables_functions_builtins_and_keywords(filled: Any) -> None:
    assert texts("na", filled) == ["name"]
    assert texts("dou", filled) == ["double"]
    assert "info" in texts("inf", filled)
    assert "invokeurl" in texts("invo", filled)
    assert "ifnull" in texts("if", filled)            # a built-in function
    assert "if" not in texts("if", filled)            # the word is already complete
    assert texts("INF", filled) == ["info"]           # keywords are case-insensitive
    assert texts("zzz", filled) == []


def test_candidate_replaces_the_word_and_says_what_it_is(filled: Any) -> None:
    (name,) = candidates("x = na", filled.session, links)
    assert (name.text, name.replace, name.meta) == ("name", 2, "TEXT")


def test_nothing_offered_before_a_word_unless_asked(filled: Any) -> None:
    assert texts("x = ", filled) == []
    everything = texts("x = ", filled, requested=True)
    assert {"name", "double", "info", "zoho"} <= set(everything)


def test_methods_by_the_receivers_type(filled: Any) -> None:
    text_methods = texts("name.", filled)
    assert "toUpperCase" in text_methods and "length" in text_methods
    assert "put" not in text_methods
    map_methods = texts("m.", filled)
    assert "put" in map_methods and "toUpperCase" not in map_methods
    assert texts("nums.ad", filled) == ["add", "addAll"]
    assert texts('"abc".toUpper', filled) == ["toUpperCase"]


def test_methods_of_unknown_receivers_are_all_methods(filled: Any) -> None:
    every = {name for b in REGISTRY.builtins if b.receiver for name in b.names}
    assert set(texts("foo().", filled)) == every
    assert set(texts("unknown.", filled)) == every


def test_method_candidates_carry_signatures(filled: Any) -> None:
    (get,) = [c for c in candidates("m.get", filled.session, links) if c.text == "get"]
    assert get.replace == 3
    assert "get(" in get.meta


def test_system_variables_after_zoho(filled: Any) -> None:
    found = texts("d = zoho.current", filled)
    assert found == sorted(found) and {"currentdate", "currenttime"} <= set(found)
    assert all(not t.startswith("zoho.") for t in found)


def test_connection_names_inside_connection_text(filled: Any) -> None:
    before = 'r = invokeurl [\n  url: "https://x.test"\n  connection: "crm'
    assert texts(before, filled) == ["crm_prod", "crm_test"]
    assert texts('connection:"', filled) == ["crm_prod", "crm_test", "books"]


def test_nothing_inside_text_or_comments(filled: Any) -> None:
    assert texts('info "na', filled) == []
    assert texts("// na", filled) == []
    assert texts("/* na", filled) == []
    assert texts("/* x */ na", filled) == ["name"]
    assert texts("d = '01-Jan-2024'; na", filled) == ["name"]
    assert texts('s = "a\\"b"; na', filled) == ["name"]


def test_meta_commands(filled: Any) -> None:
    assert texts(":", filled) == ["help", "vars", "reset", "load", "time", "quit", "connector", "connection", "forms"]
    assert texts(":con", filled) == ["connector", "connection"]
    assert texts(":vars x", filled) == []


def test_completer_yields_prompt_toolkit_completions(filled: Any, tmp_path: Path) -> None:
    completer = DelugeCompleter(filled.session, links)
    found = list(completer.get_completions(Document("x = na"), CompleteEvent()))
    assert [(c.text, c.start_position) for c in found] == [("name", -2)]
    (tmp_path / "script.dg").write_text("x = 1;", encoding="utf-8")
    paths = list(completer.get_completions(Document(f":load {tmp_path}/scr"), CompleteEvent()))
    assert [c.text for c in paths] == ["ipt.dg"]
