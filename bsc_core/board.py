"""The scorecard as it stands: every KPI at its reporting period, with target, actual and status.

Loading is done in a fixed number of queries whatever the number of KPIs (one for the KPIs
with their objective, perspective and scorecard, one for actuals, one for targets), and the
status of each KPI is then computed in memory by the pure status engine. The huddle, the
review, ``/kpi list`` and ``bscbot status`` all read the board through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from bsc_core.aggregation import (
    RANK,
    Aggregate,
    AggregateFigure,
    Coverage,
    ViewPeriod,
    aggregate_figure,
    default_aggregate,
    periods_within,
)
from bsc_core.calendar import WorkCalendar
from bsc_core.cascade import ComputedValue, computed_value
from bsc_core.hours import working_moment
from bsc_core.models import Actual, Kpi, Objective, Perspective, Scorecard, Target
from bsc_core.periods import Frequency, Period, latest_ended
from bsc_core.scores import points
from bsc_core.status import (
    DEFAULT_GRACE,
    Direction,
    Status,
    Tolerance,
    evaluate,
    red_streak,
    reporting_period,
    to_decimal,
    variance,
    variance_pct,
)

HISTORY_PERIODS = 24


@dataclass(frozen=True)
class KpiRef:
    """A KPI with what its status and reports need from its objective, perspective and card."""

    id: int
    code: str
    name: str
    owner: str
    unit: str
    frequency: Frequency
    direction: Direction
    tolerance: Tolerance
    kind: str
    default_target: float | None
    active: bool
    hours: str | None
    objective_id: int
    objective_code: str
    perspective: str
    perspective_position: int
    scorecard_id: int
    scorecard_slug: str
    scorecard_name: str
    timezone: str
    chair: str | None = None
    channel_id: str | None = None
    aggregate: Aggregate = Aggregate.AVERAGE
    weight: float = 1.0
    computed_from: tuple[str, ...] = ()
    combine: Aggregate | None = None
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_computed(self) -> bool:
        return bool(self.computed_from)

    @property
    def combined_by(self) -> Aggregate:
        """How a computed KPI's sources combine: ``combine:``, else its own aggregate."""
        return self.combine or self.aggregate


@dataclass(frozen=True)
class ActualValue:
    value: float
    note: str | None
    entered_by: str | None
    entered_at: datetime | None


@dataclass(frozen=True)
class KpiStatus:
    """One KPI at one period: the row of ``bscbot status`` and of every report."""

    kpi: KpiRef
    period: Period
    actual: float | None
    target: float | None
    status: Status
    note: str | None = None
    streak: int = 0
    #: Aggregated rows: how many due periods within have an actual; computed KPIs at their
    #: own period: how many sources have a value. None otherwise.
    coverage: Coverage | None = None
    #: The text shown for the period when it is not ``period`` itself (a year: ``2026``).
    label: str | None = None

    @property
    def period_text(self) -> str:
        return self.label or str(self.period)

    @property
    def aggregated(self) -> bool:
        """Shown at a longer period than the KPI's own (a daily KPI in a monthly review)."""
        return self.period.frequency is not self.kpi.frequency or self.label is not None

    @property
    def own_period(self) -> Period:
        """The KPI's own period the row rests on: ``period``, or the last one within it."""
        if self.period.frequency is self.kpi.frequency:
            return self.period
        within = periods_within(self.kpi.frequency, ViewPeriod.of(self.period))
        return within[-1] if within else self.period

    @property
    def points(self) -> int | None:
        return points(self.status)

    @property
    def coverage_text(self) -> str:
        """``26/27 days`` for an aggregate, ``2/3 sources`` for a computed KPI; else empty."""
        if self.coverage is None:
            return ""
        if self.aggregated:
            unit = _COVERAGE_UNITS[self.kpi.frequency]
        else:
            unit = "sources"
        return f"{self.coverage.have}/{self.coverage.due} {unit}"

    @property
    def variance(self) -> float | None:
        v = variance(self.actual, self.target)
        return None if v is None else float(v)

    @property
    def variance_pct(self) -> float | None:
        v = variance_pct(self.actual, self.target)
        return None if v is None else round(float(v), 2)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.kpi.code,
            "name": self.kpi.name,
            "owner": self.kpi.owner,
            "scorecard": self.kpi.scorecard_slug,
            "perspective": self.kpi.perspective,
            "frequency": self.kpi.frequency.value,
            "direction": self.kpi.direction.value,
            "unit": self.kpi.unit,
            "period": self.period_text,
            "actual": self.actual,
            "target": self.target,
            "variance": self.variance,
            "variance_pct": self.variance_pct,
            "status": self.status.value,
            "red_streak": self.streak,
            "note": self.note,
            "aggregate": self.kpi.aggregate.value,
            "coverage": self.coverage.as_json() if self.coverage is not None else None,
            "computed_from": list(self.kpi.computed_from) if self.kpi.is_computed else None,
            "weight": self.kpi.weight,
            "points": self.points,
        }


