"""Reporting periods of a KPI: parsing, canonical text, ordering and arithmetic.

Every KPI reports once per period of its frequency. People type periods into
Slack, the scheduler computes them from the clock and the database stores them
as text, so there is exactly one canonical text form per frequency:

==========  ================  =========================================
frequency   canonical form    meaning
==========  ================  =========================================
hourly      ``2026-11-23T14`` local hour 14:00-15:00 on 23 November 2026
daily       ``2026-11-23``    the day
weekly      ``2026-W48``      ISO week 48 of ISO year 2026 (Monday-Sunday)
monthly     ``2026-11``       the calendar month
quarterly   ``2026-Q4``       October-December 2026
==========  ================  =========================================

Weekly periods use the ISO week *and the ISO year*: ``2026-W01`` starts on
Monday 2025-12-29, and some years (2026 among them) have a week 53.

Parsing is forgiving only about surrounding whitespace and letter case
(``2026-w48``, ``2026-q4`` and ``2026-11-23t14`` are accepted and normalised to
upper case), because those cannot be misread. Everything else that is not the
canonical form is refused with a :class:`PeriodError` whose message shows the
expected form and an example, so a person can fix the command they typed.

All times are naive local times: converting from UTC or another time zone is
the caller's job, done once at the edge of the system.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

MIN_YEAR = 1900
MAX_YEAR = 9999


class Frequency(StrEnum):
    """How often a KPI is reported; the value is what configuration files use."""

    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class PeriodError(ValueError):
    """A period text or value is invalid; the message is meant for the end user."""


EXPECTED_FORM: dict[Frequency, str] = {
    Frequency.HOURLY: "YYYY-MM-DDTHH, e.g. 2026-11-23T14",
    Frequency.DAILY: "YYYY-MM-DD, e.g. 2026-11-23",
    Frequency.WEEKLY: "YYYY-Www, e.g. 2026-W48",
    Frequency.MONTHLY: "YYYY-MM, e.g. 2026-11",
    Frequency.QUARTERLY: "YYYY-Qn, e.g. 2026-Q4",
}

# Strict patterns: exactly the canonical form (letters in either case).
_STRICT: dict[Frequency, re.Pattern[str]] = {
    Frequency.HOURLY: re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2})", re.ASCII),
    Frequency.DAILY: re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII),
    Frequency.WEEKLY: re.compile(r"(\d{4})-[Ww](\d{2})", re.ASCII),
    Frequency.MONTHLY: re.compile(r"(\d{4})-(\d{2})", re.ASCII),
    Frequency.QUARTERLY: re.compile(r"(\d{4})-[Qq](\d)", re.ASCII),
}

# Loose patterns: recognise which frequency a (possibly malformed) text was
# meant to be, so the error message can name the right expected form.
_SHAPES: tuple[tuple[Frequency, re.Pattern[str]], ...] = (
    (Frequency.HOURLY, re.compile(r"\d+-\d+-\d+[Tt]\d*", re.ASCII)),
    (Frequency.WEEKLY, re.compile(r"\d+-[Ww]\d*", re.ASCII)),
    (Frequency.QUARTERLY, re.compile(r"\d+-[Qq]\d*", re.ASCII)),
    (Frequency.DAILY, re.compile(r"\d+-\d+-\d+", re.ASCII)),
    (Frequency.MONTHLY, re.compile(r"\d+-\d+", re.ASCII)),
)

_LOOKS_LIKE_PERIOD = re.compile(r"\d{4}-", re.ASCII)


def looks_like_period(token: str) -> bool:
    """True when ``token`` starts with four digits and a dash.

    The command parser uses this to tell a (possibly malformed) period from a
    free-text note: ``2026-13`` must be refused as a bad period, not silently
    stored as a note.
    """
    return _LOOKS_LIKE_PERIOD.match(token.strip()) is not None


def _shape_of(text: str) -> Frequency | None:
    """The frequency whose form ``text`` resembles, even if it is malformed."""
    for frequency, pattern in _SHAPES:
        if pattern.fullmatch(text):
            return frequency
    return None


def _fail(*, text: str, frequency: Frequency, problem: str) -> PeriodError:
    """Build the error for a text that was meant to be of ``frequency``."""
    return PeriodError(
        f"{text} is not a valid {frequency} period: {problem}; "
        f"write it as {EXPECTED_FORM[frequency]}"
    )


def _all_forms() -> str:
    """Every accepted form, for texts whose frequency cannot even be guessed."""
    return "; ".join(f"{freq}: {form}" for freq, form in EXPECTED_FORM.items())


def _check_year(*, year: int, text: str, frequency: Frequency) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(
            text=text, frequency=frequency, problem=f"year {year} is outside {MIN_YEAR}..{MAX_YEAR}"
        )


def _calendar_date(*, text: str, frequency: Frequency, year: int, month: int, day: int) -> date:
    """The date ``year-month-day``, refusing impossible ones with a clear message."""
    _check_year(year=year, text=text, frequency=frequency)
    if not 1 <= month <= 12:
        raise _fail(
            text=text,
            frequency=frequency,
            problem=f"month {month:02d} does not exist (months are 01..12)",
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise _fail(
            text=text, frequency=frequency, problem=f"{year:04d}-{month:02d} has no day {day:02d}"
        ) from None


def _iso_weeks_in(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar().week


def _parse_strict(text: str, frequency: Frequency) -> Period:
    """Parse ``text`` known to be meant as ``frequency``; refuse it if malformed."""
    match = _STRICT[frequency].fullmatch(text)
    if match is None:
        raise _fail(text=text, frequency=frequency, problem="it is not in the expected form")
    numbers = tuple(int(group) for group in match.groups())
    _check_year(year=numbers[0], text=text, frequency=frequency)
    return _PARSERS[frequency](text, numbers)


def _parse_hourly(text: str, numbers: tuple[int, ...]) -> Period:
    year, month, day, hour = numbers
    when = _calendar_date(text=text, frequency=Frequency.HOURLY, year=year, month=month, day=day)
    if not 0 <= hour <= 23:
        raise _fail(
            text=text,
            frequency=Frequency.HOURLY,
            problem=f"hour {hour:02d} does not exist (hours are 00..23)",
        )
    return Period(Frequency.HOURLY, when, hour)


def _parse_daily(text: str, numbers: tuple[int, ...]) -> Period:
    year, month, day = numbers
    when = _calendar_date(text=text, frequency=Frequency.DAILY, year=year, month=month, day=day)
    return Period(Frequency.DAILY, when)


def _parse_weekly(text: str, numbers: tuple[int, ...]) -> Period:
    year, week = numbers
    weeks = _iso_weeks_in(year)
    if not 1 <= week <= 53:
        raise _fail(
            text=text,
            frequency=Frequency.WEEKLY,
            problem=f"week {week:02d} does not exist (weeks are W01..W53)",
        )
    if week > weeks:
        raise _fail(
            text=text, frequency=Frequency.WEEKLY, problem=f"ISO year {year} has only {weeks} weeks"
        )
    return Period(Frequency.WEEKLY, date.fromisocalendar(year, week, 1))


def _parse_monthly(text: str, numbers: tuple[int, ...]) -> Period:
    year, month = numbers
    first = _calendar_date(text=text, frequency=Frequency.MONTHLY, year=year, month=month, day=1)
    return Period(Frequency.MONTHLY, first)


def _parse_quarterly(text: str, numbers: tuple[int, ...]) -> Period:
    year, quarter = numbers
    if not 1 <= quarter <= 4:
        problem = f"quarter {quarter} does not exist (quarters are Q1..Q4)"
        raise _fail(text=text, frequency=Frequency.QUARTERLY, problem=problem)
    return Period(Frequency.QUARTERLY, date(year, 3 * quarter - 2, 1))


_PARSERS: dict[Frequency, Callable[[str, tuple[int, ...]], Period]] = {
    Frequency.HOURLY: _parse_hourly,
    Frequency.DAILY: _parse_daily,
    Frequency.WEEKLY: _parse_weekly,
    Frequency.MONTHLY: _parse_monthly,
    Frequency.QUARTERLY: _parse_quarterly,
}


def _index(frequency: Frequency, start: date, hour: int | None) -> int:
    """A running number of the period: consecutive periods differ by one."""
    if frequency is Frequency.HOURLY:
        return start.toordinal() * 24 + (hour or 0)
    if frequency is Frequency.DAILY:
        return start.toordinal()
    if frequency is Frequency.WEEKLY:
        return (start.toordinal() - 1) // 7  # ordinal 1 (0001-01-01) is a Monday
    if frequency is Frequency.MONTHLY:
        return start.year * 12 + start.month - 1
    return start.year * 4 + (start.month - 1) // 3


def _from_index(frequency: Frequency, index: int) -> Period:
    """Inverse of :func:`_index`; refuses periods outside the supported years."""
    try:
        if frequency is Frequency.HOURLY:
            return Period(frequency, date.fromordinal(index // 24), index % 24)
        if frequency is Frequency.DAILY:
            return Period(frequency, date.fromordinal(index))
        if frequency is Frequency.WEEKLY:
            return Period(frequency, date.fromordinal(index * 7 + 1))
        if frequency is Frequency.MONTHLY:
            return Period(frequency, date(index // 12, index % 12 + 1, 1))
        return Period(frequency, date(index // 4, (index % 4) * 3 + 1, 1))
    except (ValueError, OverflowError) as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(
            f"that {frequency} period is outside the years {MIN_YEAR}..{MAX_YEAR}"
        ) from None


def _period_start(frequency: Frequency, day: date) -> date:
    """The first day of the ``frequency`` period containing ``day``."""
    if frequency is Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    if frequency is Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency is Frequency.QUARTERLY:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day


def _year_of(frequency: Frequency, start: date) -> int:
    """The year shown in the text: the ISO year for weeks, else the calendar year."""
    if frequency is Frequency.WEEKLY:
        return start.isocalendar().year
    return start.year


@dataclass(frozen=True)
class Period:
    """One reporting period of one frequency.

    Only periods of the same frequency can be ordered: whether ``2026-11`` is
    before or after ``2026-W45`` has no useful answer, so comparing them raises
    ``TypeError`` instead of guessing.
    """

    frequency: Frequency
    start: date
    hour: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        self._check_hour()
        if _period_start(self.frequency, self.start) != self.start:
            raise PeriodError(f"{self.start} is not the first day of a {self.frequency} period")
        year = _year_of(self.frequency, self.start)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"year {year} is outside the supported years {MIN_YEAR}..{MAX_YEAR}")

    def _check_hour(self) -> None:
        if self.frequency is not Frequency.HOURLY:
            if self.hour is not None:
                raise PeriodError(f"a {self.frequency} period has no hour")
            return
        if self.hour is None or not 0 <= self.hour <= 23:
            raise PeriodError(f"an hourly period needs an hour 0..23, not {self.hour}")

    # -- text ---------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, frequency: Frequency | None = None) -> Period:
        """Parse a canonical period text.

        Without ``frequency`` the frequency is inferred from the form. With it,
        a text of another frequency's form is refused: a weekly period typed
        for a monthly KPI is a mistake, not something to convert silently.
        """
        cleaned = text.strip()
        shape = _shape_of(cleaned)
        if frequency is None:
            if shape is None:
                shown = cleaned or "an empty text"
                raise PeriodError(f"{shown} is not a period: write it as {_all_forms()}")
            return _parse_strict(cleaned, shape)
        frequency = Frequency(frequency)
        if shape is not None and shape is not frequency:
            return _refuse_other_frequency(text=cleaned, shape=shape, frequency=frequency)
        return _parse_strict(cleaned, frequency)

    @property
    def text(self) -> str:
        """The canonical text form, as stored and shown."""
        if self.frequency is Frequency.HOURLY:
            return f"{self.start.isoformat()}T{self.hour:02d}"
        if self.frequency is Frequency.DAILY:
            return self.start.isoformat()
        if self.frequency is Frequency.WEEKLY:
            iso = self.start.isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}"
        if self.frequency is Frequency.MONTHLY:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Period.parse({self.text!r})"

    def __format__(self, format_spec: str) -> str:
        return format(self.text, format_spec)

    # -- ordering -------------------------------------------------------------

    @property
    def _ordinal(self) -> int:
        return _index(self.frequency, self.start, self.hour)

    def _key_against(self, other: object) -> tuple[int, int] | None:
        """Both ordinals, or None when ``other`` is not a period at all."""
        if not isinstance(other, Period):
            return None
        if other.frequency is not self.frequency:
            raise TypeError(
                f"cannot compare a {self.frequency} period with a {other.frequency} period"
            )
        return self._ordinal, other._ordinal

    def __lt__(self, other: object) -> bool:
        keys = self._key_against(other)
        return NotImplemented if keys is None else keys[0] < keys[1]

    def __le__(self, other: object) -> bool:
        keys = self._key_against(other)
        return NotImplemented if keys is None else keys[0] <= keys[1]

    def __gt__(self, other: object) -> bool:
        keys = self._key_against(other)
        return NotImplemented if keys is None else keys[0] > keys[1]

    def __ge__(self, other: object) -> bool:
        keys = self._key_against(other)
        return NotImplemented if keys is None else keys[0] >= keys[1]

    # -- arithmetic -------------------------------------------------------------

    def shift(self, n: int) -> Period:
        """The period ``n`` periods later (earlier for negative ``n``)."""
        return _from_index(self.frequency, self._ordinal + n)

    def next(self) -> Period:
        """The following period."""
        return self.shift(1)

    def prev(self) -> Period:
        """The preceding period."""
        return self.shift(-1)

    # -- extent ---------------------------------------------------------------

    @property
    def start_date(self) -> date:
        """The first day of the period (for hourly periods: the day of the hour)."""
        return self.start

    @property
    def end_date(self) -> date:
        """The last day of the period, inclusive."""
        if self.frequency in (Frequency.HOURLY, Frequency.DAILY):
            return self.start
        if self.frequency is Frequency.WEEKLY:
            return self.start + timedelta(days=6)
        last_month = self.start.month + (2 if self.frequency is Frequency.QUARTERLY else 0)
        last_day = calendar.monthrange(self.start.year, last_month)[1]
        return date(self.start.year, last_month, last_day)

    @property
    def start_local(self) -> datetime:
        """The naive local moment the period begins."""
        return datetime.combine(self.start, time(self.hour or 0))

    @property
    def end_local(self) -> datetime:
        """The naive local moment the period is over (exclusive end).

        For an hourly period this is the start plus one hour; for the others
        it is midnight after :attr:`end_date`.
        """
        if self.frequency is Frequency.HOURLY:
            return self.start_local + timedelta(hours=1)
        return datetime.combine(self.end_date, time()) + timedelta(days=1)

    def contains(self, when: date) -> bool:
        """Whether ``when`` falls in this period.

        A ``datetime`` is checked against the local interval
        ``[start_local, end_local)``; a plain ``date`` against the days
        ``start_date..end_date`` (so an hourly period contains its day).
        """
        if isinstance(when, datetime):
            return self.start_local <= when < self.end_local
        return self.start_date <= when <= self.end_date

    @classmethod
    def containing(cls, frequency: Frequency, when: date | datetime) -> Period:
        """The ``frequency`` period in which the local date or time ``when`` falls.

        Hourly periods need a ``datetime``: a bare date does not say which hour.
        """
        frequency = Frequency(frequency)
        if frequency is Frequency.HOURLY:
            if not isinstance(when, datetime):
                raise TypeError("an hourly period needs a datetime, not a date")
            return cls(frequency, when.date(), when.hour)
        day = when.date() if isinstance(when, datetime) else when
        return cls(frequency, _period_start(frequency, day))


def _refuse_other_frequency(*, text: str, shape: Frequency, frequency: Frequency) -> Period:
    """Refuse a text written in ``shape``'s form for a ``frequency`` KPI."""
    try:
        _parse_strict(text, shape)
    except PeriodError:
        described = f"is not a {frequency} period"
    else:
        described = f"is a {shape} period, but this KPI is {frequency}"
    raise PeriodError(f"{text} {described}: write it as {EXPECTED_FORM[frequency]}")


def latest_ended(frequency: Frequency, today: date | datetime) -> Period:
    """The latest period that is completely over at ``today``.

    For dates this is the latest period whose ``end_date`` is before
    ``today`` (for daily KPIs: yesterday). Hourly KPIs need a local
    ``datetime`` and get the latest hour that has ended at that moment, so at
    14:00 sharp the 13:00-14:00 hour is the latest one.
    """
    return Period.containing(frequency, today).prev()


def periods_between(first: Period, last: Period) -> list[Period]:
    """All periods from ``first`` to ``last`` inclusive, oldest first.

    Empty when ``last`` is before ``first``; ``TypeError`` when the two are of
    different frequencies.
    """
    if first.frequency is not last.frequency:
        raise TypeError(
            f"cannot list periods from a {first.frequency} to a {last.frequency} period"
        )
    count = last._ordinal - first._ordinal + 1
    return [first.shift(n) for n in range(count)]
