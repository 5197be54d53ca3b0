"""The monthly review as a meeting: posted (where, with which agenda), closed, reopened.

A review is identified by its scorecard and month — the same pair the delivery ledger's key
and the report's metadata carry (``review:<slug>:<YYYY-MM>``). Its row is written when the
agenda is posted, keeping the channel and ts of the post (the thread the meeting happens in)
and the agenda's Markdown as it stood, since the minutes must show what the meeting saw and
not what the figures became later. Decisions and initiative updates hang off the row
(:mod:`bsc_core.decisions`, :mod:`bsc_core.initiative_updates`); closing keeps the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bsc_core.audit import record
from bsc_core.errors import FieldError
from bsc_core.models import Review, Scorecard, utcnow

OPEN = "open"
CLOSED = "closed"


class ReviewError(FieldError):
    """The review cannot do what was asked (closed, unknown…); ``field`` names the input."""


@dataclass(frozen=True)
class ReviewRef:
    """A review with what the buttons need to decide who may act on it."""

    id: int
    scorecard_id: int
    scorecard_slug: str
    scorecard_name: str
    chair: str | None
    timezone: str
    month: str
    channel_id: str | None
    message_ts: str | None
    status: str
    closed_by: str | None
    closed_at: datetime | None

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED


def _ref(review: Review, card: Scorecard) -> ReviewRef:
    return ReviewRef(
        id=review.id or 0,
        scorecard_id=card.id or 0,
        scorecard_slug=card.slug,
        scorecard_name=card.name,
        chair=card.chair,
        timezone=card.timezone,
        month=review.month,
        channel_id=review.channel_id,
        message_ts=review.message_ts,
        status=review.status,
        closed_by=review.closed_by,
        closed_at=review.closed_at,
    )


def record_posted(
    session: Session,
    *,
    scorecard_id: int,
    month: str,
    channel_id: str,
    message_ts: str,
    agenda: str,
) -> Review:
    """Remember where the review of ``month`` was posted and the agenda it showed.

    Posting the same month again (``/review 2026-11`` twice) moves the meeting to the newest
    post while the review is open; a closed review keeps its thread and its minutes.
    """
    review = session.exec(
        select(Review).where(Review.scorecard_id == scorecard_id, Review.month == month)
    ).first()
    if review is None:
        review = Review(scorecard_id=scorecard_id, month=month)
    elif review.status == CLOSED:
        return review
    review.channel_id = channel_id
    review.message_ts = message_ts
    review.agenda = agenda
    review.posted_at = utcnow()
    session.add(review)
    session.flush()
    return review


def load_review(session: Session, review_id: int) -> ReviewRef | None:
    row = session.exec(
        select(Review, Scorecard)
        .join(Scorecard, col(Scorecard.id) == col(Review.scorecard_id))
        .where(Review.id == review_id)
    ).first()
    return _ref(*row) if row is not None else None


def review_for_month(session: Session, *, scorecard_id: int, month: str) -> ReviewRef | None:
    row = session.exec(
        select(Review, Scorecard)
        .join(Scorecard, col(Scorecard.id) == col(Review.scorecard_id))
        .where(Review.scorecard_id == scorecard_id, Review.month == month)
    ).first()
    return _ref(*row) if row is not None else None


def previous_review(session: Session, *, scorecard_id: int, month: str) -> Review | None:
    """The scorecard's latest review of a month before ``month`` (None: this is the first)."""
    return session.exec(
        select(Review)
        .where(Review.scorecard_id == scorecard_id, col(Review.month) < month)
        .order_by(col(Review.month).desc())
    ).first()


def close_review(session: Session, *, review_id: int, actor: str, minutes: str) -> Review:
    """Close the review and keep its minutes (audited); a closed one raises ReviewError."""
    review = session.get(Review, review_id, with_for_update=True)
    if review is None:
        raise ReviewError("review", "That review no longer exists.")
    if review.status == CLOSED:
        raise ReviewError("review", "This review is already closed.")
    review.status = CLOSED
    review.closed_by = actor
    review.closed_at = utcnow()
    review.minutes = minutes
    review.minutes_posted_at = None
    session.add(review)
    record(
        session,
        actor=actor,
        action="close",
        entity="review",
        entity_id=review.id,
        before={"status": OPEN},
        after={"status": CLOSED, "month": review.month},
    )
    return review


def reopen_review(session: Session, *, review_id: int, actor: str) -> Review:
    """Open a closed review again (audited): decisions can be recorded until it is re-closed."""
    review = session.get(Review, review_id, with_for_update=True)
    if review is None:
        raise ReviewError("review", "That review no longer exists.")
    if review.status != CLOSED:
        raise ReviewError("review", "This review is open already.")
    before = {"status": CLOSED, "closed_by": review.closed_by, "closed_at": review.closed_at}
    review.status = OPEN
    review.closed_by = None
    review.closed_at = None
    session.add(review)
    record(
        session,
        actor=actor,
        action="reopen",
        entity="review",
        entity_id=review.id,
        before=before,
        after={"status": OPEN, "month": review.month},
    )
    return review


def mark_minutes_posted(session: Session, *, review_id: int) -> None:
    review = session.get(Review, review_id)
    if review is not None:
        review.minutes_posted_at = utcnow()
        session.add(review)


def closed_minutes(session: Session, *, scorecard_id: int, month: str) -> str | None:
    """The kept minutes of a closed review (None while it is open or was never held)."""
    review = session.exec(
        select(Review).where(Review.scorecard_id == scorecard_id, Review.month == month)
    ).first()
    if review is None or review.status != CLOSED:
        return None
    return review.minutes
