"""Cloudburst: run, check and embed Deluge scripts.

>>> import cloudburst
>>> cloudburst.run('info "hi";').info
['hi']

Names are loaded on first use so ``import cloudburst`` stays cheap.
"""

from __future__ import annotations

from cloudburst.lazy import lazy_exports

TYPE_CHECKING = False

__version__ = "0.1.0"

_EXPORTS = {
    "Runtime": "cloudburst.engine",
    "Script": "cloudburst.engine",
    "Result": "cloudburst.engine",
    "InputError": "cloudburst.engine",
    "run": "cloudburst.engine",
    "Limits": "cloudburst.execution",
    "Execution": "cloudburst.execution",
    "Span": "cloudburst.errors",
    "Diagnostic": "cloudburst.errors",
    "CloudburstError": "cloudburst.errors",
    "DelugeSyntaxError": "cloudburst.errors",
    "ResolveError": "cloudburst.errors",
    "DelugeRuntimeError": "cloudburst.errors",
    "LimitError": "cloudburst.errors",
    "StatementLimitError": "cloudburst.errors",
    "TimeoutLimitError": "cloudburst.errors",
    "RecursionLimitError": "cloudburst.errors",
    "CancelledError": "cloudburst.errors",
    "ConfigurationError": "cloudburst.errors",
    "DelugeList": "cloudburst.values",
    "DelugeMap": "cloudburst.values",
    "DelugeFile": "cloudburst.values",
    "from_python": "cloudburst.values",
    "to_python": "cloudburst.values",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

if TYPE_CHECKING:
    from cloudburst.engine import InputError, Result, Runtime, Script, run
    from cloudburst.errors import (
        CancelledError,
        CloudburstError,
        ConfigurationError,
        DelugeRuntimeError,
        DelugeSyntaxError,
        Diagnostic,
        LimitError,
        RecursionLimitError,
        ResolveError,
        Span,
        StatementLimitError,
        TimeoutLimitError,
    )
    from cloudburst.execution import Execution, Limits
    from cloudburst.values import DelugeFile, DelugeList, DelugeMap, from_python, to_python


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
