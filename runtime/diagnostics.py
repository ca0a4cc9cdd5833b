"""Human-readable error reports: ``file:line:col: error: message``, the source line and a
caret under the failing span. Shared by the CLI, ``check`` and the REPL."""

from __future__ import annotations

from functools import lru_cache

from cloudburst.errors import CloudburstError, Diagnostic, Span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["format_error", "format_diagnostic", "read_source", "diagnostic_record", "error_records"]


@lru_cache(maxsize=2)
def _lines(source: str) -> list[str]:
    """The source's lines, split once for all the diagnostics of one file."""
    return source.splitlines()


def _excerpt(source: str | None, span: Span | None) -> str:
    if source is None or span is None:
        return ""
    lines = _lines(source)
    if not 1 <= span.line <= len(lines):
        return ""
    text = lines[span.line - 1].expandtabs(4)
    raw = lines[span.line - 1]
    start = len(raw[: max(span.column - 1, 0)].expandtabs(4))
    if span.end_line == span.line and span.end_column > span.column:
        width = len(raw[span.column - 1: span.end_column - 1].expandtabs(4))
    else:
        width = 1
    width = max(1, min(width, max(len(text) - start, 1)))
    return f"\n    {text}\n    {' ' * start}{'^' * width}"


def format_diagnostic(name: str, severity: str, message: str, span: Span | None, source: str | None) -> str:
    where = name if span is None else f"{name}:{span.line}:{span.column}"
    return f"{where}: {severity}: {message}{_excerpt(source, span)}"


def format_error(error: CloudburstError, source: str | None) -> str:
    return format_diagnostic(error.source_name, error.kind, error.message, error.span, source)


def read_source(data: bytes) -> str:
    """Decode a script file: UTF-8 (with or without BOM), UTF-16 with its BOM (what Windows
    tools such as PowerShell's ``>`` write), else Windows-1252, the usual encoding of scripts
    copied out of a browser on Windows."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:  # utf-8-sig by hand: that codec's module is not loaded yet, utf-8's always is
        return (data[3:] if data[:3] == b"\xef\xbb\xbf" else data).decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def diagnostic_record(name: str, severity: str, message: str, span: Span | None, code: str | None) -> dict[str, Any]:
    """One diagnostic as ``check --json`` prints it (docs/diagnostics.md)."""
    from cloudburst.codes import kind_of

    record: dict[str, Any] = {"file": name, "severity": severity, "kind": kind_of(code), "code": code or "S101",
                              "message": message}
    if span is not None:
        record.update(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column)
    return record


def error_records(error: CloudburstError) -> list[dict[str, Any]]:
    """Every diagnostic a failed check found (the resolver reports all of them, warnings
    included; a syntax error stops at the first)."""
    found: list[Diagnostic] | None = getattr(error, "diagnostics", None)
    if found:
        return [diagnostic_record(error.source_name, d.severity, d.message, d.span, d.code) for d in found]
    return [diagnostic_record(error.source_name, "error", error.message, error.span, error.code)]
