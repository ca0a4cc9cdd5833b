"""Service calls as forms see them: a refused call becomes an error message keyed by the form
field it concerns (the rule's own field name, so a page shows the CLI's message next to the
field), never an exception page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cloudburst.connectors.errors import ConnectorError, RuleViolation

__all__ = ["attempt", "perform", "Errors", "GENERAL"]

T = TypeVar("T")
Errors = dict[str, str]
#: The key of an error that belongs to no single field (shown above the form).
GENERAL = "_"
#: Rule fields whose form field has another name.
_FORM_FIELD = {"scope value": "value", "scope display_name": "display_name", "allowed_host": "allowed_hosts"}


def attempt(call: Callable[[], T], errors: Errors) -> T | None:
    """``call()``, or None with its refusal added to ``errors`` (the message exactly as the CLI
    prints it, e.g. ``name: must be at most 50 characters``)."""
    try:
        return call()
    except RuleViolation as exc:
        errors.setdefault(_FORM_FIELD.get(exc.field, exc.field), str(exc))
    except ConnectorError as exc:
        errors.setdefault(GENERAL, str(exc))
    return None


def perform(call: Callable[[], object], errors: Errors) -> bool:
    """Run ``call()`` for its effect; False (with the refusal in ``errors``) when refused."""
    before = len(errors)
    attempt(call, errors)
    return len(errors) == before
