"""Error classes and source spans.

Every error a user can see is a :class:`CloudburstError`; the CLI, the REPL and the
embedding API all format it the same way (``file:line:col: error: message``), so a
Python traceback never reaches a user.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import record

    def dataclass(**_options: bool):  # Span is built per syntax node: not frozen at run time
        return record(eq=True)

__all__ = [
    "Span",
    "CloudburstError",
    "DelugeSyntaxError",
    "ResolveError",
    "DelugeRuntimeError",
    "LimitError",
    "StatementLimitError",
    "TimeoutLimitError",
    "RecursionLimitError",
    "CancelledError",
    "ConfigurationError",
    "Diagnostic",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source text; lines and columns are 1-based."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found while checking a script; ``severity`` is "error" or "warning";
    ``code`` is its stable code (``cloudburst.codes``), whose letter gives its kind."""

    severity: str
    message: str
    span: Span
    code: str = "S101"


class CloudburstError(Exception):
    """Base of every error Cloudburst reports to a user or host."""

    kind = "error"

    def __init__(self, message: str, span: Span | None = None, source_name: str = "<script>",
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.source_name = source_name
        #: The stable diagnostic code of a compile error (``cloudburst.codes``); None otherwise.
        self.code = code

    def __str__(self) -> str:
        if self.span is None:
            return f"{self.source_name}: {self.kind}: {self.message}"
        return f"{self.source_name}:{self.span.line}:{self.span.column}: {self.kind}: {self.message}"


class DelugeSyntaxError(CloudburstError):
    """The source text is not valid Deluge."""


class ResolveError(CloudburstError):
    """The program parses but cannot run: unknown name, wrong argument count, ..."""


class DelugeRuntimeError(CloudburstError):
    """An error raised while a script runs; ``try``/``catch`` in a script can handle it."""


class LimitError(DelugeRuntimeError):
    """A run exceeded one of its limits; scripts cannot catch limit errors."""


class StatementLimitError(LimitError):
    """More statements were executed than the run allows."""


class TimeoutLimitError(LimitError):
    """The run's wall-clock budget ran out."""


class RecursionLimitError(LimitError):
    """Function calls nested deeper than the run allows."""


class CancelledError(LimitError):
    """The host (or Ctrl-C) cancelled the run."""


class ConfigurationError(CloudburstError):
    """The runtime or store is misconfigured (wrong key, bad URL, ...)."""
