"""The lazy contextual lexer (cloudburst.lexing) gives exactly lark's tokens: every script of
the corpus and the spec, lexed one terminal at a time, through lark's joined expressions,
and by lark's own lexer, yields the same token types, texts and positions, and the same
syntax errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from lark import Lark, Token
from lark.exceptions import UnexpectedInput

from cloudburst import lexing
from cloudburst.parser import _grammar

TESTS = Path(__file__).resolve().parents[1]
SCRIPTS = sorted([*(TESTS / "corpus").glob("*.dg"), *(TESTS / "spec").rglob("*.dg")])
BROKEN = ['x = "a" + ;', 'if (x > 1 { info 1; }', "info 1 $ 2;", 'm = {"a": 1', "for each in x { }", 'x = "open'
          , "info 1;\n}", "x = 08.5.;"]


def _parser(plugins: bool) -> Lark:
    return Lark(_grammar()[0], parser="lalr", lexer="contextual", maybe_placeholders=True,
                **({"_plugins": lexing.PLUGINS} if plugins else {}))


@pytest.fixture(scope="module")
def parsers() -> tuple[Lark, Lark]:
    return _parser(False), _parser(True)


def _tokens(parser: Lark, text: str) -> Any:
    try:
        tree = parser.parse(text)
    except UnexpectedInput as exc:
        return ("error", type(exc).__name__, exc.line, exc.column, sorted(getattr(exc, "expected", None) or ()))
    return [(t.type, str(t), t.line, t.column, t.end_line, t.end_column)
            for t in tree.scan_values(lambda v: isinstance(v, Token))]


@pytest.mark.parametrize("union_after", [0, 3, 10**9])
def test_lazy_scanners_lex_like_lark(parsers: tuple[Lark, Lark], union_after: int,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexing, "UNION_AFTER", union_after)
    plain, lazy = parsers
    texts = [p.read_text(encoding="utf-8") for p in SCRIPTS] + BROKEN
    assert len(texts) > 100
    lazy = _parser(True)  # fresh scanners for this setting
    for text in texts:
        assert _tokens(lazy, text) == _tokens(plain, text), text[:200]


def test_state_lexers_built_on_first_use_lex_like_lark(parsers: tuple[Lark, Lark], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser loaded from its cached tables (every run's) builds a state's lexer when the
    state first lexes, and lexes exactly as lark's lexers built up front."""
    from cloudburst.larkimport import load

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    plain, _ = parsers
    options = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True}
    load(_grammar()[0], tmp_path, options, _plugins=lexing.PLUGINS)  # built from the grammar, tables written
    loaded = load(_grammar()[0], tmp_path, options, _plugins=lexing.PLUGINS)
    lexers = loaded.parser.lexer.lexers
    assert isinstance(lexers, lexing._StateLexers) and len(lexers) == 0
    for text in [p.read_text(encoding="utf-8") for p in SCRIPTS] + BROKEN:
        assert _tokens(loaded, text) == _tokens(plain, text), text[:200]
    assert 0 < len(lexers) < len(plain.parser.lexer.lexers)


def test_the_cached_parse_table_reads_as_lark_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cloudburst.larkimport reads a cached table's reduce actions straight from the memo of
    rules; the table must be the one lark's own deserializer builds."""
    import marshal

    from lark.grammar import Rule
    from lark.lexer import TerminalDef
    from lark.parsers.lalr_analysis import IntParseTable
    from lark.utils import SerializeMemoizer

    from cloudburst.larkimport import _LALRParser, load

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    options = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True}
    load(_grammar()[0], tmp_path, options)
    [tables] = tmp_path.glob("lark-*.bin")
    cached = marshal.loads(tables.read_bytes())
    memo = SerializeMemoizer.deserialize(cached["memo"], {"Rule": Rule, "TerminalDef": TerminalDef}, {})
    ours = _LALRParser.deserialize(cached["data"]["parser"]["parser"], memo, {})._parse_table
    lark = IntParseTable.deserialize(cached["data"]["parser"]["parser"], memo)
    assert len(ours.states) > 100
    assert ours.states == lark.states
    assert (ours.start_states, ours.end_states) == (lark.start_states, lark.end_states)
