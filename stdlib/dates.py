"""Built-ins: dates and date-times.

DATE stays DATE and DATE-TIME stays DATE-TIME through arithmetic (adding hours to a
DATE gives a DATE-TIME at that date's midnight plus the hours). Where Zoho accepts date
text as the receiver (``"01-Jan-2024".addDay(1)``), the text is read with the literal
layouts and ISO 8601 first. Rules Zoho leaves open are in ``docs/semantics/dates.md``.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from decimal import Decimal
from typing import Any, Callable, Union

from cloudburst import datetimes as dtx
from cloudburst.stdlib.registry import builtin, fail
from cloudburst.values import DelugeList, DelugeMap, display, format_decimal, type_name

Moment = Union[_dt.date, _dt.datetime]

DATES = ("DATE", "DATETIME", "TEXT")
CLOCKS = ("DATE", "DATETIME", "TEXT", "TIME")
#: Far enough to reach year 9999 from year 1 in business days; more is out of range.
_MAX_BUSINESS_DAYS = 3_660_000
_DAY = _dt.timedelta(days=1)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


# -- argument checks -----------------------------------------------------------------------
def _where(position: int) -> str:
    return "receiver" if position == 0 else f"argument {position}"


def _today(ctx: Any) -> _dt.date:
    return ctx.now().date()  # type: ignore[no-any-return]


def _moment(ctx: Any, fn: str, value: Any, position: int = 0) -> Moment:
    """A DATE or DATE-TIME from a date value or date text."""
    t = type(value)
    if t is _dt.datetime or t is _dt.date:
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):  # TEXT, including a caught error's message
        try:
            parsed = dtx.parse_text(value, ctx.tz, _today(ctx))
        except ValueError as e:
            raise fail(f"{fn}: {e}") from None
        if type(parsed) is _dt.time:
            raise fail(f"{fn}: '{value}' has no date part")
        return parsed  # type: ignore[return-value]
    raise fail(f"{fn}: {_where(position)} must be a date or date-time, got {type_name(value)}")


def _clock_value(ctx: Any, fn: str, value: Any) -> Moment | _dt.time:
    if type(value) is _dt.time:
        return value
    return _moment(ctx, fn, value)


def _count(fn: str, value: Any, position: int = 1) -> int:
    """A whole NUMBER (a DECIMAL without a fraction is accepted too)."""
    t = type(value)
    if t is int:
        return value  # type: ignore[no-any-return]
    if t is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    got = f"DECIMAL {display(value)}" if t is Decimal else type_name(value)
    raise fail(f"{fn}: {_where(position)} must be a whole NUMBER, got {got}")


def _text(fn: str, value: Any, position: int) -> str:
    if not isinstance(value, str):
        raise fail(f"{fn}: {_where(position)} must be TEXT, got {type_name(value)}")
    return value


def _zone_or_gmt(fn: str, name: Any, position: int) -> _dt.tzinfo:
    """Java's ``TimeZone.getTimeZone``: an unknown name means GMT."""
    try:
        return dtx.zone(_text(fn, name, position))
    except ValueError:
        return _dt.timezone.utc


def _out_of_range(fn: str) -> Exception:
    return fail(f"{fn}: the result is outside the supported dates (years 1 to 9999)")


def _as_datetime(value: Moment) -> _dt.datetime:
    if type(value) is _dt.datetime:
        return value
    return _dt.datetime.combine(value, _dt.time())


def _day_of(value: Moment) -> _dt.date:
    return value.date() if type(value) is _dt.datetime else value


def _same_kind(template: Moment, day: _dt.date) -> Moment:
    """``day`` as the receiver's type; a DATE-TIME keeps its time of day."""
    if type(template) is _dt.datetime:
        return _dt.datetime.combine(day, template.time())
    return day


# -- conversions ---------------------------------------------------------------------------
def _format(ctx: Any, fn: str, value: Any, pattern: Any, timezone: Any) -> str:
    zone = ctx.tz
    if timezone is not None:
        zone = _zone_or_gmt(fn, timezone, 2)
        try:
            if type(value) is _dt.datetime:
                value = dtx.to_zone(value, ctx.tz, zone)
            elif type(value) is _dt.time:
                value = dtx.to_zone(_dt.datetime.combine(_today(ctx), value), ctx.tz, zone).time()
        except OverflowError:  # 31-Dec-9999 23:00 shifted east leaves the calendar
            raise _out_of_range(fn) from None
    if pattern is None:
        return display(value)
    try:
        return dtx.format(value, _text(fn, pattern, 1), zone)
    except ValueError as e:
        raise fail(f"{fn}: {e}") from None


