"""Built-ins: lists (to be filled)."""

from cloudburst.stdlib.registry import builtin  # noqa: F401
