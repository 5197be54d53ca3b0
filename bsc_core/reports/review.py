"""The monthly review: one scorecard, one month, walked perspective by perspective.

The month is the reporting period: each KPI is shown at the latest period of its frequency
that ended by the month's end (the month itself for monthly KPIs, the quarter for quarterly
ones when the month closes a quarter). Everything is read in a fixed number of queries and
kept on the data, so the charts need no further trips to the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bsc_core.board import (
    HISTORY_PERIODS,
    History,
    KpiRef,
    KpiStatus,
    history_window,
    load_history,
    load_kpis,
)
from bsc_core.ideas import IdeaView, list_ideas
from bsc_core.models import Initiative, Objective, ObjectiveLink, Perspective
from bsc_core.pace import daily_status, last_working_day
from bsc_core.periods import Frequency, Period, latest_ended
from bsc_core.reports.common import (
    CountermeasureInfo,
    ReportError,
    ScorecardInfo,
    load_countermeasures,
    load_scorecard,
)
from bsc_core.status import DEFAULT_GRACE, Status, worst

PARETO_MONTHS = 12
TREND_PERIODS = 12


@dataclass(frozen=True)
class ReviewPerspective:
    """One perspective of the agenda: reds, then ambers, then the rest as counts."""

    name: str
    position: int
    reds: list[KpiStatus]
    ambers: list[KpiStatus]
    others: list[KpiStatus]

    @property
    def other_counts(self) -> dict[Status, int]:
        counts: dict[Status, int] = {}
        for row in self.others:
            counts[row.status] = counts.get(row.status, 0) + 1
        return counts


@dataclass(frozen=True)
class InitiativeInfo:
    name: str
    objective_code: str
    owner: str | None
    due_date: date | None
    status: str


@dataclass(frozen=True)
class ObjectiveInfo:
    """An objective of the strategy map with the worst status of its KPIs (None: no KPIs)."""

    id: int
    code: str
    name: str
    perspective: str
    status: Status | None


@dataclass(frozen=True)
class ReviewData:
    """Everything the review's message and charts show."""

    scorecard: ScorecardInfo
    month: Period
    as_of: date
    perspectives: list[ReviewPerspective]
    rows: list[KpiStatus]
    countermeasures: dict[int, list[CountermeasureInfo]]
    actions: list[CountermeasureInfo]
    initiatives: list[InitiativeInfo]
    objectives: list[ObjectiveInfo]
    links: list[tuple[str, str]]
    root_causes: list[tuple[str, int]]
    history: History = field(repr=False)
    ideas: list[IdeaView] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"review:{self.scorecard.slug}:{self.month}"

    @property
    def counts(self) -> dict[Status, int]:
        counts = {s: 0 for s in (Status.RED, Status.MISSING, Status.AMBER, Status.GREEN)}
        counts[Status.NO_TARGET] = 0
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def ytd_months(self) -> list[Period]:
        """January to the reviewed month: the bowling chart's columns."""
        first = Period(Frequency.MONTHLY, date(self.month.start.year, 1, 1))
        return [first.shift(n) for n in range(self.month.start.month)]

    def watch_list(self) -> list[KpiStatus]:
        """Red then amber KPIs in agenda order: the ones that get a trend chart."""
        reds = [r for p in self.perspectives for r in p.reds]
        return reds + [r for p in self.perspectives for r in p.ambers]


def last_ended_month(today: date) -> Period:
    """The month a review defaults to: the one that ended last."""
    return latest_ended(Frequency.MONTHLY, today)


def review_as_of(month: Period) -> date:
    """The first day the month counts as reported (month end + the monthly entry grace)."""
    return month.end_date + timedelta(days=1) + DEFAULT_GRACE[Frequency.MONTHLY]


def period_for_month(frequency: Frequency, month: Period) -> Period:
    """The KPI's latest period that ended by the month's end."""
    after = month.end_date + timedelta(days=1)
    if frequency is Frequency.HOURLY:
        return latest_ended(frequency, datetime.combine(after, time()))
    return latest_ended(frequency, after)


def _history_since(kpis: list[KpiRef], month: Period, as_of: date) -> dict[Frequency, Period]:
    """Enough history for streaks and trends, and back to January for the bowling chart."""
    since = history_window(kpis, as_of, HISTORY_PERIODS)
    january = date(month.start.year, 1, 1)
    for frequency, first in list(since.items()):
        start = (
            Period.containing(frequency, datetime.combine(january, time()))
            if frequency is Frequency.HOURLY
            else Period.containing(frequency, january)
        )
        since[frequency] = min(first, start)
    return since


def _row(kpi: KpiRef, history: History, month: Period) -> KpiStatus:
    """The KPI in the review: at its latest period of the month; an hourly KPI rolled up
    into the total of the month's last working day."""
    if kpi.frequency is Frequency.HOURLY:
        return daily_status(kpi, history, last_working_day(month))
    return history.with_streak(kpi, period_for_month(kpi.frequency, month))


