"""Running one queued run: claim it, compile its function version (compiled scripts are
cached by source), run it with its inputs, record how it ended, then start what follows
(the function's ``on_failure`` handler, the next run held behind it by its schedule).

Every worker, local thread or Celery process, runs runs through a :class:`Runner`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable

from cloudburst.workflows.calls import CallRecorder
from cloudburst.workflows.runs import Outcome

if TYPE_CHECKING:
    from cloudburst.engine import Runtime
    from cloudburst.execution import Execution
    from cloudburst.workflows.service import Workflows

__all__ = ["Runner", "output_type"]

_OUTPUT_TYPES = {"TEXT": "string", "NUMBER": "number", "DECIMAL": "decimal", "BOOLEAN": "boolean",
                 "KEY-VALUE": "map", "LIST": "list", "DATE": "date", "DATE-TIME": "datetime", "TIME": "time",
                 "FILE": "file", "NULL": "void"}


def output_type(value: Any) -> str:
    """The ``output_type`` Zoho's envelope reports for a return value."""
    from cloudburst.values import type_name

    return _OUTPUT_TYPES.get(type_name(value), "string")


class Runner:
    """Runs runs for one worker (``worker`` names it in the records and in the lease)."""

    def __init__(self, workflows: Workflows, worker: str, submit: Callable[[int], None]) -> None:
        self._workflows = workflows
        self.worker = worker
        self._submit = submit
        self._recorder = CallRecorder()
        self._runtime: Runtime | None = None
        self._lock = threading.Lock()
        self.active: dict[int, Execution] = {}
        #: Runs claimed and not yet recorded (compiling counts: their heartbeat must go on).
        self._held: set[int] = set()
        self._deployed: dict[tuple[str, int], Any] = {}  # versions are immutable: cached for good
        #: Called with (run id, the run's record) after each run this runner records.
        self.listeners: list[Callable[[int, dict[str, Any]], None]] = []

    def runtime(self) -> Runtime:
        with self._lock:
            if self._runtime is None:
                runtime = self._workflows.new_runtime()
                self._recorder.install(runtime)
                self._runtime = runtime
            return self._runtime

    def execute(self, run_id: int) -> str | None:
        """Run ``run_id`` if it is still queued; returns its final status (None: not ours)."""
        runs = self._workflows.runs
        with self._lock:
            self._held.add(run_id)
        try:
            row = runs.claim(run_id, self.worker)
            if row is None:
                return None
            outcome = self._run(run_id, row.function_name, row.version, row.inputs)
            record = runs.finish(run_id, self.worker, outcome)
            if record is None:
                return None
        finally:
            with self._lock:
                self._held.discard(run_id)
        for listener in self.listeners:
            listener(run_id, record)
        self._follow_up(run_id, row.function_name, row.schedule_id, row.trigger, outcome)
        return outcome.status

    def cancel(self, run_ids: set[int]) -> None:
        with self._lock:
            for run_id in run_ids:
                execution = self.active.get(run_id)
                if execution is not None:
                    execution.cancel()

    def progress(self, run_id: int) -> tuple[list[str], list[dict[str, Any]]] | None:
        """The info lines and HTTP calls of a run executing here so far (None if it is not),
        so a page can show a long run as it goes."""
        with self._lock:
            execution = self.active.get(run_id)
        if execution is None:
            return None
        return list(execution.info_lines), self._recorder.calls_of(execution)

    def running(self) -> list[int]:
        """Runs this runner holds (claimed, not yet recorded)."""
        with self._lock:
            return list(self._held)

    def _run(self, run_id: int, function: str, version: int | None, stored: str) -> Outcome:
        import json

        from cloudburst.errors import CancelledError, CloudburstError, TimeoutLimitError
        from cloudburst.values import to_json_text
        from cloudburst.workflows.errors import WorkflowError
        from cloudburst.workflows.inputs import to_deluge

        try:
            deployed = self._deployed.get((function, version)) if version is not None else None
            if deployed is None:
                deployed = self._workflows.functions.current(function, version)
                self._deployed[(function, deployed.version)] = deployed
            script = self.runtime().compile(deployed.source, deployed.source_name)
            inputs = to_deluge(deployed.parameters, json.loads(stored))
        except WorkflowError as exc:
            return Outcome("failed", error=exc.message)
        except CloudburstError as exc:
            return Outcome("failed", error=exc.message, error_line=exc.span.line if exc.span else None,
                           error_column=exc.span.column if exc.span else None)
        execution = script.new_execution()
        with self._lock:
            self.active[run_id] = execution
        try:
            result = script.run(inputs, execution=execution)
        except CloudburstError as exc:
            status = "timed_out" if isinstance(exc, TimeoutLimitError) else (
                "cancelled" if isinstance(exc, CancelledError) else "failed")
            return Outcome(status, info=list(execution.info_lines), error=exc.message,
                           error_line=exc.span.line if exc.span else None,
                           error_column=exc.span.column if exc.span else None, statements=execution.statements,
                           http_calls=self._recorder.calls_of(execution))
        finally:
            with self._lock:
                self.active.pop(run_id, None)
        return Outcome("succeeded", info=result.info, result=to_json_text(result.value),
                       output_type=output_type(result.value), statements=result.statements,
                       http_calls=self._recorder.calls_of(execution))

    def _follow_up(self, run_id: int, function: str, schedule_id: int | None, trigger: str, outcome: Outcome) -> None:
        if schedule_id is not None:
            waiting = self._workflows.runs.release_waiting(schedule_id)
            if waiting is not None:
                self._submit(waiting)
        if outcome.status in ("failed", "timed_out") and trigger != "failure":
            follow = self._workflows.on_failure_run(run_id, function)
            if follow is not None:
                self._submit(follow)

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()
