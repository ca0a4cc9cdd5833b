"""The Deluge Pygments lexer: token classes, keywords from the grammar, the plugin entry
point, and no error tokens on real scripts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pygments import lex
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, Operator, String, _TokenType

from cloudburst.highlight import DelugeLexer, grammar_keywords

CORPUS = Path(__file__).parent.parent / "corpus"


def tokens(source: str) -> list[tuple[_TokenType, str]]:
    return [(t, v) for t, v in lex(source, DelugeLexer()) if v.strip()]


def test_token_classes() -> None:
    found = tokens(
        "// note\n"
        "resp = invokeurl [\n"
        '  url: "https://x.test/a\\n"\n'
        "  type: GET\n"
        '  connection: "crm"\n'
        "];\n"
        "If (n >= 1.5 && x in l) { info zoho.currentdate; d = '01-Jan-2024'; l.add(null); } /* end */\n"
        "string f(int a) { return Map(); }\n"
    )
    assert (Comment.Single, "// note") in found
    assert (Keyword.Reserved, "invokeurl") in found
    assert (Name.Label, "url") in found and (Name.Label, "connection") in found
    assert (String.Escape, "\\n") in found
    assert (Keyword, "If") in found                   # case-insensitive, as Zoho's editor
    assert (Operator, ">=") in found and (Operator, "&&") in found
    assert (Operator.Word, "in") in found
    assert (Number.Float, "1.5") in found
    assert (Name.Builtin.Pseudo, "currentdate") in found
    assert (Literal.Date, "'01-Jan-2024'") in found
    assert (Name.Function, "add") in found
    assert (Keyword.Constant, "null") in found
    assert (Comment.Multiline, "/*") in found
    assert (Keyword.Type, "string") in found and (Keyword.Type, "int") in found
    assert (Name.Function, "f") in found
    assert (Keyword.Type, "Map") in found


def test_keywords_come_from_the_grammar() -> None:
    kw = grammar_keywords()
    assert {"info", "if", "else", "for", "each", "return", "try", "catch"} <= set(kw.statements)
    assert {"true", "false", "null"} == set(kw.constants)
    assert {"and", "or", "not", "in"} == set(kw.operators)
    assert {"string", "int", "decimal", "map", "list"} <= set(kw.types)


def test_words_that_are_not_keywords_stay_names() -> None:
    found = tokens("information = 1; iffy = 2;")
    assert (Name, "information") in found and (Name, "iffy") in found


@pytest.mark.parametrize("script", sorted(CORPUS.glob("*.dg")), ids=lambda p: p.name)
def test_no_error_tokens_on_real_scripts(script: Path) -> None:
    source = script.read_text(encoding="utf-8")
    found = list(lex(source, DelugeLexer()))
    assert [v for t, v in found if t is Error] == []
    assert "".join(v for _, v in found).rstrip("\n") == source.rstrip("\n")


def test_registered_as_a_pygments_plugin() -> None:
    assert get_lexer_by_name("deluge").name == "Deluge"
    assert get_lexer_for_filename("x.deluge").name == "Deluge"
    assert get_lexer_for_filename("x.dg", "info 1;\n").name == "Deluge"
    assert get_lexer_for_filename("x.ds").name == "Deluge"


def test_pygmentize_uses_the_lexer(tmp_path: Path) -> None:
    pygmentize = shutil.which("pygmentize", path=str(Path(sys.executable).parent))
    assert pygmentize is not None
    script = tmp_path / "a.dg"
    script.write_text('info "hi";\n', encoding="utf-8")
    html = subprocess.run([pygmentize, "-l", "deluge", "-f", "html", str(script)], capture_output=True, text=True,
                          check=True).stdout
    assert '<span class="k">info</span>' in html
    assert '<span class="s2">"hi"</span>' in html
