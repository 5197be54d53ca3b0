"""Hourly pace (takt): today's hours against plan, and hourly actuals rolled up per day.

An hourly KPI's periods are local hours (``2026-11-23T14``); its working hours (``hours:`` in
the file, default 08:00-17:00) say which hours have a plan. The status rules apply to each hour
unchanged; the day's pace is the cumulative actual against the cumulative plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bsc_core.board import History, KpiRef, KpiStatus
from bsc_core.charts.data import PaceData, PacePoint
from bsc_core.hours import working_hours
from bsc_core.periods import Frequency, Period
from bsc_core.status import Status, evaluate


def hours_of_day(kpi: KpiRef, day: date) -> list[Period]:
    """The hourly periods of ``day`` that overlap the KPI's working hours."""
    start, end = working_hours(kpi.hours)
    periods = []
    for hour in range(24):
        begins = time(hour)
        ends = time(hour + 1) if hour < 23 else time(23, 59, 59)
        if ends > start and begins < end:
            periods.append(Period(Frequency.HOURLY, day, hour))
    return periods


@dataclass(frozen=True)
class HourRow:
    period: Period
    plan: float | None
    actual: float | None
    status: Status
    cumulative_plan: float
    cumulative_actual: float


def pace_rows(kpi: KpiRef, history: History, *, day: date, now: datetime) -> list[HourRow]:
    """Each working hour of ``day`` up to ``now`` (local), with cumulative plan and actual."""
    rows: list[HourRow] = []
    plan_total = actual_total = 0.0
    for period in hours_of_day(kpi, day):
        if period.start_local >= now:
            break
        actual = history.actual(kpi, period)
        value = actual.value if actual else None
        plan = history.target(kpi, period)
        ended = period.end_local <= now
        status = evaluate(
            actual=value, target=plan, direction=kpi.direction, tolerance=kpi.tolerance
        )
        if value is None and not ended:
            continue
        plan_total += plan or 0.0
        actual_total += value or 0.0
        rows.append(HourRow(period, plan, value, status, plan_total, actual_total))
    return rows


def pace_data(kpi: KpiRef, rows: list[HourRow], day: date) -> PaceData:
    return PaceData(
        code=kpi.code,
        name=kpi.name,
        unit=kpi.unit,
        day=day.isoformat(),
        points=[
            PacePoint(
                hour=f"{r.period.hour:02d}:00",
                plan=r.plan,
                actual=r.actual,
                status=r.status.value,
            )
            for r in rows
        ],
    )


def daily_total(kpi: KpiRef, history: History, day: date) -> tuple[float | None, float | None]:
    """The day's total actual and total plan over working hours (None when nothing logged)."""
    periods = hours_of_day(kpi, day)
    actuals = [history.actual(kpi, p) for p in periods]
    plans = [history.target(kpi, p) for p in periods]
    logged = [a.value for a in actuals if a is not None]
    plan = sum(p for p in plans if p is not None) if any(p is not None for p in plans) else None
    return (sum(logged) if logged else None), plan


def day_window(day: date) -> tuple[Period, Period]:
    """The first and last hourly period of a day (for loading its history)."""
    return Period(Frequency.HOURLY, day, 0), Period(Frequency.HOURLY, day, 23)


def daily_status(kpi: KpiRef, history: History, day: date) -> KpiStatus:
    """An hourly KPI rolled up into one day: total actual against total plan, as a daily row."""
    actual, plan = daily_total(kpi, history, day)
    status = evaluate(actual=actual, target=plan, direction=kpi.direction, tolerance=kpi.tolerance)
    return KpiStatus(
        kpi=kpi, period=Period(Frequency.DAILY, day), actual=actual, target=plan, status=status
    )


def last_working_day(month: Period) -> date:
    """The month's last Monday-to-Friday (the day an hourly KPI shows in a monthly review)."""
    day = month.end_date
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> list[date]:
    """``count`` working days ending at ``day`` (included when it is one), oldest first."""
    days: list[date] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]
