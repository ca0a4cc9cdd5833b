"""Unit tests for cloudburst.datetimes: literal layouts, SimpleDateFormat patterns, zones."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudburst import datetimes as D

TODAY = dt.date(2026, 6, 1)
KOLKATA = D.zone("Asia/Kolkata")
UTC = dt.timezone.utc
d = dt.date
t = dt.time


def lit(text: str) -> D.Moment:
    return D.parse_literal(text, TODAY)


# -- literal layouts -----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "15-Aug-1947", "15-August-1947", "15-aug-1947", "15-AUG-1947", "15-Aug-47", "15-August-47",
    "08-15-1947", "08-15-47", "47-08-15", "15-08-1947", "15-08-47", "1947-08-15",
    "47/08/15", "15/08/47", "08/15/47", "1947/08/15", "08/15/1947", "15/08/1947",
    "15 Aug,47", "Aug 15,47", "15 Aug,1947", "Aug 15,1947", "15 August,47", "August 15,47",
    "15 August,1947", "August 15,1947", "Friday,August 15,1947", "Fri,Aug 15,1947",
    "Aug 15 47", "15 Aug 47", "Aug 15 1947", "15 Aug 1947", "August 15 47", "15 August 47",
    "15 August 1947", "August 15 1947", "15.08.47", "08.15.47", "47.08.15", "15 08 1947",
    "15.08.1947", "08.15.1947", "1947.08.15", "Aug 15, 1947", "  15-Aug-1947  ",
])
def test_every_documented_layout_reads_15_aug_1947(text: str) -> None:
    assert lit(text) == d(1947, 8, 15)


@pytest.mark.parametrize("text,expected", [
    ("15-Aug-1947 19:00:00", dt.datetime(1947, 8, 15, 19, 0, 0)),
    ("15-Aug-1947 19:00", dt.datetime(1947, 8, 15, 19, 0, 0)),
    ("15-Aug-1947 07:05:09 PM", dt.datetime(1947, 8, 15, 19, 5, 9)),
    ("15-Aug-1947 7:05 am", dt.datetime(1947, 8, 15, 7, 5, 0)),
    ("15-Aug-1947 12:00 AM", dt.datetime(1947, 8, 15, 0, 0, 0)),
    ("15-Aug-1947 12:30 PM", dt.datetime(1947, 8, 15, 12, 30, 0)),
    ("1947-08-15 23:59:59", dt.datetime(1947, 8, 15, 23, 59, 59)),
    ("Aug 15, 1947 10:00:00", dt.datetime(1947, 8, 15, 10, 0, 0)),
])
def test_date_with_time_is_datetime(text: str, expected: dt.datetime) -> None:
    value = lit(text)
    assert type(value) is dt.datetime
    assert value == expected


def test_date_without_time_is_date() -> None:
    assert type(lit("01-Jan-2024")) is dt.date


@pytest.mark.parametrize("text,expected", [
    ("10:30:00", t(10, 30, 0)), ("10:30", t(10, 30)), ("9:05:01", t(9, 5, 1)),
    ("10:30 PM", t(22, 30)), ("12:15:00 am", t(0, 15)),
])
def test_bare_time_is_time(text: str, expected: dt.time) -> None:
    value = lit(text)
    assert type(value) is dt.time
    assert value == expected


def test_out_of_range_clock_fields_reset_as_zoho_documents() -> None:
    assert lit("01-Jan-2020 24:10:10") == dt.datetime(2020, 1, 1, 0, 0, 0)
    assert lit("01-Jan-2020 10:60:10") == dt.datetime(2020, 1, 1, 10, 0, 0)
    assert lit("01-Jan-2020 10:10:75") == dt.datetime(2020, 1, 1, 10, 10, 0)


@pytest.mark.parametrize("text,expected", [
    ("03-04-2024", d(2024, 3, 4)),   # '-' reads month first
    ("03/04/2024", d(2024, 3, 4)),   # '/' reads month first
    ("03.04.2024", d(2024, 4, 3)),   # '.' reads day first
    ("03 04 2024", d(2024, 4, 3)),   # ' ' reads day first
    ("13-04-2024", d(2024, 4, 13)),  # 13 cannot be a month: day first
    ("04-13-2024", d(2024, 4, 13)),
    ("04.13.2024", d(2024, 4, 13)),  # 13 cannot be a month: month first
    ("01-02-03", d(2003, 1, 2)),     # all two-digit: the year is last
    ("32-01-02", d(2032, 1, 2)),     # first > 31: yy-MM-dd
])
def test_ambiguous_numeric_layouts(text: str, expected: dt.date) -> None:
    assert lit(text) == expected


def test_two_digit_years_follow_javas_80_20_window() -> None:
    assert lit("01-Jan-46") == d(1946, 1, 1)
    assert lit("15-Sept-45") == d(2045, 9, 15)
    assert D.expand_year(46, TODAY) == 1946
    assert D.expand_year(45, TODAY) == 2045
    assert D.expand_year(0, TODAY) == 2000
    assert D.expand_year(99, TODAY) == 1999
    assert lit("01-Jan-30") == d(2030, 1, 1)
    assert lit("01-Jan-99") == d(1999, 1, 1)


@pytest.mark.parametrize("text,fragment", [
    ("31-Apr-2024", "no day 31"),
    ("29-Feb-2023", "no day 29"),
    ("30-Feb-2024", "no day 30"),
    ("00-Jan-2024", "no day 0"),
    ("01-Jan-20245", "more than 4 digits"),
    ("2024-13-01", "not a valid month"),
    ("13-13-2024", "not a valid month"),
    ("01-Foo-2024", "not a month name"),
    ("Funday,Jan 05,2024", "not a day name"),
    ("01-Jan-202", "2 or 4 digits"),
    ("hello", "not a date"),
    ("", "empty"),
    ("01-Jan-2024 13:00 PM", "AM/PM"),
    ("01-Jan-2024 100:00:00", "not a date"),
    ("0000-01-01", "out of range"),
])
def test_invalid_literals_raise_clear_errors(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        lit(text)


def test_leap_day_is_valid_in_leap_years() -> None:
    assert lit("29-Feb-2024") == d(2024, 2, 29)
    assert lit("29-Feb-2000") == d(2000, 2, 29)
    with pytest.raises(ValueError):
        lit("29-Feb-1900")


def test_wrong_weekday_name_is_ignored_like_java() -> None:
    assert lit("Monday,January 05,2024") == d(2024, 1, 5)


@given(st.dates(min_value=d(1000, 1, 1), max_value=d(9999, 12, 31)))
def test_display_form_round_trips(value: dt.date) -> None:
    assert lit(D.format(value, "dd-MMM-yyyy")) == value
    assert lit(D.format(value, "yyyy-MM-dd")) == value
    assert lit(D.format(value, "MMMM dd, yyyy")) == value


# -- text with ISO 8601 --------------------------------------------------------------------
def test_iso_offsets_convert_into_the_run_zone() -> None:
    assert D.parse_text("2024-05-01T10:00:00+05:30", UTC) == dt.datetime(2024, 5, 1, 4, 30)
    assert D.parse_text("2024-05-01T10:00:00Z", KOLKATA) == dt.datetime(2024, 5, 1, 15, 30)
    assert D.parse_text("2024-05-01T10:00:00-0700", UTC) == dt.datetime(2024, 5, 1, 17, 0)
    assert D.parse_text("2024-05-01 10:00:00+05:30", UTC) == dt.datetime(2024, 5, 1, 4, 30)


def test_iso_without_offset_and_with_fraction() -> None:
    assert D.parse_text("2024-05-01T10:00:00", UTC) == dt.datetime(2024, 5, 1, 10, 0)
    assert D.parse_text("2024-05-01T10:00", UTC) == dt.datetime(2024, 5, 1, 10, 0)
    assert D.parse_text("2024-05-01T10:00:00.250Z", UTC) == dt.datetime(2024, 5, 1, 10, 0, 0, 250000)


def test_parse_text_falls_back_to_literal_layouts() -> None:
    assert D.parse_text("01-Jan-2024", UTC, TODAY) == d(2024, 1, 1)
    assert D.parse_text("2024-01-01 24:00:00", UTC) == dt.datetime(2024, 1, 1)
    with pytest.raises(ValueError):
        D.parse_text("2024-02-30T10:00:00Z", UTC)
    with pytest.raises(ValueError):
        D.parse_text("2024-02-01T25:00:00Z", UTC)


# -- format --------------------------------------------------------------------------------
SAMPLE = dt.datetime(2019, 12, 31, 15, 4, 5, 123000)


@pytest.mark.parametrize("pattern,expected", [
    ("yyyy-MM-dd", "2019-12-31"),
    ("yy", "19"), ("y", "2019"), ("yyy", "2019"), ("yyyyy", "02019"),
    ("M MM MMM MMMM", "12 12 Dec December"),
    ("d dd", "31 31"),
    ("E EEE EEEE", "Tue Tue Tuesday"),
    ("H HH h hh k K", "15 15 3 03 15 3"),
    ("m mm s ss", "4 04 5 05"),
    ("S SSS", "123 123"),
    ("a", "PM"),
    ("D", "365"),
    ("u", "2"),
    ("w Y", "1 2020"),
    ("F W", "5 5"),
    ("G", "AD"),
    ("yyyy-MM-dd'T'HH:mm:ss", "2019-12-31T15:04:05"),
    ("hh 'o''clock' a", "03 o'clock PM"),
    ("''", "'"),
    ("dd/MM/yyyy HH:mm", "31/12/2019 15:04"),
    ("", ""),
])
def test_format_fields(pattern: str, expected: str) -> None:
    assert D.format(SAMPLE, pattern, UTC) == expected


def test_format_zone_fields() -> None:
    assert D.format(SAMPLE, "z Z X XX XXX", KOLKATA) == "IST +0530 +05 +0530 +05:30"
    assert D.format(SAMPLE, "z Z X XX XXX", UTC) == "UTC +0000 Z Z Z"
    ny = D.zone("America/New_York")
    assert D.format(dt.datetime(2024, 7, 1, 12), "z XXX", ny) == "EDT -04:00"
    assert D.format(dt.datetime(2024, 1, 1, 12), "z XXX", ny) == "EST -05:00"
    assert D.format(SAMPLE, "z", D.zone("GMT+05:30")) == "GMT+05:30"


def test_format_date_and_time_values() -> None:
    assert D.format(d(2024, 3, 9), "dd-MM-yyyy HH:mm") == "09-03-2024 00:00"
    assert D.format(t(7, 8, 9), "hh:mm:ss a") == "07:08:09 AM"
    assert D.format(t(0, 0), "h k") == "12 24"


@pytest.mark.parametrize("pattern,fragment", [
    ("yyyy-MM-ddTHH", "illegal pattern character 'T'"),
    ("qq", "illegal pattern character 'q'"),
    ("'abc", "unterminated quote"),
    ("XXXX", "invalid ISO 8601"),
])
def test_bad_patterns(pattern: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        D.format(SAMPLE, pattern, UTC)


def test_week_of_year_us_rules() -> None:
    assert D.us_week(d(2019, 12, 28)) == (2019, 52)
    assert D.us_week(d(2019, 12, 29)) == (2020, 1)
    assert D.us_week(d(2020, 1, 4)) == (2020, 1)
    assert D.us_week(d(2020, 1, 5)) == (2020, 2)
    assert D.us_week(d(2022, 1, 1)) == (2022, 1)
    assert D.us_week(d(2022, 1, 2)) == (2022, 2)
    assert D.us_week(d(9999, 12, 31))[0] == 9999


# -- parse with a pattern ------------------------------------------------------------------
def test_parse_patterns() -> None:
    assert D.parse("2024-05-01", "yyyy-MM-dd") == d(2024, 5, 1)
    assert D.parse("20240501", "yyyyMMdd") == d(2024, 5, 1)
    assert D.parse("1/5/2024", "d/M/yyyy") == d(2024, 5, 1)
    assert D.parse("May 1, 2024", "MMM d, yyyy") == d(2024, 5, 1)
    assert D.parse("01-MAY-2024", "dd-MMM-yyyy") == d(2024, 5, 1)
    assert D.parse("Wednesday, 01 May 2024", "EEEE, dd MMMM yyyy") == d(2024, 5, 1)
    assert D.parse("05/01/24 3:04 PM", "MM/dd/yy h:mm a", today=TODAY) == dt.datetime(2024, 5, 1, 15, 4)
    assert D.parse("12:00 AM", "hh:mm a") == t(0, 0)
    assert D.parse("24:00", "kk:mm") == t(0, 0)
    assert D.parse("2024-05-01T10:00:00.5", "yyyy-MM-dd'T'HH:mm:ss.S") == dt.datetime(2024, 5, 1, 10, 0, 0, 5000)
    assert D.parse("2024 032", "yyyy DDD") == d(2024, 2, 1)


def test_parse_ignores_text_after_the_pattern_like_java() -> None:
    assert D.parse("2024-05-01T10:00:00+05:30", "yyyy-MM-dd") == d(2024, 5, 1)


def test_parse_zones_convert() -> None:
    assert D.parse("2024-05-01T10:00:00+0530", "yyyy-MM-dd'T'HH:mm:ssZ", UTC) == dt.datetime(2024, 5, 1, 4, 30)
    assert D.parse("2024-05-01T10:00:00+05:30", "yyyy-MM-dd'T'HH:mm:ssXXX", UTC) == dt.datetime(2024, 5, 1, 4, 30)
    assert D.parse("2024-05-01T10:00:00Z", "yyyy-MM-dd'T'HH:mm:ssX", KOLKATA) == dt.datetime(2024, 5, 1, 15, 30)
    assert D.parse("2024-05-01 10:00 PDT", "yyyy-MM-dd HH:mm z", UTC) == dt.datetime(2024, 5, 1, 17, 0)
    assert D.parse("2024-05-01 10:00 IST", "yyyy-MM-dd HH:mm z", UTC) == dt.datetime(2024, 5, 1, 4, 30)
    assert D.parse("2024-05-01 10:00 +05:30", "yyyy-MM-dd HH:mm XXX") == dt.datetime(2024, 5, 1, 10, 0)


@pytest.mark.parametrize("text,pattern,fragment", [
    ("2024-02-30", "yyyy-MM-dd", "no day 30"),
    ("2024-13-01", "yyyy-MM-dd", "not a valid month"),
    ("abc", "yyyy-MM-dd", "does not match"),
    ("2024-05-01 25:00", "yyyy-MM-dd HH:mm", "out of range"),
    ("2024-05-01 13:00 PM", "yyyy-MM-dd hh:mm a", "out of range"),
    ("2024-05-01 10:61", "yyyy-MM-dd HH:mm", "invalid time"),
    ("20245-05-01", "yyyy-MM-dd", "more than 4 digits"),
    ("2024 400", "yyyy DDD", "not a day of the year"),
    ("2023 366", "yyyy DDD", "no day 366"),
    ("01-Foo-2024", "dd-MMM-yyyy", "not a month name"),
    ("2024-05-01 10:00 Mars/Base", "yyyy-MM-dd HH:mm z", "not a known time zone"),
])
def test_parse_errors(text: str, pattern: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        D.parse(text, pattern, UTC)


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_format_parse_round_trip(value: dt.datetime) -> None:
    value = value.replace(microsecond=value.microsecond // 1000 * 1000)
    for pattern in ("yyyy-MM-dd HH:mm:ss.SSS", "dd-MMM-yyyy hh:mm:ss.SSS a", "EEEE MMMM d yyyy H:m:s.SSS"):
        assert D.parse(D.format(value, pattern), pattern) == value


# -- zones and epoch -----------------------------------------------------------------------
@pytest.mark.parametrize("name,offset_hours", [
    ("Asia/Kolkata", 5.5), ("asia/kolkata", 5.5), ("IST", 5.5), ("Asia/Calcutta", 5.5),
    ("UTC", 0), ("GMT", 0), ("GMT+05:30", 5.5), ("GMT-8", -8), ("+0530", 5.5), ("UTC-03:00", -3),
    ("EST", -5), ("JST", 9),
])
def test_zone_names(name: str, offset_hours: float) -> None:
    offset = dt.datetime(2024, 1, 15, tzinfo=D.zone(name)).utcoffset()
    assert offset == dt.timedelta(hours=offset_hours)


@pytest.mark.parametrize("name", ["Mars/Base", "", "GMT+25:00", "../etc/passwd", "IS T"])
def test_unknown_zones_raise(name: str) -> None:
    with pytest.raises(ValueError):
        D.zone(name)


def test_to_zone_and_epoch() -> None:
    assert D.to_zone(dt.datetime(2024, 1, 1, 0, 0), UTC, KOLKATA) == dt.datetime(2024, 1, 1, 5, 30)
    assert D.epoch_millis(dt.datetime(2020, 2, 3, 3, 48, 12), D.zone("Asia/Calcutta")) == 1580681892000
    assert D.epoch_millis(d(1970, 1, 1), UTC) == 0
    assert D.epoch_millis(d(1970, 1, 2), UTC) == 86_400_000
    assert D.epoch_millis(dt.datetime(1969, 12, 31, 23, 59, 59), UTC) == -1000


def test_names() -> None:
    assert D.month_number("sep") == 9
    assert D.month_number("SEPTEMBER") == 9
    assert D.weekday_number("sun") == 0
    assert D.weekday_number("Saturday") == 6
    with pytest.raises(ValueError):
        D.weekday_number("Someday")


def test_pathological_patterns_fail_fast() -> None:
    """Field groups are atomic: a failing match must not backtrack exponentially."""
    import time

    start = time.monotonic()
    with pytest.raises(ValueError):
        D.parse("a" * 3000 + "?", "E " * 40 + "'!'")
    with pytest.raises(ValueError):
        D.parse("1" * 5000 + "x", "d " * 300 + "'!'")
    assert time.monotonic() - start < 2.0
