"""Decisions taken in a monthly review, and the follow-up of those that are actions.

A decision is recorded in the review's thread during the meeting. One with an owner *and* a
due date is an action: it is followed up exactly like a countermeasure — its owner sees it in
their App Home, the nag round reminds them once it is overdue (with a Done button), the
huddle mentions it the week it falls due, and the next review opens with it and its state.
A decision without both is noted: it appears in the minutes and the next agenda only.

States, relative to a given day: ``done``; ``overdue`` (open, due before the day); ``open``
(an action not yet due); ``noted`` (no owner or no due date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from bsc_core.audit import record
from bsc_core.errors import FieldError
from bsc_core.models import Decision, Kpi, Objective, Review, Scorecard, utcnow
from bsc_core.text import sanitize_text

OPEN = "open"
DONE = "done"
MAX_DECISION = 2000


class DecisionError(FieldError):
    """A decision cannot be recorded or closed; ``field`` is ``decision``, ``kpi``, ``owner``
    or ``due``."""


@dataclass(frozen=True)
class DecisionInfo:
    """A decision as the reports, the Home tab and the minutes show it."""

    id: int
    review_id: int
    review_month: str
    scorecard_id: int
    scorecard_name: str
    text: str
    kpi_code: str | None
    owner: str | None
    due_date: date | None
    status: str
    recorded_by: str
    recorded_at: datetime | None
    done_by: str | None
    done_at: datetime | None
    state: str

    @property
    def is_action(self) -> bool:
        return self.owner is not None and self.due_date is not None


def state_of(decision: Decision, day: date) -> str:
    """``done``, ``overdue``, ``open`` or ``noted`` on ``day`` (see the module)."""
    if decision.status == DONE:
        return DONE
    if decision.owner is None or decision.due_date is None:
        return "noted"
    return "overdue" if decision.due_date < day else OPEN


def _snapshot(decision: Decision) -> dict[str, object]:
    return {
        "review_id": decision.review_id,
        "kpi_id": decision.kpi_id,
        "text": decision.text,
        "owner": decision.owner,
        "due_date": decision.due_date,
        "status": decision.status,
    }


def checked_text(text: str | None) -> str:
    """The decision's text sanitised (line breaks kept); empty or too long is refused."""
    cleaned = sanitize_text(text, multiline=True)
    if not cleaned:
        raise DecisionError("decision", "Write the decision: it cannot be empty.")
    if len(cleaned) > MAX_DECISION:
        raise DecisionError(
            "decision",
            f"The decision has {len(cleaned):,} characters; it may have at most {MAX_DECISION:,}.",
        )
    return cleaned


def record_decision(
    session: Session,
    *,
    review_id: int,
    text: str | None,
    kpi_id: int | None,
    owner: str | None,
    due_date: date | None,
    actor: str,
    today: date,
) -> Decision:
    """Record a decision on an open review (audited) in the caller's write session.

    ``today`` is the scorecard's local date: a due date before it is refused. Raises
    :class:`DecisionError`; nothing is stored then.
    """
    review = session.get(Review, review_id, with_for_update=True)
    if review is None:
        raise DecisionError("decision", "That review no longer exists.")
    if review.status != OPEN:
        raise DecisionError(
            "decision",
            f"The review of {review.month} is closed: it takes no more decisions. "
            "Its chair can reopen it.",
        )
    cleaned = checked_text(text)
    if due_date is not None and due_date < today:
        raise DecisionError(
            "due", f"{due_date.isoformat()} is in the past; pick today or a later date."
        )
    if kpi_id is not None and _kpi_scorecard(session, kpi_id) != review.scorecard_id:
        raise DecisionError("kpi", "That KPI is not on this review's scorecard.")
    decision = Decision(
        review_id=review_id,
        kpi_id=kpi_id,
        text=cleaned,
        owner=owner,
        due_date=due_date,
        recorded_by=actor,
    )
    session.add(decision)
    session.flush()
    record(
        session,
        actor=actor,
        action="create",
        entity="decision",
        entity_id=decision.id,
        after=_snapshot(decision),
    )
    return decision


