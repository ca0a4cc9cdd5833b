"""Where the code is in Deluge source: which characters lie outside "text", 'date
literals' and comments, and what the source ends inside. Shared by the completeness check,
the completer and the session (to cut a function definition out of an input)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Scan", "scan", "CODE", "TEXT", "DATE", "LINE_COMMENT", "BLOCK_COMMENT"]

CODE = "code"
TEXT = "text"
DATE = "date"
LINE_COMMENT = "line comment"
BLOCK_COMMENT = "block comment"


@dataclass(frozen=True)
class Scan:
    #: Indices of the characters that are code.
    code: tuple[int, ...]
    #: What the source ends inside (one of the constants above).
    ends_in: str


def scan(text: str) -> Scan:
    code: list[int] = []
    i, length = 0, len(text)
    while i < length:
        two = text[i:i + 2]
        if two == "//":
            end = text.find("\n", i)
            if end < 0:
                return Scan(tuple(code), LINE_COMMENT)
            i = end
        elif two == "/*":
            end = text.find("*/", i + 2)
            if end < 0:
                return Scan(tuple(code), BLOCK_COMMENT)
            i = end + 2
        elif text[i] == '"':
            i += 1
            while i < length and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= length:
                return Scan(tuple(code), TEXT)
            i += 1
        elif text[i] == "'":  # a date literal ends on its own line
            line_end = text.find("\n", i)
            line_end = length if line_end < 0 else line_end
            end = text.find("'", i + 1, line_end)
            if end < 0:
                if line_end == length:
                    return Scan(tuple(code), DATE)
                i = line_end
            else:
                i = end + 1
        else:
            code.append(i)
            i += 1
    return Scan(tuple(code), CODE)
