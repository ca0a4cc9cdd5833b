"""Time for the scheduler and the run records, injectable so tests and benchmarks control it.

``now()`` is aware UTC; ``sleep()`` waits on this clock's time scale and returns early when
``stop`` is set.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float, stop: threading.Event) -> None: ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(max(0.0, seconds))
