"""When schedules fire: Zoho's kinds (once, daily, weekly, monthly, yearly) turned into cron
expressions, and the next fire time of an expression in a time zone (DST-correct: a time
that does not exist that day fires at the next valid minute, croniter's rule).

All times in and out are aware UTC datetimes; only the expression is read in local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cloudburst.workflows.errors import InvalidRequest
from cloudburst.workflows.states import KINDS

__all__ = ["Timing", "WEEKDAYS", "zone", "cron_for"]

_EPSILON = timedelta(microseconds=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequest(f"--timezone: unknown time zone '{name}'") from None


def _clock_time(at: str | None) -> tuple[int, int]:
    if not at:
        raise InvalidRequest("--at: this kind of schedule needs a time of day (HH:MM)")
    try:
        hour, minute = (int(part) for part in at.split(":"))
    except ValueError:
        raise InvalidRequest(f"--at: '{at}' is not a time of day (HH:MM)") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise InvalidRequest(f"--at: '{at}' is not a time of day (HH:MM)")
    return hour, minute


def cron_for(kind: str, *, at: str | None = None, days: str | None = None, day: int | None = None,
             date: str | None = None) -> str:
    """The cron expression of a Zoho-style recurring schedule."""
    hour, minute = _clock_time(at)
    if kind == "daily":
        return f"{minute} {hour} * * *"
    if kind == "weekly":
        chosen = [d.strip().lower()[:3] for d in (days or "").split(",") if d.strip()]
        bad = [d for d in chosen if d not in WEEKDAYS]
        if not chosen or bad:
            raise InvalidRequest("--days: give weekdays such as mon,wed,fri")
        return f"{minute} {hour} * * {','.join(chosen)}"
    if kind == "monthly":
        if day is None or not 1 <= day <= 31:
            raise InvalidRequest("--day: a monthly schedule needs a day of the month (1-31)")
        return f"{minute} {hour} {day} * *"
    if kind == "yearly":
        try:
            month, dom = (int(part) for part in (date or "").split("-"))
            datetime(2024, month, dom)  # a leap year: 02-29 is allowed
        except ValueError:
            raise InvalidRequest("--date: a yearly schedule needs a month and day (MM-DD)") from None
        return f"{minute} {hour} {dom} {_MONTHS[month - 1]} *"
    raise InvalidRequest(f"--kind: unknown schedule kind '{kind}' (one of {', '.join(KINDS)})")


@dataclass(frozen=True)
class Timing:
    """A schedule's firing rule: a cron ``expression`` or a single ``run_at``, in ``timezone``,
    bounded by ``start_at``/``end_at``."""

    expression: str | None
    run_at: datetime | None
    timezone: str
    start_at: datetime | None = None
    end_at: datetime | None = None

    def validate(self) -> None:
        zone(self.timezone)
        if self.expression is not None:
            from croniter import croniter

            if not croniter.is_valid(self.expression):
                raise InvalidRequest(f"--cron: '{self.expression}' is not a valid cron expression")
        elif self.run_at is None:
            raise InvalidRequest("a schedule needs --cron, a recurring kind or --at for a single run")
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise InvalidRequest("--end: must be after --start")

    def next_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after ``after`` (None: the schedule is over)."""
        floor = after
        if self.start_at is not None and self.start_at > after:
            floor = self.start_at - _EPSILON
        if self.expression is None:
            fire = self.run_at if self.run_at is not None and self.run_at > floor else None
        else:
            from croniter import croniter

            tz = zone(self.timezone)
            local = floor.astimezone(tz)
            fire = croniter(self.expression, local).get_next(datetime).astimezone(timezone.utc)
            if _wall_clock_repeat(self.expression, fire, local):
                fire = croniter(self.expression, fire.astimezone(tz)).get_next(datetime).astimezone(timezone.utc)
        if fire is None or (self.end_at is not None and fire > self.end_at):
            return None
        return fire



def _wall_clock_repeat(expression: str, fire: datetime, previous: datetime) -> bool:
    """When clocks fall back an hour repeats: a schedule at fixed hours (not ``*`` in the
    hour field) fires at the first of the two equal wall-clock times only."""
    hours = expression.split()[1] if len(expression.split()) > 1 else "*"
    if "*" in hours:
        return False
    assert previous.tzinfo is not None
    return fire.astimezone(previous.tzinfo).replace(tzinfo=None) == previous.replace(tzinfo=None)
