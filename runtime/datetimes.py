"""Deluge date-time text: literal layouts, Java ``SimpleDateFormat`` patterns, time zones.

The compiler (single-quoted date literals) and the standard library (``toDate``,
``toString(pattern)``, ...) both read and write dates here, so a date means the same
thing in a literal and in a built-in. Everything is a pure function of its arguments;
bad input raises :class:`ValueError` and the caller decides whether that is a syntax
error or a runtime error.

Values follow :mod:`cloudburst.values`: ``date`` for DATE, naive ``datetime`` (wall time
in the run's zone) for DATE-TIME, ``time`` for TIME. See ``docs/semantics/dates.md`` for
every rule chosen where Zoho's documentation is silent.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Union

from cloudburst.datetime_types import dt as _dt

__all__ = [
    "MONTHS",
    "MONTHS_LONG",
    "WEEKDAYS",
    "WEEKDAYS_LONG",
    "Moment",
    "parse_literal",
    "parse_text",
    "parse",
    "format",
    "zone",
    "to_zone",
    "epoch_millis",
    "from_epoch_millis",
    "expand_year",
    "month_number",
    "weekday_number",
    "us_week",
]

Moment = Union[_dt.date, _dt.datetime, _dt.time]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
#: Java's order: index 0 is Sunday (``getDayOfWeek`` returns index + 1).
WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
WEEKDAYS_LONG = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

_MONTH_BY_NAME = {n.lower(): i + 1 for i, n in enumerate(MONTHS)}
_MONTH_BY_NAME.update({n.lower(): i + 1 for i, n in enumerate(MONTHS_LONG)})
_MONTH_BY_NAME["sept"] = 9
_WEEKDAY_BY_NAME = {n.lower(): i for i, n in enumerate(WEEKDAYS)}
_WEEKDAY_BY_NAME.update({n.lower(): i for i, n in enumerate(WEEKDAYS_LONG)})

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MILLI = _dt.timedelta(milliseconds=1)


# -- names and numbers ---------------------------------------------------------------------
def month_number(name: str) -> int:
    """1-12 for an English month name, short or long, any case."""
    try:
        return _MONTH_BY_NAME[name.strip().rstrip(".").lower()]
    except KeyError:
        raise ValueError(f"'{name}' is not a month name") from None


def weekday_number(name: str) -> int:
    """0 (Sunday) to 6 (Saturday) for an English day name, short or long, any case."""
    try:
        return _WEEKDAY_BY_NAME[name.strip().rstrip(".").lower()]
    except KeyError:
        raise ValueError(f"'{name}' is not a day name") from None


def expand_year(two_digits: int, today: _dt.date | None = None) -> int:
    """Java's rule for a two-digit year: the year within 80 years before and 20 years
    after today."""
    ref = (today or _dt.date.today()).year
    low = ref - 80
    year = low - low % 100 + two_digits
    if year < low:
        year += 100
    return year


def us_week(d: _dt.date, first_day: int = 0) -> tuple[int, int]:
    """(week year, week) as Java's US calendar counts weeks: weeks start on Sunday (or on
    ``first_day``, 0 = Sunday to 6 = Saturday) and week 1 is the week that contains
    1 January."""

    def first_week_start(year: int) -> int:
        jan1 = _dt.date(year, 1, 1)
        return jan1.toordinal() - (jan1.weekday() + 1 - first_day) % 7

    day = d.toordinal()
    if d.year < _dt.MAXYEAR and day >= first_week_start(d.year + 1):
        return d.year + 1, 1
    return d.year, (day - first_week_start(d.year)) // 7 + 1


def _check_year(year: int) -> int:
    if year > 9999:
        raise ValueError(f"year {year} has more than 4 digits")
    if year < 1:
        raise ValueError(f"year {year} is out of range")
    return year


def _make_date(year: int, month: int, day: int) -> _dt.date:
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"{month} is not a valid month")
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{MONTHS[month - 1]} {year} has no day {day}") from None


# -- literal layouts -----------------------------------------------------------------------
_TIME = r"(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\s*([AaPp])\.?[Mm]\.?)?"
_TIME_ONLY_RE = re.compile(rf"^{_TIME}$")
_WITH_TIME_RE = re.compile(rf"^(.*?\S)\s+{_TIME}$")
_YEAR = r"(\d{1,5})"
_WORD = r"([A-Za-z]+\.?)"
_DAY = r"(\d{1,2})"
# (regex, order of the groups: d = day, m = month name, y = year, e = weekday name)
_TEXT_LAYOUTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_DAY}-{_WORD}-{_YEAR}$"), "dmy"),                # dd-MMM-yyyy
    (re.compile(rf"^{_DAY}\s+{_WORD}\s*,\s*{_YEAR}$"), "dmy"),        # dd MMM,yyyy
    (re.compile(rf"^{_WORD}\s+{_DAY}\s*,\s*{_YEAR}$"), "mdy"),        # MMM dd,yyyy
    (re.compile(rf"^{_WORD}\s*,\s*{_WORD}\s+{_DAY}\s*,\s*{_YEAR}$"), "emdy"),  # E,MMMM dd,yyyy
    (re.compile(rf"^{_WORD}\s+{_DAY}\s+{_YEAR}$"), "mdy"),            # MMM dd yyyy
    (re.compile(rf"^{_DAY}\s+{_WORD}\s+{_YEAR}$"), "dmy"),            # dd MMM yyyy
)
_NUMERIC_RE = re.compile(r"^(\d{1,5})([-/. ])(\d{1,2})\2(\d{1,5})$")
#: Separators whose ambiguous layouts read day first (``dd.MM.yyyy``, ``dd MM yyyy``);
#: ``-`` and ``/`` read month first (``MM-dd-yyyy``, ``MM/dd/yyyy``).
_DAY_FIRST_SEPARATORS = frozenset(". ")


def _year_field(text: str, today: _dt.date | None) -> int:
    if len(text) > 4:
        raise ValueError(f"year {text} has more than 4 digits")
    if len(text) == 2:
        return expand_year(int(text), today)
    if len(text) != 4:
        raise ValueError(f"year {text} must have 2 or 4 digits")
    return int(text)


def _numeric_date(m: re.Match[str], today: _dt.date | None) -> _dt.date:
    first, sep, second, third = m.group(1), m.group(2), m.group(3), m.group(4)
    if len(first) > 2 or (len(third) == 2 and int(first) > 31):
        # yyyy-MM-dd, yy-MM-dd, yyyy/MM/dd, yy.MM.dd ...
        if len(third) > 2:
            raise ValueError("the day must have 1 or 2 digits")
        return _make_date(_year_field(first, today), int(second), int(third))
    year = _year_field(third, today)
    a, b = int(first), int(second)
    day_first = sep in _DAY_FIRST_SEPARATORS
    if day_first and a <= 12 < b or not day_first and b <= 12 < a:
        day_first = not day_first  # only the other reading is a valid month
    return _make_date(year, b, a) if day_first else _make_date(year, a, b)


def _text_date(text: str, today: _dt.date | None) -> _dt.date | None:
    for regex, order in _TEXT_LAYOUTS:
        m = regex.match(text)
        if m is None:
            continue
        fields = dict(zip(order, m.groups()))
        if "e" in fields:
            weekday_number(fields["e"])  # must be a day name; a wrong one is ignored (as Java)
        return _make_date(_year_field(fields["y"], today), month_number(fields["m"]), int(fields["d"]))
    return None


def _clock(hour: str, minute: str, second: str | None, half: str | None) -> _dt.time:
    h, mi, s = int(hour), int(minute), int(second or 0)
    if half is not None:
        if not 1 <= h <= 12:
            raise ValueError(f"hour {h} is not valid with AM/PM")
        h = h % 12 + (12 if half.lower() == "p" else 0)
    # Zoho: an hour of 24 or more resets the time to 00:00:00, minutes of 60 or more
    # reset mm:ss, seconds of 60 or more reset ss.
    if h >= 24:
        return _dt.time(0, 0, 0)
    if mi >= 60:
        return _dt.time(h, 0, 0)
    if s >= 60:
        return _dt.time(h, mi, 0)
    return _dt.time(h, mi, s)


def parse_literal(text: str, today: _dt.date | None = None) -> Moment:
    """Read the inside of a single-quoted Deluge literal.

    A date gives ``date``, a date with a time (``HH:mm[:ss]``, optionally ``AM``/``PM``)
    gives ``datetime``, a bare time gives ``time``. ``today`` anchors two-digit years.
    """
    s = " ".join(text.split())
    if not s:
        raise ValueError("empty date literal")
    m = _TIME_ONLY_RE.match(s)
    if m is not None:
        return _clock(*m.groups())
    clock: _dt.time | None = None
    m = _WITH_TIME_RE.match(s)
    if m is not None:
        s = m.group(1)
        clock = _clock(*m.groups()[1:])
    n = _NUMERIC_RE.match(s)
    day = _numeric_date(n, today) if n is not None else _text_date(s, today)
    if day is None:
        raise ValueError(f"'{text}' is not a date in any accepted layout")
    return day if clock is None else _dt.datetime.combine(day, clock)


_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_text(text: str, tz: _dt.tzinfo | None = None, today: _dt.date | None = None) -> Moment:
    """Read date text without a pattern: every literal layout, plus ISO 8601
    (``2024-05-01T10:00:00+05:30``). An offset converts the value into ``tz``."""
    s = text.strip()
    m = _ISO_RE.match(s)
    if m is None or (m.group(8) is None and "T" not in s.upper()):
        return parse_literal(s, today)
    y, mo, d, h, mi, sec, frac, off = m.groups()
    day = _make_date(int(y), int(mo), int(d))
    micro = int((frac or "0").ljust(6, "0")[:6])
    try:
        value = _dt.datetime.combine(day, _dt.time(int(h), int(mi), int(sec or 0), micro))
    except ValueError:
        raise ValueError(f"'{text}' has an invalid time") from None
    if off is not None and tz is not None:
        value = value.replace(tzinfo=_offset_zone(off)).astimezone(tz).replace(tzinfo=None)
    return value


# -- time zones ----------------------------------------------------------------------------
#: Java's three-letter zone IDs (``ZoneId.SHORT_IDS``) that ``TimeZone.getTimeZone`` accepts.
_JAVA_SHORT_IDS = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney", "AGT": "America/Argentina/Buenos_Aires",
    "ART": "Africa/Cairo", "AST": "America/Anchorage", "BET": "America/Sao_Paulo",
    "BST": "Asia/Dhaka", "CAT": "Africa/Harare", "CNT": "America/St_Johns",
    "CST": "America/Chicago", "CTT": "Asia/Shanghai", "EAT": "Africa/Addis_Ababa",
    "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis", "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan", "NST": "Pacific/Auckland",
    "PLT": "Asia/Karachi", "PNT": "America/Phoenix", "PRT": "America/Puerto_Rico",
    "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal", "VST": "Asia/Ho_Chi_Minh",
}
_OFFSET_NAME_RE = re.compile(r"^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def _offset_zone(text: str) -> _dt.timezone:
    if text in ("Z", "z"):
        return _dt.timezone.utc
    m = _OFFSET_NAME_RE.match(text)
    if m is None:
        raise ValueError(f"'{text}' is not a time-zone offset")
    sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{text}' is not a valid time-zone offset")
    delta = _dt.timedelta(hours=hours, minutes=minutes)
    return _dt.timezone(-delta if sign == "-" else delta)


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    from zoneinfo import available_timezones  # loaded when a zone is first named

    return {n.lower(): n for n in available_timezones()}


@lru_cache(maxsize=256)
def zone(name: str) -> _dt.tzinfo:
    """A time zone from a TZ database name (any case), a Java short ID (``IST``, ``PST``)
    or an offset (``GMT+05:30``, ``+0530``, ``UTC``)."""
    n = name.strip()
    if n.upper() in ("UTC", "GMT", "UT", "Z"):
        return _dt.timezone.utc
    if _OFFSET_NAME_RE.match(n):
        return _offset_zone(n)
    key = _JAVA_SHORT_IDS.get(n.upper()) or _zone_names().get(n.lower())
    if key is None:
        raise ValueError(f"'{name}' is not a known time zone")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{name}' is not a known time zone") from None


def to_zone(value: _dt.datetime, source: _dt.tzinfo, target: _dt.tzinfo) -> _dt.datetime:
    """The wall time in ``target`` of the naive ``value`` read in ``source``."""
    return value.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)


def epoch_millis(value: _dt.date | _dt.datetime, tz: _dt.tzinfo) -> int:
    """Milliseconds since 1970-01-01T00:00Z of a naive value read in ``tz`` (a DATE is
    its midnight)."""
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime.combine(value, _dt.time())
    return (value.replace(tzinfo=tz) - _EPOCH) // _MILLI


def from_epoch_millis(millis: int, tz: _dt.tzinfo) -> _dt.datetime:
    """The naive wall time in ``tz`` of ``millis`` after 1970-01-01T00:00Z (the inverse of
    :func:`epoch_millis`). Raises OverflowError outside the calendar."""
    return (_EPOCH + millis * _MILLI).astimezone(tz).replace(tzinfo=None)


# -- patterns ------------------------------------------------------------------------------
_LETTERS = frozenset("GyYMLwWDdFEuaHkKhmsSzZX")
_DATE_LETTERS = frozenset("GyYMLwWDdFEu")
_TIME_LETTERS = frozenset("aHkKhmsSzZX")
_NUMERIC = frozenset("yYwWDdFuHkKhmsS") | {"M", "L"}

_Token = Union[str, tuple[str, int]]


@lru_cache(maxsize=512)
def _tokens(pattern: str) -> tuple[_Token, ...]:
    """Split a SimpleDateFormat pattern into fields ``(letter, count)`` and literal text."""
    out: list[_Token] = []
    text: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            if i + 1 < n and pattern[i + 1] == "'":
                text.append("'")
                i += 2
                continue
            j = i + 1
            while True:
                if j >= n:
                    raise ValueError(f"unterminated quote in date pattern '{pattern}'")
                if pattern[j] == "'":
                    if j + 1 < n and pattern[j + 1] == "'":
                        text.append("'")
                        j += 2
                        continue
                    break
                text.append(pattern[j])
                j += 1
            i = j + 1
        elif ("a" <= c <= "z") or ("A" <= c <= "Z"):
            if c not in _LETTERS:
                raise ValueError(f"illegal pattern character '{c}' in '{pattern}'")
            j = i
            while j < n and pattern[j] == c:
                j += 1
            if text:
                out.append("".join(text))
                text = []
            out.append((c, j - i))
            i = j
        else:
            text.append(c)
            i += 1
    if text:
        out.append("".join(text))
    return tuple(out)


def _offset_text(offset: _dt.timedelta, colon: bool, minutes: bool = True) -> str:
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    h, m = divmod(abs(total), 60)
    if not minutes:
        return f"{sign}{h:02d}"
    return f"{sign}{h:02d}:{m:02d}" if colon else f"{sign}{h:02d}{m:02d}"


def _zone_name(aware: _dt.datetime) -> str:
    name = aware.tzname() or ""
    if not name or name[0] in "+-" or (name.startswith("UTC") and len(name) > 3):
        offset = aware.utcoffset() or _dt.timedelta(0)
        return "GMT" + _offset_text(offset, colon=True)
    return name


def _pad(number: int, count: int) -> str:
    return str(number).zfill(count)


def format(value: Moment, pattern: str, tz: _dt.tzinfo | None = None) -> str:  # noqa: A001
    """Format like Java's ``SimpleDateFormat(pattern).format``; ``tz`` is the zone of
    the naive value (used by ``z``, ``Z`` and ``X``; UTC when None)."""
    if isinstance(value, _dt.datetime):
        dt = value
    elif isinstance(value, _dt.date):
        dt = _dt.datetime.combine(value, _dt.time())
    else:
        dt = _dt.datetime.combine(_dt.date(1970, 1, 1), value)
    aware = dt.replace(tzinfo=tz or _dt.timezone.utc)
    out: list[str] = []
    for tok in _tokens(pattern):
        if isinstance(tok, str):
            out.append(tok)
            continue
        c, k = tok
        if c == "G":
            out.append("AD")
        elif c == "y":
            out.append(_pad(dt.year % 100, 2) if k == 2 else _pad(dt.year, k))
        elif c == "Y":
            wy = us_week(dt.date())[0]
            out.append(_pad(wy % 100, 2) if k == 2 else _pad(wy, k))
        elif c in "ML":
            out.append(MONTHS_LONG[dt.month - 1] if k >= 4 else MONTHS[dt.month - 1] if k == 3 else _pad(dt.month, k))
        elif c == "w":
            out.append(_pad(us_week(dt.date())[1], k))
        elif c == "W":
            first = (dt.replace(day=1).weekday() + 1) % 7
            out.append(_pad((dt.day + first - 1) // 7 + 1, k))
        elif c == "D":
            out.append(_pad(dt.timetuple().tm_yday, k))
        elif c == "d":
            out.append(_pad(dt.day, k))
        elif c == "F":
            out.append(_pad((dt.day - 1) // 7 + 1, k))
        elif c == "E":
            idx = (dt.weekday() + 1) % 7
            out.append(WEEKDAYS_LONG[idx] if k >= 4 else WEEKDAYS[idx])
        elif c == "u":
            out.append(_pad(dt.isoweekday(), k))
        elif c == "a":
            out.append("AM" if dt.hour < 12 else "PM")
        elif c == "H":
            out.append(_pad(dt.hour, k))
        elif c == "k":
            out.append(_pad(dt.hour or 24, k))
        elif c == "K":
            out.append(_pad(dt.hour % 12, k))
        elif c == "h":
            out.append(_pad(dt.hour % 12 or 12, k))
        elif c == "m":
            out.append(_pad(dt.minute, k))
        elif c == "s":
            out.append(_pad(dt.second, k))
        elif c == "S":
            out.append(_pad(dt.microsecond // 1000, k))
        elif c == "z":
            out.append(_zone_name(aware))
        elif c == "Z":
            out.append(_offset_text(aware.utcoffset() or _dt.timedelta(0), colon=False))
        else:  # X
            if k > 3:
                raise ValueError(f"invalid ISO 8601 zone pattern '{'X' * k}'")
            offset = aware.utcoffset() or _dt.timedelta(0)
            out.append("Z" if not offset else _offset_text(offset, colon=k == 3, minutes=k > 1))
    return "".join(out)


_ZONE_TEXT = r"(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?|Z|[A-Za-z][A-Za-z_/]*"


def _field_regex(c: str, k: int, abutting: bool) -> str:
    """One capture group per field; atomic, so a pattern can never backtrack
    exponentially over user text."""
    if c in _NUMERIC and not (c in "ML" and k >= 3):
        inner = rf"\d{{{k}}}" if abutting else r"\d{1,9}"
    elif c in "ML" or c == "E":
        inner = r"[A-Za-z]+\.?"
    elif c == "a":
        inner = r"[AaPp]\.?[Mm]\.?"
    elif c == "G":
        inner = r"AD|BC"
    elif c == "X":
        inner = r"Z|[+-]\d{2}(?::?\d{2})?"
    else:
        inner = _ZONE_TEXT
    return rf"((?>{inner}))"


@lru_cache(maxsize=256)
def _parser(pattern: str) -> tuple[re.Pattern[str], tuple[tuple[str, int], ...]]:
    toks = _tokens(pattern)
    parts: list[str] = []
    fields: list[tuple[str, int]] = []
    for i, tok in enumerate(toks):
        if isinstance(tok, str):
            parts.append(r"\s*+".join(re.escape(w) for w in tok.split(" ")))
            continue
        c, k = tok
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        abutting = isinstance(nxt, tuple) and nxt[0] in _NUMERIC and not (nxt[0] in "ML" and nxt[1] >= 3)
        parts.append(_field_regex(c, k, abutting))
        fields.append(tok)
    return re.compile("".join(parts), re.IGNORECASE), tuple(fields)


#: Daylight-saving abbreviations Java parses that are not zone IDs of their own.
_DST_ABBREVIATIONS = {"EDT": -4, "CDT": -5, "MDT": -6, "PDT": -7, "AKDT": -8}


def _parsed_zone(raw: str) -> _dt.tzinfo:
    if raw[0] in "+-Zz":
        return _offset_zone(raw)
    hours = _DST_ABBREVIATIONS.get(raw.upper())
    if hours is not None:
        return _dt.timezone(_dt.timedelta(hours=hours))
    return zone(raw)


def parse(text: str, pattern: str, tz: _dt.tzinfo | None = None, today: _dt.date | None = None) -> Moment:
    """Parse like Java's ``SimpleDateFormat(pattern).parse`` (the text may go on after
    the pattern ends), but strictly: day 31 in a 30-day month is an error.

    The result is ``date`` when the pattern has only date fields, ``time`` when it has
    only time fields, else ``datetime``. A parsed zone converts the value into ``tz``.
    """
    regex, fields = _parser(pattern)
    m = regex.match(text.strip())
    if m is None:
        raise ValueError(f"'{text}' does not match the pattern '{pattern}'")
    year, month, day, yday = 1970, 1, 1, None
    hour, minute, second, micro, half = 0, 0, 0, 0, None
    hour_kind = "H"
    zone_: _dt.tzinfo | None = None
    has_date = has_time = False
    for (c, k), raw in zip(fields, m.groups()):
        has_date |= c in _DATE_LETTERS
        has_time |= c in _TIME_LETTERS
        if c == "y" or c == "Y":
            year = expand_year(int(raw), today) if k <= 2 and len(raw) == 2 else _check_year(int(raw))
        elif c in "ML":
            month = month_number(raw) if k >= 3 else int(raw)
        elif c == "d":
            day = int(raw)
        elif c == "D":
            yday = int(raw)
            if not 1 <= yday <= 366:
                raise ValueError(f"{yday} is not a day of the year")
        elif c == "E":
            weekday_number(raw)
        elif c in "HkKh":
            hour, hour_kind = int(raw), c
        elif c == "m":
            minute = int(raw)
        elif c == "s":
            second = int(raw)
        elif c == "S":
            micro = int(raw) * 1000
        elif c == "a":
            half = raw[0].lower()
        elif c in "zZX":
            zone_ = _parsed_zone(raw)
        # G, w, W, F, u carry no information the other fields do not already fix
    limits = {"H": (0, 23), "k": (1, 24), "K": (0, 11), "h": (1, 12)}
    lo, hi = limits[hour_kind]
    if not lo <= hour <= hi:
        raise ValueError(f"hour {hour} is out of range for '{hour_kind}'")
    if hour_kind == "k":
        hour %= 24
    elif hour_kind == "h":
        hour %= 12
    if half == "p" and hour < 12:
        hour += 12
    if minute > 59 or second > 59 or micro > 999_000:
        raise ValueError(f"'{text}' has an invalid time")
    if yday is not None and not any(c in "MLd" for c, _ in fields):
        d = _make_date(year, 1, 1) + _dt.timedelta(days=yday - 1)
        if d.year != year:
            raise ValueError(f"{year} has no day {yday}")
    else:
        d = _make_date(year, month, day)
    value = _dt.datetime.combine(d, _dt.time(hour, minute, second, micro))
    if zone_ is not None and tz is not None:
        value = to_zone(value, zone_, tz)
    if has_time and not has_date:
        return value.time()
    if has_date and not has_time:
        return value.date()
    return value