def format_other(ctx: Any, fn: str, value: Any, pattern: Any, timezone: Any) -> str:
    """``toString(pattern, zone)`` on a NUMBER (epoch milliseconds) or on date-time TEXT:
    read as a date-time, then formatted (Zoho's toString page; unreadable text is an error)."""
    if type(value) is int:
        try:
            value = dtx.from_epoch_millis(value, ctx.tz)
        except (OverflowError, ValueError):
            raise _out_of_range(fn) from None
    elif isinstance(value, str):
        value = _clock_value(ctx, fn, value)
    else:
        raise fail(f"{fn}: a format pattern applies to dates, date text and epoch milliseconds, "
                    f"not to {type_name(value)}")
    return _format(ctx, fn, value, pattern, timezone)


@builtin("toString", receiver=("DATE", "DATETIME", "TIME"), aliases=("toText", "text"), returns="TEXT", tier=1,
         doc="Format with a Java SimpleDateFormat pattern, optionally in another time zone.")
def to_string(ctx: Any, value: Any, pattern: Any = None, timezone: Any = None) -> str:
    return _format(ctx, "toString", value, pattern, timezone)


@builtin("toDateTimeString", receiver=DATES, returns="TEXT", tier=2,
         doc="The date-time as text (default dd-MMM-yyyy HH:mm:ss, or a pattern).")
def to_date_time_string(ctx: Any, value: Any, pattern: Any = None) -> str:
    moment = _as_datetime(_moment(ctx, "toDateTimeString", value))
    return _format(ctx, "toDateTimeString", moment, pattern, None)


def _ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@builtin("getDate", receiver=DATES, returns="TEXT", tier=2,
         doc="The date written out for people: '17th January 2018' (TEXT; the time is left out).")
def get_date(ctx: Any, value: Any) -> str:
    day = _day_of(_moment(ctx, "getDate", value))
    return f"{_ordinal(day.day)} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _read(ctx: Any, fn: str, value: Any, pattern: Any) -> Moment | _dt.time:
    """Parse text (with a pattern, or the literal layouts and ISO 8601 without one);
    date values pass through."""
    if type(value) is int:  # epoch milliseconds (Zoho's toDate page); a pattern is ignored
        try:
            return dtx.from_epoch_millis(value, ctx.tz)
        except (OverflowError, ValueError):
            raise _out_of_range(fn) from None
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]
    try:
        if pattern is None:
            return dtx.parse_text(value, ctx.tz, _today(ctx))
        return dtx.parse(value, _text(fn, pattern, 1), ctx.tz, _today(ctx))
    except ValueError as e:
        raise fail(f"{fn}: {e}") from None


@builtin("toDate", receiver=DATES + ("NUMBER",), aliases=("dateValue",), returns="DATE", tier=1,
         doc="Text (optional pattern), a date-time or epoch milliseconds as a DATE; the time is dropped. "
             "dateValue(text) is Creator's older name for it.")
def to_date(ctx: Any, value: Any, pattern: Any = None) -> _dt.date:
    result = _read(ctx, "toDate", value, pattern)
    if type(result) is _dt.time:
        raise fail(f"toDate: '{value}' has no date part")
    return _day_of(result)  # type: ignore[arg-type]


@builtin("toDateTime", receiver=DATES + ("NUMBER",), returns="DATETIME", tier=1,
         doc="Text (optional pattern), a date or epoch milliseconds as a DATE-TIME; a date alone means midnight.")
def to_date_time(ctx: Any, value: Any, pattern: Any = None) -> _dt.datetime:
    result = _read(ctx, "toDateTime", value, pattern)
    if type(result) is _dt.time:
        raise fail(f"toDateTime: '{value}' has no date part")
    return _as_datetime(result)  # type: ignore[arg-type]


@builtin("toTime", receiver=CLOCKS, returns="DATETIME", tier=1,
         doc="Text with a date gives a DATE-TIME (as Zoho's toTime); a bare time gives a TIME. With a "
             "time zone, the text is read as that zone's wall-clock time and converted to the run's zone.")
