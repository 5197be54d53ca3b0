"""The scorecard's tables: one SQLModel class per table, each with the one role it plays.

Periods are stored as their canonical text (``2026-11``, ``2026-W48``…): that text sorts in
time order within one frequency, reads well in the database and needs no conversion at the
edges. Numbers are stored as floats and turned into ``Decimal`` by the status engine.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are stored in UTC and shown in the reader's zone."""
    return datetime.now(UTC)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Scorecard(SQLModel, table=True):
    """One organisation unit's strategy on a page; lower tiers name their parent."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    slug: str = Field(unique=True, index=True)
    tier: int = 1
    parent_id: int | None = Field(
        default=None, sa_column=_fk("scorecard.id", nullable=True, ondelete="SET NULL")
    )
    channel_id: str | None = Field(default=None, index=True)
    chair: str | None = None
    timezone: str = "UTC"
    alerts_enabled: bool = True
    root_causes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Perspective(SQLModel, table=True):
    """A row of the scorecard (Financial, Customer… or SQDCP): data, not an enum."""

    __table_args__ = (UniqueConstraint("scorecard_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    name: str
    position: int


class Objective(SQLModel, table=True):
    """A strategic objective in one perspective, with exactly one owner."""

    __table_args__ = (UniqueConstraint("scorecard_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    perspective_id: int = Field(sa_column=_fk("perspective.id"))
    code: str
    name: str
    owner: str | None = None
    position: int = 0


class ObjectiveLink(SQLModel, table=True):
    """An arrow of the strategy map: the driver objective drives the driven one."""

    __table_args__ = (UniqueConstraint("driver_id", "driven_id"),)

    id: int | None = Field(default=None, primary_key=True)
    driver_id: int = Field(sa_column=_fk("objective.id"))
    driven_id: int = Field(sa_column=_fk("objective.id"))


class Kpi(SQLModel, table=True):
    """A measure of an objective; ``code_key`` (upper case) keeps codes unique in any case."""

    id: int | None = Field(default=None, primary_key=True)
    code: str
    code_key: str = Field(unique=True, index=True)
    name: str
    objective_id: int = Field(sa_column=_fk("objective.id"))
    owner: str
    unit: str = ""
    frequency: str = "monthly"
    direction: str = "up"
    tolerance_kind: str = "percent"
    tolerance_amount: float = 5.0
    kind: str = "lagging"
    active: bool = True
    default_target: float | None = None
    hours: str | None = None
    position: int = 0


class Target(SQLModel, table=True):
    """The target of one KPI for one period (overrides the KPI's flat ``default_target``)."""

    __table_args__ = (UniqueConstraint("kpi_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(sa_column=_fk("kpi.id"))
    period: str
    value: float


class Actual(SQLModel, table=True):
    """The measured value of one KPI for one period; a correction replaces it in place."""

    __table_args__ = (UniqueConstraint("kpi_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(sa_column=_fk("kpi.id"))
    period: str = Field(index=True)
    value: float
    note: str | None = None
    entered_by: str | None = None
    entered_at: datetime = Field(default_factory=utcnow)


class Countermeasure(SQLModel, table=True):
    """What the owner does about a red KPI; its root causes feed the Pareto chart."""

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(sa_column=_fk("kpi.id"))
    period: str
    root_cause: str
    action: str = Field(sa_column=Column(Text, nullable=False))
    owner: str
    due_date: date | None = None
    status: str = "open"
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Initiative(SQLModel, table=True):
    """A project that moves an objective."""

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(sa_column=_fk("objective.id"))
    name: str
    owner: str | None = None
    due_date: date | None = None
    status: str = "planned"


class AuditEvent(SQLModel, table=True):
    """Who changed what, when: written in the same transaction as the change itself."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str
    action: str
    entity: str
    entity_id: int | None = None
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    at: datetime = Field(default_factory=utcnow, index=True)
