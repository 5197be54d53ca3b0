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
    calendar_days: str = "mon-fri"  # working weekdays: mon-fri | mon-sat | every-day | mon,wed
    calendar_hours: str | None = None  # working hours of hourly KPIs; None: 08:00-17:00
    holidays: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    rollup: str = "weighted"  # weighted | worst: how objectives and perspectives are coloured


class Perspective(SQLModel, table=True):
    """A row of the scorecard (Financial, Customer… or SQDCP): data, not an enum."""

    __table_args__ = (UniqueConstraint("scorecard_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    name: str
    position: int
    weight: float = 1.0


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
    weight: float = 1.0


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
    aggregate: str | None = None  # sum | average | last | min | max; None: by frequency
    weight: float = 1.0
    computed_from: str | None = None  # comma-separated source codes of a computed KPI
    combine: str | None = None  # how the sources combine; None: the KPI's aggregate


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
    """What we cache about a Slack user: time zone (quiet hours), name (what charts and
    minutes print instead of an ID) and Home refreshes."""

    user_id: str = Field(primary_key=True)
    tz: str | None = None
    fetched_at: datetime | None = None
    home_refreshed_at: datetime | None = None
    display_name: str | None = None
    #: When Slack last gave the name; None for a name seeded from a scorecard's ``people:``.
    name_fetched_at: datetime | None = None


class Job(SQLModel, table=True):
    """Work that follows a change or is slow by nature, queued in the change's own transaction.

    The row is the promise behind a "⏳" answer: it outlives every process, and a worker runs it
    (``bsc_core.jobs``). ``payload`` is JSON; ``report_to`` is who hears about a final failure.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    status: str = Field(default="queued", index=True)  # queued | running | done | failed
    run_after: datetime = Field(default_factory=utcnow, index=True)
    attempts: int = 0
    max_attempts: int = 5
    dedupe_key: str | None = Field(default=None, index=True)
    report_to: str | None = None
    locked_by: str | None = None
    locked_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class WorkerBeat(SQLModel, table=True):
    """A worker's last sign of life: /healthz reports it, and a dead worker's jobs are re-run."""

    worker_id: str = Field(primary_key=True)
    seen_at: datetime = Field(default_factory=utcnow, index=True)


class HealthBeat(SQLModel, table=True):
    """A tiny row the health check writes now and then: a database that answers reads but
    refuses writes (read-only, or a full disk) is not healthy."""

    name: str = Field(primary_key=True)
    written_at: datetime = Field(default_factory=utcnow)


class HandledRequest(SQLModel, table=True):
    """A Slack request already handled (by trigger, view hash or event id): replays change
    nothing. Kept for ten minutes, longer than Slack's five-minute signature window."""

    key: str = Field(primary_key=True)
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    handled_at: datetime = Field(default_factory=utcnow, index=True)


class Escalation(SQLModel, table=True):
    """A red KPI raised to the board above, and how that board answered.

    ``open_key`` (``kpi_id:period``) is set while the escalation is open or taken and cleared
    when it is resolved: its unique index allows one open escalation per KPI and period.
    """

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(sa_column=_fk("kpi.id"))
    period: str
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))  # the escalating board
    parent_id: int = Field(sa_column=_fk("scorecard.id"))  # the board above
    request: str = Field(sa_column=Column(Text, nullable=False))
    raised_by: str
    raised_at: datetime = Field(default_factory=utcnow, index=True)
    status: str = "open"  # open | taken | resolved
    open_key: str | None = Field(default=None, unique=True)
    helper: str | None = None
    taken_by: str | None = None
    taken_at: datetime | None = None
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    parent_channel_id: str | None = None  # where it was posted, and its message
    parent_ts: str | None = None
    origin_channel_id: str | None = None  # the escalating board's channel, and the thread
    origin_ts: str | None = None


class ApiToken(SQLModel, table=True):
    """A system's key to ``POST /api/v1/actuals`` for one scorecard; only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    token_hash: str = Field(unique=True, index=True)  # SHA-256 hex of the token
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class ApiCallCount(SQLModel, table=True):
    """Requests per token and minute, counted in the database so every worker agrees."""

    __table_args__ = (UniqueConstraint("token_id", "minute"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(sa_column=_fk("apitoken.id"))
    minute: str  # UTC, 2026-11-30T01:02
    calls: int = 0


class ApiIdempotentAnswer(SQLModel, table=True):
    """The answer to an API request sent with an ``Idempotency-Key``: a retry gets it again."""

    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(sa_column=_fk("apitoken.id"))
    key: str
    request_hash: str  # SHA-256 of the body: the same key with another body is refused
    status: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class ImportedDefinition(SQLModel, table=True):
    """What the last import of a scorecard's file set for what Slack can edit too (KPI owners
    and targets), as JSON: an import compares the store with it to find Slack edits since."""

    __table_args__ = (UniqueConstraint("scorecard_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    definition: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    imported_by: str | None = None
    imported_at: datetime = Field(default_factory=utcnow)


class HuddleSeen(SQLModel, table=True):
    """One person's first click on a huddle's Seen button: the unique key counts them once."""

    __table_args__ = (UniqueConstraint("huddle_key", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    huddle_key: str = Field(index=True)  # huddle:SLUG:YYYY-MM-DD, as the huddle's metadata
    day: date
    user_id: str
    seen_at: datetime = Field(default_factory=utcnow)


class Review(SQLModel, table=True):
    """One monthly review as held in Slack: where its agenda was posted, what it showed, and
    whether the chair closed it (then its minutes are kept here)."""

    __table_args__ = (UniqueConstraint("scorecard_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(sa_column=_fk("scorecard.id"))
    month: str  # 2026-11
    channel_id: str | None = None
    message_ts: str | None = Field(default=None, index=True)
    agenda: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # Markdown
    posted_at: datetime = Field(default_factory=utcnow)
    status: str = "open"  # open | closed
    closed_by: str | None = None
    closed_at: datetime | None = None
    minutes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # Markdown
    minutes_posted_at: datetime | None = None


class Decision(SQLModel, table=True):
    """What a review decided; with an owner and a due date it is an action followed up."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(sa_column=_fk("review.id"))
    kpi_id: int | None = Field(
        default=None, sa_column=_fk("kpi.id", nullable=True, ondelete="SET NULL")
    )
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner: str | None = Field(default=None, index=True)
    due_date: date | None = None
    status: str = "open"  # open | done
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)
    done_by: str | None = None
    done_at: datetime | None = None
    reminders: int = 0  # days an overdue reminder went out on
    last_reminded_on: date | None = None  # the owner's local date


class InitiativeUpdate(SQLModel, table=True):
    """One update of an initiative made in Slack: the history behind "since the last review"."""

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(sa_column=_fk("initiative.id"))
    review_id: int | None = Field(
        default=None, sa_column=_fk("review.id", nullable=True, ondelete="SET NULL")
    )
    status: str
    status_before: str | None = None  # the initiative's status before this update
    percent_complete: int | None = None
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_by: str
    updated_at: datetime = Field(default_factory=utcnow, index=True)