def to_time(ctx: Any, value: Any, pattern: Any = None, timezone: Any = None) -> _dt.datetime | _dt.time:
    result = _read(ctx, "toTime", value, pattern)
    if type(result) is _dt.time:
        return result
    moment = _as_datetime(result)  # type: ignore[arg-type]
    if timezone is None:
        return moment
    try:
        return dtx.to_zone(moment, _zone_or_gmt("toTime", timezone, 2), ctx.tz)
    except OverflowError:
        raise _out_of_range("toTime") from None


@builtin("toLong", receiver=("DATE", "DATETIME"), aliases=("toNumber",), returns="NUMBER", tier=1,
         doc="Milliseconds since 1970-01-01T00:00Z (the value is read in the run's time zone).")
def to_long(ctx: Any, value: Moment) -> int:
    return dtx.epoch_millis(value, ctx.tz)


@builtin("unixEpoch", receiver=DATES, returns="NUMBER", tier=2,
         doc="Milliseconds since 1970-01-01T00:00Z; unreadable text is returned unchanged.")
def unix_epoch(ctx: Any, value: Any, timezone: Any = None) -> int | str:
    zone = ctx.tz if timezone is None else _zone_or_gmt("unixEpoch", timezone, 1)
    if isinstance(value, str):
        try:
            parsed = dtx.parse_text(value, zone, _today(ctx))
        except ValueError:
            return value
        if type(parsed) is _dt.time:
            return value
        value = parsed
    return dtx.epoch_millis(value, zone)


@builtin("isDate", receiver="ANY", function=True, returns="BOOLEAN", tier=2,
         doc="True for a date value or text in a date layout Cloudburst reads.")
def is_date(ctx: Any, value: Any) -> bool:
    t = type(value)
    if t is _dt.date or t is _dt.datetime:
        return True
    if not isinstance(value, str):
        return False
    try:
        return type(dtx.parse_text(value, ctx.tz, _today(ctx))) is not _dt.time
    except ValueError:
        return False


# -- components ----------------------------------------------------------------------------
def _getter(name: str, aliases: tuple[str, ...], receivers: tuple[str, ...], part: Callable[[Any], int],
            doc: str) -> None:
    def impl(ctx: Any, value: Any) -> int:
        return part(_clock_value(ctx, name, value))

    impl.__name__ = impl.__qualname__ = f"get_{name}"
    builtin(name, receiver=receivers, function=True, aliases=aliases, returns="NUMBER", tier=1, doc=doc)(impl)


def _hms(attr: str) -> Callable[[Any], int]:
    return lambda v: getattr(v, attr) if type(v) is not _dt.date else 0


_getter("getDay", ("day",), DATES, lambda v: v.day, "Day of the month, 1-31.")
_getter("getMonth", ("month",), DATES, lambda v: v.month, "Month, 1-12.")
_getter("getYear", ("year",), DATES, lambda v: v.year, "Year.")
_getter("getHour", ("hour",), CLOCKS, _hms("hour"), "Hour, 0-23 (0 for a DATE).")
_getter("getMinutes", ("minute",), CLOCKS, _hms("minute"), "Minutes, 0-59 (0 for a DATE).")
_getter("getSeconds", ("second",), CLOCKS, _hms("second"), "Seconds, 0-59 (0 for a DATE).")
_getter("getDayOfWeek", ("weekday",), DATES, lambda v: (v.weekday() + 1) % 7 + 1, "Day of the week, 1 = Sunday to 7 = Saturday.")
_getter("getDayOfYear", (), DATES, lambda v: v.timetuple().tm_yday, "Day of the year, 1-366.")


@builtin("getWeekOfYear", receiver=DATES, function=True, returns="NUMBER", tier=1,
         doc="Week of the year; weeks start on Sunday (or the given day name) and week 1 holds 1 January.")
def get_week_of_year(ctx: Any, value: Any, start_day: Any = None) -> int:
    first_day = 0
    if start_day is not None:
        try:
            first_day = dtx.weekday_number(_text("getWeekOfYear", start_day, 1))
        except ValueError as e:
            raise fail(f"getWeekOfYear: {e}") from None
    return dtx.us_week(_day_of(_moment(ctx, "getWeekOfYear", value)), first_day)[1]


