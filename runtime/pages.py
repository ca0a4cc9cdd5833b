"""Zoho Creator pages: HTML with Deluge inside ``<%{ ... }%>`` and ``<% ... %>`` blocks and
``<%= expr %>`` output.

A page is translated into an ordinary Deluge script that appends each piece of HTML and
each ``<%= %>`` value to one text variable and returns it, so the parser, resolver and
compiler need nothing new. Every line of the script is the same line of the page; a
:class:`PageMap` turns a column of the script back into the page's column, so errors
point into the page file.

Layout accepted (as Creator's page editor saves it)::

    <%{
        total = 0;
        %>
        <h1>Orders</h1>
        <%for each r in rows
        {
            %><p><%=r.get("Name")%></p><%
        }
    }%>

An optional export header (``htmlpage Name(string p) ... content``) before the HTML is
read for the page's parameters and skipped.
"""

from __future__ import annotations

import bisect
import re

TYPE_CHECKING = False

from cloudburst.errors import DelugeSyntaxError, Span
from cloudburst.lazy import lazy_pattern

if TYPE_CHECKING:
    from dataclasses import dataclass, field
    from typing import Any
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import field, record

    def dataclass(_cls: type | None = None, *, frozen: bool = False) -> Any:
        make = record(eq=True, frozen=frozen)
        return make if _cls is None else make(_cls)

__all__ = ["OUTPUT", "PageMap", "Page", "is_page", "translate"]

#: The variable the translated script collects the page's HTML in.
OUTPUT = "zc_page_html"

_HEADER = lazy_pattern(r"\A\s*htmlpage\s+([A-Za-z_][\w.]*)\s*(?:\(([^)]*)\))?(?P<rest>.*?)^\s*content\s*$\n?",
                     re.S | re.M | re.I)


_EXPORT_HEADER = lazy_pattern(r"htmlpage\s", re.I)


def is_page(source: str) -> bool:
    """A script cannot start with ``<``; a page starts with HTML or ``<%`` (or the export header)."""
    head = source.lstrip("\ufeff \t\r\n")
    return head.startswith("<") or (head[:1] in ("h", "H") and bool(_EXPORT_HEADER.match(head)))


@dataclass
class PageMap:
    """Maps (line, column) of the translated script back to the page. Lines are equal; on
    each line, anchors ``(script_column, page_column)`` mark where a piece of the page
    starts in the script."""

    anchors: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def column(self, line: int, column: int) -> int:
        points = self.anchors.get(line)
        if not points:
            return column
        i = bisect.bisect_right(points, (column, float("inf"))) - 1
        if i < 0:
            return column
        script_col, page_col = points[i]
        return page_col + (column - script_col)

    def span(self, span: Span | None) -> Span | None:
        if span is None:
            return None
        return Span(span.line, self.column(span.line, span.column), span.end_line,
                    self.column(span.end_line, span.end_column))


@dataclass
class Page:
    script: str
    map: PageMap
    parameters: list[tuple[str, str]]  # (type, name) from the export header


