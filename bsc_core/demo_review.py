"""The demo's review loop: last month's review held in Slack, followed up since.

The review before the one the demo shows was posted, decided three things (one done since,
one due this week, one overdue), updated an initiative, and was closed with its minutes; the
initiative was updated again after the meeting. So the demo's review opens with those
decisions and their state, shows the initiative's change since ("at risk → on track,
40 % → 65 %"), and the huddle mentions the decision due this week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from bsc_core.decisions import DONE
from bsc_core.minutes import build_minutes
from bsc_core.models import Decision, Initiative, InitiativeUpdate, Kpi, Review, Scorecard
from bsc_core.periods import Period
from bsc_core.reports.prepare import prepare_review
from bsc_core.reports.review import last_ended_month
from bsc_core.reviews import CLOSED

DEMO_INITIATIVE = "Customer success playbook"
MESSAGE_TS = "1700000000.000100"


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _working_day_after(day: date) -> date:
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


def add_review_loop(
    session: Session, *, slug: str, today: date, huddle_day: date, red_kpi: str
) -> Review | None:
    """Hold the review of the month before the demo's (see the module); None without a chair."""
    card = session.exec(select(Scorecard).where(Scorecard.slug == slug)).first()
    if card is None or card.id is None or not card.chair:
        return None
    month: Period = last_ended_month(today).shift(-1)
    held = _working_day_after(month.end_date)
    agenda = prepare_review(session, scorecard_slug=slug, month=month, with_charts=False)
    review = Review(
        scorecard_id=card.id,
        month=str(month),
        channel_id=card.channel_id,
        message_ts=MESSAGE_TS,
        agenda=agenda.markdown,
        posted_at=_moment(held, 9),
    )
    session.add(review)
    session.flush()
    kpi = session.exec(select(Kpi).where(Kpi.code_key == red_kpi.upper())).first()
    friday = huddle_day + timedelta(days=4 - huddle_day.weekday())
    decisions = [
        Decision(
            review_id=review.id or 0,
            recorded_by=card.chair,
            text="Freeze hiring outside sales until MRR is back on target",
            owner=card.chair,
            due_date=held + timedelta(days=10),
            status=DONE,
            done_by=card.chair,
            done_at=_moment(held + timedelta(days=8), 15),
        ),
        Decision(
            review_id=review.id or 0,
            recorded_by=card.chair,
            text=f"Weekly pipeline review with the sales leads until {red_kpi} recovers",
            kpi_id=kpi.id if kpi else None,
            owner=kpi.owner if kpi else card.chair,
            due_date=friday,
        ),
        Decision(
            review_id=review.id or 0,
            recorded_by=card.chair,
            text="Renegotiate the cleaning contract (quote from two other suppliers)",
            owner="U0FINANCE",
            due_date=held + timedelta(days=20),
        ),
    ]
    for minute, decision in enumerate(decisions, start=10):
        decision.recorded_at = _moment(held, 9, minute)
        session.add(decision)
    initiative = session.exec(select(Initiative).where(Initiative.name == DEMO_INITIATIVE)).first()
    if initiative is not None and initiative.id is not None:
        session.add(
            InitiativeUpdate(
                initiative_id=initiative.id,
                review_id=review.id,
                status="at_risk",
                status_before="planned",
                percent_complete=40,
                note="Two customer success managers short until the new hires start",
                updated_by=card.chair,
                updated_at=_moment(held, 9, 30),
            )
        )
        session.add(
            InitiativeUpdate(
                initiative_id=initiative.id,
                status="on_track",
                status_before="at_risk",
                percent_complete=65,
                note="Both hires started; playbook drafted",
                updated_by=initiative.owner or card.chair,
                updated_at=_moment(held + timedelta(days=15), 11),
            )
        )
        initiative.status = "on_track"
        session.add(initiative)
    session.flush()
    closed_at = _moment(held, 10)
    review.minutes = build_minutes(
        session, review=review, closed_by=card.chair, closed_at=closed_at
    )
    review.status = CLOSED
    review.closed_by = card.chair
    review.closed_at = closed_at
    review.minutes_posted_at = closed_at
    session.add(review)
    return review
