"""'Did you mean …?': the known name nearest to a mistyped one. Deluge names ignore case,
so names are compared lower-cased and suggested as they are spelled where they are known."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

__all__ = ["nearest", "did_you_mean", "suggestion_in", "builtin_functions", "builtin_methods", "misspelling_of"]

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
    import difflib  # only a mistyped name gets here: a correct script never loads it

    found = difflib.get_close_matches(key, list(by_lower), n=1, cutoff=_CUTOFF)
    return by_lower[found[0]] if found else None


_HINT = "; did you mean '"


def misspelling_of(name: str, known: Iterable[str], *, shortest: int = 5) -> str | None:
    """The known name ``name`` is most likely a slip of, or None: the same name in another
    case, a cut-short one (`toLower`, `toUpperC`), or one at most two edits away
    (one for names under eight letters: `lenght`, `toStirng`). Looser likeness
    (`getAsString`/`toString`, `toInt`/`count`) is not a slip. Names shorter than
    ``shortest`` are only compared whole (short names are one edit from many others)."""
    key = name.lower()
    best: tuple[int, str] | None = None
    for candidate in known:
        other = candidate.lower()
        if other == key or (len(key) >= shortest and other.startswith(key)):
            return candidate
        if len(key) >= shortest and abs(len(key) - len(other)) <= 2:
            d = _edits(key, other)
            if d <= (1 if len(key) < 8 else 2) and (best is None or d < best[0]):
                best = (d, candidate)
    return best[1] if best else None


def _edits(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) turning ``a`` into ``b``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


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
