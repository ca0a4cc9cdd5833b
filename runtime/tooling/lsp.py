"""``cloudburst lsp``: a Language Server Protocol server for Deluge over stdio (pygls).

Everything it answers comes from :mod:`cloudburst.tooling.analysis` (checker diagnostics with
their did-you-mean hints, symbols, types, completion) and the formatter; this module only
translates between the protocol's 0-based positions and our 1-based spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from cloudburst.errors import Span
from cloudburst.tooling.analysis import Document, analyse, builtin_help, complete

__all__ = ["build_server"]

_KINDS = {
    "keyword": t.CompletionItemKind.Keyword, "variable": t.CompletionItemKind.Variable,
    "function": t.CompletionItemKind.Function, "method": t.CompletionItemKind.Method,
    "system": t.CompletionItemKind.Constant, "connection": t.CompletionItemKind.Value,
}
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


def _range(span: Span) -> t.Range:
    return t.Range(t.Position(span.line - 1, max(span.column - 1, 0)),
                   t.Position(span.end_line - 1, max(span.end_column - 1, 0)))


def build_server(link_names: Callable[[], list[str]] = lambda: [], version: str = "0") -> LanguageServer:
    """The server; ``link_names`` lists the connection link names of the user's store (the
    front door decides which store that is)."""
    server = LanguageServer("cloudburst", version)
    documents: dict[str, Document] = {}

    def refresh(uri: str) -> Document:
        text = server.workspace.get_text_document(uri)
        doc = analyse(text.source, text.path or uri)
        documents[uri] = doc
        server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[
            t.Diagnostic(range=_range(p.span), message=p.message, source="cloudburst", code=p.code,
                         severity=t.DiagnosticSeverity.Error if p.severity == "error" else t.DiagnosticSeverity.Warning)
            for p in doc.problems]))
        return doc

    def document(uri: str) -> Document:
        return documents.get(uri) or refresh(uri)

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: t.DidOpenTextDocumentParams) -> None:
        refresh(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: t.DidChangeTextDocumentParams) -> None:
        refresh(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: t.DidCloseTextDocumentParams) -> None:
        documents.pop(params.text_document.uri, None)

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[".", '"']))
    def completion(params: t.CompletionParams) -> t.CompletionList:
        doc = document(params.text_document.uri)
        pos = params.position
        items = [t.CompletionItem(label=c.label, kind=_KINDS.get(c.kind), detail=c.detail or None,
                                  documentation=c.doc or None)
                 for c in complete(doc, pos.line + 1, pos.character + 1, link_names)]
        return t.CompletionList(is_incomplete=False, items=items)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(params: t.HoverParams) -> t.Hover | None:
        doc = document(params.text_document.uri)
        line, column = params.position.line + 1, params.position.character + 1
        word = _word_at(doc.source, line, column)
        if word is None:
            return None
        text, span = word
        use = doc.occurrence_at(line, column)
        if use is not None:
            found = doc.definition(use)
            if use.kind == "function" and found is not None:
                body = f"```deluge\n{found.detail}\n```"
            else:
                kind = doc.type_of(use.name, line)
                body = f"```deluge\n{use.name}\n```\n{kind or 'type not known before running'}"
            return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=body), range=_range(span))
        found_help = builtin_help(text)
        if found_help is None:
            return None
        signature, description = found_help
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown,
                                                value=f"```deluge\n{signature}\n```\n{description}"),
                       range=_range(span))

    @server.feature(t.TEXT_DOCUMENT_SIGNATURE_HELP, t.SignatureHelpOptions(trigger_characters=["(", ","]))
    def signature_help(params: t.SignatureHelpParams) -> t.SignatureHelp | None:
        doc = document(params.text_document.uri)
        call = _open_call(doc.source, params.position.line + 1, params.position.character + 1)
        if call is None:
            return None
        name, argument = call
        user = next((s for s in doc.symbols if s.kind == "function" and s.name.split(".")[-1].lower() == name.lower()),
                    None)
        if user is not None:
            label, description = user.detail, ""
        else:
            found = builtin_help(name)
            if found is None:
                return None
            label, description = found
        return t.SignatureHelp(signatures=[t.SignatureInformation(label=label, documentation=description or None)],
                               active_signature=0, active_parameter=argument)

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    def definition(params: t.DefinitionParams) -> t.Location | None:
        doc = document(params.text_document.uri)
        use = doc.occurrence_at(params.position.line + 1, params.position.character + 1)
        found = doc.definition(use) if use is not None else None
        return t.Location(uri=params.text_document.uri, range=_range(found.span)) if found else None

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    def references(params: t.ReferenceParams) -> list[t.Location]:
        doc = document(params.text_document.uri)
        use = doc.occurrence_at(params.position.line + 1, params.position.character + 1)
        if use is None:
            return []
        return [t.Location(uri=params.text_document.uri, range=_range(u.span)) for u in doc.references(use)]

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        doc = document(params.text_document.uri)
        found = []
        for s in doc.symbols:
            if s.kind == "parameter" or (s.kind == "variable" and s.scope):
                continue
            kind = t.SymbolKind.Function if s.kind == "function" else t.SymbolKind.Variable
            found.append(t.DocumentSymbol(name=s.name, kind=kind, range=_range(s.span),
                                          selection_range=_range(s.span), detail=s.detail or None))
        return found

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: t.DocumentFormattingParams) -> list[t.TextEdit]:
        from cloudburst.errors import CloudburstError
        from cloudburst.tooling.formatter import FormatError, format_source

        source = server.workspace.get_text_document(params.text_document.uri).source
        try:
            formatted = format_source(source)
        except (CloudburstError, FormatError):
            return []  # the diagnostics already say why
        if formatted == source:
            return []
        end = t.Position(source.count("\n") + 1, 0)
        return [t.TextEdit(range=t.Range(t.Position(0, 0), end), new_text=formatted)]

    @server.feature(t.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(params: t.FoldingRangeParams) -> list[t.FoldingRange]:
        source = server.workspace.get_text_document(params.text_document.uri).source
        return [t.FoldingRange(start_line=a - 1, end_line=b - 1) for a, b in _folds(source)]

    return server


def _word_at(source: str, line: int, column: int) -> tuple[str, Span] | None:
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return None
    for m in _IDENT.finditer(lines[line - 1]):
        if m.start() + 1 <= column <= m.end() + 1:
            return m.group(), Span(line, m.start() + 1, line, m.end() + 1)
    return None


def _open_call(source: str, line: int, column: int) -> tuple[str, int] | None:
    """The function whose argument list the position is in, and which argument (0-based)."""
    from cloudburst.tooling.formatter import _tokens

    lines = source.split("\n")
    before = "\n".join(lines[:line - 1] + [lines[line - 1][:column - 1] if line <= len(lines) else ""])
    stack: list[tuple[str, int]] = []
    previous = ""
    for tok in _tokens(before):
        if tok.text == "(":
            stack.append((previous, 0))
        elif tok.text == ")" and stack:
            stack.pop()
        elif tok.text == "," and stack:
            name, count = stack[-1]
            stack[-1] = (name, count + 1)
        previous = tok.text if tok.kind == "word" else ""
    while stack:
        name, count = stack.pop()
        if name:
            return name, count
    return None


def _folds(source: str) -> list[tuple[int, int]]:
    """Line pairs of every multi-line ``{…}``, ``[…]`` and block comment."""
    from cloudburst.tooling.formatter import _tokens

    folds: list[tuple[int, int]] = []
    opened: list[int] = []
    line = 1
    for tok in _tokens(source):
        line += tok.newline_before
        if tok.kind == "block":
            end = line + tok.text.count("\n")
            if end > line:
                folds.append((line, end))
            line = end
        elif tok.kind == "text":
            line += tok.text.count("\n")
        elif tok.text in ("{", "["):
            opened.append(line)
        elif tok.text in ("}", "]") and opened:
            start = opened.pop()
            if line > start:
                folds.append((start, line))
    return sorted(folds)
