"""Unit tests for stdlib/dates.py and stdlib/system.py, plus a robustness sweep over every
built-in and system variable those modules register."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

import cloudburst.stdlib  # noqa: F401  (fills the registry)
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Settings
from cloudburst.stdlib.registry import REGISTRY
from cloudburst.values import DelugeFile, DelugeList, DelugeMap

NOW = dt.datetime(2024, 5, 15, 10, 30, 45)  # a Wednesday
ctx = Execution(settings=Settings(timezone="Asia/Kolkata"), clock=lambda: NOW)
d = dt.date
dtm = dt.datetime


def fn(name: str, *args: Any) -> Any:
    f = REGISTRY.function(name)
    assert f is not None, name
    return f(ctx, *args)


def m(name: str, recv: Any, *args: Any) -> Any:
    return REGISTRY.method_dispatcher(name)(ctx, recv, *args)


def err(name: str, recv: Any, *args: Any) -> str:
    with pytest.raises(DelugeRuntimeError) as info:
        m(name, recv, *args)
    return info.value.message


def L(*items: Any) -> DelugeList:
    return DelugeList(items)


# -- toString ------------------------------------------------------------------------------
def test_to_string_patterns_and_default() -> None:
    v = dtm(2024, 5, 1, 9, 5, 7)
    assert m("toString", v) == "01-May-2024 09:05:07"
    assert m("toString", d(2024, 5, 1)) == "01-May-2024"
    assert m("toString", dt.time(9, 5)) == "09:05:00"
    assert m("toString", v, "yyyy-MM-dd") == "2024-05-01"
    assert m("toText", v, "dd/MM/yyyy hh:mm a") == "01/05/2024 09:05 AM"
    assert m("TOSTRING", d(2024, 5, 1), "EEEE, MMMM d") == "Wednesday, May 1"
    assert m("toString", v, "yyyy-MM-dd'T'HH:mm:ssXXX") == "2024-05-01T09:05:07+05:30"
    assert m("toString", v, None) == "01-May-2024 09:05:07"


def test_to_string_time_zone_converts_date_times_only() -> None:
    v = dtm(2024, 5, 1, 9, 0, 0)
    assert m("toString", v, "yyyy-MM-dd HH:mm z", "UTC") == "2024-05-01 03:30 UTC"
    assert m("toString", v, "yyyy-MM-dd'T'HH:mm:ssXXX", "America/New_York") == "2024-04-30T23:30:00-04:00"
    assert m("toString", d(2024, 5, 1), "yyyy-MM-dd", "America/New_York") == "2024-05-01"
    assert m("toString", v, "HH:mm", "Not/AZone") == "03:30"  # unknown zone: GMT, as Java
    assert m("toString", v, None, "UTC") == "01-May-2024 03:30:00"


def test_to_string_errors() -> None:
    assert "illegal pattern character 'T'" in err("toString", NOW, "yyyy-MM-ddTHH")
    assert "argument 1 must be TEXT" in err("toString", NOW, 5)
    assert "argument 2 must be TEXT" in err("toString", NOW, "yyyy", 5)


def test_to_date_time_string() -> None:
    assert m("toDateTimeString", d(2024, 5, 1)) == "01-May-2024 00:00:00"
    assert fn("toDateTimeString", dtm(2024, 5, 1, 1, 2, 3), "HH:mm") == "01:02"


# -- conversions ---------------------------------------------------------------------------
def test_to_date() -> None:
    assert m("toDate", "01-Jan-2024") == d(2024, 1, 1)
    assert m("toDate", "01-Jan-2024 10:00:00") == d(2024, 1, 1)
    assert m("toDate", "2024-01-31", "yyyy-MM-dd") == d(2024, 1, 31)
    assert m("toDate", "31/01/2024", "dd/MM/yyyy") == d(2024, 1, 31)
    assert m("toDate", dtm(2024, 1, 1, 23, 59)) == d(2024, 1, 1)
    assert m("toDate", d(2024, 1, 1)) == d(2024, 1, 1)
    assert m("toDate", "2024-05-01T23:00:00Z") == d(2024, 5, 2)  # converted into Asia/Kolkata
    assert m("toDate", "2024-05-01T23:00:00+05:30", "yyyy-MM-dd") == d(2024, 5, 1)


def test_to_date_errors() -> None:
    assert "no day 31" in err("toDate", "31-Apr-2024")
    assert "not a date" in err("toDate", "tomorrow")
    assert "does not match" in err("toDate", "2024/01/01", "yyyy-MM-dd")
    assert "no date part" in err("toDate", "10:30:00")
    assert "argument 1 must be TEXT" in err("toDate", "2024-01-01", 1)
    assert "empty" in err("toDate", "")


def test_to_date_time_and_to_time() -> None:
    assert m("toDateTime", "01-Jan-2024") == dtm(2024, 1, 1)
    assert m("toDateTime", "01-Jan-2024 10:11:12") == dtm(2024, 1, 1, 10, 11, 12)
    assert m("toDateTime", "2024-01-01T10:00:00Z") == dtm(2024, 1, 1, 15, 30)
    assert m("toDateTime", "01/31/2024 10:00", "MM/dd/yyyy HH:mm") == dtm(2024, 1, 31, 10, 0)
    assert m("toDateTime", d(2024, 1, 1)) == dtm(2024, 1, 1)
    assert "no date part" in err("toDateTime", "10:00")
    assert m("toTime", "10:30:00") == dt.time(10, 30)
    assert m("toTime", "01-Jan-2024 10:30:00") == dtm(2024, 1, 1, 10, 30)
    assert m("toTime", "7:05 PM", "h:mm a") == dt.time(19, 5)
    assert m("toTime", d(2024, 1, 1)) == dtm(2024, 1, 1)
    assert m("toTime", dt.time(1, 2)) == dt.time(1, 2)


def test_to_long_and_unix_epoch() -> None:
    assert m("toLong", dtm(2020, 2, 3, 3, 48, 12)) == 1580681892000
    assert m("toNumber", d(1970, 1, 1)) == -19_800_000  # midnight in Asia/Kolkata
    assert m("unixEpoch", "03-Feb-2020 03:48:12", "Asia/Calcutta") == 1580681892000
    assert m("unixEpoch", "03-Feb-2020 03:48:12", "No/Such") == 1580701692000  # GMT
    assert m("unixEpoch", "not a date") == "not a date"
    assert m("unixEpoch", "10:00") == "10:00"
    assert fn("unixEpoch", dtm(1970, 1, 1, 5, 30)) == 0
    assert m("unixEpoch", "2020-02-02T22:18:12Z", "Asia/Tokyo") == 1580681892000


def test_is_date() -> None:
    assert fn("isDate", "01-Jan-2024") is True
    assert fn("isDate", "2024-01-01T10:00:00Z") is True
    assert m("isDate", "31-Apr-2024") is False
    assert fn("isDate", "10:00") is False
    assert fn("isDate", "hello") is False
    assert fn("isDate", None) is False
    assert fn("isDate", 20240101) is False
    assert fn("isDate", d(2024, 1, 1)) is True
    assert fn("isDate", NOW) is True


# -- components ----------------------------------------------------------------------------
def test_components() -> None:
    v = dtm(2024, 3, 9, 17, 8, 59)  # a Saturday
    assert [m(n, v) for n in ("getDay", "getMonth", "getYear", "getHour", "getMinutes", "getSeconds")] == [
        9, 3, 2024, 17, 8, 59]
    assert [m(n, v) for n in ("day", "month", "year", "hour", "minute", "second")] == [9, 3, 2024, 17, 8, 59]
    assert m("getDayOfWeek", v) == 7
    assert m("weekday", d(2024, 3, 10)) == 1  # Sunday
    assert m("getDayOfWeek", d(2024, 3, 11)) == 2
    assert m("getDayOfYear", v) == 69
    assert m("getDayOfYear", d(2024, 12, 31)) == 366
    assert m("getWeekOfYear", d(2024, 1, 1)) == 1
    assert m("getWeekOfYear", d(2024, 1, 7)) == 2
    assert m("getWeekOfYear", d(2024, 12, 29)) == 1
    assert m("getWeekOfYear", d(2021, 2, 7), "Monday") == 6  # a Sunday ends a Monday week
    assert m("getWeekOfYear", d(2021, 2, 8), "mon") == 7
    assert m("getWeekOfYear", d(2021, 2, 7), "Sunday") == m("getWeekOfYear", d(2021, 2, 7)) == 7
    assert "not a day name" in err("getWeekOfYear", d(2021, 2, 7), "Funday")
    assert m("getHour", d(2024, 1, 1)) == 0
    assert m("getMinutes", dt.time(4, 5, 6)) == 5
    assert fn("getYear", "15-Aug-1947") == 1947
    assert fn("getMonth", NOW) == 5


# -- shifting ------------------------------------------------------------------------------
@pytest.mark.parametrize("name,recv,n,expected", [
    ("addDay", d(2024, 2, 28), 1, d(2024, 2, 29)),
    ("addDay", d(2024, 2, 28), 2, d(2024, 3, 1)),
    ("addDay", dtm(2024, 12, 31, 23, 0), 1, dtm(2025, 1, 1, 23, 0)),
    ("addDay", d(2024, 1, 10), -15, d(2023, 12, 26)),
    ("subDay", d(2024, 3, 1), 1, d(2024, 2, 29)),
    ("subDay", d(2024, 3, 1), -1, d(2024, 3, 2)),
    ("addWeek", d(2024, 1, 1), 2, d(2024, 1, 15)),
    ("subWeek", d(2024, 1, 1), 1, d(2023, 12, 25)),
    ("addMonth", d(2024, 1, 31), 1, d(2024, 2, 29)),
    ("addMonth", d(2023, 1, 31), 1, d(2023, 2, 28)),
    ("addMonth", d(2024, 3, 31), 1, d(2024, 4, 30)),
    ("addMonth", d(2024, 1, 15), 13, d(2025, 2, 15)),
    ("addMonth", dtm(2019, 1, 1, 15, 0), 13, dtm(2020, 2, 1, 15, 0)),
    ("subMonth", d(2024, 3, 31), 1, d(2024, 2, 29)),
    ("subMonth", d(2024, 1, 15), 1, d(2023, 12, 15)),
    ("addMonth", d(2024, 5, 15), -5, d(2023, 12, 15)),
    ("addYear", d(2024, 2, 29), 1, d(2025, 2, 28)),
    ("addYear", d(2024, 2, 29), 4, d(2028, 2, 29)),
    ("subYear", d(2024, 6, 1), 24, d(2000, 6, 1)),
    ("addHour", dtm(2024, 1, 1, 23, 0), 2, dtm(2024, 1, 2, 1, 0)),
    ("addHour", d(2024, 1, 1), 5, dtm(2024, 1, 1, 5, 0)),
    ("subHour", d(2024, 1, 1), 1, dtm(2023, 12, 31, 23, 0)),
    ("addMinutes", dtm(2024, 1, 1, 0, 59), 2, dtm(2024, 1, 1, 1, 1)),
    ("subMinutes", dtm(2024, 1, 1, 0, 0), 1, dtm(2023, 12, 31, 23, 59)),
    ("addSeconds", dtm(2024, 1, 1, 0, 0, 59), 1, dtm(2024, 1, 1, 0, 1, 0)),
    ("subSeconds", dtm(2024, 1, 1), 86400, dtm(2023, 12, 31)),
    ("addHour", dt.time(23, 0), 2, dt.time(1, 0)),
    ("subMinutes", dt.time(0, 0), 1, dt.time(23, 59)),
    ("addDay", "01-Jan-2024", 1, d(2024, 1, 2)),
    ("addDay", "01-Jan-2024 10:00", 1, dtm(2024, 1, 2, 10, 0)),
    ("addDay", d(2024, 1, 1), Decimal("2.0"), d(2024, 1, 3)),
])
def test_shifts(name: str, recv: Any, n: Any, expected: Any) -> None:
    result = m(name, recv, n)
    assert type(result) is type(expected)
    assert result == expected


def test_shift_function_form_and_case() -> None:
    assert fn("addDay", d(2024, 1, 1), 1) == d(2024, 1, 2)
    assert fn("ADDMONTH", d(2024, 1, 31), 1) == d(2024, 2, 29)


def test_shift_errors() -> None:
    assert "argument 1 must be a whole NUMBER, got TEXT" in err("addDay", d(2024, 1, 1), "x")
    assert "got NULL" in err("addDay", d(2024, 1, 1), None)
    assert "got DECIMAL 1.5" in err("addDay", d(2024, 1, 1), Decimal("1.5"))
    assert "got BOOLEAN" in err("addDay", d(2024, 1, 1), True)
    assert "outside the supported dates" in err("addDay", d(9999, 12, 31), 1)
    assert "outside the supported dates" in err("addYear", d(2024, 1, 1), 10**15)
    assert "outside the supported dates" in err("addSeconds", NOW, 2**62)
    assert "not a date" in err("addDay", "soon", 1)
    assert "no date part" in err("addDay", "10:00", 1)


# -- differences ---------------------------------------------------------------------------
def test_between() -> None:
    a, b = d(2024, 1, 1), d(2024, 3, 1)
    assert m("daysBetween", a, b) == 60
    assert m("daysBetween", b, a) == -60
    assert fn("daysBetween", dtm(2024, 1, 1, 23, 0), dtm(2024, 1, 2, 1, 0)) == 1
    assert m("daysBetween", a, "01-Jan-2025") == 366
    assert m("days360", d(1989, 12, 31), d(1990, 1, 1)) == 1
    assert m("hoursBetween", dtm(2024, 1, 1, 0, 0), dtm(2024, 1, 2, 1, 59)) == 25
    assert m("hoursBetween", dtm(2024, 1, 2, 1, 59), dtm(2024, 1, 1, 0, 0)) == -25
    assert m("hoursBetween", d(2024, 1, 1), d(2024, 1, 2)) == 24
    assert m("monthsBetween", d(2019, 2, 1), d(2019, 3, 1)) == 0
    assert m("monthsBetween", d(2019, 1, 1), d(2019, 3, 1)) == 1
    assert m("monthsBetween", d(2019, 3, 1), d(2019, 1, 1)) == -1
    assert m("yearsBetween", d(2020, 1, 2), d(2021, 1, 1)) == 1
    assert m("yearsBetween", d(2020, 1, 1), d(2020, 12, 31)) == 1  # 365 days in a leap year
    assert m("yearsBetween", d(2021, 1, 1), d(2021, 12, 31)) == 0
    assert m("totalMonth", d(2019, 2, 1), d(2019, 3, 1)) == 1
    assert m("totalMonths", d(1989, 12, 31), d(1990, 1, 1)) == 0
    assert m("totalMonths", d(2024, 1, 31), d(2024, 2, 29)) == 0
    assert m("totalMonths", d(2024, 3, 15), d(2024, 1, 20)) == -1
    assert m("monthsDiff", d(2020, 2, 1), d(2020, 3, 1)) == 1 and m("monthsBetween", d(2020, 2, 1), d(2020, 3, 1)) == 0
    assert m("yearsDiff", d(2020, 1, 2), d(2021, 1, 1)) == 0 and m("yearsBetween", d(2020, 1, 2), d(2021, 1, 1)) == 1
    assert m("totalYear", d(2020, 1, 2), d(2021, 1, 1)) == 0
    assert fn("totalYears", d(2019, 1, 1), d(2020, 1, 1)) == 1
    assert m("totalYears", d(2020, 1, 1), d(2019, 1, 1)) == -1


def test_between_errors() -> None:
    assert "argument 1 must be a date or date-time, got NUMBER" in err("daysBetween", NOW, 5)
    assert "got NULL" in err("monthsBetween", NOW, None)
    assert "no day 31" in err("daysBetween", NOW, "31-Jun-2024")


# -- business days -------------------------------------------------------------------------
def test_business_days_documented_examples() -> None:
    assert m("subBusinessDay", d(2021, 7, 21), 5) == d(2021, 7, 14)
    assert m("subBusinessDay", d(2021, 7, 21), 5, L("Sunday"), L(d(2021, 7, 20), d(2021, 7, 19))) == d(2021, 7, 13)
    assert m("workday", d(2019, 3, 15), 1) == d(2019, 3, 18)
    assert m("workday", d(2020, 5, 23), 5, L("Sunday"), L(d(2020, 5, 25))) == d(2020, 5, 30)


def test_business_days_more() -> None:
    assert m("addBusinessDay", d(2024, 5, 17), 1) == d(2024, 5, 20)  # Friday -> Monday
    assert m("addBusinessDay", dtm(2024, 5, 17, 9, 30), 1) == dtm(2024, 5, 20, 9, 30)
    assert m("addBusinessDay", d(2024, 5, 18), 0) == d(2024, 5, 18)
    assert m("addBusinessDay", d(2024, 5, 15), -3) == d(2024, 5, 15)
    assert m("addBusinessDay", d(2024, 5, 15), 10) == d(2024, 5, 29)
    assert m("addBusinessDay", d(2024, 5, 16), 1, L("fri", "SAT")) == d(2024, 5, 19)
    assert m("addBusinessDay", d(2024, 5, 17), 1, L(), L("20-May-2024")) == d(2024, 5, 18)
    assert m("addBusinessDay", d(2024, 5, 17), 1, DelugeMap(), L(d(2024, 5, 18))) == d(2024, 5, 19)  # {} = none
    assert m("workday", dtm(2024, 5, 17, 9, 30), 1) == d(2024, 5, 20)
    assert fn("addBusinessDay", "17-May-2024", 1) == d(2024, 5, 20)


def _business_by_steps(start: dt.date, n: int, off: set[int], skip: set[dt.date], step: int) -> dt.date:
    """The plain definition: one working day at a time."""
    day = start
    for _ in range(max(n, 0)):
        day += step * dt.timedelta(days=1)
        while day.weekday() in off or day in skip:
            day += step * dt.timedelta(days=1)
    return day


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def test_business_days_skip_whole_weeks_with_the_stepping_answer() -> None:
    start = d(2024, 5, 15)
    cases = [(set(), set()), ({5, 6}, set()), ({4, 5}, {d(2024, 5, 20), d(2024, 6, 3)}),
             ({6}, {d(2024, 5, 10), d(2024, 5, 16), d(2024, 5, 25)}), ({0, 1, 2, 3, 4, 5}, {d(2024, 5, 26)})]
    for off, skip in cases:
        weekends = L(*(_DAY_NAMES[i] for i in sorted(off)))  # an empty list: no weekend days
        holidays = L(*sorted(skip))
        for n in range(0, 40):
            for first in (start, start + dt.timedelta(days=3), start + dt.timedelta(days=4)):  # Wed, Sat, Sun
                want_up = _business_by_steps(first, n, off, skip, 1)
                want_down = _business_by_steps(first, n, off, skip, -1)
                assert m("addBusinessDay", first, n, weekends, holidays) == want_up, (off, skip, n, first)
                assert m("subBusinessDay", first, n, weekends, holidays) == want_down, (off, skip, n, first)


class _CountingExecution(Execution):
    checks = 0

    def check(self) -> None:
        _CountingExecution.checks += 1
        super().check()


def test_business_days_huge_count_takes_few_steps() -> None:
    counting = _CountingExecution(settings=Settings(timezone="UTC"), clock=lambda: NOW)
    add = REGISTRY.method_dispatcher("addBusinessDay")
    # From Monday 1 Jan 0001, with Wednesday 3 Jan a holiday: 2,500,000 working days are
    # 500,000 weeks, plus the one day the holiday costs (year 9583).
    got = add(counting, d(1, 1, 1), 2_500_000, None, L(d(1, 1, 3)))
    assert got == d(1, 1, 1) + dt.timedelta(days=7 * 500_000 + 1)
    assert _CountingExecution.checks == 0  # fewer than 10,000 single-day steps
    assert m("subBusinessDay", d(9999, 12, 31), 2_500_000).year < 9999


def test_business_day_errors() -> None:
    assert "not a day name" in err("addBusinessDay", NOW, 1, L("Funday"))
    assert "every day of the week" in err("addBusinessDay", NOW, 1, L(
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"))
    assert "must be a LIST of day names" in err("addBusinessDay", NOW, 1, "Sunday")
    assert "must be a LIST of dates" in err("addBusinessDay", NOW, 1, L(), d(2024, 1, 1))
    assert "must be a LIST of day names, got KEY-VALUE" in err("addBusinessDay", NOW, 1, DelugeMap({"a": 1}))
    assert "must be a date" in err("addBusinessDay", NOW, 1, L(), L(5))
    assert "outside the supported dates" in err("addBusinessDay", NOW, 10**12)


def test_next_and_previous_week_day() -> None:
    assert m("nextWeekDay", d(2024, 5, 17)) == d(2024, 5, 20)   # Fri -> Mon
    assert m("nextWeekDay", d(2024, 5, 15)) == d(2024, 5, 16)
    assert m("previousWeekDay", d(2024, 5, 20)) == d(2024, 5, 17)
    assert m("nextWeekDay", d(2024, 5, 15), "Wednesday") == d(2024, 5, 22)
    assert m("previousWeekDay", dtm(2024, 5, 15, 8, 0), "sun") == dtm(2024, 5, 12, 8, 0)
    assert "not a day name" in err("nextWeekDay", NOW, "someday")


# -- period boundaries ---------------------------------------------------------------------
def test_period_boundaries() -> None:
    assert m("toStartOfMonth", d(2024, 5, 15)) == d(2024, 5, 1)
    assert m("toStartOfMonth", dtm(2024, 5, 15, 10, 0)) == dtm(2024, 5, 1)
    assert m("toStartOfWeek", dtm(2019, 3, 15, 15, 0)) == dtm(2019, 3, 10)
    assert m("toStartOfWeek", d(2024, 5, 12)) == d(2024, 5, 12)
    assert fn("toStartOfWeek", d(2024, 5, 18)) == d(2024, 5, 12)
    assert m("eomonth", d(2024, 1, 15)) == d(2024, 1, 31)
    assert m("eomonth", d(2024, 1, 15), 1) == d(2024, 2, 29)
    assert m("eomonth", dtm(2024, 1, 15, 10, 0), -2) == d(2023, 11, 30)
    assert m("edate", d(2024, 1, 31), 1) == d(2024, 2, 29)
    assert m("edate", d(2024, 5, 15), -12) == d(2023, 5, 15)
    assert "outside the supported dates" in err("eomonth", d(9999, 12, 1), 1)


# -- system variables ----------------------------------------------------------------------
def sysvar(name: str, context: Execution = ctx) -> Any:
    return REGISTRY.system[name.lower()].impl(context)


def test_clock_variables_use_the_run_clock() -> None:
    assert sysvar("zoho.currentdate") == d(2024, 5, 15)
    assert sysvar("today") == d(2024, 5, 15)
    assert sysvar("zoho.currenttime") == NOW
    assert sysvar("now") == NOW
    assert type(sysvar("today")) is dt.date


def test_real_clock_is_in_the_run_zone() -> None:
    live = Execution(settings=Settings(timezone="Pacific/Kiritimati"))
    expected = dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).replace(tzinfo=None)
    assert abs(sysvar("zoho.currenttime", live) - expected) < dt.timedelta(minutes=1)


def test_identity_variables_default_and_settings() -> None:
    assert sysvar("zoho.loginuserid") == "cloudburst@localhost"
    assert sysvar("zoho.adminuserid") == "cloudburst@localhost"
    assert sysvar("zoho.loginuser") == "cloudburst"
    assert sysvar("zoho.ipaddress") == "127.0.0.1"
    custom = Execution(settings=Settings(system={"loginuser": "Ada", "appname": "crm_app", "ipaddress": None}))
    assert sysvar("zoho.loginuser", custom) == "Ada"
    assert sysvar("zoho.appname", custom) == "crm_app"
    assert sysvar("zoho.ipaddress", custom) == "127.0.0.1"
    assert sysvar("zoho.adminuser", custom) == "cloudburst"


# -- robustness sweep ----------------------------------------------------------------------
MODULES = ("cloudburst.stdlib.dates", "cloudburst.stdlib.system")
SAMPLES: list[Any] = [
    None, "", "x", "31-Apr-2024", "01-Jan-2024", "10:00", 0, -1, 2**63 - 1, Decimal("1.5"),
    Decimal("NaN"), Decimal("Infinity"), True, DelugeList([1, "a"]), DelugeList(), DelugeMap({"a": 1}),
    d(2024, 1, 1), d(9999, 12, 31), d(1, 1, 1), dtm(2024, 1, 1, 12), dt.time(1, 2), DelugeFile("f", b"x"),
    "yyyy-MM-ddT", "'", "Mars/Base",
]


def _ours() -> list[Any]:
    return [b for b in REGISTRY.builtins if b.impl.__module__ in MODULES]


def test_sweep_only_deluge_errors_escape() -> None:
    checked = 0
    for b in _ours():
        top = b.max_args if b.max_args is not None else b.min_args + 1
        for count in range(b.min_args, min(top, 2) + 1):
            for args in itertools.product(SAMPLES, repeat=count):
                for recv in SAMPLES:
                    call = REGISTRY.method_dispatcher(b.name)
                    try:
                        call(ctx, recv, *args)
                    except DelugeRuntimeError:
                        pass
                    checked += 1
    assert checked > 10_000


def test_sweep_optional_list_arguments() -> None:
    wide = [b for b in _ours() if b.max_args is not None and b.max_args >= 3]
    assert {b.name for b in wide} == {"addBusinessDay", "subBusinessDay", "workday", "addBusinessHour"}
    for b in wide:
        call = REGISTRY.method_dispatcher(b.name)
        for recv, weekends, holidays in itertools.product(SAMPLES, repeat=3):
            try:
                call(ctx, recv, 1, weekends, holidays)
            except DelugeRuntimeError:
                pass
    hours = REGISTRY.method_dispatcher("addBusinessHour")
    for recv, amount, window in itertools.product(SAMPLES, repeat=3):
        try:
            hours(ctx, recv, amount, None, None, window)
        except DelugeRuntimeError:
            pass


def test_sweep_system_variables() -> None:
    names = [n for n, v in REGISTRY.system.items() if v.impl.__module__ in MODULES]
    assert len(names) == 11
    for name in names:
        assert sysvar(name) is not None


def test_to_date_reads_epoch_milliseconds_in_the_run_zone() -> None:
    assert m("toDate", 0) == d(1970, 1, 1)  # 05:30 in Asia/Kolkata, still 1 January
    assert m("toDateTime", 1000) == dtm(1970, 1, 1, 5, 30, 1)
    assert fn("toDate", -86_400_000, "dd-MM-yyyy") == d(1969, 12, 31)  # the pattern is ignored
    assert "outside" in err("toDate", 10**18)
