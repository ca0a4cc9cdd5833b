"""Helper threads for blocking work a run must be able to walk away from.

An invokeurl request or a regular-expression match can run past the run's deadline (a
socket read, catastrophic backtracking inside C code); the run waits for it in a helper
thread, in short slices, and stops waiting when its time is up or it is cancelled.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:
    from cloudburst.execution import CancelFlag

__all__ = ["Workers", "WORKERS", "call_within"]

T = TypeVar("T")


class Workers:
    """Daemon threads kept between calls: starting a thread per call cost about half of
    invokeurl's throughput. Daemon, so work abandoned by a cancelled or timed-out run
    never holds up interpreter exit."""

    def __init__(self, max_idle: int = 8) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0
        self._max_idle = max_idle
        self._lock = threading.Lock()

    @property
    def idle(self) -> int:
        """Threads waiting for a job (blocked, not competing for the interpreter)."""
        return self._idle

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            spare = self._idle > 0
            if spare:
                self._idle -= 1
        if spare:
            self._jobs.put(job)
        else:
            threading.Thread(target=self._serve, args=(job,), name="cloudburst-invokeurl", daemon=True).start()

    def _serve(self, job: Callable[[], None]) -> None:
        while True:
            job()  # never raises: call_within's work() keeps every outcome
            with self._lock:
                if self._idle >= self._max_idle:
                    return
                self._idle += 1
            job = self._jobs.get()



#: The process's helper threads.
WORKERS = Workers()


def call_within(call: Callable[[], T], seconds: float | None, cancelled: CancelFlag | None = None,
                poll: float = 0.02) -> tuple[bool, T | None]:
    """Run ``call`` in a helper thread; ``(True, result)`` when it ends within ``seconds``
    (None: no limit), ``(False, None)`` when time ran out first. Raises what ``call``
    raised, and :class:`~cloudburst.errors.CancelledError` when ``cancelled`` is set. An
    abandoned call keeps its thread until it ends by itself; its result is dropped."""
    from cloudburst.errors import CancelledError

    outcome: list[tuple[bool, object]] = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as exc:  # handed to the waiting run below
            outcome.append((False, exc))
        finally:
            done.set()

    WORKERS.submit(work)
    end = None if seconds is None else time.monotonic() + seconds
    while not done.wait(poll if end is None else max(0.0, min(poll, end - time.monotonic()))):
        if cancelled is not None and cancelled.is_set():
            raise CancelledError("the run was cancelled")
        if end is not None and time.monotonic() >= end:
            return False, None
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return True, value  # type: ignore[return-value]
