"""Lark's syntax exceptions → friendly messages: missing ``;``, unclosed brackets, unterminated
text and comments, ``else`` without ``if``, constructs of other languages (``x++``,
``while``). Loaded only for input that does not parse (it imports lark).
"""

from __future__ import annotations

from cloudburst.errors import Span
from cloudburst.larkimport import Lark, Token, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from cloudburst.parser import SyntaxProblem, token_span

__all__ = ["UnexpectedInput", "explain"]

_FRIENDLY = {
    "SEMICOLON": "';'", "RBRACE": "'}'", "LBRACE": "'{'", "RPAR": "')'", "LPAR": "'('", "RSQB": "']'",
    "LSQB": "'['", "COMMA": "','", "COLON": "':'", "EQUAL": "'='", "NAME": "a name", "STRING": "text",
    "INT": "a number", "DECIMAL": "a number", "DATE": "a date literal", "TASK_KEY": "a task key such as 'url:'",
    "DOT": "'.'", "$END": "the end of the script",
}


def _describe(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the script"
    text = str(tok)
    if len(text) > 30:
        text = text[:27] + "..."
    return f"'{text}'"


def _unclosed(source: str) -> tuple[str, Span, str] | None:
    """Find the first unbalanced bracket, skipping text, dates and comments."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[tuple[str, int, int]] = []
    i, line, col = 0, 1, 1
    length = len(source)
    while i < length:
        ch = source[i]
        nxt = source[i + 1] if i + 1 < length else ""
        if ch == "/" and nxt == "/":
            while i < length and source[i] != "\n":
                i += 1
            continue
        if ch == "/" and nxt == "*":
            end = source.find("*/", i + 2)
            end = length if end < 0 else end + 2
            chunk = source[i:end]
            line += chunk.count("\n")
            col = len(chunk) - chunk.rfind("\n") if "\n" in chunk else col + len(chunk)
            i = end
            continue
        if ch in "\"'":
            j = i + 1
            while j < length and source[j] != ch and not (ch == "'" and source[j] == "\n"):
                j += 2 if source[j] == "\\" and ch == '"' else 1
            chunk = source[i:j + 1]
            line += chunk.count("\n")
            col = len(chunk) - chunk.rfind("\n") if "\n" in chunk else col + len(chunk)
            i = j + 1
            continue
        if ch in "([{":
            stack.append((ch, line, col))
        elif ch in ")]}":
            if not stack or stack[-1][0] != pairs[ch]:
                return f"unmatched '{ch}'", Span.point(line, col), "S103"
            stack.pop()
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
        i += 1
    if stack:
        ch, sl, sc = stack[-1]
        closer = {"(": ")", "[": "]", "{": "}"}[ch]
        return f"'{ch}' opened here is never closed (missing '{closer}')", Span.point(sl, sc), "S103"
    return None


def _tokens_before(source: str, error: UnexpectedInput, lark: Lark) -> list[Token]:
    """The tokens the parser accepted before ``error`` (re-lexed on the error path only)."""
    tokens: list[Token] = []
    stop = getattr(error, "pos_in_stream", None)
    if isinstance(error, UnexpectedToken):
        # At the end of the input every token came before the error.
        stop = None if error.token.type == "$END" else error.token.start_pos
    try:
        for tok in lark.parse_interactive(source).iter_parse():
            if stop is not None and tok.start_pos is not None and tok.start_pos >= stop:
                break
            tokens.append(tok)
    except (UnexpectedInput, SyntaxProblem):
        pass
    return tokens


def _stray_else(tokens: list[Token]) -> Token | None:
    """An `else` where a statement starts (after `;`, `}` or at the top) has lost its `if`:
    the lexer then reads it as a plain name."""
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok.type == "NAME" and str(tok).lower() == "else":
            before = tokens[i - 1] if i else None
            if before is None or before.type in ("SEMICOLON", "RBRACE"):
                return tok
    return None


def explain(source: str, exc: UnexpectedInput, lark: Lark) -> tuple[str, Span, str]:
    """(message, where, code) for lark's exception ``exc`` on ``source``, parsed by ``lark``."""
    if isinstance(exc, UnexpectedCharacters):
        pos: int = exc.pos_in_stream  # type: ignore[assignment]  # always set for UnexpectedCharacters
        ch = source[pos] if pos < len(source) else ""
        span = Span.point(exc.line, exc.column)
        if ch == '"':
            return "unterminated text: this '\"' is never closed", span, "S104"
        if ch == "'":
            return "unterminated date literal: this \"'\" is never closed on its line", span, "S105"
        if source.startswith("/*", exc.pos_in_stream):
            return "unterminated comment: this '/*' is never closed by '*/'", span, "S106"
        unclosed = _unclosed(source)
        if unclosed and ch in ")]}":
            return unclosed
        if ch == "?":
            return "Deluge has no '?:' operator; use the if(condition, a, b) function", span, "S119"
        return f"unexpected character {ch!r}", span, "S112"
    if isinstance(exc, UnexpectedEOF):
        unclosed = _unclosed(source)
        if unclosed:
            return unclosed
        return "unexpected end of the script", Span.point(1, 1), "S116"
    assert isinstance(exc, UnexpectedToken)
    tok = exc.token
    if tok.start_pos is not None and source.startswith("/*", tok.start_pos) and "*/" not in source[tok.start_pos:]:
        return "unterminated comment: this '/*' is never closed by '*/'", token_span(tok), "S106"
    history = _tokens_before(source, exc, lark)
    stray = _stray_else(history + ([tok] if str(tok).lower() == "else" else []))
    if stray is not None:
        return "'else' without a matching 'if' (is there a stray ';' or statement before it?)", token_span(stray), "S107"
    expected = set(exc.expected)
    span = token_span(tok) if tok.type != "$END" else _end_span(source)
    missing = _missing_construct(source, tok, history)
    if missing is not None:
        return missing[0], token_span(missing[1]), "S119"
    if tok.type == "ELSE":
        return "'else' without a matching 'if' (is there a stray ';' or statement before it?)", span, "S107"
    if tok.type == "$END" or tok.type in ("RBRACE", "RPAR", "RSQB"):
        unclosed = _unclosed(source)
        if unclosed:
            return unclosed
    if "SEMICOLON" in expected:
        prev = history[-1] if history else None
        if prev is not None and (tok.type == "$END" or (prev.end_line or 0) < (tok.line or 0)):
            end = Span.point(prev.end_line or 1, prev.end_column or 1)
            return f"missing ';' at the end of line {prev.end_line}", end, "S102"
        if "TASK_KEY" not in expected:
            return f"expected ';' before {_describe(tok)}", span, "S102"
    if tok.type == "DATE":
        return "single quotes make a date literal; text needs double quotes", span, "S109"
    if {"NAME", "INT", "STRING"} <= expected:
        return f"expected a value before {_describe(tok)}", span, "S115"
    names = sorted({_FRIENDLY.get(e, e.lower()) for e in expected if not e.startswith("__")})
    if len(names) > 6:
        return f"unexpected {_describe(tok)}", span, "S101"
    return f"unexpected {_describe(tok)}; expected {', '.join(names)}", span, "S101"


def _missing_construct(source: str, tok: Token, history: list[Token]) -> tuple[str, Token] | None:
    """Constructs of other languages that Deluge does not have, named with what to write
    instead: ``x++``, ``while (...)``, ``for (i = 0; ...)``."""
    if tok.start_pos is not None and source.startswith(("++", "--"), tok.start_pos):
        op = source[tok.start_pos:tok.start_pos + 2]
        var = str(history[-1]) if history and history[-1].type == "NAME" else "x"
        return f"Deluge has no '{op}' operator; write {var} = {var} {op[0]} 1", tok
    for i, prev in enumerate(history):
        nxt = history[i + 1] if i + 1 < len(history) else tok
        at_start = i == 0 or history[i - 1].type in ("SEMICOLON", "RBRACE", "LBRACE")
        if at_start and prev.type == "NAME" and str(prev).lower() == "while" and nxt.type == "LPAR":
            return "Deluge has no 'while' loop; loop with 'for each' over a list", prev
        if prev.type == "FOR" and nxt.type == "LPAR":
            return "Deluge has no C-style 'for (...)' loop; write 'for each item in list'", prev
    return None


def _end_span(source: str) -> Span:
    lines = source.split("\n")
    return Span.point(len(lines), len(lines[-1]) + 1)
