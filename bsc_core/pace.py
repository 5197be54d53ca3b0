"""Hourly pace (takt): today's hours against plan, and hourly actuals rolled up per day.

An hourly KPI's periods are local hours (``2026-11-23T14``); its working calendar (the
scorecard's ``calendar:``, its own ``hours:``; default 08:00-17:00, Monday to Friday) says
which hours have a plan. The status rules apply to each hour unchanged; the day's pace is the
cumulative actual against the cumulative plan. A day off has no plan: the pace shown is the
last working day's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bsc_core.aggregation import ViewPeriod
from bsc_core.board import History, KpiRef, KpiStatus
from bsc_core.charts.data import PaceData, PacePoint
from bsc_core.periods import Frequency, Period
from bsc_core.status import Status, evaluate


def hours_of_day(kpi: KpiRef, day: date) -> list[Period]:
    """The hourly periods of ``day`` that overlap the KPI's working hours (none on a day off)."""
    return [Period(Frequency.HOURLY, day, hour) for hour in kpi.calendar.working_hours(day)]


def pace_day(kpi: KpiRef, today: date) -> date:
    """The day ``/kpi pace`` shows: today when it is a working day, else the last one."""
    return kpi.calendar.last_working_day(today) or today


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
    """The day's aggregate actual and plan (None when nothing logged / no plan).

    The same rule as every aggregate: the actuals of the day's hours combined by the KPI's
    ``aggregate`` (a sum by default), against the plans of its working hours.
    """
    figure = history.figure(kpi, ViewPeriod.of(Period(Frequency.DAILY, day)))
    actual = None if figure.actual is None else float(figure.actual)
    return actual, (None if figure.target is None else float(figure.target))


def day_end(day: date) -> datetime:
    """Midnight after ``day``: every hour of it has ended."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


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
    """The month's last Monday-to-Friday."""
    day = month.end_date
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day