def _kpi_scorecard(session: Session, kpi_id: int) -> int | None:
    return session.exec(
        select(Objective.scorecard_id)
        .join(Kpi, col(Kpi.objective_id) == col(Objective.id))
        .where(Kpi.id == kpi_id)
    ).first()


def complete_decision(session: Session, *, decision_id: int, actor: str) -> Decision:
    """Mark a decision done (audited); one already done raises DecisionError."""
    decision = session.get(Decision, decision_id, with_for_update=True)
    if decision is None:
        raise DecisionError("decision", f"There is no decision #{decision_id}.")
    if decision.status == DONE:
        raise DecisionError("decision", "That decision is already done.")
    before = _snapshot(decision)
    decision.status = DONE
    decision.done_by = actor
    decision.done_at = utcnow()
    session.add(decision)
    record(
        session,
        actor=actor,
        action="update",
        entity="decision",
        entity_id=decision.id,
        before={"status": before["status"]},
        after={"status": DONE},
    )
    return decision


def _query():  # type: ignore[no-untyped-def]
    return (
        select(Decision, Review, Scorecard, Kpi.code)
        .join(Review, col(Review.id) == col(Decision.review_id))
        .join(Scorecard, col(Scorecard.id) == col(Review.scorecard_id))
        .join(Kpi, col(Kpi.id) == col(Decision.kpi_id), isouter=True)
    )


def _infos(
    rows: Sequence[tuple[Decision, Review, Scorecard, str | None]], day: date
) -> list[DecisionInfo]:
    return [
        DecisionInfo(
            id=d.id or 0,
            review_id=r.id or 0,
            review_month=r.month,
            scorecard_id=c.id or 0,
            scorecard_name=c.name,
            text=d.text,
            kpi_code=code,
            owner=d.owner,
            due_date=d.due_date,
            status=d.status,
            recorded_by=d.recorded_by,
            recorded_at=d.recorded_at,
            done_by=d.done_by,
            done_at=d.done_at,
            state=state_of(d, day),
        )
        for d, r, c, code in rows
    ]


def find_decision(session: Session, decision_id: int, *, day: date) -> DecisionInfo | None:
    rows = session.exec(_query().where(Decision.id == decision_id)).all()
    found = _infos(rows, day)
    return found[0] if found else None


def decisions_of_review(session: Session, *, review_id: int, day: date) -> list[DecisionInfo]:
    """The review's decisions in the order they were recorded."""
    rows = session.exec(
        _query().where(Decision.review_id == review_id).order_by(col(Decision.id))
    ).all()
    return _infos(rows, day)


def decisions_since_last_review(
    session: Session, *, scorecard_id: int, month: str, day: date
) -> list[DecisionInfo]:
    """What the review of ``month`` opens with: every decision of the previous review, and
    the actions of older reviews still open — overdue first, then open, noted, done."""
    earlier = session.exec(
        select(Review.id, Review.month)
        .where(Review.scorecard_id == scorecard_id, col(Review.month) < month)
        .order_by(col(Review.month).desc())
    ).all()
    if not earlier:
        return []
    last_id = earlier[0][0]
    rows = session.exec(
        _query()
        .where(col(Decision.review_id).in_([rid for rid, _ in earlier]))
        .order_by(col(Decision.id))
    ).all()
    found = [
        info
        for info in _infos(rows, day)
        if info.review_id == last_id or info.state in (OPEN, "overdue")
    ]
    order = {"overdue": 0, OPEN: 1, "noted": 2, DONE: 3}
    return sorted(found, key=lambda i: (order[i.state], i.due_date or date.max, i.id))


def open_decisions_of(session: Session, *, owner: str, day: date) -> list[DecisionInfo]:
    """The open actions ``owner`` holds (their App Home), earliest due first."""
    rows = session.exec(
        _query()
        .where(
            Decision.owner == owner,
            Decision.status == OPEN,
            col(Decision.due_date).is_not(None),
        )
        .order_by(col(Decision.due_date), col(Decision.id))
    ).all()
    return _infos(rows, day)


