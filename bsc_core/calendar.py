"""Working calendars: which days and hours a KPI owes a number for.

A scorecard has one calendar (``calendar:`` in its file) and an hourly KPI may override its
hours (``hours:``). Everything that decides what is *due* reads it: a non-working day or hour
is never ``missing``, never nagged for, never counted in coverage and has no plan in a summed
target. Texts are checked here, once, and every problem raises :class:`CalendarError` with the
right form, so the import can report it with its place.

==============  ==============================================================
key             accepted forms
==============  ==============================================================
``days``        ``mon-fri`` (default), ``mon-sat``, ``every-day``, a range such
                as ``tue-sat``, or a list ``[mon, tue, thu]``
``hours``       ``08:00-17:00`` (default), ``00:00-24:00``, or shifts
                ``06:00-14:00,14:00-22:00`` (shifts may touch, never overlap)
``holidays``    a list of dates ``[2026-12-24, 2026-12-25]``
==============  ==============================================================
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bsc_core.periods import Frequency, Period

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DAYS = "mon-fri"
DEFAULT_HOURS = "08:00-17:00"
DAYS_FORM = (
    "days must be mon-fri, mon-sat, every-day, a range like tue-sat or a list [mon, tue, thu]"
)
HOURS_FORM = 'hours must look like "08:00-17:00", "00:00-24:00" or shifts "06:00-14:00,14:00-22:00"'
HOLIDAYS_FORM = "holidays must be a list of dates, e.g. [2026-12-24, 2026-12-25]"

_ALIASES = {"every-day": "mon-sun", "everyday": "mon-sun", "daily": "mon-sun"}
_WINDOW = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", re.ASCII)


class CalendarError(ValueError):
    """A calendar key is malformed; the message says what was wrong and the right form."""


Window = tuple[int, int]  # minutes since midnight, [start, end)


def parse_days(value: str | Iterable[str] | None) -> tuple[int, ...]:
    """Weekday numbers (Monday 0) from ``mon-fri``, ``every-day`` or ``[mon, tue, thu]``."""
    if value is None:
        value = DEFAULT_DAYS
    if isinstance(value, str):
        text = _ALIASES.get(value.strip().lower(), value.strip().lower())
        if "," in text:
            return parse_days([part for part in text.split(",")])
        if "-" in text:
            first, _, last = text.partition("-")
            start, end = _day(first, first), _day(last, last)
            if end < start:
                raise CalendarError(f"{DAYS_FORM}; {value!r} runs backwards")
            return tuple(range(start, end + 1))
        return (_day(text, text),)
    names = list(value)
    if not names or not all(isinstance(name, str) for name in names):
        raise CalendarError(f"{DAYS_FORM}, got {names!r}")
    numbers = sorted({_day(name.strip().lower(), name) for name in names})
    return tuple(numbers)


def _day(name: str, shown: object) -> int:
    cleaned = name.strip().lower()
    if cleaned not in DAY_NAMES:
        raise CalendarError(f"unknown day {shown!r}: {DAYS_FORM}")
    return DAY_NAMES.index(cleaned)


def parse_hours(text: str | None) -> tuple[Window, ...]:
    """The working windows of a day, in minutes, from ``08:00-17:00`` or comma-separated shifts.

    Shifts are sorted; two that overlap, a range that ends before it starts or an impossible
    time raises :class:`CalendarError`.
    """
    if text is None:
        text = DEFAULT_HOURS
    if not isinstance(text, str):
        raise CalendarError(f"{HOURS_FORM}, got {text!r}")
    windows: list[Window] = []
    for part in text.split(","):
        match = _WINDOW.fullmatch(part.strip())
        if match is None:
            raise CalendarError(f"{HOURS_FORM}, got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
            raise CalendarError(f"{part.strip()!r} is not a time range of one day; {HOURS_FORM}")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise CalendarError(f"{part.strip()!r} ends before it starts; {HOURS_FORM}")
        windows.append((start, end))
    windows.sort()
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        if start < end:
            raise CalendarError(f"shifts in {text!r} overlap; {HOURS_FORM}")
    return tuple(windows)


def parse_holidays(value: Any) -> tuple[date, ...]:
    """Dates from a YAML list (dates or ``YYYY-MM-DD`` texts)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CalendarError(f"{HOLIDAYS_FORM}, got {value!r}")
    days: list[date] = []
    for item in value:
        if isinstance(item, datetime) or not isinstance(item, date | str):
            raise CalendarError(f"holiday {item!r} is not a date; {HOLIDAYS_FORM}")
        if isinstance(item, str):
            try:
                item = date.fromisoformat(item.strip())
            except ValueError:
                raise CalendarError(f"holiday {item!r} is not a date; {HOLIDAYS_FORM}") from None
        days.append(item)
    return tuple(sorted(set(days)))


