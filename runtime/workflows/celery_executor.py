"""Scale-out on Celery (Redis broker, PostgreSQL store): ``serve --executor celery`` sends run
ids to the ``cloudburst`` queue, ``cloudburst worker`` processes run them.

Delivery is at least once and running is at most once: tasks are acknowledged late and
re-queued when their worker process dies (``task_reject_on_worker_lost``), and the runner
claims each run in the store before starting it, so a redelivered id whose run is already
held or ended is dropped. A run whose worker died mid-run stops sending heartbeats; a
worker holding the ``recovery`` lease re-queues it (or fails it, by policy) with a note.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Sequence

from cloudburst.workflows.executor import HEARTBEAT_SECONDS, worker_name

if TYPE_CHECKING:
    from celery import Celery

    from cloudburst.workflows.runner import Runner
    from cloudburst.workflows.service import Workflows

__all__ = ["CeleryExecutor", "make_app", "run_worker", "QUEUE", "TASK"]

QUEUE = "cloudburst"
TASK = "cloudburst.run"
RECOVERY_LEASE = "recovery"


class _WorkerSide:
    """Per worker process: the store, a runner, and the heartbeat/recovery thread (made lazily,
    after the pool has forked, so no connection crosses a fork)."""

    def __init__(self, database_url: str, secret_keys: Sequence[str] | None, lost_after: float,
                 lost_policy: str, app: Celery) -> None:
        self._config = (database_url, list(secret_keys) if secret_keys else None)
        self._lost_after, self._lost_policy, self._app = lost_after, lost_policy, app
        self._pid: int | None = None
        self._runner: Runner | None = None
        self._workflows: Workflows | None = None
        self._lock = threading.Lock()

    def runner(self) -> Runner:
        with self._lock:
            if self._runner is None or self._pid != os.getpid():
                from cloudburst.workflows.runner import Runner
                from cloudburst.workflows.service import Workflows

                url, keys = self._config
                self._pid = os.getpid()
                self._workflows = Workflows(url, secret_keys=keys)
                self._runner = Runner(self._workflows, worker_name("celery"), self._submit)
                threading.Thread(target=self._beat, name="cloudburst-heartbeat", daemon=True).start()
            return self._runner

    def _submit(self, run_id: int) -> None:
        self._app.send_task(TASK, args=[run_id], queue=QUEUE)

    def _beat(self) -> None:
        runner, workflows = self._runner, self._workflows
        assert runner is not None and workflows is not None
        stop = threading.Event()
        while not stop.wait(min(HEARTBEAT_SECONDS, self._lost_after / 3)):
            try:
                runner.cancel(workflows.runs.heartbeat(runner.running(), runner.worker))
                if workflows.leases.acquire(RECOVERY_LEASE, runner.worker, self._lost_after):
                    for run_id in workflows.runs.recover_lost(self._lost_after, self._lost_policy):
                        self._submit(run_id)
            except Exception:  # the store is unreachable for a moment: next beat
                continue


def make_app(broker_url: str, database_url: str, *, secret_keys: Sequence[str] | None = None,
             lost_after: float = 30.0, lost_policy: str = "requeue") -> Celery:
    """The Celery app both sides use (the sender needs only the broker)."""
    from celery import Celery

    app = Celery("cloudburst", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        worker_send_task_events=False,
    )
    side = _WorkerSide(database_url, secret_keys, lost_after, lost_policy, app)

    @app.task(name=TASK, acks_late=True, ignore_result=True)
    def run(run_id: int) -> str | None:
        return side.runner().execute(int(run_id))

    return app


def run_worker(app: Celery, *, concurrency: int, loglevel: str = "WARNING", hostname: str | None = None) -> None:
    """Run a Celery worker on the ``cloudburst`` queue until it is stopped (blocks)."""
    worker: Any = app.Worker(concurrency=concurrency, loglevel=loglevel, queues=[QUEUE], pool="prefork",
                             hostname=hostname or f"cloudburst-{os.getpid()}@%h", without_mingle=True,
                             without_gossip=True, optimization="fair")
    worker.start()


class CeleryExecutor:
    """Sends runs to Celery workers; they, not this process, run them."""

    def __init__(self, app: Celery) -> None:
        self._app = app

    def start(self) -> None:
        pass

    def submit(self, run_id: int) -> None:
        self._app.send_task(TASK, args=[run_id], queue=QUEUE)

    def shutdown(self, grace: float) -> None:
        pass  # runs belong to the workers; queued ones stay in the broker and the store
