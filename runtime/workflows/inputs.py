"""A run's inputs: checked against the function's declared parameters when the run is asked
for (so a bad call is refused before anything is queued), kept as plain JSON, turned into
Deluge values when the run starts, and masked wherever they are shown."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from cloudburst.workflows.errors import InvalidRequest

__all__ = ["check_inputs", "to_deluge", "mask_inputs", "secret_name", "MASK"]

MASK = "••••"
_SECRET_NAME = re.compile(r"pass(word)?|secret|token|api_?key|zapikey|authorization|credential", re.I)


def _convert(name: str, value: Any, declared: str | None) -> Any:
    from cloudburst.errors import DelugeRuntimeError
    from cloudburst.typecheck import coerce_declared, from_text
    from cloudburst.values import from_python

    try:
        if isinstance(value, str) and declared is not None:
            return from_text(value, declared)
        converted = from_python(value)
        return converted if declared is None else coerce_declared(converted, declared, f"argument '{name}'")
    except DelugeRuntimeError as exc:
        raise InvalidRequest(exc.message) from None
    except (ValueError, TypeError) as exc:
        raise InvalidRequest(f"argument '{name}': {exc}") from None


def to_deluge(parameters: Sequence[tuple[str, str]], given: Mapping[str, Any]) -> dict[str, Any]:
    """Deluge values for a run; raises :class:`InvalidRequest` naming the argument at fault."""
    declared = {name: kind for name, kind in parameters}
    if parameters:
        unknown = [name for name in given if name not in declared]
        if unknown:
            takes = ", ".join(declared) or "no arguments"
            raise InvalidRequest(f"unknown argument '{unknown[0]}' (the function takes: {takes})")
        missing = [name for name in declared if name not in given]
        if missing:
            raise InvalidRequest(f"missing argument{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    return {name: _convert(name, value, declared.get(name)) for name, value in given.items()}


def check_inputs(parameters: Sequence[tuple[str, str]], given: Any) -> dict[str, Any]:
    """``given`` as a JSON-ready dict, once it is known to fit ``parameters``."""
    if not isinstance(given, Mapping):
        raise InvalidRequest("arguments must be a JSON object of name: value")
    plain = {str(k): v for k, v in given.items()}
    to_deluge(parameters, plain)
    return plain


def secret_name(name: str) -> bool:
    """Does ``name`` look like it holds a secret (password, token, API key)? Such inputs are
    masked wherever they are shown, and typed into password fields."""
    return _SECRET_NAME.search(name) is not None


def mask_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs for display: values of secret-looking names masked, registered secrets redacted."""
    from cloudburst.http.redact import REDACTOR

    shown: dict[str, Any] = {}
    for name, value in inputs.items():
        if secret_name(name) and value not in (None, ""):
            shown[name] = MASK
        elif isinstance(value, str):
            shown[name] = REDACTOR.redact(value)
        else:
            shown[name] = value
    return shown
