"""When each scorecard's huddle, review and nag round run: the effective schedule and its runs.

A scorecard without a ``Schedule`` row runs on the defaults (huddle 08:45 and nag round 10:00,
Monday to Friday; review on the first working day of the month at 09:00), in the scorecard's
own time zone. A row overrides them, possibly with its own zone, or switches the kind off.

Runs are computed here in local wall-clock time and turned into aware datetimes once, so the
clock, the ``/huddle schedule`` reply and the tests agree on every run, across daylight saving:
a time that does not exist (the spring gap) runs at the same wall-clock time shifted by the
gap, and a time that happens twice (the autumn repeat) runs at its first occurrence only.

The module lives in ``bsc_core`` rather than ``scheduler`` because the slash commands show the
next run too, and dependencies point from the scheduler to the commands to the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from bsc_core.models import Schedule, Scorecard

KINDS = ("huddle", "review", "nag")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = (0, 1, 2, 3, 4)
FIRST_WORKDAY = "first-workday"
MAX_DAY_OF_MONTH = 28

DEFAULT_AT: dict[str, time] = {"huddle": time(8, 45), "review": time(9, 0), "nag": time(10, 0)}

#: How late a run may still start: a clock that was down for less than this catches up.
GRACE: dict[str, timedelta] = {
    "huddle": timedelta(minutes=30),
    "review": timedelta(hours=12),
    "nag": timedelta(hours=2),
}

_HHMM = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)


class ScheduleError(ValueError):
    """A schedule text is invalid; the message is meant for the person who typed it."""


def parse_time(text: str) -> time:
    """``HH:MM`` on a 24-hour clock (``9:05`` is accepted)."""
    match = _HHMM.fullmatch(text.strip())
    if match is None:
        raise ScheduleError(f"{text!r} is not a time: write HH:MM on a 24-hour clock, e.g. 08:45")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError(f"{text!r} is not a time of day: hours are 00..23, minutes 00..59")
    return time(hour, minute)


def parse_days(text: str) -> tuple[int, ...]:
    """Weekdays (Monday = 0) from ``mon-fri``, ``daily`` or a list such as ``mon,wed,fri``."""
    value = text.strip().lower()
    if value in ("daily", "every-day", "everyday"):
        return tuple(range(7))
    if value in ("mon-fri", "weekdays"):
        return WORKDAYS
    days: set[int] = set()
    for part in value.split(","):
        if part not in WEEKDAYS:
            raise ScheduleError(
                f"{text!r} is not a list of days: write mon-fri, daily or days such as "
                "mon,wed,fri (mon tue wed thu fri sat sun)"
            )
        days.add(WEEKDAYS.index(part))
    return tuple(sorted(days))


def format_days(days: tuple[int, ...]) -> str:
    """The canonical text of ``days``, as stored and as APScheduler's ``day_of_week`` reads it."""
    if days == tuple(range(7)):
        return "daily"
    if days == WORKDAYS:
        return "mon-fri"
    return ",".join(WEEKDAYS[d] for d in days)


def parse_timezone(text: str) -> str:
    """An IANA zone name such as ``Europe/Paris`` (or ``UTC``), checked against tzdata."""
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"{text!r} is not a known time zone: write an IANA name such as Europe/London"
        ) from None
    return name


def parse_day_of_month(text: str) -> str:
    """``first-workday`` or a day number 1..28 (every month has it)."""
    value = text.strip().lower()
    if value == FIRST_WORKDAY:
        return value
    if value.isdigit() and 1 <= int(value) <= MAX_DAY_OF_MONTH:
        return str(int(value))
    raise ScheduleError(
        f"{text!r} is not a review day: write first-workday or a day of the month 1..28"
    )


