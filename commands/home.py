"""What a person's App Home shows: their KPIs, the actuals they owe, their countermeasures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from bsc_core.board import KpiStatus, board, load_kpis, local_today
from bsc_core.db import Store
from bsc_core.decisions import DecisionInfo
from bsc_core.escalations import EscalationView, open_below
from bsc_core.ideas import IdeaView, list_ideas
from bsc_core.models import Countermeasure, Kpi, Scorecard
from bsc_core.reports.common import CountermeasureInfo, load_countermeasures
from bsc_core.reports.huddle import build_huddle
from bsc_core.rollup import ChildBoard, scorecard_scores
from bsc_core.scores import Node
from bsc_core.seen import SeenCount, huddle_of_day
from bsc_core.status import Status
from commands.kpi_views import STATUS_ORDER
from commands.review_loop import my_decisions

MAX_SNAPSHOTS = 8


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
    #: Open actions decided at a review that the user owns (each with a Done button).
    decisions: list[DecisionInfo] = field(default_factory=list)


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
        decisions=my_decisions(store=store, user_id=user_id, today=day),
    )


@dataclass(frozen=True)
class ChairSnapshot:
    """One scorecard as its chair sees it in a minute."""

    slug: str
    name: str
    channel_id: str | None
    counts: dict[str, int]
    reds: list[tuple[KpiStatus, str]]  # the row and its countermeasure state
    new_ideas: list[IdeaView]
    overdue: list[CountermeasureInfo]
    #: Escalations from the boards below, not resolved yet.
    escalations: list[EscalationView] = field(default_factory=list)
    #: Who has seen today's huddle (None: no huddle known to have gone out today).
    huddle_seen: SeenCount | None = None
    #: The scorecard's roll-up as of today (the same figures as the huddle's).
    score: Node | None = None
    #: The boards below, reds first, each with its score, status and red count.
    children: list[ChildBoard] = field(default_factory=list)


def chair_snapshots(
    *, store: Store, user_id: str, is_admin: bool, today: date | None = None
) -> list[ChairSnapshot]:
    """A snapshot per scorecard the user chairs (every scorecard for an admin)."""
    snapshots = []
    with store.read() as session:
        query = select(Scorecard).order_by(col(Scorecard.tier), col(Scorecard.slug))
        if not is_admin:
            query = query.where(Scorecard.chair == user_id)
        for card in session.exec(query).all()[:MAX_SNAPSHOTS]:
            day = today or local_today(card.timezone)
            huddle = build_huddle(session, scorecard_id=card.id or 0, day=day)
            cms = load_countermeasures(session, scorecard_id=card.id or 0, open_only=True, day=day)
            reds = []
            for red in huddle.reds:
                cm = red.countermeasure
                state = (
                    "no countermeasure yet"
                    if cm is None
                    else f"countermeasure overdue since {cm.due_date}"
                    if cm.overdue
                    else f"countermeasure open{f', due {cm.due_date}' if cm.due_date else ''}"
                )
                reds.append((red.row, state))
            snapshots.append(
                ChairSnapshot(
                    slug=card.slug,
                    name=card.name,
                    channel_id=card.channel_id,
                    counts={s.value: n for s, n in huddle.counts.items()},
                    reds=reds,
                    new_ideas=list_ideas(session, scorecard_ids=[card.id or 0], statuses=("new",)),
                    overdue=[cm for cm in cms if cm.overdue],
                    escalations=open_below(session, card.id or 0),
                    huddle_seen=huddle_of_day(session, scorecard_id=card.id or 0, day=day),
                    score=scorecard_scores(
                        session, scorecard_id=card.id or 0, rows=huddle.rows
                    ).node,
                    children=huddle.children,
                )
            )
    return snapshots


def chairs_to_refresh(*, store: Store, kpi_codes: list[str], admins: frozenset[str]) -> set[str]:
    """Who sees a KPI in their chair's view: its scorecard's chair, and the admins."""
    with store.read() as session:
        kpis = load_kpis(session, codes=kpi_codes, active_only=False)
    return {k.chair for k in kpis if k.chair} | set(admins)
