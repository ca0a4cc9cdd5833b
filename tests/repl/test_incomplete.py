"""The parser decides whether Enter runs the input or asks for more."""

from __future__ import annotations

import pytest

from cloudburst.cli.repl.incomplete import is_complete


@pytest.mark.parametrize("text", [
    "x = 5",                              # statement without its ';'
    "x = 1;\ny = 2",                      # ... on the last line
    "x = 5 // a comment",
    "x = 5\n// a comment after it",
    "info 1 +",                           # expression cut short
    "if (x > 1) {",                       # open block
    "if (x > 1) {\n  info x;",
    "int double(int a) {\n  return a * 2;",
    "l = {1, 2,",                         # open list
    "info max(1,",                        # open call
    'invokeurl [\n  url: "https://example.com"',
    's = "abc',                           # open text
    "/* a comment that goes on",
    "try { x = 1; } catch",
    "int f(int a)",                       # function header, body next
    "if (x > 3)",                         # block header, '{' on the next line
    "for each item in items",
    "try",
    "catch (e)",
    "x = 5\n",                            # one empty line keeps waiting
])
def test_incomplete(text: str) -> None:
    assert not is_complete(text)


@pytest.mark.parametrize("text", [
    "x = 5;",
    "1 + 2",
    'm.get("a")',
    "if (x > 1) {\n  info x;\n}",
    "if(x > 3, 1, 2)",                    # the if() function, not a block
    "int f(int a) { return a; }",
    "/* closed */ x = 1;",
    "",
    "   ",
    ":vars",
    ":load some file.dg",
    "f(1 2",                              # a real error in the middle: run and show it
    "}",
    "info x y;",
    "d = '01-Jan-2024",                   # date literals end on their line: an error
    "x = 5\n\n",                          # Enter on a second empty line runs it anyway
])
def test_complete(text: str) -> None:
    assert is_complete(text)
