"""``cloudburst lsp`` end to end: pytest-lsp starts the real server over stdio and talks to
it as an editor does."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

URI = "file:///project/lead_score.dg"

SCRIPT = """\
void scoreLead(int leadId)
{
\tlead = zoho.crm.getRecordById("Leads", leadId);
\tscore = 0;
\tif(lead.get("Lead_Source") == "Web")
\t{
\t\tscore = score + 10;
\t}
\tinfo scroe;
}
notes = Map();
notes.put("source", "web");
name = "Ann";
info name.toUpperCase();
scoreLead(42);
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cloudburst", "lsp"]))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(t.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    lsp_client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=URI, language_id="deluge", version=1, text=SCRIPT)))
    await lsp_client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_diagnostics_point_at_the_misspelt_variable(client: LanguageClient) -> None:
    (diagnostic,) = [d for d in client.diagnostics[URI] if "scroe" in d.message]
    assert diagnostic.range.start == t.Position(8, 6) and diagnostic.range.end == t.Position(8, 11)
    assert "score" in diagnostic.message  # the did-you-mean hint, or at least the name it is about


@pytest.mark.asyncio
async def test_a_syntax_error_replaces_the_diagnostics_as_you_type(client: LanguageClient) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text='x = 1\ninfo x;\n')]))
    await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (diagnostic,) = client.diagnostics[URI]
    assert diagnostic.severity == t.DiagnosticSeverity.Error and diagnostic.range.start.line in (0, 1)


@pytest.mark.asyncio
async def test_completion_after_a_map_offers_map_methods(client: LanguageClient) -> None:
    result = await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri=URI), position=t.Position(11, 6)))
    labels = {item.label for item in result.items}
    assert {"put", "get", "keys"} <= labels and "toUpperCase" not in labels


@pytest.mark.asyncio
async def test_hover_on_a_builtin_shows_its_signature(client: LanguageClient) -> None:
    result = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=URI), position=t.Position(13, 12)))
    assert result is not None and "toUpperCase" in result.contents.value and "TEXT" in result.contents.value


@pytest.mark.asyncio
async def test_definition_and_references_of_a_function(client: LanguageClient) -> None:
    doc, at = t.TextDocumentIdentifier(uri=URI), t.Position(14, 2)
    found = await client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=at))
    assert found is not None and found.range.start == t.Position(0, 5)
    refs = await client.text_document_references_async(t.ReferenceParams(
        text_document=doc, position=at, context=t.ReferenceContext(include_declaration=True)))
    assert sorted(r.range.start.line for r in refs) == [0, 14]


@pytest.mark.asyncio
async def test_formatting_returns_the_canonical_layout(client: LanguageClient) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=URI, version=3),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text='if(a>1){info a;}\n')]))
    await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    edits = await client.text_document_formatting_async(t.DocumentFormattingParams(
        text_document=t.TextDocumentIdentifier(uri=URI), options=t.FormattingOptions(tab_size=4, insert_spaces=False)))
    assert edits is not None and edits[0].new_text == "if(a > 1)\n{\n\tinfo a;\n}\n"


@pytest.mark.asyncio
async def test_symbols_and_folding(client: LanguageClient) -> None:
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(
        text_document=t.TextDocumentIdentifier(uri=URI)))
    assert {s.name for s in symbols} >= {"scoreLead", "notes", "name"}
    folds = await client.text_document_folding_range_async(t.FoldingRangeParams(
        text_document=t.TextDocumentIdentifier(uri=URI)))
    assert (1, 9) in {(f.start_line, f.end_line) for f in folds}
