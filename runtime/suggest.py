"""'Did you mean …?': the known name nearest to a mistyped one. Deluge names ignore case,
so names are compared lower-cased and suggested as they are spelled where they are known."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["nearest", "did_you_mean", "suggestion_in", "builtin_functions", "builtin_methods"]

#: How alike two names must be (difflib's ratio): `lenght`/`length` and `nams`/`name` are.
_CUTOFF = 0.7


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to ``name``, or None when none is near enough."""
    by_lower: dict[str, str] = {}
    for candidate in known:
        by_lower.setdefault(candidate.lower(), candidate)
    key = name.lower()
    same = by_lower.pop(key, None)
    if same is not None and same != name:
        return same  # the same name in another case
    found = difflib.get_close_matches(key, list(by_lower), n=1, cutoff=_CUTOFF)
    return by_lower[found[0]] if found else None


_HINT = "; did you mean '"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` to append to a message, or ``""``."""
    near = nearest(name, known)
    return f"{_HINT}{near}'?" if near is not None else ""


def suggestion_in(message: str) -> str:
    """The ``"; did you mean 'x'?"`` a message ends with, or ``""``: a check's warning
    lends it to the run-time error at the same place."""
    at = message.rfind(_HINT)
    return message[at:] if at >= 0 and message.endswith("'?") else ""


@lru_cache(maxsize=1)
def builtin_functions() -> tuple[str, ...]:
    """Every built-in callable as ``name(args)``, spelled as Zoho documents it."""
    from cloudburst.stdlib import REGISTRY

    return tuple(sorted({name for b in REGISTRY.builtins if not b.receiver or "function" in b.forms
                         for name in b.names}))


@lru_cache(maxsize=1)
def builtin_methods() -> tuple[str, ...]:
    """Every built-in method (``x.name(args)``), spelled as Zoho documents it."""
    from cloudburst.stdlib import REGISTRY

    return tuple(sorted({name for b in REGISTRY.builtins if b.receiver for name in b.names}))
