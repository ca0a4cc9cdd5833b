"""Where queued runs go: the executor interface and the local worker pool.

An executor receives run ids (the record is already in the store, queued); ``local`` runs
them in this process's threads, ``celery`` (:mod:`cloudburst.workflows.celery_executor`)
sends them to Celery workers. Either way a :class:`~cloudburst.workflows.runner.Runner`
claims each run before starting it, so a run id handed over twice still runs once.
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import uuid
from typing import TYPE_CHECKING, Protocol

from cloudburst.workflows.runner import Runner

if TYPE_CHECKING:
    from cloudburst.workflows.service import Workflows

__all__ = ["Executor", "LocalExecutor", "worker_name", "HEARTBEAT_SECONDS"]

#: How often a worker marks its running runs alive and looks for cancellations.
HEARTBEAT_SECONDS = 2.0


def worker_name(kind: str) -> str:
    """A name unique to this process (host, pid, random), kept in the run records."""
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Executor(Protocol):
    def start(self) -> None: ...

    def submit(self, run_id: int) -> None: ...

    def shutdown(self, grace: float) -> None:
        """Stop taking runs; wait up to ``grace`` seconds for running ones, then cancel them.
        Queued runs stay queued in the store (nothing is lost)."""
        ...


class LocalExecutor:
    """A pool of ``workers`` threads in this process (the embedded default)."""

    def __init__(self, workflows: Workflows, workers: int = 4) -> None:
        self._workflows = workflows
        self.runner = Runner(workflows, worker_name("local"), self.submit)
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._size = max(1, workers)
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._busy = 0

    def start(self) -> None:
        """Start the threads, then take up the runs left queued in the store."""
        for number in range(self._size):
            thread = threading.Thread(target=self._work, name=f"cloudburst-run-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)
        beat = threading.Thread(target=self._beat, name="cloudburst-heartbeat", daemon=True)
        beat.start()
        self._threads.append(beat)
        for run_id in self._workflows.runs.queued():
            self.submit(run_id)

    def submit(self, run_id: int) -> None:
        if not self._stop.is_set():
            self._queue.put(run_id)

    def _work(self) -> None:
        while True:
            run_id = self._queue.get()
            if run_id is None or self._stop.is_set():
                return
            with self._idle:
                self._busy += 1
            try:
                self.runner.execute(run_id)
            except Exception:  # the store went away mid-run; the run stays for recovery
                pass
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            running = self.runner.running()
            try:
                self.runner.cancel(self._workflows.runs.heartbeat(running, self.runner.worker))
            except Exception:  # a store hiccup: try again at the next beat
                pass

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is queued or running here (for tests and benchmarks)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0 and self._queue.empty(), timeout)

    def shutdown(self, grace: float) -> None:
        self._stop.set()
        for _ in self._threads:
            self._queue.put(None)
        with self._idle:
            finished = self._idle.wait_for(lambda: self._busy == 0, grace)
        if not finished:
            self.runner.cancel(set(self.runner.running()))
            with self._idle:
                self._idle.wait_for(lambda: self._busy == 0, 5.0)
        self.runner.close()
