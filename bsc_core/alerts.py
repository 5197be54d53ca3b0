"""Instant red alerts: claimed in the logging transaction, posted right after the reply.

An alert is a row with a unique (KPI, period) key, inserted in the same transaction as the
actual that turned the KPI red. The key makes "never twice" hold across corrections, resends
and several web workers; the row survives a crash between the log and the post, so a pending
alert is posted by whichever process looks next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bsc_core.models import Alert, Kpi, Objective, Scorecard, utcnow
from bsc_core.status import Status

STALE_CLAIM = timedelta(minutes=5)


def turned_red(before: Status | None, after: Status) -> bool:
    """Red now, and not red before (a first value counts as "from anything else")."""
    return after is Status.RED and before is not Status.RED


def claim_alert(*, session: Session, kpi_id: int, period: str, channel_id: str | None) -> bool:
    """Insert the alert for (kpi, period) unless one exists; True when this call created it."""
    values = {
        "kpi_id": kpi_id,
        "period": period,
        "status": "pending",
        "channel_id": channel_id,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        builder(Alert)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["kpi_id", "period"])
        .returning(Alert.id)  # type: ignore[arg-type]
    )
    # RETURNING, not rowcount: an ORM insert's rowcount is -1 on PostgreSQL.
    return session.execute(statement).first() is not None


def alerts_enabled(session: Session, kpi_id: int) -> tuple[bool, str | None]:
    """Whether the KPI's scorecard wants alerts, and its channel."""
    row = session.exec(
        select(Scorecard.alerts_enabled, Scorecard.channel_id)
        .join(Objective, col(Objective.scorecard_id) == col(Scorecard.id))
        .join(Kpi, col(Kpi.objective_id) == col(Objective.id))
        .where(Kpi.id == kpi_id)
    ).first()
    return (bool(row[0]), row[1]) if row else (False, None)


@dataclass(frozen=True)
class PendingAlert:
    id: int
    kpi_id: int
    period: str
    channel_id: str


def any_pending(session: Session) -> bool:
    """A cheap read first, so the common case (nothing to post) takes no write lock."""
    return (
        session.exec(
            select(Alert.id).where(col(Alert.status).in_(("pending", "posting"))).limit(1)
        ).first()
        is not None
    )


def take_pending(session: Session, *, now: datetime | None = None) -> list[PendingAlert]:
    """Claim pending alerts (compare-and-set, so two processes never post the same one)."""
    now = now or utcnow()
    candidates = session.exec(
        select(Alert).where(
            (col(Alert.status) == "pending")
            | ((col(Alert.status) == "posting") & (col(Alert.created_at) < now - STALE_CLAIM))
        )
    ).all()
    taken = []
    for alert in candidates:
        if not alert.channel_id:
            continue
        result = session.execute(
            update(Alert)
            .where(col(Alert.id) == alert.id, col(Alert.status) == alert.status)
            .values(status="posting", created_at=now)
        )
        if result.rowcount:
            taken.append(PendingAlert(alert.id or 0, alert.kpi_id, alert.period, alert.channel_id))
    return taken


def mark_alert(session: Session, *, alert_id: int, status: str, ts: str | None = None) -> None:
    session.execute(
        update(Alert)
        .where(col(Alert.id) == alert_id)
        .values(status=status, message_ts=ts, posted_at=utcnow())
    )
