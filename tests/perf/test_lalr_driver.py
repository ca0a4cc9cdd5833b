"""The LALR driver (cloudburst.lalr), run from the tables cloudburst.lalrtables reads out of
lark (through marshal, as they are kept), builds exactly what lark's own loop builds: every
script of the corpus and the spec, whole and cut off at many points (most cuts do not
parse), gives the same syntax tree both ways, or the driver steps aside (Mismatch) where
lark raises, and ``parse`` reports the same error either way. Both count the same syntax
nodes against the node cap."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pytest

from cloudburst import lexing
from cloudburst import parser as P
from cloudburst.errors import CloudburstError
from cloudburst.lalr import Driver, Mismatch
from cloudburst.lalrtables import extract
from cloudburst.larkimport import Lark

TESTS = Path(__file__).resolve().parents[1]
SCRIPTS = sorted([*(TESTS / "corpus").glob("*.dg"), *(TESTS / "spec").rglob("*.dg")])
BROKEN = ['x = "a" + ;', 'if (x > 1 { info 1; }', "info 1 $ 2;", 'm = {"a": 1', "for each in x { }", 'x = "open',
          "info 1;\n}", "x = 08.5.;", "x = 1 = 2;", "", "   // only a comment", "info 9223372036854775808;"]


def _with_lark(text: str) -> Any:
    P._PENDING.equals = {}
    P._BUDGET.start(None, None)
    try:
        tree = repr(P._parser().parse(text))
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    nodes = (1 << 62) - P._BUDGET.left  # the syntax nodes lark's loop built
    return tree, sorted(P._PENDING.equals.values(), key=repr), nodes


class _Counting:
    """A budget that is spent on every node: ``spend`` counts them."""

    left = 0
    spent = 0

    def spend(self) -> None:
        self.spent += 1


def _with_driver(driver: Driver, text: str) -> Any:
    P._PENDING.equals = {}
    try:
        budget = _Counting()
        tree = repr(driver.parse(text, budget))
        return tree, sorted(P._PENDING.equals.values(), key=repr), budget.spent
    except Mismatch:
        return "mismatch"
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SCRIPTS] + BROKEN
    cuts = []
    for text in texts[::3]:  # prefixes: mostly broken input, ending anywhere in a construct
        step = max(len(text) // 9, 1)
        cuts += [text[:i] for i in range(step, len(text), step)]
    return texts + cuts


@pytest.mark.parametrize("union_after", [0, 10**9])
def test_driver_builds_what_lark_builds(union_after: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexing, "UNION_AFTER", union_after)
    monkeypatch.setattr(P, "_parser", P._parser.__wrapped__)  # fresh scanners for this setting
    lark = P._parser()
    monkeypatch.setattr(P, "_parser", lambda: lark)
    tables = marshal.loads(marshal.dumps(extract(lark, P._transformer())))
    driver = Driver(tables, P._Callbacks(P._callback))
    texts = _texts()
    assert len(texts) > 400
    mismatches = 0
    for text in texts:
        expected, got = _with_lark(text), _with_driver(driver, text)
        if got == "mismatch":
            mismatches += 1
            assert expected[0] == "error" and expected[1].startswith("Unexpected"), (text[:200], expected)
        else:
            assert got == expected, text[:200]
    assert mismatches > 20  # the cuts did exercise the error path


def test_parse_reports_lark_errors_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A syntax error found by the driver is explained from lark's own exception: the same
    message and position as when lark's loop parses alone."""
    texts = [t for t in _texts()[:400] if _with_lark(t)[0] == "error"]
    assert len(texts) > 10

    def report(text: str) -> Any:
        try:
            P.parse(text, "t.dg", max_nodes=50_000)
        except CloudburstError as exc:
            return str(exc), exc.span
        return None

    with_driver = [report(t) for t in texts]
    monkeypatch.setattr(P, "_driver", lambda: _AlwaysMismatch())
    assert [report(t) for t in texts] == with_driver


class _AlwaysMismatch:
    def parse(self, text: str, budget: Any) -> Any:
        raise Mismatch


KEYWORDS = r"""
start: stmt+
stmt: "if"i NAME ";" -> cond
    | NAME "=" NAME ";" -> assign
    | "print" NAME ";" -> show
NAME: /[^\W\d]\w*/
%ignore /\s+/
"""


def test_keywords_a_name_expression_also_spells() -> None:
    """Lark turns a string terminal that the NAME expression also matches into a check after
    NAME (its ``unless`` callback). Our grammar has none today (its keywords are expressions
    of their own), so a small grammar checks the driver's copy: exact and case-insensitive
    spellings, and non-ASCII text that ``re``'s case folding matches to a keyword (``ıf``)."""
    lark = Lark(KEYWORDS, parser="lalr", lexer="contextual", maybe_placeholders=True)
    tables = marshal.loads(marshal.dumps(extract(lark, None)))
    assert any(lexer[1] for lexer in tables["lexers"])  # the grammar does make keyword checks
    driver = Driver(tables, None)
    texts = ["if x; y = z;", "IF x;", "iF x;", "ıf x;", "İf x;", "print x;", "PRINT x;", "printer = x;", "iffy = x;",
             "x = if;", "if = x;", "print print;", "ıffy = x;", "y = ü;"]
    parsed = 0
    for text in texts:
        try:
            expected = _shape(lark.parse(text))
        except Exception:
            expected = "error"
        try:
            got = _shape(driver.parse(text, _Counting()))
        except Mismatch:
            got = "error"
        assert got == expected, text
        parsed += expected != "error"
    assert parsed >= 8


def _shape(value: Any) -> Any:
    """A tree as plain data: rule names, and each token's type, text and every position
    (lark names a freshly built grammar's rules by its own ``Token``)."""
    if hasattr(value, "children"):
        return str(value.data), [_shape(child) for child in value.children]
    return (value.type, str(value), value.start_pos, value.line, value.column, value.end_line, value.end_column,
            value.end_pos)


def test_tables_of_a_freshly_analysed_grammar() -> None:
    """Tables read from lark's analysis of the grammar text (what a machine without lark's
    cache meets first; its states may be numbered otherwise) marshal and parse the same."""
    from cloudburst.lexing import PLUGINS

    grammar, _ = P._grammar()
    fresh = Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True, transformer=P._transformer(),
                 _plugins=PLUGINS)
    tables = marshal.loads(marshal.dumps(extract(fresh, P._transformer())))
    driver, kept = Driver(tables, P._Callbacks(P._callback)), P._driver()
    texts = _texts()[:300]
    assert [_with_driver(driver, t) for t in texts] == [_with_driver(kept, t) for t in texts]
