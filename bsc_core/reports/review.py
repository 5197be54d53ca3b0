"""The monthly review: one scorecard, one month, walked perspective by perspective.

The month is the period: each KPI is viewed at it exactly as ``bscbot status --period`` views
it (:mod:`bsc_core.measure`) — a monthly KPI at the month, a daily, weekly or hourly one as the
aggregate of its periods within the month with its coverage, a quarterly one at its latest
quarter ended by then, shown as such. Objectives, perspectives and the card are scored from
those rows, and the boards below are scored at the same month. Everything is read in a fixed
number of queries (a few more per board below) and kept on the data, so the charts need no
further trips to the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bsc_core.aggregation import ViewPeriod
from bsc_core.board import (
    History,
    KpiRef,
    KpiStatus,
    load_history,
    load_kpis,
)
from bsc_core.decisions import DecisionInfo
from bsc_core.escalations import MonthOfEscalations, month_of
from bsc_core.ideas import IdeaView, list_ideas
from bsc_core.measure import view_status, view_window
from bsc_core.models import Initiative, Objective, ObjectiveLink
from bsc_core.periods import Frequency, Period, latest_ended
from bsc_core.reports.common import (
    CountermeasureInfo,
    ReportError,
    ScorecardInfo,
    load_countermeasures,
    load_scorecard,
)
from bsc_core.rollup import ChildBoard, ScorecardScores, scorecard_scores, view_rows
from bsc_core.seen import SeenCount, month_huddles
from bsc_core.status import DEFAULT_GRACE, Status

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
    score: float | None = None
    status: Status | None = None

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
    id: int | None = None
    #: The latest % complete given in Slack, and what changed since the last review.
    percent: int | None = None
    change: str = ""


@dataclass(frozen=True)
class ObjectiveInfo:
    """An objective of the strategy map coloured by the scorecard's roll-up (None: no status
    beneath it), with its score."""

    id: int
    code: str
    name: str
    perspective: str
    status: Status | None
    score: float | None = None


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
    scores: ScorecardScores | None = None
    #: Red KPIs of the boards below without a countermeasure for their period.
    unanswered_below: list[KpiStatus] = field(default_factory=list)
    #: The month's escalations from the boards below (raised, taken, resolved, open).
    escalations: MonthOfEscalations | None = None
    #: The decisions the agenda opens with (:mod:`bsc_core.decisions`); None: no earlier review.
    decisions_since: list[DecisionInfo] | None = None
    #: The decisions recorded at this review so far.
    decisions: list[DecisionInfo] = field(default_factory=list)
    #: The month's huddles, each with how many owners saw it (:mod:`bsc_core.seen`).
    huddles_seen: list[SeenCount] = field(default_factory=list)

    @property
    def children(self) -> list[ChildBoard]:
        return self.scores.children if self.scores is not None else []

    @property
    def score(self) -> float | None:
        from bsc_core.scores import rounded

        return rounded(self.scores.node.score) if self.scores is not None else None

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


def review_moment(month: Period) -> datetime:
    """The local moment the review's figures are taken at: every period of the month is over."""
    return datetime.combine(review_as_of(month), time())


def _history_since(kpis: list[KpiRef], month: Period) -> dict[Frequency, Period]:
    """Enough history for the month's streaks and trends, and back to January for the
    bowling chart and its YTD column."""
    since = view_window(kpis, ViewPeriod.of(month))
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
    """The KPI in the review: viewed at the month, as ``bscbot status --period`` shows it."""
    return view_status(kpi, history, ViewPeriod.of(month), until=review_moment(month))


def build_review(session: Session, *, scorecard_id: int, month: Period) -> ReviewData:
    """The monthly review of one scorecard for ``month`` (a monthly period)."""
    if month.frequency is not Frequency.MONTHLY:
        raise ReportError(f"a review covers a month (YYYY-MM), not {month}")
    card = load_scorecard(session, scorecard_id)
    as_of = review_as_of(month)
    kpis = load_kpis(session, scorecard_ids=[scorecard_id])
    history = load_history(session, kpis, since=_history_since(kpis, month))
    rows = [_row(k, history, month) for k in kpis]
    scores = scorecard_scores(
        session,
        scorecard_id=scorecard_id,
        rows=rows,
        child_rows=view_rows(ViewPeriod.of(month), now=review_moment(month)),
    )
    perspectives = _perspectives(scores, rows)
    all_cms = load_countermeasures(session, scorecard_id=scorecard_id, open_only=False, day=as_of)
    by_kpi: dict[int, list[CountermeasureInfo]] = {}
    for cm in all_cms:
        by_kpi.setdefault(cm.kpi_id, []).append(cm)
    objectives, links = _strategy(session, scorecard_id, scores)
    decided = review_decisions(session, scorecard_id=scorecard_id, month=month, as_of=as_of)
    return ReviewData(
        scorecard=card,
        month=month,
        as_of=as_of,
        perspectives=perspectives,
        rows=rows,
        countermeasures=by_kpi,
        actions=_actions_since_last_review(all_cms, month),
        initiatives=_initiatives(session, scorecard_id, month),
        objectives=objectives,
        links=links,
        root_causes=_root_causes(all_cms, month),
        history=history,
        scores=scores,
        unanswered_below=_unanswered_below(session, scores),
        escalations=month_of(session, parent_id=scorecard_id, month=month, zone=card.timezone)
        if card.has_children
        else None,
        decisions_since=decided[0],
        decisions=decided[1],
        huddles_seen=month_huddles(session, scorecard_id=scorecard_id, month=month),
        ideas=list_ideas(
            session,
            scorecard_ids=[scorecard_id],
            since=datetime.combine(month.start_date, time(0), tzinfo=card.zone),
            until=datetime.combine(month.end_date + timedelta(days=1), time(0), tzinfo=card.zone),
        ),
    )


