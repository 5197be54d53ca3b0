"""A KPI viewed at any period: its own, a longer one (aggregated) or a shorter one.

This is the one place that decides what a KPI's figure is for a period that is not simply
its own reporting period — ``bscbot status --period``, the monthly review, its bowling chart
and YTD column all read it, so they always agree:

* the view is the KPI's own frequency: that period, as logged (or computed);
* the view is longer (a daily KPI in October): its periods within October combined by its
  ``aggregate``, against its targets combined the same way, with coverage;
* the view is shorter (a quarterly KPI in October): its latest period ended by then, shown
  as itself (``2026-Q3``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bsc_core.aggregation import RANK, Aggregate, ViewPeriod, latest_within, periods_within
from bsc_core.board import (
    HISTORY_PERIODS,
    History,
    KpiRef,
    KpiStatus,
    history_window,
    load_history,
    load_kpis,
)
from bsc_core.periods import Frequency, Period
from bsc_core.status import Status, evaluate, red_streak

#: How many earlier views a red aggregate's streak looks back over.
STREAK_VIEWS = 12


def view_status(
    kpi: KpiRef, history: History, view: ViewPeriod, *, until: datetime | None = None
) -> KpiStatus:
    """``kpi`` at ``view``; periods ending after the local moment ``until`` are not yet due.

    Red rows carry their streak: consecutive red views (months, weeks…) up to this one.
    """
    own = RANK[kpi.frequency]
    if own > view.rank or (own == view.rank and view.period is not None):
        period = latest_within(kpi.frequency, view) if own > view.rank else view.period
        assert period is not None
        current = history.status_at(kpi, period)
        # Only a red row has a streak: the two dozen more evaluations are spent on reds alone.
        return history.with_streak(kpi, period) if current.status is Status.RED else current
    row = aggregated(kpi, history, view, until=until)
    if row.status is Status.RED and view.period is not None:
        earlier = [
            aggregated(kpi, history, ViewPeriod.of(view.period.shift(-n)), until=until).status
            for n in range(STREAK_VIEWS - 1, 0, -1)
        ]
        return KpiStatus(**{**row.__dict__, "streak": red_streak([*earlier, row.status])})
    return row


def aggregated(
    kpi: KpiRef, history: History, view: ViewPeriod, *, until: datetime | None = None
) -> KpiStatus:
    """The KPI's own periods within ``view`` combined, with coverage (no streak)."""
    figure = history.figure(kpi, view, until=until)
    actual = None if figure.actual is None else float(figure.actual)
    target = None if figure.target is None else float(figure.target)
    status = evaluate(
        actual=actual, target=target, direction=kpi.direction, tolerance=kpi.tolerance
    )
    period = view.period or Period(Frequency.MONTHLY, date(view.last.year, view.last.month, 1))
    note = None
    if kpi.aggregate is Aggregate.LAST and actual is not None:
        note = _last_note(kpi, history, view)
    return KpiStatus(
        kpi=kpi,
        period=period,
        actual=actual,
        target=target,
        status=status,
        note=note,
        coverage=figure.coverage,
        label=None if view.period is not None else view.text,
    )


def _last_note(kpi: KpiRef, history: History, view: ViewPeriod) -> str | None:
    for period in reversed(periods_within(kpi.frequency, view)):
        found = history.actual(kpi, period)
        if found is not None:
            return found.note
    return None


def year_to_date(
    kpi: KpiRef, history: History, month: Period, *, until: datetime | None = None
) -> KpiStatus:
    """The YTD figure up to the end of ``month``: January to ``month`` combined by the KPI's
    aggregate (``last``: the latest), and for a quarterly KPI its quarters so far."""
    view = ViewPeriod(
        text=f"{month.start.year:04d} YTD",
        first=date(month.start.year, 1, 1),
        last=month.end_date,
        rank=5,
    )
    if kpi.frequency is Frequency.QUARTERLY:
        view = ViewPeriod(view.text, view.first, latest_within(kpi.frequency, view).end_date, 5)
    return aggregated(kpi, history, view, until=until)


def view_window(kpis: Sequence[KpiRef], view: ViewPeriod) -> dict[Frequency, Period]:
    """History enough for ``view``, the streak's earlier views and the longer KPIs' streaks."""
    span = (view.last - view.first).days + 1
    first_day = view.first - timedelta(days=span * STREAK_VIEWS + 7)
    window = history_window(kpis, view.last + timedelta(days=1), HISTORY_PERIODS)
    for kpi in kpis:
        moment: date | datetime = first_day
        if kpi.frequency is Frequency.HOURLY:
            moment = datetime.combine(first_day, time())
        start = Period.containing(kpi.frequency, moment)
        window[kpi.frequency] = min(window.get(kpi.frequency, start), start)
    return window


def board_at(
    session: Session,
    *,
    view: ViewPeriod,
    scorecard_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> list[KpiStatus]:
    """Every active KPI (of the scorecards) viewed at ``view`` — ``bscbot status --period``.

    ``now`` is the local moment periods must have ended by to be due (default: the real
    clock in each scorecard's zone); a view that is over is judged on all of it.
    """
    kpis = load_kpis(session, scorecard_ids=scorecard_ids)
    history = load_history(session, kpis, since=view_window(kpis, view))
    rows = []
    for kpi in kpis:
        moment = now or datetime.now(kpi.zone).replace(tzinfo=None)
        rows.append(view_status(kpi, history, view, until=moment))
    return rows
