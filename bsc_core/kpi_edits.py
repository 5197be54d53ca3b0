"""Changing a KPI's target from a period on, or its owner: the edits a chair makes from Slack.

A KPI's target is its flat ``default_target`` unless a :class:`~bsc_core.models.Target` row
names the period. "From period P on" therefore becomes: the new value is the flat target,
the rows from P on are removed (they would override it), and every earlier period that relied
on the old flat target gets it written down as a row of its own — so the history already
judged, and the year the bowling chart shows, keep the targets they had.

Both edits are audited in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from bsc_core import audit
from bsc_core.models import Actual, Kpi, Target
from bsc_core.periods import Frequency, Period, periods_between

#: Frequencies whose whole year is pinned (the bowling chart shows the year to date).
_WHOLE_YEAR = (Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY)


@dataclass(frozen=True)
class TargetChange:
    """What :func:`set_target_from` did: the target at ``period`` before and after, and the
    rows it wrote (earlier periods pinned to the old flat target) or removed (later ones)."""

    code: str
    period: Period
    before: float | None
    after: float
    pinned: dict[str, float] = field(default_factory=dict)
    removed: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.before != self.after or bool(self.pinned or self.removed)


@dataclass(frozen=True)
class OwnerChange:
    code: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _earliest(session: Session, kpi: Kpi, frequency: Frequency, period: Period) -> Period | None:
    """The first period whose target must be kept: the KPI's first actual or target row, and
    for weekly, monthly and quarterly KPIs at least the start of ``period``'s year."""
    found: list[Period] = []
    for model in (Actual, Target):
        first = session.exec(
            select(model.period).where(model.kpi_id == kpi.id).order_by(col(model.period)).limit(1)
        ).first()
        if first is not None:
            found.append(Period.parse(first, frequency))
    if frequency in _WHOLE_YEAR:
        found.append(Period.containing(frequency, date(period.start_date.year, 1, 1)))
    return min(found) if found else None


def set_target_from(
    session: Session, *, kpi_id: int, period: Period, value: float, actor: str
) -> TargetChange:
    """Make ``value`` the KPI's target from ``period`` on; earlier periods keep theirs."""
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise LookupError(f"no KPI with id {kpi_id}")
    frequency = Frequency(kpi.frequency)
    rows = {t.period: t for t in session.exec(select(Target).where(Target.kpi_id == kpi_id))}
    at_period = rows.get(str(period))
    before = at_period.value if at_period is not None else kpi.default_target
    old_flat = kpi.default_target
    pinned: dict[str, float] = {}
    removed: dict[str, float] = {}
    if old_flat is not None and old_flat != value:
        first = _earliest(session, kpi, frequency, period)
        if first is not None and first < period:
            for earlier in periods_between(first, period.prev()):
                if str(earlier) not in rows:
                    pinned[str(earlier)] = old_flat
                    session.add(Target(kpi_id=kpi_id, period=str(earlier), value=old_flat))
    for text, row in rows.items():
        if Period.parse(text, frequency) >= period:
            removed[text] = row.value
            session.delete(row)
    change = TargetChange(
        code=kpi.code, period=period, before=before, after=value, pinned=pinned, removed=removed
    )
    if not change.changed:
        return change
    kpi.default_target = value
    session.add(kpi)
    audit.record(
        session,
        actor=actor,
        action="set_target",
        entity="kpi",
        entity_id=kpi.id,
        before={"from": str(period), "target": before, "default_target": old_flat, **removed},
        after={"from": str(period), "target": value, "default_target": value, **pinned},
    )
    return change


def move_owner(session: Session, *, kpi_id: int, owner: str, actor: str) -> OwnerChange:
    """Give the KPI to ``owner`` (a Slack user ID)."""
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise LookupError(f"no KPI with id {kpi_id}")
    change = OwnerChange(code=kpi.code, before=kpi.owner, after=owner)
    if change.changed:
        audit.record(
            session,
            actor=actor,
            action="update",
            entity="kpi",
            entity_id=kpi.id,
            before={"owner": kpi.owner},
            after={"owner": owner},
        )
        kpi.owner = owner
        session.add(kpi)
    return change
