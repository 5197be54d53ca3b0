"""Escalations: a red KPI raised to the board above, taken by its chair, then resolved.

An escalation is open, then taken (someone helps), then resolved. While it is not resolved its
``open_key`` (``kpi_id:period``) is set, and that column's unique index makes "one open
escalation per KPI and period" hold even for two clicks at the same moment. Every change is
audited in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bsc_core import audit
from bsc_core.models import Escalation, Kpi, Objective, Scorecard, utcnow
from bsc_core.periods import Period

OPEN = "open"
TAKEN = "taken"
RESOLVED = "resolved"
#: A request or a resolution note: a sentence or a short paragraph.
MAX_REQUEST = 1000


class EscalationError(ValueError):
    """An escalation cannot change this way; the message says why, for people."""


def open_key(kpi_id: int, period: str) -> str:
    return f"{kpi_id}:{period}"


@dataclass(frozen=True)
class EscalationView:
    """An escalation as lists show it: the KPI, both boards, who asked what, and its state."""

    id: int
    kpi_code: str
    kpi_name: str
    period: str
    board: str  # the escalating scorecard's name
    board_slug: str
    parent_id: int
    request: str
    raised_by: str
    raised_at: datetime
    status: str
    helper: str | None
    resolution: str | None
    taken_at: datetime | None
    resolved_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status != RESOLVED


def find_open(session: Session, *, kpi_id: int, period: str) -> Escalation | None:
    return session.exec(
        select(Escalation).where(Escalation.open_key == open_key(kpi_id, period))
    ).first()


def parent_of(session: Session, scorecard_id: int) -> Scorecard | None:
    """The board above ``scorecard_id`` (None for a top-level board)."""
    card = session.get(Scorecard, scorecard_id)
    if card is None or card.parent_id is None:
        return None
    return session.get(Scorecard, card.parent_id)


def with_parent(session: Session, kpi_ids: list[int]) -> set[int]:
    """The KPIs among ``kpi_ids`` whose scorecard has a board above (they may be escalated)."""
    if not kpi_ids:
        return set()
    rows = session.exec(
        select(Kpi.id)
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .join(Scorecard, col(Scorecard.id) == col(Objective.scorecard_id))
        .where(col(Kpi.id).in_(kpi_ids), col(Scorecard.parent_id).is_not(None))
    ).all()
    return {int(r) for r in rows if r is not None}


def raise_escalation(
    session: Session,
    *,
    kpi_id: int,
    kpi_code: str,
    period: str,
    scorecard_id: int,
    parent: Scorecard,
    origin_channel_id: str | None,
    request: str,
    actor: str,
) -> Escalation:
    """Insert an open escalation in the caller's write session, with its audit event.

    Raises :class:`EscalationError` when one is already open for the KPI and period (a
    concurrent insert fails on the unique key instead; ``Store.run`` then runs this again).
    """
    if find_open(session, kpi_id=kpi_id, period=period) is not None:
        raise EscalationError(
            f"{kpi_code} {period} is already escalated to {parent.name}; its chair has been asked."
        )
    row = Escalation(
        kpi_id=kpi_id,
        period=period,
        scorecard_id=scorecard_id,
        parent_id=parent.id or 0,
        request=request,
        raised_by=actor,
        raised_at=utcnow(),
        status=OPEN,
        open_key=open_key(kpi_id, period),
        parent_channel_id=parent.channel_id,
        origin_channel_id=origin_channel_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="escalation",
        entity_id=row.id,
        after={"kpi": kpi_code, "period": period, "to": parent.slug, "request": request},
    )
    return row


def take(session: Session, *, escalation: Escalation, helper: str, actor: str) -> None:
    """The board above takes it: ``helper`` will help. Only an open escalation is taken."""
    if escalation.status != OPEN:
        raise EscalationError(_closed_text(escalation))
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="escalation",
        entity_id=escalation.id,
        before={"status": escalation.status},
        after={"status": TAKEN, "helper": helper},
    )
    escalation.status = TAKEN
    escalation.helper = helper
    escalation.taken_by = actor
    escalation.taken_at = utcnow()
    session.add(escalation)


def resolve(session: Session, *, escalation: Escalation, note: str, actor: str) -> None:
    """Resolved, with a note; the KPI and period may be escalated again later."""
    if escalation.status == RESOLVED:
        raise EscalationError(_closed_text(escalation))
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="escalation",
        entity_id=escalation.id,
        before={"status": escalation.status},
        after={"status": RESOLVED, "resolution": note},
    )
    escalation.status = RESOLVED
    escalation.resolution = note
    escalation.resolved_by = actor
    escalation.resolved_at = utcnow()
    escalation.open_key = None
    session.add(escalation)


def _closed_text(escalation: Escalation) -> str:
    if escalation.status == RESOLVED:
        return "This escalation is already resolved."
    return "This escalation is already taken; resolve it once the help has worked."


def _views(session: Session, clauses: list[Any]) -> list[EscalationView]:
    board = aliased(Scorecard)
    statement = (
        select(Escalation, Kpi, board)
        .join(Kpi, col(Kpi.id) == col(Escalation.kpi_id))
        .join(board, col(board.id) == col(Escalation.scorecard_id))
        .where(*clauses)
        .order_by(col(Escalation.raised_at), col(Escalation.id))
    )
    return [
        EscalationView(
            id=e.id or 0,
            kpi_code=k.code,
            kpi_name=k.name,
            period=e.period,
            board=card.name,
            board_slug=card.slug,
            parent_id=e.parent_id,
            request=e.request,
            raised_by=e.raised_by,
            raised_at=e.raised_at,
            status=e.status,
            helper=e.helper,
            resolution=e.resolution,
            taken_at=e.taken_at,
            resolved_at=e.resolved_at,
        )
        for e, k, card in session.exec(statement).all()
    ]


def view_of(session: Session, escalation_id: int) -> EscalationView | None:
    found = _views(session, [col(Escalation.id) == escalation_id])
    return found[0] if found else None


def open_below(session: Session, parent_id: int) -> list[EscalationView]:
    """The escalations raised to ``parent_id`` that are not resolved, oldest first."""
    return _views(
        session, [col(Escalation.parent_id) == parent_id, col(Escalation.status) != RESOLVED]
    )


@dataclass(frozen=True)
class MonthOfEscalations:
    """A month of escalations to one board, as its review counts them."""

    raised: int
    taken: int
    resolved: int
    open: list[EscalationView]
    items: list[EscalationView]  # raised, taken or resolved in the month

    @property
    def any(self) -> bool:
        return bool(self.items or self.open)


def month_of(session: Session, *, parent_id: int, month: Period, zone: str) -> MonthOfEscalations:
    """What happened to escalations to ``parent_id`` in ``month`` (in the board's zone).

    ``open`` lists those still unresolved at the month's end that were raised by then.
    """
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    start = datetime.combine(month.start_date, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(month.next().start_date, time(), tzinfo=tz).astimezone(UTC)
    every = _views(session, [col(Escalation.parent_id) == parent_id])

    def within(moment: datetime | None) -> bool:
        if moment is None:
            return False
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return start <= aware < end

    def before_end(moment: datetime | None) -> bool:
        if moment is None:
            return False
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware < end

    items = [e for e in every if within(e.raised_at) or within(e.taken_at) or within(e.resolved_at)]
    still_open = [e for e in every if before_end(e.raised_at) and not before_end(e.resolved_at)]
    return MonthOfEscalations(
        raised=sum(within(e.raised_at) for e in every),
        taken=sum(within(e.taken_at) for e in every),
        resolved=sum(within(e.resolved_at) for e in every),
        open=still_open,
        items=items,
    )