def _perspectives(scores: ScorecardScores, rows: list[KpiStatus]) -> list[ReviewPerspective]:
    """The scorecard's perspectives in order, each with its rows and its score."""
    from bsc_core.scores import rounded

    grouped: dict[str, list[KpiStatus]] = {p.name: [] for p in scores.perspectives}
    positions = {p.name: p.position for p in scores.perspectives}
    for row in rows:
        grouped.setdefault(row.kpi.perspective, []).append(row)
        positions.setdefault(row.kpi.perspective, row.kpi.perspective_position)
    result = []
    for name, group in grouped.items():
        reds = sorted((r for r in group if r.status == Status.RED), key=lambda r: -r.streak)
        scored = scores.perspective(name)
        result.append(
            ReviewPerspective(
                name=name,
                position=positions[name],
                reds=reds,
                ambers=[r for r in group if r.status == Status.AMBER],
                others=[r for r in group if r.status not in (Status.RED, Status.AMBER)],
                score=rounded(scored.node.score) if scored else None,
                status=scored.node.status if scored else None,
            )
        )
    return sorted(result, key=lambda p: p.position)


def _unanswered_below(session: Session, scores: ScorecardScores) -> list[KpiStatus]:
    """The boards below's red KPIs that have no countermeasure for the period shown."""
    from bsc_core.models import Countermeasure

    reds = [r for child in scores.children for r in child.reds]
    if not reds:
        return []
    answered = set(
        session.exec(
            select(Countermeasure.kpi_id, Countermeasure.period).where(
                col(Countermeasure.kpi_id).in_(sorted({r.kpi.id for r in reds}))
            )
        ).all()
    )
    return [r for r in reds if not _has_answer(r, answered)]


def _has_answer(row: KpiStatus, answered: set[tuple[int, str]]) -> bool:
    """A countermeasure for the row's period, or for any of the KPI's periods within it."""
    if (row.kpi.id, str(row.period)) in answered:
        return True
    if not row.aggregated:
        return False
    view = ViewPeriod.of(row.period)
    return any(
        kpi_id == row.kpi.id and _within(period, row.kpi.frequency, view)
        for kpi_id, period in answered
    )


def _within(text: str, frequency: Frequency, view: ViewPeriod) -> bool:
    from bsc_core.aggregation import anchor

    try:
        return view.first <= anchor(Period.parse(text, frequency)) <= view.last
    except ValueError:
        return False


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


def _initiatives(session: Session, scorecard_id: int, month: Period) -> list[InitiativeInfo]:
    """The initiatives, with their Slack updates' % complete and change since the last review."""
    from bsc_core.initiative_updates import initiative_states, last_review_moment

    query = (
        select(Initiative, Objective.code)
        .join(Objective, col(Objective.id) == col(Initiative.objective_id))
        .where(Objective.scorecard_id == scorecard_id)
        .order_by(col(Objective.position), col(Initiative.id))
    )
    rows = session.exec(query).all()
    states = initiative_states(
        session,
        initiative_ids=[i.id for i, _ in rows if i.id is not None],
        since=last_review_moment(session, scorecard_id=scorecard_id, month=str(month)),
    )
    infos = []
    for i, code in rows:
        state = states.get(i.id or 0)
        infos.append(
            InitiativeInfo(
                i.name,
                code,
                i.owner,
                i.due_date,
                i.status,
                id=i.id,
                percent=state.percent if state else None,
                change=state.change if state else "",
            )
        )
    return infos


def review_decisions(
    session: Session, *, scorecard_id: int, month: Period, as_of: date
) -> tuple[list[DecisionInfo] | None, list[DecisionInfo]]:
    """The decisions since the last review (None when there was none) and this review's own,
    their state as of the review (or today, for a review held before its month is over)."""
    from bsc_core.board import local_today
    from bsc_core.decisions import decisions_of_review, decisions_since_last_review
    from bsc_core.models import Scorecard
    from bsc_core.reviews import previous_review, review_for_month

    card = session.get(Scorecard, scorecard_id)
    day = min(as_of, local_today(card.timezone)) if card is not None else as_of
    since = None
    if previous_review(session, scorecard_id=scorecard_id, month=str(month)) is not None:
        since = decisions_since_last_review(
            session, scorecard_id=scorecard_id, month=str(month), day=day
        )
    this = review_for_month(session, scorecard_id=scorecard_id, month=str(month))
    own = decisions_of_review(session, review_id=this.id, day=day) if this is not None else []
    return since, own


def _strategy(
    session: Session, scorecard_id: int, scores: ScorecardScores
) -> tuple[list[ObjectiveInfo], list[tuple[str, str]]]:
    """Objectives coloured by the scorecard's roll-up, with their scores, and the map's arrows."""
    from bsc_core.scores import rounded

    objectives = [
        ObjectiveInfo(
            id=o.id,
            code=o.code,
            name=o.name,
            perspective=o.perspective,
            status=o.node.status,
            score=rounded(o.node.score),
        )
        for o in scores.objectives
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