# -- shifting ------------------------------------------------------------------------------
def _add_months(value: Moment, months: int) -> Moment:
    """Calendar months; the day is clamped to the last day of a shorter month."""
    y, m0 = divmod(value.year * 12 + value.month - 1 + months, 12)
    if not 1 <= y <= 9999:
        raise OverflowError
    return value.replace(year=y, month=m0 + 1, day=min(value.day, calendar.monthrange(y, m0 + 1)[1]))


def _shift(value: Moment | _dt.time, unit: str, n: int) -> Moment | _dt.time:
    if unit == "month":
        return _add_months(value, n)  # type: ignore[arg-type]
    if unit == "year":
        return _add_months(value, 12 * n)  # type: ignore[arg-type]
    if unit in ("day", "week"):
        moment: Moment = value  # type: ignore[assignment]  # days and weeks are never TIME
        return moment + _dt.timedelta(days=n * (7 if unit == "week" else 1))
    delta = _dt.timedelta(**{f"{unit}s": n})
    if type(value) is _dt.time:
        return (_dt.datetime.combine(_dt.date(2000, 1, 1), value) + delta).time()
    return _as_datetime(value) + delta  # type: ignore[arg-type]


def _shifter(name: str, unit: str, sign: int, receivers: tuple[str, ...]) -> None:
    def impl(ctx: Any, value: Any, amount: Any) -> Moment | _dt.time:
        moment = _clock_value(ctx, name, value)
        n = _count(name, amount)
        try:
            return _shift(moment, unit, sign * n)
        except (OverflowError, ValueError):
            raise _out_of_range(name) from None

    verb = "Add" if sign > 0 else "Subtract"
    impl.__name__ = impl.__qualname__ = name
    builtin(name, receiver=receivers, function=True, returns="ANYDATE", tier=1,
            doc=f"{verb} a number of {unit}s (negative counts go the other way).")(impl)


for _unit, _suffix, _recv in (("day", "Day", DATES), ("week", "Week", DATES), ("month", "Month", DATES),
                              ("year", "Year", DATES), ("hour", "Hour", CLOCKS),
                              ("minute", "Minutes", CLOCKS), ("second", "Seconds", CLOCKS)):
    _shifter(f"add{_suffix}", _unit, 1, _recv)
    _shifter(f"sub{_suffix}", _unit, -1, _recv)


# -- differences ---------------------------------------------------------------------------
def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // b
    return q if a >= 0 else -q


def _days(ctx: Any, fn: str, start: Any, end: Any) -> int:
    a = _day_of(_moment(ctx, fn, start, 0))
    b = _day_of(_moment(ctx, fn, end, 1))
    return (b - a).days


def _calendar_months(a: _dt.date, b: _dt.date) -> int:
    """Whole calendar months from a to b (negative when b is earlier)."""
    if b < a:
        return -_calendar_months(b, a)
    months = (b.year - a.year) * 12 + b.month - a.month
    return months - 1 if b.day < a.day else months


@builtin("daysBetween", receiver=DATES, returns="NUMBER", tier=1,
         doc="Calendar days from the receiver to the argument (positive when the argument is later).")
def days_between(ctx: Any, start: Any, end: Any) -> int:
    return _days(ctx, "daysBetween", start, end)


@builtin("days360", receiver=DATES, returns="NUMBER", tier=1,
         doc="Same as daysBetween (as Zoho documents it).")
def days360(ctx: Any, start: Any, end: Any) -> int:
    return _days(ctx, "days360", start, end)


@builtin("hoursBetween", receiver=DATES, returns="NUMBER", tier=1,
         doc="Whole hours from the receiver to the argument, truncated toward zero.")
