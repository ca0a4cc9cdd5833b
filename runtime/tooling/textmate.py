"""The TextMate grammar of the VS Code extension, made from the same keyword lists as the
Pygments lexer (the grammar's own keyword terminals), so editor highlighting never drifts
from what the parser accepts. ``python -m cloudburst.tooling.textmate`` prints it."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["grammar", "render"]


def _words(words: tuple[str, ...]) -> str:
    escaped = sorted((w.replace(" ", r"\s+") for w in words), key=len, reverse=True)
    return r"(?i)\b(?:" + "|".join(escaped) + r")\b"


def grammar() -> dict[str, Any]:
    from cloudburst.highlight import TASKS, grammar_keywords

    kw = grammar_keywords()
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "Deluge",
        "scopeName": "source.deluge",
        "fileTypes": ["dg", "deluge", "ds"],
        "patterns": [
            {"name": "comment.line.double-slash.deluge", "match": r"//.*$"},
            {"name": "comment.block.deluge", "begin": r"/\*", "end": r"\*/"},
            {"name": "string.quoted.double.deluge", "begin": '"', "end": '"',
             "patterns": [{"name": "constant.character.escape.deluge", "match": r"\\(?:u[0-9a-fA-F]{4}|.)"}]},
            {"name": "string.quoted.single.deluge", "match": r"'[^'\n]*'"},
            {"name": "constant.numeric.deluge", "match": r"\b[0-9]+(?:\.[0-9]+)?\b|\B\.[0-9]+\b"},
            {"name": "entity.name.tag.task-key.deluge",
             "match": r"^\s*[A-Za-z_][\w\-]*(?:[ \t]+[A-Za-z_][\w\-]*)*\s*:(?!=)"},
            {"name": "constant.language.deluge", "match": _words(kw.constants)},
            {"name": "keyword.operator.word.deluge", "match": _words(kw.operators)},
            {"name": "storage.type.deluge", "match": _words(kw.types) + r"(?=\s+[A-Za-z_]|\s*\(|:)"},
            {"name": "keyword.control.deluge", "match": _words(kw.statements)},
            {"name": "keyword.other.task.deluge", "match": _words(TASKS)},
            {"name": "support.variable.zoho.deluge", "match": r"\bzoho(?:\.[A-Za-z_]\w*)+"},
            {"name": "entity.name.function.deluge", "match": r"\b[A-Za-z_$][\w$]*(?=\s*\()"},
            {"name": "keyword.operator.deluge", "match": r"\+=|-=|\*=|/=|%=|==|!=|<=|>=|&&|\|\||[-+*/%<>=!]"},
        ],
    }


def render() -> str:
    """The grammar as the JSON file the extension ships."""
    return json.dumps(grammar(), indent=2) + "\n"
