"""The data of one KPI's quad chart: trend, root causes, action plan and summary.

Built from the store in a fixed number of queries; drawing it is bsc_core.charts.quad's job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bsc_core.board import History, KpiRef, KpiStatus, load_history, status_of
from bsc_core.charts.data import ActionItem, ParetoData, QuadData, TrendPoint, TrendSeries
from bsc_core.models import Countermeasure
from bsc_core.people import resolver
from bsc_core.periods import Period

TREND_PERIODS = 12
PARETO_DAYS = 365


def build_quad(
    session: Session,
    *,
    kpi: KpiRef,
    period: Period | None = None,
    today: date,
    name_of: Callable[[str], str] | None = None,
    current: KpiStatus | None = None,
    history: History | None = None,
    trend: TrendSeries | None = None,
) -> QuadData:
    """The four panels' data for ``kpi`` at ``period`` (default: its reporting period).

    Args:
        name_of: turns a Slack user ID into the name shown in the action plan; by default
            the names cached in the store (from Slack profiles or the scorecard file's
            ``people:``), the ID itself for someone unknown.
        current, history, trend: the KPI's row, the history and the trend of a report that
            shows the chart (the review), so the chart's figures are the message's figures.
    """
    name_of = name_of or resolver(session)
    history = history or load_history(session, [kpi])
    if current is None:
        current = (
            status_of(kpi, history, today) if period is None else history.with_streak(kpi, period)
        )
    series = history.series(kpi, period or current.period, TREND_PERIODS)
    trend = trend or TrendSeries(
        code=kpi.code,
        name=kpi.name,
        unit=kpi.unit,
        points=[
            TrendPoint(
                period=str(r.period), target=r.target, actual=r.actual, status=r.status.value
            )
            for r in series
        ],
    )
    measures = session.exec(
        select(Countermeasure)
        .where(Countermeasure.kpi_id == kpi.id)
        .order_by(col(Countermeasure.created_at).desc())
    ).all()
    since = today - timedelta(days=PARETO_DAYS)
    causes = Counter(
        cm.root_cause for cm in measures if cm.created_at.date() >= since and cm.root_cause
    )
    actions = [
        ActionItem(
            action=cm.action,
            owner=name_of(cm.owner),
            due=cm.due_date.isoformat() if cm.due_date else "",
            status=cm.status,
            overdue=bool(cm.status == "open" and cm.due_date and cm.due_date < today),
            root_cause=cm.root_cause,
        )
        for cm in sorted(measures, key=lambda m: (m.status != "open", m.due_date or date.max))
    ][:6]
    notes = [(str(r.period), r.note) for r in series if r.note][-3:]
    return QuadData(
        code=kpi.code,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction.value,
        trend=trend,
        pareto=ParetoData(
            title=f"Root causes of {kpi.code}, last 12 months", counts=causes.most_common()
        ),
        actions=actions,
        latest_actual=current.actual,
        target=current.target,
        variance=current.variance,
        variance_pct=current.variance_pct,
        red_streak=current.streak,
        notes=notes,
    )


def quad_as_json(data: QuadData) -> dict[str, Any]:
    """What the quad chart was drawn from, for ``bscbot preview quad``."""
    return asdict(data)
