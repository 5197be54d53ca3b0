"""The one-minute huddle: one scorecard on one local day, bad news first.

Built from the board in a fixed number of queries (the scorecard, its KPIs, their actuals,
their targets, the open countermeasures), whatever the number of KPIs: the board as of the
previous huddle and the board as of ``day`` are both computed in memory from one history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from bsc_core.board import (
    HISTORY_PERIODS,
    History,
    KpiRef,
    KpiStatus,
    history_window,
    kpi_reporting_period,
    load_history,
    load_kpis,
)
from bsc_core.decisions import DecisionInfo, decisions_due_this_week
from bsc_core.escalations import EscalationView, open_below
from bsc_core.ideas import IdeaView, list_ideas
from bsc_core.models import Delivery
from bsc_core.pace import daily_total, day_window
from bsc_core.periods import Frequency
from bsc_core.reports.common import (
    CountermeasureInfo,
    ScorecardInfo,
    load_countermeasures,
    load_scorecard,
    previous_working_day,
)
from bsc_core.rollup import ChildBoard, board_rows_as_of, scorecard_scores
from bsc_core.status import Status, StatusChange, evaluate, status_changes

#: The order the headline counts are shown in: bad news first.
COUNT_ORDER: tuple[Status, ...] = (
    Status.RED,
    Status.MISSING,
    Status.AMBER,
    Status.GREEN,
    Status.NO_TARGET,
)


@dataclass(frozen=True)
class HourlyTotal:
    """An hourly KPI's previous day: total actual against total plan over working hours."""

    kpi: KpiRef
    day: date
    actual: float | None
    plan: float | None
    status: Status


@dataclass(frozen=True)
class RedKpi:
    """A red KPI with the countermeasure that answers it (the earliest due open one)."""

    row: KpiStatus
    countermeasure: CountermeasureInfo | None

    @property
    def kpi(self) -> KpiRef:
        return self.row.kpi


@dataclass(frozen=True)
class Change:
    """A status change since the previous huddle, with the KPI it concerns."""

    change: StatusChange
    kpi: KpiRef
    row: KpiStatus

    @property
    def kind(self) -> str:
        return self.change.kind


@dataclass(frozen=True)
class MissingGroup:
    """The KPIs one owner still owes an actual for."""

    owner: str
    rows: list[KpiStatus]


@dataclass(frozen=True)
class HuddleData:
    """Everything the huddle shows; ``rows`` is the whole board as of ``day``."""

    scorecard: ScorecardInfo
    day: date
    previous_day: date
    counts: dict[Status, int]
    changes: list[Change]
    reds: list[RedKpi]
    missing: list[MissingGroup]
    ambers: list[KpiStatus]
    rows: list[KpiStatus] = field(repr=False)
    ideas: list[IdeaView] = field(default_factory=list)
    hourly: list[HourlyTotal] = field(default_factory=list)
    #: The scorecards below this one, reds first (empty when none names it as parent).
    children: list[ChildBoard] = field(default_factory=list)
    #: Escalations from the boards below that are not resolved yet, oldest first.
    escalations: list[EscalationView] = field(default_factory=list)
    #: Whether this board has a board above: its reds get an Escalate button.
    has_parent: bool = False
    #: Review decisions (actions) of this scorecard falling due this week, still open.
    decisions_due: list[DecisionInfo] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def key(self) -> str:
        """The scheduler's idempotency key: one huddle per scorecard and local day."""
        return f"huddle:{self.scorecard.slug}:{self.day.isoformat()}"

    def changes_of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def build_huddle(
    session: Session, *, scorecard_id: int, day: date, previous_day: date | None = None
) -> HuddleData:
    """The huddle of one scorecard for the local date ``day``.

    Args:
        day: the huddle's date in the scorecard's time zone.
        previous_day: the date of the previous huddle, when a ledger knows it; by default the
            previous working day (Friday for a Monday).
    """
    card = load_scorecard(session, scorecard_id)
    before_day = previous_day or previous_working_day(day)
    kpis = load_kpis(session, scorecard_ids=[scorecard_id])
    window = history_window(kpis, min(before_day, day), HISTORY_PERIODS)
    history = load_history(session, kpis, since=window)
    rows = [_status(kpi, history, day, streak=True) for kpi in kpis]
    before = {kpi.code: _status(kpi, history, before_day).status for kpi in kpis}
    by_code = {row.kpi.code: row for row in rows}
    changes = [
        Change(change=c, kpi=by_code[c.code].kpi, row=by_code[c.code])
        for c in status_changes(before, {code: row.status for code, row in by_code.items()})
    ]
    countermeasures = load_countermeasures(
        session, scorecard_id=scorecard_id, open_only=True, day=day
    )
    answer: dict[int, CountermeasureInfo] = {}
    for cm in countermeasures:  # ordered by due date: the first one is the most urgent
        answer.setdefault(cm.kpi_id, cm)
    reds = [RedKpi(row=r, countermeasure=answer.get(r.kpi.id)) for r in rows if r.status == "red"]
    # Longest streak first, then the ones nobody answered, then the scorecard's order.
    order = {row.kpi.id: index for index, row in enumerate(rows)}
    reds.sort(key=lambda r: (-r.row.streak, r.countermeasure is not None, order[r.kpi.id]))
    missing: dict[str, list[KpiStatus]] = {}
    for row in rows:
        if row.status == Status.MISSING:
            missing.setdefault(row.kpi.owner, []).append(row)
    hourly = _hourly_totals(session, kpis, day)
    # An hourly KPI is counted by the day total its own line shows, not by its last hour.
    day_status = {total.kpi.id: total.status for total in hourly}
    counts = {status: 0 for status in COUNT_ORDER}
    for row in rows:
        counts[day_status.get(row.kpi.id, row.status)] += 1
    ideas = list_ideas(
        session,
        scorecard_ids=[scorecard_id],
        since=_last_huddle_moment(session, card, before_day),
        statuses=("new",),
    )
    return HuddleData(
        scorecard=card,
        day=day,
        previous_day=before_day,
        counts=counts,
        changes=changes,
        reds=reds,
        missing=[MissingGroup(owner, group) for owner, group in missing.items()],
        ambers=[r for r in rows if r.status == Status.AMBER],
        rows=rows,
        ideas=ideas,
        hourly=hourly,
        children=_children(session, card, day),
        escalations=open_below(session, scorecard_id) if card.has_children else [],
        has_parent=card.parent_id is not None,
        decisions_due=decisions_due_this_week(session, scorecard_id=scorecard_id, day=day),
    )