class _Writer:
    """Builds the script line by line, remembering where each copied piece came from."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self.map = PageMap()

    def code(self, text: str, line: int, column: int) -> None:
        """Copy page code ``text`` that starts at (line, column) of the page."""
        for i, part in enumerate(text.split("\n")):
            if i:
                self.lines.append("")
                line, column = line + 1, 1
            if part:
                self.map.anchors.setdefault(line, []).append((len(self.lines[-1]) + 1, column))
                self.lines[-1] += part

    def emit(self, statement: str, line: int, column: int) -> None:
        """A generated statement standing for the page text at (line, column)."""
        self.map.anchors.setdefault(line, []).append((len(self.lines[-1]) + 1, column))
        self.lines[-1] += statement

    def newlines(self, count: int) -> None:
        self.lines.extend([""] * count)


def _text_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def _skip_literal(code: str, i: int, stop: str | None = None) -> int:
    """The offset just after the text, date or comment that starts at ``i`` (``i`` itself when
    none does), so scanners never see a brace or ``%>`` inside one. A ``//`` comment ends at
    its line's end, or at ``stop`` (a block's ``%>``) if that comes first."""
    length = len(code)
    if code[i] == '"':
        j = i + 1
        while j < length and code[j] != '"':
            j += 2 if code[j] == "\\" else 1
        return j + 1
    if code[i] == "'":
        j = code.find("'", i + 1)
        return length if j < 0 else j + 1
    if code.startswith("//", i):
        j = code.find("\n", i)
        j = length if j < 0 else j
        if stop is not None and stop in code[i:j]:
            j = code.index(stop, i)
        return j
    if code.startswith("/*", i):
        j = code.find("*/", i + 2)
        return length if j < 0 else j + 2
    return i


def _code_end(source: str, start: int, name: str) -> int:
    """The offset of the ``%>`` that ends the code starting at ``start``. Text, dates and
    comments are skipped, so ``"%>"`` inside a string does not end the code."""
    i, length = start, len(source)
    while i < length:
        skipped = _skip_literal(source, i, "%>")
        if skipped != i:
            i = skipped
            continue
        if source.startswith("%>", i):
            return i
        i += 1
    line, column = _position(source, start)
    raise DelugeSyntaxError("this '<%' block is never closed by '%>'", Span.point(line, max(column - 2, 1)), name,
                            "S118")


def translate(source: str, name: str = "<page>") -> Page:
    """The Deluge script that renders ``source``. Raises :class:`DelugeSyntaxError` for an
    unclosed block (other errors surface when the script is parsed)."""
    parameters: list[tuple[str, str]] = []
    start = 0
    out = _Writer()
    header = _HEADER.match(source)
    if header is not None:
        for decl in (header.group(2) or "").split(","):
            words = decl.split()
            if len(words) == 2:
                parameters.append((words[0].lower(), words[1]))
        start = header.end()
        out.newlines(source.count("\n", 0, start))
    out.emit(f'{OUTPUT} = "";', *_position(source, start))
    open_blocks: list[tuple[int, int]] = []  # `<%{` not yet closed by `}%>`: (offset, brace depth there)
    depth = 0  # Deluge braces open across the code pieces
    i, length = start, len(source)
    while i < length:
        tag = source.find("<%", i)
        html = source[i:length if tag < 0 else tag]
        if html:
            out.emit(f"{OUTPUT} = {OUTPUT} + {_text_literal(html)};", *_position(source, i))
            out.newlines(html.count("\n"))
        if tag < 0:
            break
        if source.startswith("<%=", tag):
            body = tag + 3
            end = _code_end(source, body, name)
            line, column = _position(source, body)
            out.emit(f"{OUTPUT} = {OUTPUT} + ifnull(", line, column - 3)
            out.code(source[body:end], line, column)
            out.emit(', "");', *_position(source, end))
            i = end + 2
            continue
        body = tag + 2
        if source.startswith("{", body):
            open_blocks.append((tag, depth))
            body += 1
        end = _code_end(source, body, name)
        code = source[body:end]
        for pos, delta in _braces(code):
            if delta < 0 and open_blocks and depth == open_blocks[-1][1]:
                open_blocks.pop()  # this `}` closes the page's `<%{`, not a Deluge block
                code = code[:pos] + " " + code[pos + 1:]
                continue
            depth += delta
        out.code(code, *_position(source, body))
        i = end + 2
    if open_blocks:
        line, column = _position(source, open_blocks[-1][0])
        raise DelugeSyntaxError("this '<%{' block is never closed by '}%>'", Span.point(line, column), name, "S118")
    out.emit(f"return {OUTPUT};", *_position(source, length))
    return Page("\n".join(out.lines), out.map, parameters)


def _braces(code: str) -> list[tuple[int, int]]:
    """The braces of ``code`` outside text, dates and comments: (offset, +1 or -1)."""
    found: list[tuple[int, int]] = []
    i, length = 0, len(code)
    while i < length:
        skipped = _skip_literal(code, i)
        if skipped != i:
            i = skipped
            continue
        ch = code[i]
        if ch in "{}":
            found.append((i, 1 if ch == "{" else -1))
        i += 1
    return found
