"""Working hours of hourly KPIs: which hours have a plan, and which hour is due when.

A production line runs from its ``hours`` (``07:00-15:30``; default 08:00-17:00) on working
days, Monday to Friday. An hour outside that time has no plan and is never "missing": at 06:00
on a Monday the hour being reported is still Friday's last one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

DEFAULT_HOURS = "08:00-17:00"
HOURLY_GRACE = timedelta(minutes=15)


def working_hours(hours: str | None) -> tuple[time, time]:
    """The start and end of the working day from ``HH:MM-HH:MM``."""
    start, end = (hours or DEFAULT_HOURS).split("-")
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return time(h1, m1), (time(23, 59) if h2 == 24 else time(h2, m2))


def working_moment(hours: str | None, moment: datetime) -> datetime:
    """``moment``, or the end of the last working window (plus grace) when outside working time.

    Feeding the result to the reporting-period rule makes its "latest ended hour" a working hour.
    """
    start, end = working_hours(hours)
    day = moment.date()
    for _ in range(8):
        if day.weekday() < 5:
            opens = datetime.combine(day, start)
            closes = datetime.combine(day, end)
            if moment >= opens + timedelta(hours=1):
                return min(moment, closes + HOURLY_GRACE)
        day -= timedelta(days=1)
        moment = datetime.combine(day, time(23, 59))
    return moment
