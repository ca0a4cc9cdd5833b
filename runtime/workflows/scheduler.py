"""The scheduler loop: whoever holds the ``scheduler`` lease fires due schedules and recovers
runs whose worker was lost; the others wait and take over when the lease runs out.

Time comes from the store's clock, so tests step it and benchmarks scale it; :meth:`tick`
does one round and is what tests call.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Callable

from cloudburst.workflows.executor import worker_name

if TYPE_CHECKING:
    from cloudburst.workflows.service import Workflows

__all__ = ["Scheduler", "LEASE"]

LEASE = "scheduler"


class Scheduler:
    """``submit`` receives each queued run id a fire creates. ``lost_after`` seconds without a
    heartbeat mark a running run lost; ``lost_policy`` is ``requeue`` or ``fail``. With a
    ``retention``, the leader deletes runs that ended longer ago than that, once an hour."""

    def __init__(self, workflows: Workflows, submit: Callable[[int], None], *, holder: str | None = None,
                 lease_seconds: float = 15.0, poll: float = 1.0, lost_after: float = 30.0,
                 lost_policy: str = "requeue", retention: timedelta | None = None) -> None:
        self._workflows = workflows
        self._submit = submit
        self.holder = holder or worker_name("scheduler")
        self._lease_seconds = lease_seconds
        self._poll = poll
        self._lost_after = lost_after
        self._lost_policy = lost_policy
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_recovery: float | None = None
        self._retention = retention
        self._last_prune: float | None = None

    def tick(self) -> list[int]:
        """One round: renew or take the lease, fire what is due, recover lost runs."""
        wf = self._workflows
        if not wf.leases.acquire(LEASE, self.holder, self._lease_seconds):
            return []
        submitted: list[int] = []
        for run_id in wf.schedules.fire_due():
            self._submit(run_id)
            submitted.append(run_id)
        now = wf.clock.now().timestamp()
        if self._last_recovery is None or now - self._last_recovery >= self._lost_after / 3:
            self._last_recovery = now
            for run_id in wf.runs.recover_lost(self._lost_after, self._lost_policy):
                self._submit(run_id)
                submitted.append(run_id)
        if self._retention is not None and (self._last_prune is None or now - self._last_prune >= 3600):
            self._last_prune = now
            wf.runs.prune(self._retention)
        return submitted

    def _wait(self) -> float:
        """Seconds until the next fire is due, at most one poll interval."""
        due = self._workflows.schedules.next_due()
        if due is None:
            return self._poll
        return max(0.0, min(self._poll, (due - self._workflows.clock.now()).total_seconds()))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
                wait = self._wait()
            except Exception:  # the store is unreachable for a moment: try again shortly
                wait = self._poll
            self._workflows.clock.sleep(wait, self._stop)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="cloudburst-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            self._workflows.leases.release(LEASE, self.holder)
        except Exception:  # the lease simply runs out
            pass