def build_review(session: Session, *, scorecard_id: int, month: Period) -> ReviewData:
    """The monthly review of one scorecard for ``month`` (a monthly period)."""
    if month.frequency is not Frequency.MONTHLY:
        raise ReportError(f"a review covers a month (YYYY-MM), not {month}")
    card = load_scorecard(session, scorecard_id)
    as_of = review_as_of(month)
    kpis = load_kpis(session, scorecard_ids=[scorecard_id])
    history = load_history(session, kpis, since=_history_since(kpis, month, as_of))
    rows = [_row(k, history, month) for k in kpis]

    perspectives = _perspectives(session, scorecard_id, rows)
    all_cms = load_countermeasures(session, scorecard_id=scorecard_id, open_only=False, day=as_of)
    by_kpi: dict[int, list[CountermeasureInfo]] = {}
    for cm in all_cms:
        by_kpi.setdefault(cm.kpi_id, []).append(cm)
    objectives, links = _strategy(session, scorecard_id, rows)
    return ReviewData(
        scorecard=card,
        month=month,
        as_of=as_of,
        perspectives=perspectives,
        rows=rows,
        countermeasures=by_kpi,
        actions=_actions_since_last_review(all_cms, month),
        initiatives=_initiatives(session, scorecard_id),
        objectives=objectives,
        links=links,
        root_causes=_root_causes(all_cms, month),
        history=history,
        ideas=list_ideas(
            session,
            scorecard_ids=[scorecard_id],
            since=datetime.combine(month.start_date, time(0), tzinfo=card.zone),
            until=datetime.combine(month.end_date + timedelta(days=1), time(0), tzinfo=card.zone),
        ),
    )


def _perspectives(
    session: Session, scorecard_id: int, rows: list[KpiStatus]
) -> list[ReviewPerspective]:
    names = session.exec(
        select(Perspective)
        .where(Perspective.scorecard_id == scorecard_id)
        .order_by(col(Perspective.position))
    ).all()
    grouped: dict[str, list[KpiStatus]] = {p.name: [] for p in names}
    positions = {p.name: p.position for p in names}
    for row in rows:
        grouped.setdefault(row.kpi.perspective, []).append(row)
        positions.setdefault(row.kpi.perspective, row.kpi.perspective_position)
    result = []
    for name, group in grouped.items():
        reds = sorted((r for r in group if r.status == Status.RED), key=lambda r: -r.streak)
        result.append(
            ReviewPerspective(
                name=name,
                position=positions[name],
                reds=reds,
                ambers=[r for r in group if r.status == Status.AMBER],
                others=[r for r in group if r.status not in (Status.RED, Status.AMBER)],
            )
        )
    return sorted(result, key=lambda p: p.position)


def _actions_since_last_review(
    cms: list[CountermeasureInfo], month: Period
) -> list[CountermeasureInfo]:
    """Due by the month's end and still open, or closed during the month."""
    found = []
    for cm in cms:
        if cm.is_open and cm.due_date is not None and cm.due_date <= month.end_date:
            found.append(cm)
        elif (
            cm.status == "done"
            and cm.updated_at is not None
            and month.contains(cm.updated_at.date())
        ):
            found.append(cm)
    return sorted(found, key=lambda c: (not c.is_open, c.due_date or date.max, c.id))


def _root_causes(cms: list[CountermeasureInfo], month: Period) -> list[tuple[str, int]]:
    """Root causes of the countermeasures raised for periods in the last 12 months."""
    first = month.shift(-(PARETO_MONTHS - 1)).start_date
    counts: Counter[str] = Counter()
    for cm in cms:
        try:
            start = Period.parse(cm.period, Frequency(cm.kpi_frequency)).start_date
        except ValueError:
            continue
        if first <= start <= month.end_date:
            counts[cm.root_cause] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _initiatives(session: Session, scorecard_id: int) -> list[InitiativeInfo]:
    query = (
        select(Initiative, Objective.code)
        .join(Objective, col(Objective.id) == col(Initiative.objective_id))
        .where(Objective.scorecard_id == scorecard_id)
        .order_by(col(Objective.position), col(Initiative.id))
    )
    return [
        InitiativeInfo(i.name, code, i.owner, i.due_date, i.status)
        for i, code in session.exec(query).all()
    ]


def _strategy(
    session: Session, scorecard_id: int, rows: list[KpiStatus]
) -> tuple[list[ObjectiveInfo], list[tuple[str, str]]]:
    """Objectives coloured by the worst status of their KPIs, and the map's arrows."""
    statuses: dict[int, list[Status]] = {}
    for row in rows:
        statuses.setdefault(row.kpi.objective_id, []).append(row.status)
    query = (
        select(Objective, Perspective.name)
        .join(Perspective, col(Perspective.id) == col(Objective.perspective_id))
        .where(Objective.scorecard_id == scorecard_id)
        .order_by(col(Perspective.position), col(Objective.position))
    )
    objectives = [
        ObjectiveInfo(
            id=o.id or 0,
            code=o.code,
            name=o.name,
            perspective=perspective,
            status=worst(statuses.get(o.id or 0, [])),
        )
        for o, perspective in session.exec(query).all()
    ]
    codes = {o.id: o.code for o in objectives}
    link_rows = session.exec(
        select(ObjectiveLink)
        .join(Objective, col(Objective.id) == col(ObjectiveLink.driver_id))
        .where(Objective.scorecard_id == scorecard_id)
    ).all()
    links = sorted(
        (codes[link.driver_id], codes[link.driven_id])
        for link in link_rows
        if link.driver_id in codes and link.driven_id in codes
    )
    return objectives, links