def hours_between(ctx: Any, start: Any, end: Any) -> int:
    a = _as_datetime(_moment(ctx, "hoursBetween", start, 0))
    b = _as_datetime(_moment(ctx, "hoursBetween", end, 1))
    return _trunc_div((b - a) // _dt.timedelta(seconds=1), 3600)


@builtin("monthsBetween", receiver=DATES, returns="NUMBER", tier=1,
         doc="Days between divided by 30, truncated toward zero (Zoho counts a month as 30 days).")
def months_between(ctx: Any, start: Any, end: Any) -> int:
    return _trunc_div(_days(ctx, "monthsBetween", start, end), 30)


@builtin("yearsBetween", receiver=DATES, returns="NUMBER", tier=1,
         doc="Days between divided by 365, truncated toward zero (Zoho counts a year as 365 days).")
def years_between(ctx: Any, start: Any, end: Any) -> int:
    return _trunc_div(_days(ctx, "yearsBetween", start, end), 365)


@builtin("totalMonth", receiver=DATES, aliases=("totalMonths", "monthsDiff"), returns="NUMBER", tier=2,
         doc="Whole calendar months from the receiver to the argument; times are ignored.")
def total_month(ctx: Any, start: Any, end: Any) -> int:
    a = _day_of(_moment(ctx, "totalMonth", start, 0))
    return _calendar_months(a, _day_of(_moment(ctx, "totalMonth", end, 1)))


@builtin("totalYear", receiver=DATES, aliases=("totalYears", "yearsDiff"), returns="NUMBER", tier=2,
         doc="Whole calendar years from the receiver to the argument; times are ignored.")
def total_year(ctx: Any, start: Any, end: Any) -> int:
    a = _day_of(_moment(ctx, "totalYear", start, 0))
    return _trunc_div(_calendar_months(a, _day_of(_moment(ctx, "totalYear", end, 1))), 12)


@builtin("timeBetween", receiver=DATES, returns="TEXT", tier=2,
         doc="Elapsed time as HH, HH:mm or HH:mm:ss text (days count as 24 hours); the end must not be earlier.")
def time_between(ctx: Any, start: Any, end: Any) -> str:
    a = _as_datetime(_moment(ctx, "timeBetween", start, 0))
    b = _as_datetime(_moment(ctx, "timeBetween", end, 1))
    if b < a:
        raise fail("timeBetween: the end date-time is earlier than the start")
    seconds = (b - a) // _dt.timedelta(seconds=1)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if secs:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}" if minutes else f"{hours:02d}"


# -- business days -------------------------------------------------------------------------
def _items(fn: str, value: Any, position: int, what: str) -> DelugeList:
    """A LIST argument; ``{}`` (which reads as an empty map) counts as an empty list."""
    if isinstance(value, DelugeList):
        return value
    if isinstance(value, DelugeMap) and not value:
        return DelugeList()
    raise fail(f"{fn}: argument {position} must be a LIST of {what}, got {type_name(value)}")


def _weekends(fn: str, value: Any) -> frozenset[int]:
    """Python weekday numbers (Monday = 0) of the weekend days; Saturday and Sunday by default."""
    if value is None:
        return frozenset((5, 6))
    days = set()
    for item in _items(fn, value, 2, "day names"):
        try:
            days.add((dtx.weekday_number(_text(fn, item, 2)) + 6) % 7)
        except ValueError as e:
            raise fail(f"{fn}: {e}") from None
    if len(days) == 7:
        raise fail(f"{fn}: every day of the week is a weekend")
    return frozenset(days)


def _holidays(ctx: Any, fn: str, value: Any) -> frozenset[_dt.date]:
    if value is None:
        return frozenset()
    return frozenset(_day_of(_moment(ctx, fn, item, 3)) for item in _items(fn, value, 3, "dates"))


def _business(ctx: Any, fn: str, value: Any, amount: Any, weekends: Any, holidays: Any, step: int) -> Moment:
    """Move over ``amount`` working days; a negative amount leaves the date as it is
    (as Zoho documents)."""
    moment = _moment(ctx, fn, value)
    n = _count(fn, amount)
    off = _weekends(fn, weekends)
    skip = _holidays(ctx, fn, holidays)
    if n > _MAX_BUSINESS_DAYS:
        raise _out_of_range(fn)
    day = _day_of(moment)
    left = max(n, 0)
    # Past every holiday, seven days hold exactly ``per_week`` working days, and the working
    # day reached after them is the one reached from the same weekday a week on; so whole
    # weeks are skipped at once (at least one step is left, since the day a week on may be a
    # weekend), and a huge count costs a few steps instead of millions of days.
    per_week = 7 - len(off)
    beyond = max(skip, default=None) if step > 0 else min(skip, default=None)
    try:
        turn = 0
        while left > 0:
            if left > per_week and (beyond is None or (day >= beyond if step > 0 else day <= beyond)):
                weeks = (left - 1) // per_week
                day += step * 7 * weeks * _DAY
                left -= weeks * per_week
                continue
            day += step * _DAY
            while day.weekday() in off or day in skip:
                day += step * _DAY
            left -= 1
            turn += 1
            if turn % 10_000 == 0:
                ctx.check()
    except OverflowError:
        raise _out_of_range(fn) from None
    return _same_kind(moment, day)


@builtin("addBusinessDay", receiver=DATES, returns="ANYDATE", tier=2,
         doc="Add working days, skipping weekends (default Saturday, Sunday) and listed holidays.")
def add_business_day(ctx: Any, value: Any, days: Any, weekends: Any = None, holidays: Any = None) -> Moment:
    return _business(ctx, "addBusinessDay", value, days, weekends, holidays, 1)


@builtin("subBusinessDay", receiver=DATES, returns="ANYDATE", tier=2,
         doc="Subtract working days, skipping weekends (default Saturday, Sunday) and listed holidays.")
def sub_business_day(ctx: Any, value: Any, days: Any, weekends: Any = None, holidays: Any = None) -> Moment:
    return _business(ctx, "subBusinessDay", value, days, weekends, holidays, -1)


@builtin("workday", receiver=DATES, returns="DATE", tier=2,
         doc="Like addBusinessDay, but the result is a DATE (the time is dropped).")
def workday(ctx: Any, value: Any, days: Any, weekends: Any = None, holidays: Any = None) -> _dt.date:
    return _day_of(_business(ctx, "workday", value, days, weekends, holidays, 1))


def _business_minutes(fn: str, amount: Any) -> int:
    """Signed minutes of an addBusinessHour amount: a NUMBER is hours; in a DECIMAL the digits
    after the point, as written, are minutes (Zoho: ``0.1`` is one minute, so ``1.30`` is
    an hour and a half)."""
    if type(amount) is int:
        return amount * 60
    if type(amount) is not Decimal or not amount.is_finite():
        raise fail(f"{fn}: argument 1 must be a NUMBER or DECIMAL of hours, got {type_name(amount)}")
    whole, _, digits = format(abs(amount), "f").partition(".")
    minutes = int(digits) if digits else 0
    if minutes > 59:
        raise fail(f"{fn}: {format_decimal(amount)} has {minutes} minutes after the point (at most 59)")
    total = int(whole) * 60 + minutes
    return -total if amount < 0 else total


def _business_window(fn: str, value: Any) -> tuple[int, int]:
    """(start, end) hours of the working day from ``{"start": 10, "end": 17}``; 9 to 17 by default."""
    if value is None:
        return 9, 17
    if not isinstance(value, DelugeMap):
        raise fail(f"{fn}: argument 4 must be a map like {{\"start\": 9, \"end\": 17}}, got {type_name(value)}")
    bounds = []
    for key in ("start", "end"):
        raw = value.get(key)
        text = display(raw).strip() if type(raw) in (int, str) else ""
        if not text.isdigit() or not 0 <= int(text) <= 24:
            raise fail(f"{fn}: business hours need a \"{key}\" hour from 0 to 24, got {display(raw)}")
        bounds.append(int(text))
    if bounds[0] >= bounds[1]:
        raise fail(f"{fn}: business hours start ({bounds[0]}) must be before their end ({bounds[1]})")
    return bounds[0], bounds[1]


@builtin("addBusinessHour", receiver=DATES, returns="DATETIME", tier=2,
         doc="Add (or, when negative, subtract) working hours, skipping weekends, holidays and off-hours.")
def add_business_hour(ctx: Any, value: Any, hours: Any, weekends: Any = None, holidays: Any = None,
                      business_hours: Any = None) -> _dt.datetime:
    fn = "addBusinessHour"
    moment = _as_datetime(_moment(ctx, fn, value))
    left = _business_minutes(fn, hours)
    off = _weekends(fn, weekends)
    skip = _holidays(ctx, fn, holidays)
    start_hour, end_hour = _business_window(fn, business_hours)
    if left == 0:
        return moment
    step = 1 if left > 0 else -1
    left = abs(left)

    def working(day: _dt.date) -> bool:
        return day.weekday() not in off and day not in skip

    def opening(day: _dt.date) -> _dt.datetime:
        return _dt.datetime.combine(day, _dt.time()) + _dt.timedelta(hours=start_hour)

    def closing(day: _dt.date) -> _dt.datetime:
        return _dt.datetime.combine(day, _dt.time()) + _dt.timedelta(hours=end_hour)

    # A week away from every holiday holds the same working minutes; whole weeks are skipped
    # at once, so a huge count costs a few steps instead of millions of days.
    week = (7 - len(off)) * (end_hour - start_hour) * 60
    if week == 0:
        raise _out_of_range(fn)
    beyond = max(skip, default=None) if step > 0 else min(skip, default=None)
    day, at = moment.date(), moment
    try:
        for turn in range(_MAX_BUSINESS_DAYS):
            if turn % 10_000 == 9_999:
                ctx.check()
            if working(day):
                lo, hi = opening(day), closing(day)
                at = min(max(at, lo), hi)
                room = ((hi - at) if step > 0 else (at - lo)) // _dt.timedelta(minutes=1)
                if left <= room:
                    return at + step * _dt.timedelta(minutes=left)
                left -= room
            day += step * _DAY
            at = opening(day) if step > 0 else closing(day)
            weeks = left // week - 1
            if weeks > 0 and (beyond is None or (day > beyond if step > 0 else day < beyond)):
                day += step * 7 * weeks * _DAY
                left -= weeks * week
                at = opening(day) if step > 0 else closing(day)
    except OverflowError:
        pass
    raise _out_of_range(fn)


def _next_day(ctx: Any, fn: str, value: Any, name: Any, step: int) -> Moment:
    moment = _moment(ctx, fn, value)
    if name is None:
        wanted = frozenset(range(5))  # Monday to Friday
    else:
        try:
            wanted = frozenset({(dtx.weekday_number(_text(fn, name, 1)) + 6) % 7})
        except ValueError as e:
            raise fail(f"{fn}: {e}") from None
    day = _day_of(moment)
    try:
        day += step * _DAY
        while day.weekday() not in wanted:
            day += step * _DAY
    except OverflowError:
        raise _out_of_range(fn) from None
    return _same_kind(moment, day)


@builtin("nextWeekDay", receiver=DATES, returns="ANYDATE", tier=2,
         doc="The next Monday-Friday day after the date, or the next given day name.")
def next_week_day(ctx: Any, value: Any, day_name: Any = None) -> Moment:
    return _next_day(ctx, "nextWeekDay", value, day_name, 1)


@builtin("previousWeekDay", receiver=DATES, returns="ANYDATE", tier=2,
         doc="The last Monday-Friday day before the date, or the last given day name.")
def previous_week_day(ctx: Any, value: Any, day_name: Any = None) -> Moment:
    return _next_day(ctx, "previousWeekDay", value, day_name, -1)


# -- period boundaries ---------------------------------------------------------------------
def _start(moment: Moment, day: _dt.date) -> Moment:
    """``day`` as the receiver's type, at midnight for a DATE-TIME."""
    return _as_datetime(day) if type(moment) is _dt.datetime else day


@builtin("toStartOfMonth", receiver=DATES, returns="ANYDATE", tier=2,
         doc="The first day of the month (midnight for a DATE-TIME).")
def to_start_of_month(ctx: Any, value: Any) -> Moment:
    moment = _moment(ctx, "toStartOfMonth", value)
    return _start(moment, _day_of(moment).replace(day=1))


@builtin("toStartOfWeek", receiver=DATES, returns="ANYDATE", tier=2,
         doc="The Sunday that starts the date's week (midnight for a DATE-TIME).")
def to_start_of_week(ctx: Any, value: Any) -> Moment:
    moment = _moment(ctx, "toStartOfWeek", value)
    day = _day_of(moment)
    try:
        return _start(moment, day - _dt.timedelta(days=(day.weekday() + 1) % 7))
    except OverflowError:
        raise _out_of_range("toStartOfWeek") from None


@builtin("eomonth", receiver=DATES, returns="DATE", tier=2,
         doc="The last day of the month that is the given number of months away.")
def eomonth(ctx: Any, value: Any, months: Any = 0) -> _dt.date:
    day = _day_of(_moment(ctx, "eomonth", value)).replace(day=1)
    try:
        first = _add_months(day, _count("eomonth", months))
    except OverflowError:
        raise _out_of_range("eomonth") from None
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@builtin("edate", receiver=DATES, returns="DATE", tier=2,
         doc="The same day the given number of months away (clamped to the month's end).")
def edate(ctx: Any, value: Any, months: Any) -> _dt.date:
    day = _day_of(_moment(ctx, "edate", value))
    try:
        return _add_months(day, _count("edate", months))
    except OverflowError:
        raise _out_of_range("edate") from None