_COVERAGE_UNITS = {
    Frequency.HOURLY: "hours",
    Frequency.DAILY: "days",
    Frequency.WEEKLY: "weeks",
    Frequency.MONTHLY: "months",
    Frequency.QUARTERLY: "quarters",
}


@dataclass
class History:
    """Actuals and targets of a set of KPIs, keyed by (kpi id, period text)."""

    actuals: dict[tuple[int, str], ActualValue] = field(default_factory=dict)
    targets: dict[tuple[int, str], float] = field(default_factory=dict)
    #: The KPIs that computed KPIs are made of, by upper-case code (loaded with them).
    sources: dict[str, KpiRef] = field(default_factory=dict)
    _computed: dict[tuple[int, str], ComputedValue] = field(default_factory=dict, repr=False)

    def actual(self, kpi: KpiRef, period: Period) -> ActualValue | None:
        if kpi.computed_from:
            value = self.computed(kpi, period).value
            return None if value is None else ActualValue(float(value), None, None, None)
        return self.actuals.get((kpi.id, str(period)))

    def computed(self, kpi: KpiRef, period: Period) -> ComputedValue:
        """A computed KPI's actual for ``period``: its sources' values there, combined."""
        key = (kpi.id, str(period))
        found = self._computed.get(key)
        if found is None:
            self._computed[key] = ComputedValue(None, Coverage(0, len(kpi.computed_from)))
            found = computed_value(
                kpi.computed_from,
                how=kpi.combined_by,
                value_of=lambda code: self._source_value(code, period),
            )
            self._computed[key] = found
        return found

    def _source_value(self, code: str, period: Period) -> Decimal | None:
        """A source's value for a period of the computed KPI, aggregated by its own rule."""
        source = self.sources.get(code.upper())
        if source is None or RANK[source.frequency] > RANK[period.frequency]:
            return None
        if source.frequency is period.frequency:
            found = self.actual(source, period)
            return None if found is None else to_decimal(found.value)
        return self.figure(source, ViewPeriod.of(period)).actual

    def figure(
        self, kpi: KpiRef, view: ViewPeriod, *, until: datetime | None = None
    ) -> AggregateFigure:
        """The KPI's own periods within ``view`` combined by its aggregate (with coverage).

        Periods that end after ``until`` (a local moment) are not yet due.
        """
        return aggregate_figure(
            periods_within(kpi.frequency, view),
            how=kpi.aggregate,
            actual_of=lambda p: _decimal(self.actual(kpi, p)),
            target_of=lambda p: to_decimal(self.target(kpi, p)),
            is_working=kpi.calendar.is_working,
            is_ended=(lambda p: True) if until is None else (lambda p: p.end_local <= until),
        )

    def target(self, kpi: KpiRef, period: Period) -> float | None:
        return self.targets.get((kpi.id, str(period)), kpi.default_target)

    def status_at(self, kpi: KpiRef, period: Period) -> KpiStatus:
        """The status of ``kpi`` for ``period`` (no streak: see :meth:`with_streak`)."""
        actual = self.actual(kpi, period)
        target = self.target(kpi, period)
        value = actual.value if actual else None
        status = evaluate(
            actual=value, target=target, direction=kpi.direction, tolerance=kpi.tolerance
        )
        return KpiStatus(
            kpi=kpi,
            period=period,
            actual=value,
            target=target,
            status=status,
            note=actual.note if actual else None,
            coverage=self.computed(kpi, period).coverage if kpi.computed_from else None,
        )

    def with_streak(self, kpi: KpiRef, period: Period) -> KpiStatus:
        """The status at ``period`` with its red streak (consecutive red periods up to it)."""
        current = self.status_at(kpi, period)
        statuses = [
            self.status_at(kpi, p).status
            for p in trailing_periods(period, HISTORY_PERIODS)
            if kpi.calendar.is_working(p) or self.actual(kpi, p) is not None
        ]
        return KpiStatus(**{**current.__dict__, "streak": red_streak(statuses)})

    def series(self, kpi: KpiRef, last: Period, count: int) -> list[KpiStatus]:
        """The last ``count`` periods up to ``last``, oldest first (trend charts)."""
        return [self.status_at(kpi, p) for p in trailing_periods(last, count)]