def decisions_due_between(
    session: Session, *, scorecard_id: int, first: date, last: date, day: date
) -> list[DecisionInfo]:
    """The scorecard's open actions due from ``first`` to ``last`` (the huddle's week)."""
    rows = session.exec(
        _query()
        .where(
            Review.scorecard_id == scorecard_id,
            Decision.status == OPEN,
            col(Decision.owner).is_not(None),
            col(Decision.due_date) >= first,
            col(Decision.due_date) <= last,
        )
        .order_by(col(Decision.due_date), col(Decision.id))
    ).all()
    return _infos(rows, day)


# -- the nag round ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueDecision:
    """An overdue action for the nag round, with the bookkeeping of its reminders."""

    id: int
    text: str
    owner: str
    due_date: date
    scorecard_id: int
    scorecard_name: str
    timezone: str
    review_month: str
    reminders: int
    last_reminded_on: date | None

    @property
    def label(self) -> str:
        return f"decision #{self.id} overdue"

    def reminded_on(self, today: date) -> bool:
        return self.last_reminded_on == today


def overdue_decisions(
    session: Session,
    *,
    now: datetime,
    scorecard_ids: Sequence[int] | None = None,
    owner: str | None = None,
) -> list[OverdueDecision]:
    """Open actions past their due date at ``now`` (the scorecard's local date), one query."""
    from bsc_core.nagging import local_date

    query = (
        select(Decision, Review.month, Scorecard)
        .join(Review, col(Review.id) == col(Decision.review_id))
        .join(Scorecard, col(Scorecard.id) == col(Review.scorecard_id))
        .where(
            Decision.status == OPEN,
            col(Decision.owner).is_not(None),
            col(Decision.due_date).is_not(None),
        )
        .order_by(col(Decision.due_date), col(Decision.id))
    )
    if scorecard_ids is not None:
        query = query.where(col(Review.scorecard_id).in_(list(scorecard_ids)))
    if owner is not None:
        query = query.where(Decision.owner == owner)
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    found = []
    for decision, month, card in session.exec(query).all():
        if decision.due_date is None or decision.owner is None:
            continue
        if decision.due_date < local_date(moment, card.timezone):
            found.append(
                OverdueDecision(
                    id=decision.id or 0,
                    text=decision.text,
                    owner=decision.owner,
                    due_date=decision.due_date,
                    scorecard_id=card.id or 0,
                    scorecard_name=card.name,
                    timezone=card.timezone,
                    review_month=month,
                    reminders=decision.reminders,
                    last_reminded_on=decision.last_reminded_on,
                )
            )
    return found


def claim_decision_reminders(
    session: Session, items: Sequence[OverdueDecision], *, today: date, force: bool
) -> list[OverdueDecision]:
    """Record that ``items`` are being sent today (before sending); returns those to send.

    Rows are locked so two rounds at once cannot both send; one already reminded today is
    claimed again only with ``force`` (an operator's round). The returned items carry the
    bookkeeping from before the claim, which :func:`release_decision_reminders` restores.
    """
    if not items:
        return []
    rows = {
        d.id: d
        for d in session.exec(
            select(Decision).where(col(Decision.id).in_([i.id for i in items])).with_for_update()
        ).all()
    }
    claimed = []
    for item in items:
        row = rows.get(item.id)
        if row is None or row.status != OPEN:
            continue
        if row.last_reminded_on == today and not force:
            continue
        claimed.append(item)
        if row.last_reminded_on != today:
            row.reminders = (row.reminders or 0) + 1
            row.last_reminded_on = today
            session.add(row)
    session.flush()
    return claimed


def release_decision_reminders(session: Session, claimed: Sequence[OverdueDecision]) -> None:
    """Undo :func:`claim_decision_reminders` for reminders that could not be sent."""
    for item in claimed:
        row = session.get(Decision, item.id, with_for_update=True)
        if row is not None:
            row.reminders = item.reminders
            row.last_reminded_on = item.last_reminded_on
            session.add(row)


def decisions_due_this_week(
    session: Session, *, scorecard_id: int, day: date
) -> list[DecisionInfo]:
    """Open actions due from Monday to Sunday of ``day``'s week: what the huddle mentions."""
    monday = day - timedelta(days=day.weekday())
    return decisions_due_between(
        session, scorecard_id=scorecard_id, first=monday, last=monday + timedelta(days=6), day=day
    )
