"""Pausing Python's cyclic garbage collector while a front end builds trees.

Parsing, resolving and code generation allocate hundreds of thousands of small objects
and free almost none of them until the end; each allocation burst triggers collector passes
that walk every young object and find nothing to free. Pausing the collector for the build
saves a large share of compile time. The pause is counted, so overlapping compiles in
several threads restore the collector only when the last one finishes, and only if it was
enabled before the first one started.
"""

from __future__ import annotations

import gc
from _thread import allocate_lock  # threading's Lock, without importing threading (start-up is measured)

__all__ = ["gc_paused"]

_LOCK = allocate_lock()
_depth = 0
_was_enabled = False


class gc_paused:  # noqa: N801 - used like the function it was (``with gc_paused():``)
    """The pause, as a context manager (a class: contextlib is not otherwise loaded by a run)."""

    def __enter__(self) -> None:
        global _depth, _was_enabled
        with _LOCK:
            if _depth == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _depth += 1

    def __exit__(self, *exc: object) -> None:
        global _depth
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
