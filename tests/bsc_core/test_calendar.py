"""Working calendars: which days and hours owe a number, and the errors an admin sees."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bsc_core.calendar import (
    CalendarError,
    WorkCalendar,
    parse_days,
    parse_holidays,
    parse_hours,
)
from bsc_core.periods import Frequency, Period


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (0, 1, 2, 3, 4)),
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("mon-sat", (0, 1, 2, 3, 4, 5)),
        ("every-day", (0, 1, 2, 3, 4, 5, 6)),
        ("tue-sat", (1, 2, 3, 4, 5)),
        (["mon", "tue", "thu"], (0, 1, 3)),
        (["Thu", "mon"], (0, 3)),
        ("mon,wed,fri", (0, 2, 4)),
    ],
)
def test_days_are_read_in_every_documented_form(value, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_days(value) == expected


@pytest.mark.parametrize("value", ["mon-frx", "funday", ["mon", "xyz"], "fri-mon", [], [1, 2]])
def test_unknown_or_backwards_days_are_refused_with_the_forms(value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CalendarError, match="mon-fri, mon-sat, every-day"):
        parse_days(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ((480, 1020),)),
        ("06:00-22:00", ((360, 1320),)),
        ("00:00-24:00", ((0, 1440),)),
        ("14:00-22:00,06:00-14:00", ((360, 840), (840, 1320))),
        ("07:00-15:30", ((420, 930),)),
    ],
)
def test_hours_and_shifts_are_read_as_sorted_windows(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("8-17", "must look like"),
        ("17:00-08:00", "ends before it starts"),
        ("25:00-26:00", "not a time range"),
        ("06:00-14:00,13:00-22:00", "overlap"),
        ("08:00-24:30", "not a time range"),
    ],
)
def test_malformed_hours_are_refused(text: str, problem: str) -> None:
    with pytest.raises(CalendarError, match=problem):
        parse_hours(text)


def test_holidays_are_dates_and_anything_else_is_refused() -> None:
    assert parse_holidays([date(2026, 12, 25), "2026-12-24"]) == (
        date(2026, 12, 24),
        date(2026, 12, 25),
    )
    with pytest.raises(CalendarError, match="holiday 'xmas' is not a date"):
        parse_holidays(["xmas"])
    with pytest.raises(CalendarError, match="list of dates"):
        parse_holidays("2026-12-25")


def test_weekends_and_holidays_are_not_working_days() -> None:
    calendar = WorkCalendar(holidays=frozenset({date(2026, 12, 25)}))
    assert calendar.is_working_day(date(2026, 12, 24))  # Thursday
    assert not calendar.is_working_day(date(2026, 12, 25))  # holiday
    assert not calendar.is_working_day(date(2026, 12, 26))  # Saturday
    assert calendar.previous_working_day(date(2026, 12, 28)) == date(2026, 12, 24)


def test_shifts_make_working_hours_and_a_day_off_has_none() -> None:
    calendar = WorkCalendar(
        days=parse_days("mon-sat"), windows=parse_hours("06:00-14:00,14:00-22:00")
    )
    assert calendar.working_hours(date(2026, 11, 28)) == list(range(6, 22))  # a Saturday
    assert calendar.working_hours(date(2026, 11, 29)) == []  # Sunday
    round_the_clock = WorkCalendar(days=parse_days("every-day"), windows=parse_hours("00:00-24:00"))
    assert round_the_clock.working_hours(date(2026, 11, 29)) == list(range(24))


def test_a_kpi_hours_override_the_calendar_hours_but_keep_its_days() -> None:
    calendar = WorkCalendar(holidays=frozenset({date(2026, 11, 23)})).with_hours("07:00-15:30")
    assert calendar.working_hours(date(2026, 11, 24)) == list(range(7, 16))
    assert calendar.working_hours(date(2026, 11, 23)) == []


def test_periods_are_working_by_the_calendar() -> None:
    calendar = WorkCalendar()
    assert calendar.is_working(Period.parse("2026-11-27"))
    assert not calendar.is_working(Period.parse("2026-11-28"))
    assert calendar.is_working(Period.parse("2026-11-27T08"))
    assert not calendar.is_working(Period.parse("2026-11-27T17"))
    assert calendar.is_working(Period.parse("2026-W48"))


def test_the_last_working_period_skips_the_weekend() -> None:
    calendar = WorkCalendar()
    monday = datetime(2026, 11, 30, 6, 0)
    assert calendar.last_working_period(Frequency.DAILY, monday) == Period.parse("2026-11-27")
    assert calendar.last_working_period(Frequency.HOURLY, monday) == Period.parse("2026-11-27T16")


def test_the_stored_texts_round_trip() -> None:
    calendar = WorkCalendar.from_texts(
        days="mon,wed,fri", hours="06:00-14:00,14:00-22:00", holidays='["2026-12-25"]'
    )
    assert calendar.days_text == "mon,wed,fri"
    assert calendar.hours_text == "06:00-14:00,14:00-22:00"
    assert (
        WorkCalendar.from_texts(days=calendar.days_text, hours=calendar.hours_text).days
        == calendar.days
    )


def test_the_default_huddle_days_are_the_calendars_days() -> None:
    from bsc_core.models import Scorecard
    from bsc_core.schedules import effective

    card = Scorecard(id=1, name="Plant", slug="plant", calendar_days="mon-sat")
    assert effective(card, "huddle", None).days == (0, 1, 2, 3, 4, 5)
    assert effective(Scorecard(id=2, name="Team", slug="team"), "huddle", None).days == (
        0,
        1,
        2,
        3,
        4,
    )
