"""The run history: one record per run, whatever started it, moved through its states with
conditional UPDATEs so that two workers can never both start the same run.

States: ``waiting`` (held behind a previous run of its schedule), ``queued``, ``running``,
then one final state: ``succeeded``, ``failed``, ``cancelled``, ``timed_out`` or ``skipped``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import delete, update
from sqlmodel import col, select

from cloudburst.workflows.errors import InvalidRequest, NotFound
from cloudburst.workflows.inputs import mask_inputs
from cloudburst.workflows.models import RunRow
from cloudburst.workflows.states import FINAL, STATUSES, TRIGGERS
from cloudburst.workflows.store import WorkflowStore, iso, loads, rowcount

__all__ = ["Runs", "Outcome", "new_run", "describe"]



@dataclass
class Outcome:
    """How a run ended, as the runner records it."""

    status: str
    info: list[str] = field(default_factory=list)
    result: str | None = None
    output_type: str | None = None
    error: str | None = None
    error_line: int | None = None
    error_column: int | None = None
    statements: int | None = None
    http_calls: list[dict[str, Any]] = field(default_factory=list)


def _note(row: RunRow, text: str, when: datetime) -> None:
    notes = loads(row.notes, [])
    notes.append({"at": iso(when), "note": text})
    row.notes = json.dumps(notes)


def describe(row: RunRow) -> dict[str, Any]:
    """A run as JSON: inputs masked, result parsed, times ISO 8601."""
    duration = None
    if row.started_at and row.ended_at:
        duration = round((row.ended_at - row.started_at).total_seconds(), 6)
    error = None
    if row.error is not None:
        error = {"message": row.error, "line": row.error_line, "column": row.error_column}
    return {
        "id": row.id, "function": row.function_name, "version": row.version, "trigger": row.trigger,
        "schedule_id": row.schedule_id, "retry_of": row.retry_of, "status": row.status,
        "inputs": mask_inputs(loads(row.inputs, {})), "info": loads(row.info, []),
        "result": loads(row.result), "output_type": row.output_type, "error": error,
        "statements": row.statements, "http_calls": loads(row.http_calls, []), "notes": loads(row.notes, []),
        "attempts": row.attempts, "worker": row.worker, "queued_at": iso(row.queued_at),
        "started_at": iso(row.started_at), "ended_at": iso(row.ended_at), "duration": duration,
    }


def new_run(function: str, inputs: dict[str, Any], trigger: str, now: datetime, *, version: int | None = None,
            schedule_id: int | None = None, retry_of: int | None = None, status: str = "queued",
            note: str | None = None, error: str | None = None) -> RunRow:
    """A run record to add (a run that ends before it starts, such as a skipped fire, ends now)."""
    row = RunRow(function_name=function, version=version, trigger=trigger, schedule_id=schedule_id,
                 retry_of=retry_of, inputs=json.dumps(inputs), status=status, queued_at=now, error=error)
    if status in FINAL:
        row.ended_at = now
    if note:
        _note(row, note, now)
    return row


class Runs:
    def __init__(self, store: WorkflowStore) -> None:
        self._store = store

    # ---------------------------------------------------------------- creating
    def create(self, function: str, inputs: dict[str, Any], trigger: str, *, version: int | None = None,
               schedule_id: int | None = None, retry_of: int | None = None, status: str = "queued",
               note: str | None = None, error: str | None = None) -> int:
        row = new_run(function, inputs, trigger, self._store.now(), version=version, schedule_id=schedule_id,
                      retry_of=retry_of, status=status, note=note, error=error)
        with self._store.tx() as s:
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    # ---------------------------------------------------------------- the worker's side
    def claim(self, run_id: int, worker: str) -> RunRow | None:
        """Move a queued run to running for ``worker``; None when it is not queued any more
        (another worker has it, it was cancelled, or it already ended)."""
        now = self._store.now()
        table = RunRow.__table__  # type: ignore[attr-defined]
        with self._store.tx() as s:
            taken = rowcount(s.execute(update(table).where(table.c.id == run_id, table.c.status == "queued")
                              .values(status="running", worker=worker, started_at=now, heartbeat_at=now,
                                      attempts=table.c.attempts + 1)))
            return s.get(RunRow, run_id) if taken else None

    def finish(self, run_id: int, worker: str, outcome: Outcome) -> dict[str, Any] | None:
        """Record the end of a run this worker holds and return its record; None if the
        worker no longer holds it."""
        now = self._store.now()
        with self._store.tx() as s:
            row = s.get(RunRow, run_id)
            if row is None or row.status != "running" or row.worker != worker:
                return None
            row.status = outcome.status
            row.info = json.dumps(outcome.info)
            row.result = outcome.result
            row.output_type = outcome.output_type
            row.error, row.error_line, row.error_column = outcome.error, outcome.error_line, outcome.error_column
            row.statements = outcome.statements
            row.http_calls = json.dumps(outcome.http_calls)
            row.ended_at = now
            s.add(row)
            s.flush()
            return describe(row)

    def heartbeat(self, run_ids: Iterable[int], worker: str) -> set[int]:
        """Mark the runs as alive; returns those whose cancellation was asked for."""
        ids = list(run_ids)
        if not ids:
            return set()
        table = RunRow.__table__  # type: ignore[attr-defined]
        with self._store.tx() as s:
            s.execute(update(table).where(table.c.id.in_(ids), table.c.worker == worker, table.c.status == "running")
                      .values(heartbeat_at=self._store.now()))
            asked = s.exec(select(RunRow.id).where(col(RunRow.id).in_(ids), RunRow.cancel_requested == True)).all()  # noqa: E712
            return {i for i in asked if i is not None}

    def recover_lost(self, stale_after: float, policy: str = "requeue") -> list[int]:
        """Runs whose worker stopped beating (killed, machine lost): re-queued (returned, to be
        submitted again) or marked failed, by ``policy``; either way with a note saying so."""
        now = self._store.now()
        limit = now - timedelta(seconds=stale_after)
        requeued: list[int] = []
        with self._store.tx() as s:
            rows = s.exec(select(RunRow).where(RunRow.status == "running", col(RunRow.heartbeat_at) < limit)
                          .with_for_update(skip_locked=True)).all()
            for row in rows:
                lost = f"worker {row.worker} stopped during attempt {row.attempts}"
                if policy == "requeue" and not row.cancel_requested:
                    row.status, row.worker, row.started_at = "queued", None, None
                    _note(row, f"{lost}; re-queued", now)
                    assert row.id is not None
                    requeued.append(row.id)
                else:
                    row.status, row.ended_at = ("cancelled" if row.cancel_requested else "failed"), now
                    row.error = f"the run was lost: {lost}"
                    _note(row, f"{lost}; marked {row.status}", now)
                s.add(row)
        return requeued

    def queued(self, limit: int = 10_000) -> list[int]:
        """Queued runs, oldest first (a restarted local pool takes them up again)."""
        with self._store.tx() as s:
            return [i for i in s.exec(select(RunRow.id).where(RunRow.status == "queued")
                                      .order_by(col(RunRow.id)).limit(limit)).all() if i is not None]

    def release_waiting(self, schedule_id: int) -> int | None:
        """Queue the oldest run held behind a finished run of ``schedule_id`` (overlap=queue)."""
        with self._store.tx() as s:
            row = s.exec(select(RunRow).where(RunRow.schedule_id == schedule_id, RunRow.status == "waiting")
                         .order_by(col(RunRow.id)).limit(1)).first()
            if row is None:
                return None
            row.status = "queued"
            s.add(row)
            return row.id

    # ---------------------------------------------------------------- reading
    def get(self, run_id: int) -> dict[str, Any]:
        with self._store.tx() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise NotFound(f"run {run_id} does not exist")
            return describe(row)

    def raw_inputs(self, run_id: int) -> tuple[str, dict[str, Any]]:
        with self._store.tx() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise NotFound(f"run {run_id} does not exist")
            return row.function_name, loads(row.inputs, {})

    def find(self, *, function: str | None = None, status: str | None = None, trigger: str | None = None,
             since: datetime | None = None, after_id: int | None = None, before_id: int | None = None,
             schedule_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first (oldest first when following with ``after_id``); ``before_id`` pages
        back through older runs."""
        if status is not None and status not in STATUSES:
            raise InvalidRequest(f"--status: unknown status '{status}' (one of {', '.join(STATUSES)})")
        if trigger is not None and trigger not in TRIGGERS:
            raise InvalidRequest(f"--trigger: unknown trigger '{trigger}' (one of {', '.join(TRIGGERS)})")
        query = select(RunRow)
        if function:
            query = query.where(RunRow.function_name == function)
        if status:
            query = query.where(RunRow.status == status)
        if trigger:
            query = query.where(RunRow.trigger == trigger)
        if since is not None:
            query = query.where(col(RunRow.queued_at) >= since)
        if schedule_id is not None:
            query = query.where(RunRow.schedule_id == schedule_id)
        if before_id is not None:
            query = query.where(col(RunRow.id) < before_id)
        if after_id is not None:
            query = query.where(col(RunRow.id) > after_id).order_by(col(RunRow.id))
        else:
            query = query.order_by(col(RunRow.id).desc())
        with self._store.tx() as s:
            return [describe(r) for r in s.exec(query.limit(limit)).all()]

    def counts(self) -> dict[str, int]:
        from sqlalchemy import func

        with self._store.tx() as s:
            return {status: n for status, n in s.exec(select(RunRow.status, func.count()).group_by(RunRow.status)).all()}

    # ---------------------------------------------------------------- changing
    def cancel(self, run_id: int) -> str:
        """Cancel a waiting or queued run at once; ask a running one to stop. Returns the status."""
        now = self._store.now()
        with self._store.tx() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise NotFound(f"run {run_id} does not exist")
            if row.status in ("waiting", "queued"):
                row.status, row.ended_at = "cancelled", now
                _note(row, "cancelled before it started", now)
            elif row.status == "running":
                row.cancel_requested = True
                _note(row, "cancellation asked for", now)
            else:
                raise InvalidRequest(f"run {run_id} has already ended ({row.status})")
            s.add(row)
            return row.status

    def prune(self, older_than: timedelta) -> int:
        """Delete ended runs that ended more than ``older_than`` ago."""
        limit = self._store.now() - older_than
        table = RunRow.__table__  # type: ignore[attr-defined]
        with self._store.tx() as s:
            return rowcount(s.execute(delete(table).where(table.c.status.in_(FINAL), table.c.ended_at < limit)))
