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


class Schedule(SQLModel, table=True):
    """When a scorecard's huddle, review or nag round runs; no row means the defaults."""

    __table_args__ = (UniqueConstraint("scorecard_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    kind: str  # huddle | review | nag
    enabled: bool = True
    at: str = "08:45"  # HH:MM, local to ``timezone``
    days: str = "mon-fri"  # huddle and nag: mon-fri | daily | mon,wed,fri
    day_of_month: str | None = None  # review: first-workday | 1..28
    timezone: str | None = None  # None: the scorecard's own
    updated_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """The delivery ledger: a scheduled post is claimed here (unique key) before it is sent."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)  # e.g. huddle:acme:2026-11-23
    kind: str
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    due_at: datetime
    status: str = "claimed"  # claimed | posted | failed | skipped
    claimed_by: str | None = None
    claimed_at: datetime = Field(default_factory=utcnow)
    attempts: int = 1
    channel_id: str | None = None
    message_ts: str | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    chair_notified: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class NagState(SQLModel, table=True):
    """Reminders sent about one KPI and period (red without countermeasure, or missing)."""

    __table_args__ = (UniqueConstraint("kpi_id", "period", "reason"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(sa_column=_fk("kpi.id"))
    period: str
    reason: str  # red | missing
    reminders: int = 0
    last_sent_on: date | None = None
    snoozed_until: date | None = None
    escalated_on: date | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Idea(SQLModel, table=True):
    """An improvement idea raised by anyone in a scorecard's channel."""

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    kpi_id: int | None = Field(
        default=None, sa_column=_fk("kpi.id", nullable=True, ondelete="SET NULL")
    )
    text: str = Field(sa_column=Column(Text, nullable=False))
    author: str
    status: str = "new"  # new | accepted | done | rejected
    created_at: datetime = Field(default_factory=utcnow)
    decided_by: str | None = None
    decided_at: datetime | None = None


class Alert(SQLModel, table=True):
    """The instant red alert of one KPI and period: the unique key makes it at most one."""

    __table_args__ = (UniqueConstraint("kpi_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(sa_column=_fk("kpi.id"))
    period: str
    status: str = "pending"  # pending | posted | failed
    channel_id: str | None = None
    message_ts: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    posted_at: datetime | None = None


class SlackUser(SQLModel, table=True):
    """What we cache about a Slack user (their time zone for quiet hours) and Home refreshes."""

    user_id: str = Field(primary_key=True)
    tz: str | None = None
    fetched_at: datetime | None = None
    home_refreshed_at: datetime | None = None
