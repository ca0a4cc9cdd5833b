"""Per-run state: limits, clock, output sink, cancel flag, host services.

A compiled script is immutable; everything that changes while it runs lives here, so one
script can run in many threads at once, each with its own :class:`Execution`.
"""

from __future__ import annotations

import datetime as _dt
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable
from zoneinfo import ZoneInfo

from cloudburst.errors import CancelledError, StatementLimitError, TimeoutLimitError

if TYPE_CHECKING:
    from cloudburst.engine import Runtime

__all__ = ["Limits", "Settings", "Execution", "CHECK_EVERY"]

#: How many statements may run between two checks of the clock and the cancel flag.
CHECK_EVERY = 1000


@dataclass(frozen=True)
class Limits:
    """Per-run limits. ``None`` disables a limit (the CLI and the host decide)."""

    max_statements: int | None = 5000
    timeout: float | None = 60.0
    max_depth: int = 75
    max_output_bytes: int = 500 * 1024
    max_collection_size: int = 1_000_000
    max_text_length: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Language and environment settings of a runtime (fixed for all its runs)."""

    timezone: str | None = None
    #: ``"truncate"``: NUMBER / NUMBER is a NUMBER rounded toward zero (Java ``long``
    #: division); ``"decimal"``: it is a DECIMAL.
    integer_division: str = "truncate"
    #: Values of ``zoho.loginuser``, ``zoho.adminuserid``, ``zoho.appname``, ...
    system: dict[str, Any] = field(default_factory=dict)


def _local_zone(name: str | None) -> _dt.tzinfo:
    if name:
        return ZoneInfo(name)
    tz = _dt.datetime.now().astimezone().tzinfo
    return tz if tz is not None else _dt.timezone.utc


class Execution:
    """The state of one run. Built-ins receive it as ``ctx``.

    Attributes a built-in may use: ``tz`` (the run's time zone), ``settings``,
    ``runtime`` (the host :class:`~cloudburst.engine.Runtime`: integrations, HTTP,
    mail, connections), ``now()``, ``check()`` (raise if cancelled or out of time; call
    it inside long loops) and ``time_left()``.
    """

    def __init__(
        self,
        runtime: Runtime | None = None,
        limits: Limits | None = None,
        settings: Settings | None = None,
        on_info: Callable[[str], None] | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
    ) -> None:
        self.runtime = runtime
        self.limits = limits or Limits()
        self.settings = settings or (runtime.settings if runtime is not None else Settings())
        self.tz = _local_zone(self.settings.timezone)
        self.on_info = on_info
        self.info_lines: list[str] = []
        self.output_bytes = 0
        self.output_truncated = False
        self.statements = 0
        self.depth = 0
        self.cancelled = threading.Event()
        self._clock = clock
        self.started = time.monotonic()
        self.deadline = None if self.limits.timeout is None else self.started + self.limits.timeout

    # -- clock -------------------------------------------------------------------------
    def now(self) -> _dt.datetime:
        """The current date-time in the run's time zone, as a naive value."""
        if self._clock is not None:
            return self._clock()
        return _dt.datetime.now(self.tz).replace(tzinfo=None, microsecond=0)

    def time_left(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - time.monotonic()

    # -- limits ------------------------------------------------------------------------
    def check(self) -> None:
        """Raise if the run was cancelled or ran out of time."""
        if self.cancelled.is_set():
            raise CancelledError("the run was cancelled")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutLimitError(f"the run took longer than its {self.limits.timeout:g} s limit")

    def checkpoint(self, count: int) -> int:
        """Called by generated code when the statement count passes the next checkpoint;
        returns the next one."""
        self.statements = count
        limit = self.limits.max_statements
        if limit is not None and count > limit:
            raise StatementLimitError(f"more than {limit} statements were executed")
        self.check()
        nxt = count + CHECK_EVERY
        return nxt if limit is None else min(nxt, limit)

    def cancel(self) -> None:
        """Stop the run at its next checkpoint (thread-safe)."""
        self.cancelled.set()

    # -- output ------------------------------------------------------------------------
    def info(self, text: str) -> None:
        if self.output_truncated:
            return
        size = len(text.encode("utf-8", "replace")) + 1
        if self.output_bytes + size > self.limits.max_output_bytes:
            self.output_truncated = True
            text = "[info output truncated: more than the run's output limit]"
        self.output_bytes += size
        self.info_lines.append(text)
        if self.on_info is not None:
            self.on_info(text)