def days_text(days: Iterable[int]) -> str:
    """The canonical text of a set of weekdays: ``mon-fri``, ``every-day`` or ``mon,wed,fri``."""
    numbers = sorted(set(days))
    if numbers == list(range(7)):
        return "every-day"
    if numbers and numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1:
        return f"{DAY_NAMES[numbers[0]]}-{DAY_NAMES[numbers[-1]]}"
    return ",".join(DAY_NAMES[n] for n in numbers)


@dataclass(frozen=True)
class WorkCalendar:
    """Working weekdays, working windows of a working day, and holidays."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    windows: tuple[Window, ...] = ((8 * 60, 17 * 60),)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_texts(
        cls,
        *,
        days: str | None = None,
        hours: str | None = None,
        holidays: str | None = None,
    ) -> WorkCalendar:
        """The calendar as stored: days text, hours text and holidays as a JSON list."""
        dates = parse_holidays(json.loads(holidays)) if holidays else ()
        return cls(parse_days(days), parse_hours(hours), frozenset(dates))

    def with_hours(self, hours: str | None) -> WorkCalendar:
        """The same calendar with a KPI's own ``hours:`` (``None`` keeps the calendar's)."""
        if hours is None:
            return self
        return WorkCalendar(self.days, parse_hours(hours), self.holidays)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def working_hours(self, day: date) -> list[int]:
        """The hours (0..23) of ``day`` that overlap a working window; none on a day off."""
        if not self.is_working_day(day):
            return []
        return [
            hour
            for hour in range(24)
            if any(start < (hour + 1) * 60 and hour * 60 < end for start, end in self.windows)
        ]

    def is_working(self, period: Period) -> bool:
        """Whether ``period`` owes a number: hours and days follow the calendar; longer
        periods owe one when they hold at least one working day."""
        if period.frequency is Frequency.HOURLY:
            return period.hour in self.working_hours(period.start)
        if period.frequency is Frequency.DAILY:
            return self.is_working_day(period.start)
        day = period.start_date
        while day <= period.end_date:
            if self.is_working_day(day):
                return True
            day += timedelta(days=1)
        return False

    def last_working_day(self, day: date, *, limit: int = 400) -> date | None:
        """``day`` if it is a working day, else the closest working day before it."""
        for _ in range(limit):
            if self.is_working_day(day):
                return day
            day -= timedelta(days=1)
        return None

    def next_working_day(self, day: date, *, limit: int = 400) -> date | None:
        """The first working day after ``day``."""
        for _ in range(limit):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        return None

    def previous_working_day(self, day: date) -> date:
        """The working day before ``day`` (``day - 1`` when the calendar has no working day)."""
        found = self.last_working_day(day - timedelta(days=1))
        return found if found is not None else day - timedelta(days=1)

    def working_days_before(self, day: date, count: int) -> list[date]:
        """``count`` working days ending at ``day`` (included when it is one), oldest first."""
        found: list[date] = []
        cursor: date | None = day
        while cursor is not None and len(found) < count:
            cursor = self.last_working_day(cursor)
            if cursor is None:
                break
            found.append(cursor)
            cursor -= timedelta(days=1)
        return found[::-1]

    def last_working_period(self, frequency: Frequency, before: datetime) -> Period | None:
        """The latest working period of ``frequency`` that has ended at the local ``before``."""
        if frequency not in (Frequency.HOURLY, Frequency.DAILY):
            return Period.containing(frequency, before).prev()
        cursor = Period.containing(frequency, before).prev()
        for _ in range(24 * 400 if frequency is Frequency.HOURLY else 400):
            if self.is_working(cursor):
                return cursor
            cursor = cursor.prev()
        return None

    @property
    def days_text(self) -> str:
        return days_text(self.days)

    @property
    def hours_text(self) -> str:
        return ",".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in self.windows)

    def first_start(self) -> time:
        """When the first working window opens (for schedules that start with the day)."""
        minutes = self.windows[0][0]
        return time(minutes // 60, minutes % 60)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


DEFAULT_CALENDAR = WorkCalendar()
