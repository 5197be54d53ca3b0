"""The demo's escalation: the plant's red UP1 raised to Acme Corp last month, taken, resolved.

So the corporate review the demo shows counts it ("1 raised · 1 taken · 1 resolved") with the
plant's request, who helped and how it was resolved, as a chair would see it after the
escalation went through Slack (Escalate → Take it → Resolved).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bsc_core import audit
from bsc_core.escalations import RESOLVED
from bsc_core.models import Escalation, Kpi, Objective, Scorecard
from bsc_core.reports.review import last_ended_month

DEMO_KPI = "UP1"
REQUEST = "Line 1 keeps missing its hourly plan on the packer: we need a maintenance technician."
RESOLUTION = "Packer gearbox replaced; technician stays on the early shift until it runs clean."
HELPER = "U0OPSLEAD"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def add_escalation(session: Session, *, today: date) -> Escalation | None:
    """Escalate, take and resolve the plant's UP1 in the month before ``today`` (audited)."""
    found = session.exec(
        select(Kpi, Scorecard)
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .join(Scorecard, col(Scorecard.id) == col(Objective.scorecard_id))
        .where(Kpi.code_key == DEMO_KPI)
    ).first()
    if found is None:
        return None
    kpi, plant = found
    parent = session.get(Scorecard, plant.parent_id) if plant.parent_id else None
    if parent is None:
        return None
    month = last_ended_month(today)
    raised = month.start_date + timedelta(days=9)
    while raised.weekday() >= 5:  # the line works Monday to Friday
        raised += timedelta(days=1)
    row = Escalation(
        kpi_id=kpi.id or 0,
        period=f"{raised.isoformat()}T10",
        scorecard_id=plant.id or 0,
        parent_id=parent.id or 0,
        request=REQUEST,
        raised_by=plant.chair or kpi.owner,
        raised_at=_at(raised, 11),
        status=RESOLVED,
        helper=HELPER,
        taken_by=parent.chair,
        taken_at=_at(raised, 14),
        resolution=RESOLUTION,
        resolved_by=parent.chair,
        resolved_at=_at(raised + timedelta(days=3), 9),
        parent_channel_id=parent.channel_id,
        origin_channel_id=plant.channel_id,
    )
    session.add(row)
    session.flush()
    for actor, action, after, at in (
        (row.raised_by, "create", {"kpi": kpi.code, "request": REQUEST}, row.raised_at),
        (parent.chair or "demo", "update", {"status": "taken", "helper": HELPER}, row.taken_at),
        (parent.chair or "demo", "update", {"status": RESOLVED}, row.resolved_at),
    ):
        event = audit.record(
            session, actor=actor, action=action, entity="escalation", entity_id=row.id, after=after
        )
        event.at = at or row.raised_at
    return row
