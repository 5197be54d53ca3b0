"""What a person's App Home shows: their KPIs, the actuals they owe, their countermeasures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from bsc_core.board import KpiStatus, board
from bsc_core.db import Store
from bsc_core.models import Countermeasure, Kpi
from bsc_core.status import Status
from commands.kpi_views import STATUS_ORDER


@dataclass(frozen=True)
class OwnedCountermeasure:
    id: int
    kpi_code: str
    period: str
    action: str
    root_cause: str
    due_date: date | None
    overdue: bool


@dataclass(frozen=True)
class HomeData:
    user_id: str
    kpis: list[KpiStatus]
    owed: list[KpiStatus]
    countermeasures: list[OwnedCountermeasure]


def home_data(*, store: Store, user_id: str, today: date | None = None) -> HomeData:
    """Everything the Home tab needs for ``user_id``, in a fixed number of queries."""
    with store.read() as session:
        rows = board(session, owner=user_id, as_of=today)
        measures = session.exec(
            select(Countermeasure, Kpi.code)
            .join(Kpi, col(Kpi.id) == col(Countermeasure.kpi_id))
            .where(Countermeasure.owner == user_id, Countermeasure.status == "open")
            .order_by(col(Countermeasure.due_date))
        ).all()
    day = today or date.today()
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], r.kpi.scorecard_slug, r.kpi.code))
    return HomeData(
        user_id=user_id,
        kpis=rows,
        owed=[r for r in rows if r.status is Status.MISSING],
        countermeasures=[
            OwnedCountermeasure(
                id=cm.id or 0,
                kpi_code=code,
                period=cm.period,
                action=cm.action,
                root_cause=cm.root_cause,
                due_date=cm.due_date,
                overdue=bool(cm.due_date and cm.due_date < day),
            )
            for cm, code in measures
        ],
    )
