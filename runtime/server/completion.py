"""Waiting for a run to end without blocking the event loop: the local pool reports each
end at once; runs on Celery workers are polled in the store."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable

__all__ = ["Completion"]


def _settle(future: asyncio.Future[dict[str, Any]], record: dict[str, Any]) -> None:
    if not future.done():
        future.set_result(record)


class Completion:
    def __init__(self, load: Callable[[int], dict[str, Any]]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._waiters: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[dict[str, Any]]]] = {}

    def finished(self, run_id: int, record: dict[str, Any]) -> None:
        """A runner's listener: hands the ended run's record to whoever waits for it."""
        with self._lock:
            waiter = self._waiters.pop(run_id, None)
        if waiter is not None:
            loop, future = waiter
            loop.call_soon_threadsafe(_settle, future, record)

    def expect(self, run_id: int) -> asyncio.Future[dict[str, Any]]:
        """Register before the run is submitted, so its end cannot be missed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        with self._lock:
            self._waiters[run_id] = (loop, future)
        return future

    async def wait(self, run_id: int, future: asyncio.Future[dict[str, Any]], timeout: float) -> dict[str, Any]:
        """The run's record once it ended, or as it is after ``timeout`` seconds."""
        from starlette.concurrency import run_in_threadpool

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        poll = 0.05
        try:
            while True:
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    return await asyncio.wait_for(asyncio.shield(future), min(poll, left))
                except asyncio.TimeoutError:
                    run = await run_in_threadpool(self._load, run_id)
                    if run["status"] not in ("queued", "waiting", "running"):
                        return run
                    poll = min(poll * 2, 0.5)
        finally:
            with self._lock:
                self._waiters.pop(run_id, None)
        return await run_in_threadpool(self._load, run_id)