def first_workday(year: int, month: int) -> date:
    """The first Monday-to-Friday of the month (public holidays are not known here)."""
    day = date(year, month, 1)
    while day.weekday() not in WORKDAYS:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class EffectiveSchedule:
    """What one scorecard's huddle, review or nag round runs on, defaults filled in."""

    scorecard_id: int
    slug: str
    name: str
    kind: str
    enabled: bool
    at: time
    days: tuple[int, ...]
    day_of_month: str | None
    timezone: str
    is_default: bool
    channel_id: str | None = None
    chair: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def grace(self) -> timedelta:
        return GRACE[self.kind]

    def runs_on(self, day: date) -> bool:
        """Whether the schedule has a run on the local date ``day``."""
        if self.kind == "review":
            if self.day_of_month in (None, FIRST_WORKDAY):
                return day == first_workday(day.year, day.month)
            return day.day == int(self.day_of_month)
        return day.weekday() in self.days

    def run_at(self, day: date) -> datetime:
        """The run on local date ``day``, in UTC (gap: shifted by the gap; repeat: the first).

        UTC on purpose: Python never finds a local time of the repeated hour equal to a
        datetime in another zone (PEP 495), so instants are compared in UTC and turned into
        local time only to be shown (:meth:`local`).
        """
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the schedule's zone, for people and for the local date of a run."""
        return moment.astimezone(self.zone)

    def describe(self) -> str:
        """How a person reads it: ``08:45 Mon-Fri (Europe/London)``."""
        hhmm = self.at.strftime("%H:%M")
        if self.kind == "review":
            when = (
                "the first working day of the month"
                if self.day_of_month in (None, FIRST_WORKDAY)
                else f"day {self.day_of_month} of the month"
            )
            return f"{when} at {hhmm} ({self.timezone})"
        names = {"daily": "every day", "mon-fri": "Monday to Friday"}
        days = names.get(format_days(self.days), ", ".join(WEEKDAYS[d].title() for d in self.days))
        return f"{hhmm} {days} ({self.timezone})"


def next_run(schedule: EffectiveSchedule, after: datetime) -> datetime | None:
    """The first run strictly after ``after`` (aware), in UTC; None if off."""
    if not schedule.enabled:
        return None
    start = after.astimezone(schedule.zone).date() - timedelta(days=1)
    for offset in range(400):
        day = start + timedelta(days=offset)
        if schedule.runs_on(day):
            moment = schedule.run_at(day)
            if moment > after:
                return moment
    return None


def last_run(schedule: EffectiveSchedule, at_or_before: datetime) -> datetime | None:
    """The latest run at or before ``at_or_before`` (aware), in UTC; None if off."""
    if not schedule.enabled:
        return None
    start = at_or_before.astimezone(schedule.zone).date() + timedelta(days=1)
    for offset in range(400):
        day = start - timedelta(days=offset)
        if schedule.runs_on(day):
            moment = schedule.run_at(day)
            if moment <= at_or_before:
                return moment
    return None


def _calendar_days(card: Scorecard) -> tuple[int, ...]:
    from bsc_core.calendar import CalendarError
    from bsc_core.calendar import parse_days as calendar_days

    try:
        return calendar_days(card.calendar_days or "mon-fri")
    except CalendarError:
        return WORKDAYS


def effective(card: Scorecard, kind: str, row: Schedule | None) -> EffectiveSchedule:
    """The schedule of ``kind`` for ``card``: the row's values, or the defaults."""
    if kind not in KINDS:
        raise ValueError(f"unknown schedule kind {kind!r}")
    base = EffectiveSchedule(
        scorecard_id=card.id or 0,
        slug=card.slug,
        name=card.name,
        kind=kind,
        enabled=True,
        at=DEFAULT_AT[kind],
        days=_calendar_days(card),  # by default, the scorecard's working days
        day_of_month=FIRST_WORKDAY if kind == "review" else None,
        timezone=card.timezone,
        is_default=True,
        channel_id=card.channel_id,
        chair=card.chair,
    )
    if row is None:
        return base
    return EffectiveSchedule(
        scorecard_id=base.scorecard_id,
        slug=card.slug,
        name=card.name,
        kind=kind,
        enabled=row.enabled,
        at=parse_time(row.at),
        days=parse_days(row.days) if kind != "review" else WORKDAYS,
        day_of_month=(row.day_of_month or FIRST_WORKDAY) if kind == "review" else None,
        timezone=row.timezone or card.timezone,
        is_default=False,
        channel_id=card.channel_id,
        chair=card.chair,
    )


def load_schedules(
    session: Session, *, kinds: tuple[str, ...] = KINDS, slug: str | None = None
) -> list[EffectiveSchedule]:
    """Every scorecard's effective schedules of ``kinds`` (switched-off ones included)."""
    query = select(Scorecard).order_by(col(Scorecard.slug))
    if slug is not None:
        query = query.where(Scorecard.slug == slug)
    cards = list(session.exec(query))
    rows = {
        (r.scorecard_id, r.kind): r
        for r in session.exec(select(Schedule).where(col(Schedule.kind).in_(kinds)))
    }
    return [
        effective(card, kind, rows.get((card.id or 0, kind))) for card in cards for kind in kinds
    ]


def schedule_of(session: Session, card: Scorecard, kind: str) -> EffectiveSchedule:
    """One scorecard's effective schedule of ``kind``."""
    row = session.exec(
        select(Schedule).where(Schedule.scorecard_id == card.id, Schedule.kind == kind)
    ).first()
    return effective(card, kind, row)
