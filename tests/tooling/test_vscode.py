"""The VS Code extension: its grammar comes from the keyword lists, and it packages into a
.vsix with @vscode/vsce from the npm registry (skipped, with the reason, without npm)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cloudburst.highlight import grammar_keywords
from cloudburst.tooling.textmate import grammar, render

EXTENSION = Path(__file__).resolve().parents[2] / "editors" / "vscode"


def test_the_shipped_grammar_is_the_generated_one() -> None:
    assert (EXTENSION / "syntaxes" / "deluge.tmLanguage.json").read_text(encoding="utf-8") == render()


def test_the_grammar_highlights_every_keyword_the_parser_knows() -> None:
    patterns = {p["name"]: re.compile(p["match"]) for p in grammar()["patterns"] if "match" in p}
    keywords = grammar_keywords()
    for word in keywords.statements:
        assert patterns["keyword.control.deluge"].search(word.upper()), word
    for word in keywords.constants:
        assert patterns["constant.language.deluge"].fullmatch(word), word
    assert not patterns["keyword.control.deluge"].search("information")


def test_the_manifest_starts_the_language_server_for_deluge_files() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text())
    (language,) = manifest["contributes"]["languages"]
    assert set(language["extensions"]) == {".dg", ".deluge", ".ds"}
    assert manifest["contributes"]["grammars"][0]["scopeName"] == grammar()["scopeName"]
    assert '["lsp"]' in (EXTENSION / "src" / "extension.js").read_text()


def test_the_extension_packages_into_a_vsix(tmp_path: Path) -> None:
    if shutil.which("npm") is None or shutil.which("npx") is None:
        pytest.skip("npm is not installed: the .vsix is built with @vscode/vsce from the npm registry")
    work = tmp_path / "vscode"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    done = subprocess.run(["bash", str(work / "build.sh"), sys.executable], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (vsix,) = work.glob("*.vsix")
    names = set(zipfile.ZipFile(vsix).namelist())
    assert {"extension/package.json", "extension/src/extension.js", "extension/syntaxes/deluge.tmLanguage.json",
            "extension/language-configuration.json", "extension/node_modules/vscode-languageclient/node.js"} <= names
