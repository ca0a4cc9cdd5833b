"""Schedules: what fires when, and firing them.

Firing is one transaction per schedule: the conditional UPDATE that moves ``next_fire`` on
(only if nobody else moved it) and the run records of that fire are written together, so a
fire is never doubled across processes and never lost in a crash. Every fire leaves a run
record, even one a policy skips, and a schedule that cannot fire says why in ``problem``.

Policies: ``overlap`` (a previous run of this schedule is still waiting, queued or running):
``skip`` records a skipped run, ``queue`` holds the new run until the previous one ends,
``allow`` starts it anyway. ``missed`` (fires more than ``MISFIRE_GRACE`` late, after
downtime): ``once`` makes one run of them and any on-time fire, ``all`` runs each, ``skip``
records them as one skipped run (on-time fires still run).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from cloudburst.workflows.errors import InvalidRequest, NotFound
from cloudburst.workflows.functions import Deployed, Functions
from cloudburst.workflows.inputs import check_inputs, mask_inputs
from cloudburst.workflows.models import RunRow, ScheduleRow
from cloudburst.workflows.runs import new_run
from cloudburst.workflows.states import KINDS, MISSED, OVERLAP
from cloudburst.workflows.store import WorkflowStore, iso, loads, rowcount
from cloudburst.workflows.timing import Timing, cron_for, zone

__all__ = ["Schedules", "MISFIRE_GRACE"]

#: A fire later than this is a missed fire (downtime), handled by the ``missed`` policy.
MISFIRE_GRACE = timedelta(seconds=60)
#: At most this many missed fires are counted (a year-long outage of a per-minute schedule
#: must not write half a million records).
_MAX_CATCH_UP = 1000


def _timing(row: ScheduleRow) -> Timing:
    return Timing(row.expression, row.run_at, row.timezone, row.start_at, row.end_at)


def _local(text: str | None, tz: str, field: str) -> datetime | None:
    """An ISO 8601 date-time (in ``tz`` unless it carries an offset) as aware UTC."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{field}: '{text}' is not an ISO 8601 date-time (e.g. 2026-12-24T09:00)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return value.astimezone(timezone.utc)