def _decimal(actual: ActualValue | None) -> Decimal | None:
    return None if actual is None else to_decimal(actual.value)


def trailing_periods(last: Period, count: int) -> list[Period]:
    """``count`` periods ending at ``last``, oldest first."""
    return [last.shift(-offset) for offset in range(count - 1, -1, -1)]


#: The columns a KpiRef is made of, selected as plain columns: building four ORM objects per
#: row would cost more than the query itself on the ack path and in 1,000-KPI reports.
_REF_COLUMNS = (
    Kpi.id,
    Kpi.code,
    Kpi.name,
    Kpi.owner,
    Kpi.unit,
    Kpi.frequency,
    Kpi.direction,
    Kpi.tolerance_kind,
    Kpi.tolerance_amount,
    Kpi.kind,
    Kpi.default_target,
    Kpi.active,
    Kpi.hours,
    Objective.id,
    Objective.code,
    Perspective.name,
    Perspective.position,
    Scorecard.id,
    Scorecard.slug,
    Scorecard.name,
    Scorecard.timezone,
    Scorecard.chair,
    Scorecard.channel_id,
    Kpi.aggregate,
    Kpi.weight,
    Kpi.computed_from,
    Kpi.combine,
    Scorecard.calendar_days,
    Scorecard.calendar_hours,
    Scorecard.holidays,
)


@lru_cache(maxsize=256)
def kpi_calendar(
    days: str | None, hours: str | None, holidays: str | None, kpi_hours: str | None
) -> WorkCalendar:
    """The KPI's working calendar: its scorecard's, with the KPI's own ``hours:`` if any."""
    return WorkCalendar.from_texts(days=days, hours=hours, holidays=holidays).with_hours(kpi_hours)


def _to_ref(row: Any) -> KpiRef:
    (
        kpi_id, code, name, owner, unit, frequency, direction, tolerance_kind, tolerance_amount,
        kind, default_target, active, hours, objective_id, objective_code, perspective,
        perspective_position, scorecard_id, slug, card_name, timezone, chair, channel_id,
        aggregate, weight, computed_from, combine, days, card_hours, holidays,
    ) = row  # fmt: skip
    freq = Frequency(frequency)
    return KpiRef(
        aggregate=Aggregate(aggregate) if aggregate else default_aggregate(freq),
        weight=1.0 if weight is None else weight,
        computed_from=tuple(c for c in (computed_from or "").split(",") if c),
        combine=Aggregate(combine) if combine else None,
        calendar=kpi_calendar(days, card_hours, holidays, hours),
        id=kpi_id,
        code=code,
        name=name,
        owner=owner,
        unit=unit,
        frequency=freq,
        direction=Direction(direction),
        tolerance=Tolerance(tolerance_kind, Decimal(str(tolerance_amount))),
        kind=kind,
        default_target=default_target,
        active=active,
        hours=hours,
        objective_id=objective_id,
        objective_code=objective_code,
        perspective=perspective,
        perspective_position=perspective_position,
        scorecard_id=scorecard_id,
        scorecard_slug=slug,
        scorecard_name=card_name,
        timezone=timezone,
        chair=chair,
        channel_id=channel_id,
    )


