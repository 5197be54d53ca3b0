"""Pieces the huddle and the review share: countermeasures, initiatives and day arithmetic."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bsc_core.models import Countermeasure, Kpi, Objective, Scorecard


class ReportError(ValueError):
    """A report cannot be built (unknown scorecard, bad month…); the message is for people."""


@dataclass(frozen=True)
class CountermeasureInfo:
    """A countermeasure as the reports show it; ``overdue`` is relative to the report's day."""

    id: int
    kpi_id: int
    kpi_code: str
    kpi_frequency: str
    period: str
    root_cause: str
    action: str
    owner: str
    due_date: date | None
    status: str
    created_at: datetime | None
    updated_at: datetime | None
    overdue: bool = False

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class ScorecardInfo:
    """The scorecard fields a report header and its post need."""

    id: int
    slug: str
    name: str
    timezone: str
    channel_id: str | None
    chair: str | None
    root_causes: tuple[str, ...] = ()
    #: Whether scorecards name this one as their parent (the "Boards below" section).
    has_children: bool = False
    #: The board above, if any (its reds may be escalated there).
    parent_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def scorecard_info(card: Scorecard, *, has_children: bool = False) -> ScorecardInfo:
    causes: tuple[str, ...] = ()
    if card.root_causes:
        try:
            causes = tuple(str(c) for c in json.loads(card.root_causes))
        except ValueError:
            causes = ()
    return ScorecardInfo(
        id=card.id or 0,
        slug=card.slug,
        name=card.name,
        timezone=card.timezone,
        channel_id=card.channel_id,
        chair=card.chair,
        root_causes=causes,
        has_children=has_children,
        parent_id=card.parent_id,
    )


def load_scorecard(session: Session, scorecard_id: int) -> ScorecardInfo:
    child = aliased(Scorecard)
    found = session.exec(
        select(Scorecard, exists().where(col(child.parent_id) == col(Scorecard.id))).where(
            Scorecard.id == scorecard_id
        )
    ).first()
    if found is None:
        raise ReportError(f"there is no scorecard with id {scorecard_id}")
    card, has_children = found
    return scorecard_info(card, has_children=bool(has_children))


def load_countermeasures(
    session: Session, *, scorecard_id: int, open_only: bool, day: date
) -> list[CountermeasureInfo]:
    """Every countermeasure of the scorecard's KPIs in one query, whatever their number.

    ``day`` decides ``overdue``: open with a due date before that day.
    """
    query = (
        select(Countermeasure, Kpi.code, Kpi.frequency)
        .join(Kpi, col(Kpi.id) == col(Countermeasure.kpi_id))
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .where(Objective.scorecard_id == scorecard_id)
    )
    if open_only:
        query = query.where(Countermeasure.status == "open")
    query = query.order_by(col(Countermeasure.due_date), col(Countermeasure.id))
    found: list[CountermeasureInfo] = []
    for cm, code, frequency in session.exec(query).all():
        found.append(
            CountermeasureInfo(
                id=cm.id or 0,
                kpi_id=cm.kpi_id,
                kpi_code=code,
                kpi_frequency=frequency,
                period=cm.period,
                root_cause=cm.root_cause,
                action=cm.action,
                owner=cm.owner,
                due_date=cm.due_date,
                status=cm.status,
                created_at=cm.created_at,
                updated_at=cm.updated_at,
                overdue=cm.status == "open" and cm.due_date is not None and cm.due_date < day,
            )
        )
    return found


def previous_working_day(day: date) -> date:
    """Monday's huddle compares with Friday's; a weekend day also looks back to Friday."""
    back = {0: 3, 6: 2, 5: 1}.get(day.weekday(), 1)
    return day - timedelta(days=back)
