"""Parsing a document again after an edit, reusing what the edit did not touch.

An editor asks for diagnostics on every keystroke, and parsing is most of that work. A
document is cut before each top-level function definition; each piece is parsed on its own
(padded with newlines, so its positions are the document's) and remembered by its text and
first line. After an edit only the pieces whose text or place changed are parsed again.

The pieces are joined only when every one parses. A cut can fall inside a multi-line text
or comment; the pieces around it then fail to parse, and so does anything the cut would
have changed, and the whole document is parsed at once instead, which also gives the
error the whole document has.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from cloudburst import nodes as n
from cloudburst.errors import CloudburstError, Span
from cloudburst.parser import parse
from cloudburst.typecheck import DECLARED_TYPES

__all__ = ["parse_incrementally"]

#: A line that starts a function definition (``void sync(int id)``, ``map crm.lead(...)``).
_HEADER = re.compile(r"^(?i:" + "|".join(re.escape(t) for t in DECLARED_TYPES) + r")[ \t]+[A-Za-z_][\w.]*[ \t]*\(", re.M)
_CAPACITY = 4096
_cache: OrderedDict[tuple[str, int], n.Program] = OrderedDict()


def parse_incrementally(source: str, name: str = "<script>") -> n.Program:
    """The document's syntax tree, as :func:`cloudburst.parser.parse` gives it; raises
    what it raises."""
    starts = [0, *(m.start() for m in _HEADER.finditer(source) if m.start() > 0)]
    if len(starts) < 3:
        return parse(source, name)
    programs: list[n.Program] = []
    line = 1
    for begin, end in zip(starts, [*starts[1:], len(source)]):
        text = source[begin:end]
        try:
            programs.append(_piece(text, line, name))
        except CloudburstError:
            return parse(source, name)
        line += text.count("\n")
    return _joined(programs)


def _piece(text: str, line: int, name: str) -> n.Program:
    key = (text, line)
    found = _cache.get(key)
    if found is None:
        found = parse("\n" * (line - 1) + text, name)
        _cache[key] = found
        if len(_cache) > _CAPACITY:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return found


def _joined(programs: list[n.Program]) -> n.Program:
    """One program of the pieces' (each piece's span runs from its first to its last item)."""
    spans = [p.span for p in programs if p.functions or p.body]
    span = Span(spans[0].line, spans[0].column, spans[-1].end_line, spans[-1].end_column) if spans else Span(1, 1, 1, 1)
    return n.Program(span, tuple(f for p in programs for f in p.functions), tuple(s for p in programs for s in p.body))
