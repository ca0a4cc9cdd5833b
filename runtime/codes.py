"""Stable codes for every problem ``cloudburst check`` reports.

A code never changes meaning once published (tools match on it; docs/diagnostics.md lists
them). Its first letter gives the diagnostic's kind: ``S`` syntax, ``N`` name, ``T`` type,
``A`` arity, ``L`` limit.
"""

from __future__ import annotations

__all__ = ["KINDS", "CODES", "kind_of"]

KINDS = {"S": "syntax", "N": "name", "T": "type", "A": "arity", "L": "limit"}

#: code -> what it means (one line; the message says the specifics).
CODES: dict[str, str] = {
    # syntax: the text is not valid Deluge
    "S101": "unexpected token",
    "S102": "missing ';'",
    "S103": "bracket never closed or closed without being opened",
    "S104": "unterminated text",
    "S105": "unterminated date literal",
    "S106": "unterminated comment",
    "S107": "'else' without a matching 'if'",
    "S108": "expression that is not a statement, or cannot be assigned to",
    "S109": "invalid date-time literal",
    "S110": "number out of the 64-bit range",
    "S111": "single '=' used as comparison outside a condition or criteria",
    "S112": "character that cannot start any token",
    "S113": "malformed task block (no task name, or a key given twice)",
    "S114": "'sort by' / 'range from' not after a form fetch",
    "S115": "a value is missing",
    "S116": "unexpected end of the script",
    "S117": "'break' or 'continue' outside a loop",
    "S118": "Creator page block not closed",
    "S119": "construct of another language that Deluge does not have (`++`, `while`, `?:`, C-style `for`)",
    # name: a name that does not resolve
    "N201": "function defined twice",
    "N202": "parameter declared twice",
    "N203": "undefined variable",
    "N204": "function name shared by several namespaces",
    "N205": "function not defined in this script",
    "N206": "unknown Zoho task",
    "N207": "call on an undefined variable",
    "N208": "unknown method",
    "N209": "unknown system variable",
    # type: declared types and returns
    "T301": "unknown return type",
    "T302": "unknown parameter type",
    "T303": "typed function can end without returning a value",
    "T304": "void function returns a value",
    "T305": "typed function returns no value",
    "T306": "unknown element type of a typed collection",
    "T307": "bare word that is not a valid value for this task key",
    # arity: argument counts
    "A401": "wrong number of arguments to a typed collection constructor",
    "A402": "wrong number of arguments to a script function",
    "A403": "wrong number of arguments to a built-in",
    "A404": "if(condition, a, b) without three arguments",
    "A405": "wrong number of arguments to Map() or List()",
    # limit: static limits
    "L501": "blocks nested too deeply",
    "L502": "expression nested too deeply",
}


def kind_of(code: str | None) -> str:
    """The kind (syntax, name, type, arity, limit) a code belongs to."""
    return KINDS.get((code or "S")[0], "syntax")
