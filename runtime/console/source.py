"""Deluge source as the console shows it: highlighted by our Pygments lexer (CSS classes only,
styled by ``static/workflows.css``, so the strict CSP needs no inline style), and the line an
error points at with a caret under its column."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["highlighted", "Excerpt", "excerpt"]


def highlighted(source: str) -> Markup:
    """``source`` as HTML with line numbers (each line an anchor ``#L-N``)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    from cloudburst.highlight import DelugeLexer

    formatter = HtmlFormatter(linenos="inline", cssclass="source", wrapcode=True, lineanchors="L")
    return Markup(highlight(source, DelugeLexer(), formatter))


@dataclass(frozen=True)
class Excerpt:
    """One source line and the caret line under it (both plain text, escaped when shown)."""

    line: int
    text: str
    caret: str


def excerpt(source: str, line: int | None, column: int | None) -> Excerpt | None:
    """The line ``line`` of ``source`` with ``^`` under ``column`` (1-based), if both exist."""
    if not line:
        return None
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return None
    raw = lines[line - 1]
    col = max(1, min(column or 1, len(raw) + 1))
    return Excerpt(line, raw.expandtabs(4), " " * len(raw[:col - 1].expandtabs(4)) + "^")