def load_kpis(
    session: Session,
    *,
    scorecard_ids: Sequence[int] | None = None,
    owner: str | None = None,
    codes: Iterable[str] | None = None,
    kpi_ids: Iterable[int] | None = None,
    active_only: bool = True,
) -> list[KpiRef]:
    """KPIs in scorecard, perspective and code order, in one query."""
    query = (
        select(*_REF_COLUMNS)
        .join_from(Kpi, Objective, col(Objective.id) == col(Kpi.objective_id))
        .join(Perspective, col(Perspective.id) == col(Objective.perspective_id))
        .join(Scorecard, col(Scorecard.id) == col(Objective.scorecard_id))
    )
    if scorecard_ids is not None:
        query = query.where(col(Scorecard.id).in_(list(scorecard_ids)))
    if owner is not None:
        query = query.where(col(Kpi.owner) == owner)
    if codes is not None:
        query = query.where(col(Kpi.code_key).in_([c.upper() for c in codes]))
    if kpi_ids is not None:
        query = query.where(col(Kpi.id).in_(list(kpi_ids)))
    if active_only:
        query = query.where(col(Kpi.active) == True)  # noqa: E712 - SQL expression
    query = query.order_by(
        col(Scorecard.slug), col(Perspective.position), col(Objective.position), col(Kpi.position)
    )
    return [_to_ref(row) for row in session.execute(query).all()]


def load_history(
    session: Session, kpis: Sequence[KpiRef], *, since: dict[Frequency, Period] | None = None
) -> History:
    """Actuals and targets of ``kpis`` from the ``since`` period of each frequency on.

    Computed KPIs bring their sources (from any scorecard, one more query per level of
    cascading) so their actuals can be combined in memory.
    """
    history = History()
    if not kpis:
        return history
    every = _with_sources(session, kpis, history)
    since = _widen(since, every)
    ids_by_freq: dict[Frequency, list[int]] = {}
    for kpi in every:
        ids_by_freq.setdefault(kpi.frequency, []).append(kpi.id)

    def where(model: type[Actual] | type[Target]) -> Any:
        clauses = []
        for frequency, ids in ids_by_freq.items():
            clause = col(model.kpi_id).in_(ids)
            if since and frequency in since:
                clause = and_(clause, col(model.period) >= str(since[frequency]))
            clauses.append(clause)
        return or_(*clauses)

    actuals = select(
        Actual.kpi_id,
        Actual.period,
        Actual.value,
        Actual.note,
        Actual.entered_by,
        Actual.entered_at,
    ).where(where(Actual))
    for kpi_id, period, value, note, entered_by, entered_at in session.execute(actuals):
        history.actuals[(kpi_id, period)] = ActualValue(value, note, entered_by, entered_at)
    targets = select(Target.kpi_id, Target.period, Target.value).where(where(Target))
    for kpi_id, period, value in session.execute(targets):
        history.targets[(kpi_id, period)] = value
    return history


def _with_sources(session: Session, kpis: Sequence[KpiRef], history: History) -> list[KpiRef]:
    """``kpis`` and, level by level, the sources of the computed ones among them."""
    known = {k.code.upper(): k for k in kpis}
    every = list(kpis)
    wanted = {c.upper() for k in kpis for c in k.computed_from} - set(known)
    while wanted:
        found = load_kpis(session, codes=sorted(wanted), active_only=False)
        for ref in found:
            known[ref.code.upper()] = ref
            every.append(ref)
        wanted = {c.upper() for ref in found for c in ref.computed_from} - set(known)
    history.sources = known
    return every


def _widen(
    since: dict[Frequency, Period] | None, kpis: Sequence[KpiRef]
) -> dict[Frequency, Period] | None:
    """The window extended to the frequencies of sources, from the earliest day already in it."""
    if not since:
        return since
    earliest = min(p.start_date for p in since.values())
    widened = dict(since)
    for kpi in kpis:
        if kpi.frequency not in widened:
            moment: date | datetime = earliest
            if kpi.frequency is Frequency.HOURLY:
                moment = datetime.combine(earliest, time())
            widened[kpi.frequency] = Period.containing(kpi.frequency, moment)
    return widened


