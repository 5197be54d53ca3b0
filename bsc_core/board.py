"""The scorecard as it stands: every KPI at its reporting period, with target, actual and status.

Loading is done in a fixed number of queries whatever the number of KPIs (one for the KPIs
with their objective, perspective and scorecard, one for actuals, one for targets), and the
status of each KPI is then computed in memory by the pure status engine. The huddle, the
review, ``/kpi list`` and ``bscbot status`` all read the board through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from bsc_core.hours import working_moment
from bsc_core.models import Actual, Kpi, Objective, Perspective, Scorecard, Target
from bsc_core.periods import Frequency, Period, latest_ended
from bsc_core.status import (
    Direction,
    Status,
    Tolerance,
    evaluate,
    red_streak,
    reporting_period,
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

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


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
            "period": str(self.period),
            "actual": self.actual,
            "target": self.target,
            "variance": self.variance,
            "variance_pct": self.variance_pct,
            "status": self.status.value,
            "red_streak": self.streak,
            "note": self.note,
        }


@dataclass
class History:
    """Actuals and targets of a set of KPIs, keyed by (kpi id, period text)."""

    actuals: dict[tuple[int, str], ActualValue] = field(default_factory=dict)
    targets: dict[tuple[int, str], float] = field(default_factory=dict)

    def actual(self, kpi: KpiRef, period: Period) -> ActualValue | None:
        return self.actuals.get((kpi.id, str(period)))

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
        )

    def with_streak(self, kpi: KpiRef, period: Period) -> KpiStatus:
        """The status at ``period`` with its red streak (consecutive red periods up to it)."""
        current = self.status_at(kpi, period)
        statuses = [
            self.status_at(kpi, p).status for p in trailing_periods(period, HISTORY_PERIODS)
        ]
        return KpiStatus(**{**current.__dict__, "streak": red_streak(statuses)})

    def series(self, kpi: KpiRef, last: Period, count: int) -> list[KpiStatus]:
        """The last ``count`` periods up to ``last``, oldest first (trend charts)."""
        return [self.status_at(kpi, p) for p in trailing_periods(last, count)]


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
)


def _to_ref(row: Any) -> KpiRef:
    (
        kpi_id, code, name, owner, unit, frequency, direction, tolerance_kind, tolerance_amount,
        kind, default_target, active, hours, objective_id, objective_code, perspective,
        perspective_position, scorecard_id, slug, card_name, timezone, chair, channel_id,
    ) = row  # fmt: skip
    return KpiRef(
        id=kpi_id,
        code=code,
        name=name,
        owner=owner,
        unit=unit,
        frequency=Frequency(frequency),
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
    """Actuals and targets of ``kpis`` from the ``since`` period of each frequency on."""
    history = History()
    if not kpis:
        return history
    ids_by_freq: dict[Frequency, list[int]] = {}
    for kpi in kpis:
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


def local_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def as_of_moment(kpi: KpiRef, as_of: date | None) -> date | datetime:
    """What "as of" means for this KPI: a local date, or a local time for hourly KPIs."""
    if kpi.frequency is Frequency.HOURLY:
        now = datetime.now(kpi.zone).replace(tzinfo=None)
        moment = (
            now if as_of is None or as_of == now.date() else datetime.combine(as_of, time(23, 59))
        )
        return working_moment(kpi.hours, moment)
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
    period = reporting_period(
        frequency=kpi.frequency,
        as_of=as_of_moment(kpi, as_of),
        has_actual=lambda p: history.actual(kpi, p) is not None,
    )
    current = history.status_at(kpi, period)
    return history.with_streak(kpi, period) if current.status is Status.RED else current


def find_scorecard(session: Session, slug: str) -> Scorecard | None:
    return session.exec(select(Scorecard).where(Scorecard.slug == slug)).first()
