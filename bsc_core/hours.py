"""Working hours of hourly KPIs: which hours have a plan, and which hour is due when.

A production line works the hours of its calendar (the scorecard's ``calendar:``, or the
KPI's own ``hours:``; default 08:00-17:00, Monday to Friday) on its working days. An hour
outside that time has no plan and is never "missing": at 06:00 on a Monday the hour being
reported is still Friday's last one, and on a holiday the day before's.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bsc_core.calendar import DEFAULT_CALENDAR, DEFAULT_HOURS, WorkCalendar, parse_hours
from bsc_core.periods import Frequency, Period

HOURLY_GRACE = timedelta(minutes=15)

__all__ = ["DEFAULT_HOURS", "HOURLY_GRACE", "working_hours", "working_moment"]


def working_hours(hours: str | None) -> tuple[time, time]:
    """The start and end of the working day from ``HH:MM-HH:MM`` (first to last shift)."""
    windows = parse_hours(hours)
    start, end = windows[0][0], windows[-1][1]
    return time(start // 60, start % 60), (time(23, 59) if end >= 24 * 60 else _time(end))


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _calendar(hours: str | WorkCalendar | None) -> WorkCalendar:
    if isinstance(hours, WorkCalendar):
        return hours
    return DEFAULT_CALENDAR.with_hours(hours)


def working_moment(hours: str | WorkCalendar | None, moment: datetime) -> datetime:
    """``moment``, or just after the last working hour ended (plus grace) when outside it.

    Feeding the result to the reporting-period rule makes its "latest ended hour" a working
    hour of a working day.
    """
    calendar = _calendar(hours)
    current = Period.containing(Frequency.HOURLY, moment)
    if calendar.is_working(current) and calendar.is_working(current.prev()):
        return moment
    last = calendar.last_working_period(Frequency.HOURLY, moment)
    if last is None:
        return moment
    if current.prev() == last:
        return moment
    return min(moment, last.end_local + HOURLY_GRACE)
