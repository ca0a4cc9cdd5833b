"""Schedule accuracy: 100 schedules, each firing once a minute at its own second, over a
run of 10 schedule-minutes on a time-scaled clock, fired by the real scheduler loop into the
real local pool on a SQLite store.

Run: python tests/bench/bench_schedules.py [--minutes 10] [--scale 20] [--schedules 100]
Prints the fire delay (median, p99, max; schedule seconds), missed and doubled fires.
Targets: p99 <= 1 s, zero missed, zero doubled.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cloudburst.workflows.executor import LocalExecutor
from cloudburst.workflows.scheduler import Scheduler
from cloudburst.workflows.service import Workflows
from cloudburst.workflows.timing import Timing


class ScaledClock:
    """Schedule time runs ``scale`` times faster than the wall clock."""

    def __init__(self, start: datetime, scale: float) -> None:
        self.start, self.scale, self.origin = start, scale, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.origin) * self.scale)

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(max(0.0, seconds) / self.scale)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--schedules", type=int, default=100)
    args = parser.parse_args()
    start = datetime(2026, 12, 3, 9, 0, 30, tzinfo=timezone.utc)
    clock = ScaledClock(start, args.scale)
    folder = Path(tempfile.mkdtemp(prefix="cb-bench-sched-"))
    wf = Workflows(f"sqlite:///{folder / 'bench.db'}", clock=clock)
    wf.functions.deploy('void tick(int n)\n{\n  info "tick " + n;\n}\n', "tick.dg", "tick")
    expressions = {}
    for n in range(args.schedules):
        made = wf.schedules.create("tick", cron=f"* * * * * {n % 60}", inputs={"n": n}, overlap="allow")
        expressions[made["id"]] = (made["cron"], datetime.fromisoformat(made["next_fire"]))
    pool = LocalExecutor(wf, workers=4)
    pool.start()
    scheduler = Scheduler(wf, pool.submit)
    created = clock.now()
    scheduler.start()
    end = created + timedelta(minutes=args.minutes)
    while clock.now() < end:
        time.sleep(0.2)
    scheduler.stop()
    pool.wait_idle(60)
    pool.shutdown(10)
    stop_at = end - timedelta(seconds=2)  # fires in the last instant may not have been written yet
    delays: list[float] = []
    missed = doubled = 0
    runs = wf.runs.find(limit=1_000_000)
    by_schedule: dict[int, list[datetime]] = {}
    for run in runs:
        by_schedule.setdefault(run["schedule_id"], []).append(datetime.fromisoformat(run["queued_at"]))
    for schedule_id, (cron, first) in expressions.items():
        timing = Timing(cron, None, "UTC")
        expected, fire = [], first
        while fire is not None and fire <= stop_at:
            expected.append(fire)
            fire = timing.next_after(fire)
        got = sorted(by_schedule.get(schedule_id, []))
        for due in expected:
            match = next((t for t in got if t >= due), None)
            if match is None or match - due > timedelta(seconds=60):
                missed += 1
                continue
            got.remove(match)
            if due >= created:  # fires due while the schedules were still being created are not timed
                delays.append((match - due).total_seconds())
        doubled += len([t for t in got if t <= stop_at])
    statuses = {s: n for s, n in wf.runs.counts().items()}
    delays.sort()
    p99 = delays[int(len(delays) * 0.99) - 1] if delays else float("nan")
    print(f"schedules={args.schedules} minutes={args.minutes} scale={args.scale}x fires={len(delays)}")
    print(f"fire delay (schedule seconds): median={statistics.median(delays):.3f} p99={p99:.3f} max={delays[-1]:.3f}")
    print(f"missed={missed} doubled={doubled} run statuses={statuses}")
    wf.close()


if __name__ == "__main__":
    main()
