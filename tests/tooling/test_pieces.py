"""The language server's incremental parse gives exactly the tree (and the error) a whole
parse gives, for every script in the repository and for edits that move or break pieces."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudburst.errors import CloudburstError, Span
from cloudburst.parser import parse
from cloudburst.tooling import pieces
from cloudburst.tooling.pieces import parse_incrementally

ROOT = Path(__file__).resolve().parents[2]

FUNCTIONS = """// helpers for the lead sync
void sync(int leadId)
{
\tlead = zoho.crm.getRecordById("Leads", leadId);
\tinfo lead.get("Last_Name");
}
string label(string name)
{
\treturn "Lead: " + name;
}
map totals(list rows)
{
\tm = Map();
\tfor each r in rows
\t{
\t\tm.put(r.get("id"), r.get("amount"));
\t}
\treturn m;
}
info label("Acme");
"""


def _shape(value):  # type: ignore[no-untyped-def]
    """A node as plain data (nodes compare by identity)."""
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    fields = getattr(value, "__match_args__", None)
    if fields is None or isinstance(value, Span):
        return value
    return (type(value).__name__, *(_shape(getattr(value, f)) for f in fields))


def _outcome(fn, source: str):  # type: ignore[no-untyped-def]
    try:
        return _shape(fn(source, "doc.dg"))
    except CloudburstError as exc:
        return (type(exc).__name__, exc.message, exc.span)


def _scripts() -> list[Path]:
    return sorted(p for p in [*ROOT.glob("tests/**/*.dg"), *ROOT.glob("examples/**/*.dg")] if "<%" not in p.read_text())


def test_every_repository_script_parses_to_the_same_tree() -> None:
    scripts = _scripts()
    assert len(scripts) > 100
    split = 0
    for path in scripts:
        source = path.read_text(encoding="utf-8")
        split += len(pieces._HEADER.findall(source)) >= 2
        assert _outcome(parse_incrementally, source) == _outcome(parse, source), path
    assert split >= 5  # scripts that are really cut into pieces
    many = "".join(FUNCTIONS.replace("sync", f"sync{i}").replace("label", f"label{i}") for i in range(40))
    assert _outcome(parse_incrementally, many) == _outcome(parse, many)


@pytest.mark.parametrize("edit", [
    lambda s: s.replace('"Lead: "', '"Lead - "'),                       # inside one piece
    lambda s: s.replace("void sync", "// moved down\nvoid sync"),         # every later piece moves
    lambda s: s.replace("return m;", "return m"),                        # a syntax error in a piece
    lambda s: s.replace("info lead", 'x = "unclosed\n\tinfo lead'),      # a text runs over the next cut
    lambda s: s.replace("// helpers", "/* helpers").replace("info label", "*/ info label"),  # a comment spans cuts
    lambda s: s.replace("string label", "string  label").replace("{\n\treturn", "{\n\t\treturn"),
])
def test_edits_give_the_whole_parse_result(edit) -> None:  # type: ignore[no-untyped-def]
    parse_incrementally(FUNCTIONS)  # the pieces of the text before the edit are remembered
    edited = edit(FUNCTIONS)
    assert edited != FUNCTIONS
    assert _outcome(parse_incrementally, edited) == _outcome(parse, edited)


def test_only_the_changed_piece_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_incrementally(FUNCTIONS)
    parsed: list[str] = []
    real = pieces.parse
    monkeypatch.setattr(pieces, "parse", lambda text, name: parsed.append(text) or real(text, name))
    parse_incrementally(FUNCTIONS.replace('"Lead: "', '"Lead (only here): "'))  # no other test makes this piece
    assert len(parsed) == 1 and '"Lead (only here): "' in parsed[0]
