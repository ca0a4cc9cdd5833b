"""Code versus text, date literals and comments."""

from __future__ import annotations

import pytest

from cloudburst.cli.repl.scan import BLOCK_COMMENT, CODE, DATE, LINE_COMMENT, TEXT, scan


@pytest.mark.parametrize(("source", "ends_in"), [
    ("x = 1;", CODE),
    ('s = "ab', TEXT),
    ('s = "a\\"b', TEXT),
    ('s = "a\\"b";', CODE),
    ("d = '01-Jan", DATE),
    ("d = '01-Jan\nx = 1;", CODE),        # an unclosed date literal ends with its line
    ("x = 1; // note", LINE_COMMENT),
    ("x = 1; // note\n", CODE),
    ("/* a", BLOCK_COMMENT),
    ("/* a */ b", CODE),
])
def test_ends_in(source: str, ends_in: str) -> None:
    assert scan(source).ends_in == ends_in


def test_code_positions_skip_text_and_comments() -> None:
    source = 'a{"}"/*}*/b// }\n}'
    assert "".join(source[i] for i in scan(source).code) == "a{b\n}"
