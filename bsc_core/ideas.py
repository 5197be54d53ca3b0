"""Improvement ideas: anyone raises one, the chair decides (accepted, done or rejected)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bsc_core import audit
from bsc_core.errors import FieldError
from bsc_core.models import Idea, Kpi, utcnow
from bsc_core.text import sanitize_text

STATUSES = ("new", "accepted", "done", "rejected")
DECISIONS = ("accepted", "done", "rejected")
MAX_IDEA = 2000
#: How a status reads, with a mark so it never rests on colour or position alone.
STATUS_LABEL = {
    "new": "💡 new",
    "accepted": "👍 accepted",
    "done": "✅ done",
    "rejected": "✖️ rejected",
}


class IdeaError(FieldError):
    """An idea cannot be recorded (empty, or over :data:`MAX_IDEA`); nothing was stored."""


@dataclass(frozen=True)
class IdeaView:
    id: int
    text: str
    author: str
    status: str
    kpi_code: str | None
    created_at: datetime
    decided_by: str | None


def add_idea(
    *, session: Session, scorecard_id: int, kpi_id: int | None, text: str, author: str
) -> Idea:
    """Record an idea (audited) and return it, its text sanitised.

    Raises :class:`IdeaError` for an empty idea or one over :data:`MAX_IDEA` characters: a cut
    idea would be stored as something the person never wrote.
    """
    text = sanitize_text(text)
    if not text:
        raise IdeaError("text", "The idea is empty: write what you propose.")
    if len(text) > MAX_IDEA:
        raise IdeaError(
            "text",
            f"The idea has {len(text):,} characters; an idea may have at most {MAX_IDEA:,}. "
            "Shorten it, or put the details in a document and link it.",
        )
    idea = Idea(scorecard_id=scorecard_id, kpi_id=kpi_id, text=text, author=author)
    session.add(idea)
    session.flush()
    audit.record(
        session,
        actor=author,
        action="create",
        entity="idea",
        entity_id=idea.id,
        after={"text": idea.text, "kpi_id": kpi_id, "scorecard_id": scorecard_id},
    )
    return idea


def decide_idea(*, session: Session, idea_id: int, status: str, actor: str) -> Idea | None:
    """Move an idea to ``status`` (one of DECISIONS); None when there is no such idea."""
    if status not in DECISIONS:
        raise ValueError(f"an idea can be {', '.join(DECISIONS)}, not {status!r}")
    idea = session.get(Idea, idea_id)
    if idea is None:
        return None
    if idea.status != status:
        before = idea.status
        idea.status = status
        idea.decided_by = actor
        idea.decided_at = utcnow()
        session.add(idea)
        audit.record(
            session,
            actor=actor,
            action="decide",
            entity="idea",
            entity_id=idea.id,
            before={"status": before},
            after={"status": status},
        )
    return idea


def list_ideas(
    session: Session,
    *,
    scorecard_ids: list[int],
    since: datetime | None = None,
    until: datetime | None = None,
    statuses: tuple[str, ...] | None = None,
) -> list[IdeaView]:
    """Ideas of the scorecards, newest first, optionally created in [since, until)."""
    query = (
        select(Idea, Kpi.code)
        .join(Kpi, col(Kpi.id) == col(Idea.kpi_id), isouter=True)
        .where(col(Idea.scorecard_id).in_(scorecard_ids))
    )
    if since is not None:
        query = query.where(Idea.created_at >= since)
    if until is not None:
        query = query.where(Idea.created_at < until)
    if statuses is not None:
        query = query.where(col(Idea.status).in_(statuses))
    query = query.order_by(col(Idea.created_at).desc(), col(Idea.id).desc())
    return [
        IdeaView(
            id=idea.id or 0,
            text=idea.text,
            author=idea.author,
            status=idea.status,
            kpi_code=code,
            created_at=idea.created_at,
            decided_by=idea.decided_by,
        )
        for idea, code in session.exec(query).all()
    ]