def local_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def as_of_moment(kpi: KpiRef, as_of: date | None) -> date | datetime:
    """What "as of" means for this KPI: a local date, or a local time for hourly KPIs."""
    if kpi.frequency is Frequency.HOURLY:
        now = datetime.now(kpi.zone).replace(tzinfo=None)
        moment = (
            now if as_of is None or as_of == now.date() else datetime.combine(as_of, time(23, 59))
        )
        return working_moment(kpi.calendar, moment)
    return as_of if as_of is not None else local_today(kpi.timezone)


def history_window(
    kpis: Sequence[KpiRef], as_of: date | None, periods: int
) -> dict[Frequency, Period]:
    """The oldest period of each frequency that a board as of ``as_of`` may look at."""
    window: dict[Frequency, Period] = {}
    for kpi in kpis:
        first = latest_ended(kpi.frequency, as_of_moment(kpi, as_of)).shift(-(periods + 1))
        if kpi.frequency not in window or first < window[kpi.frequency]:
            window[kpi.frequency] = first
    return window


def board(
    session: Session,
    *,
    scorecard_ids: Sequence[int] | None = None,
    as_of: date | None = None,
    owner: str | None = None,
) -> list[KpiStatus]:
    """Every active KPI (of the scorecards, or of the owner) at its reporting period.

    ``as_of`` is a date in each scorecard's own time zone; ``None`` means today there.
    """
    kpis = load_kpis(session, scorecard_ids=scorecard_ids, owner=owner)
    history = load_history(session, kpis, since=history_window(kpis, as_of, HISTORY_PERIODS))
    return [status_of(kpi, history, as_of) for kpi in kpis]


def status_of(kpi: KpiRef, history: History, as_of: date | None) -> KpiStatus:
    """One KPI at its reporting period as of ``as_of``, with its red streak.

    Only a red KPI has a streak, so the two dozen extra evaluations are spent on reds alone.
    """
    period = kpi_reporting_period(kpi, history, as_of)
    current = history.status_at(kpi, period)
    return history.with_streak(kpi, period) if current.status is Status.RED else current


def kpi_reporting_period(kpi: KpiRef, history: History, as_of: date | None) -> Period:
    """The KPI's reporting period as of ``as_of``, by its working calendar.

    A daily KPI reports its latest working day ended, and the grace counts working days:
    on a Monday–Friday board, Monday shows Thursday until Friday's number is in, and Friday
    from Tuesday on (``missing`` if nobody logged it); Saturday is never the period shown.
    """
    moment = as_of_moment(kpi, as_of)
    has_actual = lambda p: history.actual(kpi, p) is not None  # noqa: E731
    if kpi.frequency is not Frequency.DAILY:
        return reporting_period(frequency=kpi.frequency, as_of=moment, has_actual=has_actual)
    return working_day_reporting_period(kpi.calendar, moment, has_actual)


def working_day_reporting_period(
    calendar: WorkCalendar, as_of: date | datetime, has_actual: Any
) -> Period:
    """The daily reporting rule on working days only (see :func:`kpi_reporting_period`)."""
    at = as_of if isinstance(as_of, datetime) else datetime.combine(as_of, time())
    latest = calendar.last_working_period(Frequency.DAILY, at)
    if latest is None:  # a calendar without working days: the plain rule
        return reporting_period(frequency=Frequency.DAILY, as_of=as_of, has_actual=has_actual)
    next_day = calendar.next_working_day(latest.start_date) or latest.start_date
    grace = DEFAULT_GRACE[Frequency.DAILY] - timedelta(days=1)
    deadline = datetime.combine(next_day + timedelta(days=1), time()) + grace
    if at >= deadline or has_actual(latest):
        return latest
    return calendar.last_working_period(Frequency.DAILY, latest.start_local) or latest.prev()


def find_scorecard(session: Session, slug: str) -> Scorecard | None:
    return session.exec(select(Scorecard).where(Scorecard.slug == slug)).first()