def _children(session: Session, card: ScorecardInfo, day: date) -> list[ChildBoard]:
    """The boards below, scored as of the same day (queries only when there are any)."""
    if not card.has_children:
        return []
    scores = scorecard_scores(
        session, scorecard_id=card.id, rows=[], child_rows=board_rows_as_of(day)
    )
    return scores.children


def _last_huddle_moment(session: Session, card: ScorecardInfo, before_day: date) -> datetime:
    """When the previous huddle went out (the delivery ledger), else that day's midnight."""
    posted = session.exec(
        select(Delivery.updated_at)
        .where(
            Delivery.kind == "huddle",
            Delivery.scorecard_id == card.id,
            Delivery.status == "posted",
            Delivery.key < f"huddle:{card.slug}:9999",
            Delivery.key >= f"huddle:{card.slug}:{before_day.isoformat()}",
        )
        .order_by(col(Delivery.key).desc())
    ).first()
    if posted is not None:
        return posted
    return datetime.combine(before_day, time(0), tzinfo=card.zone).astimezone(UTC)


def _hourly_totals(session: Session, kpis: list[KpiRef], today: date) -> list[HourlyTotal]:
    """The previous working day's totals of the hourly KPIs, by each one's calendar (one
    more query, only when there are any)."""
    hourly = [k for k in kpis if k.frequency is Frequency.HOURLY]
    if not hourly:
        return []
    days = {k.id: k.calendar.previous_working_day(today) for k in hourly}
    history = load_history(
        session, hourly, since={Frequency.HOURLY: day_window(min(days.values()))[0]}
    )
    totals = []
    for kpi in hourly:
        day = days[kpi.id]
        actual, plan = daily_total(kpi, history, day)
        status = evaluate(
            actual=actual, target=plan, direction=kpi.direction, tolerance=kpi.tolerance
        )
        totals.append(HourlyTotal(kpi, day, actual, plan, status))
    return totals


def _status(kpi: KpiRef, history: History, day: date, *, streak: bool = False) -> KpiStatus:
    """The KPI at its reporting period as of ``day``, like the board.

    Only a red KPI has a streak, so the streak (two dozen more evaluations) is computed for
    red ones only: that keeps a 1,000-KPI huddle well under a second.
    """
    period = kpi_reporting_period(kpi, history, day)
    current = history.status_at(kpi, period)
    if streak and current.status == Status.RED:
        return history.with_streak(kpi, period)
    return current
