"""The command groups of ``cloudburst``, in the order ``--help`` lists them.

To add a group, write ``cloudburst/cli/<name>.py`` with ``HELP`` (one line) and
``configure(parser)`` (its options, subcommands and handlers; see :mod:`cloudburst.cli.dispatch`)
and add its name here. A ``_`` in the module name is a ``-`` on the command line.
"""

from __future__ import annotations

__all__ = ["GROUPS"]

# One group per line, so that engineers adding groups at the same time do not collide.
GROUPS: tuple[str, ...] = (
    "run",
    "check",
    "repl",
    "connector",
    "connection",
    "secrets",
    "forms",
    "fmt",
    "function",
    "schedule",
    "webhook",
    "runs",
    "serve",
    "worker",
    "test",
    "lsp",
    "completion",
)