class Schedules:
    def __init__(self, store: WorkflowStore, functions: Functions) -> None:
        self._store = store
        self._functions = functions

    def create(self, function: str, *, cron: str | None = None, kind: str | None = None, at: str | None = None,
               days: str | None = None, day: int | None = None, date: str | None = None, timezone_name: str = "UTC",
               start: str | None = None, end: str | None = None, inputs: dict[str, Any] | None = None,
               overlap: str = "skip", missed: str = "once") -> dict[str, Any]:
        deployed = self._functions.current(function)
        plain = check_inputs(deployed.parameters, inputs or {})
        if overlap not in OVERLAP:
            raise InvalidRequest(f"--overlap: one of {', '.join(OVERLAP)}")
        if missed not in MISSED:
            raise InvalidRequest(f"--missed: one of {', '.join(MISSED)}")
        zone(timezone_name)
        kind = kind or ("cron" if cron else "once")
        if kind not in KINDS:
            raise InvalidRequest(f"--kind: unknown schedule kind '{kind}' (one of {', '.join(KINDS)})")
        run_at = None
        if kind == "cron":
            if not cron:
                raise InvalidRequest("--cron: a cron schedule needs an expression such as \"*/5 * * * *\"")
            expression: str | None = cron
        elif kind == "once":
            if cron:
                raise InvalidRequest("--cron and --kind once exclude each other")
            run_at = _local(at, timezone_name, "--at")
            if run_at is None:
                raise InvalidRequest("--at: a single run needs a date-time (e.g. 2026-12-24T09:00)")
            expression = None
        else:
            expression = cron_for(kind, at=at, days=days, day=day, date=date)
        timing = Timing(expression, run_at, timezone_name, _local(start, timezone_name, "--start"),
                        _local(end, timezone_name, "--end"))
        timing.validate()
        now = self._store.now()
        row = ScheduleRow(function_name=deployed.name, kind=kind, expression=expression, run_at=run_at,
                          timezone=timezone_name, start_at=timing.start_at, end_at=timing.end_at,
                          inputs=json.dumps(plain), overlap=overlap, missed=missed,
                          next_fire=timing.next_after(now), created_at=now)
        with self._store.tx() as s:
            s.add(row)
        return self._describe(row)

    def _describe(self, row: ScheduleRow) -> dict[str, Any]:
        return {"id": row.id, "function": row.function_name, "kind": row.kind, "cron": row.expression,
                "run_at": iso(row.run_at), "timezone": row.timezone, "start": iso(row.start_at),
                "end": iso(row.end_at), "inputs": mask_inputs(loads(row.inputs, {})), "overlap": row.overlap,
                "missed": row.missed, "paused": row.paused, "next_fire": iso(row.next_fire),
                "last_fire": iso(row.last_fire), "problem": row.problem or self._problem(row)}

    def _problem(self, row: ScheduleRow) -> str | None:
        """Why this schedule could not fire now (checked when listing, so it shows before it fires)."""
        from cloudburst.workflows.errors import WorkflowError

        try:
            check_inputs(self._functions.current(row.function_name).parameters, loads(row.inputs, {}))
        except WorkflowError as exc:
            return exc.message
        if row.next_fire is None and not row.paused:
            return "finished: no fire time is left"
        return None

    def all(self) -> list[dict[str, Any]]:
        with self._store.tx() as s:
            rows = s.exec(select(ScheduleRow).order_by(col(ScheduleRow.id))).all()
        return [self._describe(r) for r in rows]

    def get(self, schedule_id: int) -> dict[str, Any]:
        with self._store.tx() as s:
            row = self._row(s, schedule_id)
        return self._describe(row)

    @staticmethod
    def _row(s: Any, schedule_id: int) -> ScheduleRow:
        row = s.get(ScheduleRow, schedule_id)
        if row is None:
            raise NotFound(f"schedule {schedule_id} does not exist")
        return row  # type: ignore[no-any-return]

    def set_paused(self, schedule_id: int, paused: bool) -> dict[str, Any]:
        """Pause, or resume from now (fires missed while paused are not caught up)."""
        now = self._store.now()
        with self._store.tx() as s:
            row = self._row(s, schedule_id)
            row.paused = paused
            if not paused:
                row.next_fire = _timing(row).next_after(now)
            s.add(row)
        return self._describe(row)

    def delete(self, schedule_id: int) -> None:
        with self._store.tx() as s:
            s.delete(self._row(s, schedule_id))

    def next_due(self) -> datetime | None:
        from sqlalchemy import func

        with self._store.tx() as s:
            return s.exec(select(func.min(ScheduleRow.next_fire)).where(ScheduleRow.paused == False)).one()  # noqa: E712

    def fire_due(self) -> list[int]:
        """Fire every due schedule in one transaction; returns the queued run ids to submit.

        Each schedule moves on only if its ``next_fire`` is still the one read (so two
        schedulers never both fire it), and its runs are written in the same transaction."""
        from cloudburst.workflows.errors import WorkflowError

        now = self._store.now()
        with self._store.tx() as s:
            names = set(s.exec(select(ScheduleRow.function_name).where(
                ScheduleRow.paused == False, col(ScheduleRow.next_fire).is_not(None),  # noqa: E712
                col(ScheduleRow.next_fire) <= now)).all())
        if not names:
            return []
        deployed: dict[str, Deployed | str] = {}
        for name in names:
            try:
                deployed[name] = self._functions.current(name)
            except WorkflowError as exc:
                deployed[name] = exc.message
        submit: list[int] = []
        table = ScheduleRow.__table__  # type: ignore[attr-defined]
        with self._store.tx() as s:
            due = s.exec(select(ScheduleRow).where(ScheduleRow.paused == False,  # noqa: E712
                                                   col(ScheduleRow.next_fire).is_not(None),
                                                   col(ScheduleRow.next_fire) <= now)
                         .order_by(col(ScheduleRow.next_fire))).all()
            for row in due:
                assert row.next_fire is not None
                timing = _timing(row)
                fires = [row.next_fire]
                following = timing.next_after(row.next_fire)
                while following is not None and following <= now:
                    if len(fires) < _MAX_CATCH_UP:
                        fires.append(following)
                    following = timing.next_after(following)
                moved = rowcount(s.execute(update(table).where(table.c.id == row.id,
                                                               table.c.next_fire == row.next_fire)
                                           .values(next_fire=following, last_fire=fires[-1])))
                if moved:  # else another scheduler fired it
                    found = deployed.get(row.function_name, f'function "{row.function_name}" does not exist')
                    submit.extend(self._runs_for(s, row, found, fires, now))
        return submit

    @staticmethod
    def _runs_for(s: Any, row: ScheduleRow, deployed: Deployed | str, fires: list[datetime],
                  now: datetime) -> list[int]:
        from cloudburst.workflows.errors import WorkflowError

        assert row.id is not None
        inputs = loads(row.inputs, {})
        late = [f for f in fires if now - f > MISFIRE_GRACE]
        on_time = [f for f in fires if now - f <= MISFIRE_GRACE]
        rows: list[RunRow] = []
        problem = deployed if isinstance(deployed, str) else None
        if isinstance(deployed, Deployed):
            try:
                check_inputs(deployed.parameters, inputs)
            except WorkflowError as exc:
                problem = exc.message
        table = ScheduleRow.__table__  # type: ignore[attr-defined]
        if problem is not None or row.problem:
            s.execute(update(table).where(table.c.id == row.id).values(problem=problem))
        if problem is not None or not isinstance(deployed, Deployed):
            s.add(new_run(row.function_name, inputs, "schedule", now, schedule_id=row.id, status="failed",
                          error=f"the schedule could not fire: {problem}"))
            return []
        wanted: list[tuple[datetime, str | None]] = [(f, None) for f in on_time]
        if late:
            if row.missed == "all":
                wanted = [(f, f"missed fire of {iso(f)}, run by policy missed=all") for f in late] + wanted
            elif row.missed == "once":
                wanted = [(fires[-1], f"{len(late)} missed fire(s) up to {iso(late[-1])} folded into this run "
                                      "by policy missed=once")]
            else:
                rows.append(new_run(row.function_name, inputs, "schedule", now, version=deployed.version,
                                    schedule_id=row.id, status="skipped",
                                    note=f"{len(late)} missed fire(s) up to {iso(late[-1])} skipped by policy"))
        busy = row.overlap != "allow" and s.exec(select(RunRow.id).where(
            RunRow.schedule_id == row.id, col(RunRow.status).in_(("waiting", "queued", "running")))).first() is not None
        for fire, note in wanted:
            text = f"fire of {iso(fire)}" + (f"; {note}" if note else "")
            status = "queued"
            if busy and row.overlap == "skip":
                status, text = "skipped", f"{text}; skipped: the previous run is still going (overlap=skip)"
            elif busy and row.overlap == "queue":
                status, text = "waiting", f"{text}; waiting for the previous run (overlap=queue)"
            rows.append(new_run(row.function_name, inputs, "schedule", now, version=deployed.version,
                                schedule_id=row.id, status=status, note=text))
            busy = busy or status == "queued"
        for r in rows:
            s.add(r)
        s.flush()
        return [r.id for r in rows if r.status == "queued" and r.id is not None]
