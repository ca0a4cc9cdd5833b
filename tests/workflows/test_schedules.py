"""Schedules fired by the scheduler on a stepping clock: kinds, time zones and DST, the
overlap and missed-run policies, a schedule that cannot fire, and the leader lease."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from cloudburst.workflows.errors import InvalidRequest
from cloudburst.workflows.scheduler import Scheduler
from cloudburst.workflows.timing import Timing

REPORT = 'string report(string region)\n{\n  info "report for " + region;\n  return region;\n}\n'


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def report(wf: Any) -> Any:
    wf.functions.deploy(REPORT, "report.dg", "report")
    return wf


def statuses(wf: Any, schedule_id: int) -> list[str]:
    return [r["status"] for r in reversed(wf.runs.find(limit=1000)) if r["schedule_id"] == schedule_id]


def test_cron_in_a_time_zone_fires_once_per_slot(report: Any, clock: Any) -> None:
    submitted: list[int] = []
    made = report.schedules.create("report", cron="*/5 * * * *", timezone_name="Europe/Berlin",
                                   inputs={"region": "EU"}, overlap="allow")
    assert made["next_fire"] == "2026-03-02T08:05:00+00:00"
    scheduler = Scheduler(report, submitted.append)
    assert scheduler.tick() == []
    clock.advance(minutes=5)
    first = scheduler.tick()
    assert len(first) == 1 and scheduler.tick() == []
    run = report.runs.get(first[0])
    assert run["trigger"] == "schedule" and run["inputs"] == {"region": "EU"} and run["status"] == "queued"
    assert report.schedules.get(made["id"])["next_fire"] == "2026-03-02T08:10:00+00:00"


def test_zoho_kinds_become_cron_in_local_time(report: Any) -> None:
    weekly = report.schedules.create("report", kind="weekly", at="09:30", days="wed,fri", timezone_name="Asia/Kolkata",
                                     inputs={"region": "IN"})
    assert weekly["cron"] == "30 9 * * wed,fri"
    assert weekly["next_fire"] == "2026-03-04T04:00:00+00:00"  # Wednesday 09:30 IST
    yearly = report.schedules.create("report", kind="yearly", at="00:00", date="12-25", inputs={"region": "X"})
    assert yearly["next_fire"] == "2026-12-25T00:00:00+00:00"
    once = report.schedules.create("report", kind="once", at="2026-03-02T10:00", timezone_name="Europe/London",
                                   inputs={"region": "UK"})
    assert once["next_fire"] == "2026-03-02T10:00:00+00:00"
    with pytest.raises(InvalidRequest, match="--days"):
        report.schedules.create("report", kind="weekly", at="09:30", days="someday", inputs={"region": "X"})
    with pytest.raises(InvalidRequest, match="--cron"):
        report.schedules.create("report", cron="61 * * * *", inputs={"region": "X"})
    with pytest.raises(InvalidRequest, match="--timezone"):
        report.schedules.create("report", cron="* * * * *", timezone_name="Mars/Olympus", inputs={"region": "X"})
    with pytest.raises(InvalidRequest, match="missing argument: region"):
        report.schedules.create("report", cron="* * * * *")


def test_daily_schedule_keeps_local_time_across_dst() -> None:
    daily = Timing("0 9 * * *", None, "America/New_York")
    before = daily.next_after(utc(2026, 3, 7, 15, 0))
    after = daily.next_after(before)
    assert before == utc(2026, 3, 8, 13, 0)  # 09:00 EDT, the first day of summer time
    assert after == utc(2026, 3, 9, 13, 0)
    skipped_hour = Timing("30 2 * * *", None, "Europe/Berlin").next_after(utc(2026, 3, 28, 12, 0))
    assert skipped_hour == utc(2026, 3, 29, 1, 0)  # 02:30 does not exist that night: 03:00 CEST
    nightly = Timing("30 2 * * *", None, "Europe/Berlin")
    first = nightly.next_after(utc(2026, 10, 24, 12, 0))
    assert first == utc(2026, 10, 25, 0, 30)  # 02:30 CEST; 02:30 comes again an hour later (CET)
    assert nightly.next_after(first) == utc(2026, 10, 26, 1, 30)  # ... and is not fired twice
    hourly = Timing("0 * * * *", None, "Europe/Berlin")
    assert hourly.next_after(utc(2026, 10, 25, 0, 0)) == utc(2026, 10, 25, 1, 0)  # every real hour still fires


def test_overlap_skip_and_queue(report: Any, clock: Any) -> None:
    skip = report.schedules.create("report", cron="* * * * *", inputs={"region": "A"}, overlap="skip")
    hold = report.schedules.create("report", cron="* * * * *", inputs={"region": "B"}, overlap="queue")
    scheduler = Scheduler(report, lambda run_id: None)
    clock.advance(minutes=1)
    scheduler.tick()
    clock.advance(minutes=1)
    scheduler.tick()  # the first runs are still queued: nobody executes them here
    assert statuses(report, skip["id"]) == ["queued", "skipped"]
    assert statuses(report, hold["id"]) == ["queued", "waiting"]
    skipped = [r for r in report.runs.find(status="skipped")][0]
    assert "overlap=skip" in skipped["notes"][0]["note"]


@pytest.mark.parametrize("policy, expected", [("once", ["queued"]), ("all", ["queued"] * 10),
                                              ("skip", ["skipped", "queued"])])
def test_missed_fires_after_downtime(report: Any, clock: Any, policy: str, expected: list[str]) -> None:
    made = report.schedules.create("report", cron="*/6 * * * *", inputs={"region": "A"}, missed=policy,
                                   overlap="allow")
    clock.advance(hours=1, seconds=1)  # ten fires passed while nothing was running; 09:00 is on time
    Scheduler(report, lambda run_id: None).tick()
    assert statuses(report, made["id"]) == expected
    assert report.schedules.get(made["id"])["next_fire"] == "2026-03-02T09:06:00+00:00"


def test_a_schedule_that_cannot_fire_says_so(report: Any, clock: Any) -> None:
    made = report.schedules.create("report", cron="* * * * *", inputs={"region": "A"})
    report.functions.deploy('string report(int region)\n{\n  return "x";\n}', "report.dg", "report")
    listed = report.schedules.all()[0]
    assert "argument 'region'" in listed["problem"]
    report.functions.delete("report")
    assert 'function "report" does not exist' in report.schedules.all()[0]["problem"]
    clock.advance(minutes=1)
    Scheduler(report, lambda run_id: None).tick()
    [run] = report.runs.find()
    assert run["status"] == "failed" and run["schedule_id"] == made["id"]
    assert "could not fire" in run["error"]["message"]


def test_paused_schedules_do_not_fire_and_resume_from_now(report: Any, clock: Any) -> None:
    made = report.schedules.create("report", cron="* * * * *", inputs={"region": "A"})
    report.schedules.set_paused(made["id"], True)
    clock.advance(minutes=10)
    scheduler = Scheduler(report, lambda run_id: None)
    assert scheduler.tick() == []
    resumed = report.schedules.set_paused(made["id"], False)
    assert resumed["next_fire"] == "2026-03-02T08:11:00+00:00"


def test_only_the_lease_holder_fires(report: Any, clock: Any) -> None:
    report.schedules.create("report", cron="* * * * *", inputs={"region": "A"}, overlap="allow")
    fired: list[int] = []
    one = Scheduler(report, fired.append, holder="one", lease_seconds=90)
    two = Scheduler(report, fired.append, holder="two", lease_seconds=90)
    clock.advance(minutes=1)
    assert len(one.tick()) == 1
    clock.advance(minutes=1)
    assert two.tick() == [] and report.leases.holder("scheduler") == "one"
    assert len(one.tick()) == 1
    clock.advance(minutes=2)  # "one" stopped renewing: its lease ran out
    assert len(two.tick()) == 2 and report.leases.holder("scheduler") == "two"  # 08:03 and 08:04
    assert one.tick() == []
    assert len(fired) == 4 and len(set(fired)) == 4


def test_the_leader_prunes_old_runs_by_retention(report: Any, clock: Any) -> None:
    from datetime import timedelta

    old = report.runs.create("report", {"region": "A"}, "manual", status="skipped")
    clock.advance(days=31)
    recent = report.runs.create("report", {"region": "B"}, "manual", status="skipped")
    Scheduler(report, lambda run_id: None, retention=timedelta(days=30)).tick()
    assert [r["id"] for r in report.runs.find()] == [recent] and recent != old
