"""The review's thread as a meeting room: record decisions, update initiatives, close, reopen.

The buttons live on the posted agenda; each carries the review's scorecard and month
(``"<scorecard id> <YYYY-MM>"``), the same pair the report's key names, so a click finds its
review whichever process handles it. Rights are checked at the click *and* again at the
submission, since a modal can stay open while the chair changes or the review closes:

- Record decision, Close the review: the scorecard's chair and admins;
- Update (an initiative): its owner, the chair and admins;
- Reopen: the chair (admins only when the scorecard has no chair), audited;
- Done (a decision): its owner, the chair and admins.

What follows a change — the line in the thread, the minutes file, Home refreshes — is a job
written in the change's own transaction (:mod:`bsc_core.jobs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from bsc_core.board import KpiRef, load_kpis, local_today
from bsc_core.db import Store
from bsc_core.decisions import (
    DecisionError,
    DecisionInfo,
    complete_decision,
    find_decision,
    open_decisions_of,
    record_decision,
)
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.initiative_updates import (
    InitiativeUpdateError,
    checked_percent,
    initiative_states,
    status_words,
    update_initiative,
)
from bsc_core.jobs import enqueue
from bsc_core.minutes import build_minutes
from bsc_core.models import Initiative, Objective, Review
from bsc_core.periods import Frequency, Period
from bsc_core.reviews import (
    ReviewError,
    ReviewRef,
    close_review,
    load_review,
    record_posted,
    reopen_review,
    review_for_month,
)
from commands.access import may_chair
from commands.follow_ups import queue_after_change
from commands.nag_messages import DECISION_DONE as NAG_DECISION_DONE
from commands.reply import Caller, Reply

RECORD_DECISION = "review_decide"
DECIDE_ON_KPI = "review_decide_kpi"
UPDATE_INITIATIVE = "review_initiative"
CLOSE_REVIEW = "review_close"
REOPEN_REVIEW = "review_reopen"
DECISION_DONE = NAG_DECISION_DONE  # one id for the Home tab's and the reminder's Done

#: Job kinds: a line posted in the review's thread; the minutes uploaded into it.
POST_IN_THREAD = "review_thread_post"
POST_MINUTES = "review_minutes"


class NotAllowed(PermissionError):
    """The caller may not do this here; the message says who may."""


# -- finding the review a button points at ------------------------------------------------------


def review_value(scorecard_id: int, month: str, *extra: str) -> str:
    """What a review button carries: ``"<scorecard id> <YYYY-MM>[ <extra>…]"``."""
    return " ".join([str(scorecard_id), month, *extra])


def _parse_value(value: str) -> tuple[int, str, list[str]]:
    parts = (value or "").split()
    try:
        scorecard_id = int(parts[0])
        month = str(Period.parse(parts[1], Frequency.MONTHLY))
    except (IndexError, ValueError):
        raise NotAllowed("That button no longer points at a review.") from None
    return scorecard_id, month, parts[2:]


def _review(session: Session, scorecard_id: int, month: str) -> ReviewRef:
    review = review_for_month(session, scorecard_id=scorecard_id, month=month)
    if review is None:
        raise NotAllowed(
            f"The review of {month} is not on record (was it posted with this version?). "
            "Post it again with `/review " + month + "`."
        )
    return review


def _chair_only(review: ReviewRef, what: str) -> str:
    who = f"the chair {mention(review.chair)}" if review.chair else "the scorecard's chair"
    return f"Only {who} or an admin can {what}."


def _may_chair(review: ReviewRef, caller: Caller) -> bool:
    return may_chair(review.chair, caller)


def _today(review: ReviewRef, now: datetime | None) -> date:
    if now is None:
        return local_today(review.timezone)
    from bsc_core.nagging import local_date

    return local_date(now, review.timezone)


# -- posting: remember where the review went ----------------------------------------------------


def remember_posted_review(
    store: Store, *, scorecard_id: int, month: str, channel_id: str, message_ts: str, agenda: str
) -> None:
    """Keep the posted review's channel, ts and agenda (its thread is the meeting room)."""
    store.run(
        lambda s: record_posted(
            s,
            scorecard_id=scorecard_id,
            month=month,
            channel_id=channel_id,
            message_ts=message_ts,
            agenda=agenda,
        )
    )


def _queue_thread_line(session: Session, review: ReviewRef, text: str) -> None:
    if review.channel_id and review.message_ts:
        enqueue(
            session,
            kind=POST_IN_THREAD,
            payload={"channel": review.channel_id, "thread_ts": review.message_ts, "text": text},
        )


# -- Record decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionForm:
    """What the decision modal needs: the review, its scorecard's KPIs, the one chosen."""

    review: ReviewRef
    kpis: list[KpiRef]
    kpi_code: str | None


def decision_form(*, store: Store, caller: Caller, value: str) -> DecisionForm:
    """The form for the review a button names (``value``, optionally ending with a KPI code).

    Raises :class:`NotAllowed` (the message says why) for anyone but the chair and admins, and
    for a closed review.
    """
    scorecard_id, month, extra = _parse_value(value)
    with store.read() as session:
        review = _review(session, scorecard_id, month)
        kpis = load_kpis(session, scorecard_ids=[scorecard_id])
    if not _may_chair(review, caller):
        raise NotAllowed(_chair_only(review, "record the review's decisions"))
    if review.is_closed:
        raise NotAllowed(_closed_text(review))
    codes = {k.code for k in kpis}
    chosen = extra[0] if extra and extra[0] in codes else None
    return DecisionForm(
        review=review,
        kpis=kpis,
        kpi_code=chosen,
    )


def _closed_text(review: ReviewRef) -> str:
    by = f" by {mention(review.closed_by)}" if review.closed_by else ""
    return (
        f"The review of {review.month} was closed{by}: it takes no more decisions. "
        "The chair can reopen it."
    )


def decision_line(
    *, text: str, kpi_code: str | None, owner: str | None, due: date | None, actor: str
) -> str:
    """The thread's "📝 Decision: …, owner, due …" line (user text escaped)."""
    parts = [f"📝 *Decision:* {escape_mrkdwn(' '.join(text.split()))}"]
    if kpi_code:
        parts.append(f"*{escape_mrkdwn(kpi_code)}*")
    if owner:
        parts.append(f"owner {mention(owner)}")
    if due:
        parts.append(f"due {due.isoformat()}")
    return " · ".join(parts) + f"  _(recorded by {mention(actor)})_"


def record_from_form(
    *,
    store: Store,
    caller: Caller,
    review_id: int,
    text: str | None,
    kpi_code: str | None,
    owner: str | None,
    due: date | None,
    now: datetime | None = None,
) -> Reply:
    """Validate and record the decision; problems raise :class:`DecisionError` on their field.

    The right is checked again here: the modal may have been opened by someone who is no
    longer the chair, or the review may have been closed meanwhile.
    """
    with store.read() as session:
        review = load_review(session, review_id)
        kpi = load_kpis(session, codes=[kpi_code])[0] if kpi_code else None
    if review is None:
        raise DecisionError("decision", "That review no longer exists.")
    if not _may_chair(review, caller):
        raise DecisionError("decision", _chair_only(review, "record the review's decisions"))
    if kpi_code and (kpi is None or kpi.scorecard_id != review.scorecard_id):
        raise DecisionError("kpi", "That KPI is not on this review's scorecard.")
    if owner and due is None:
        raise DecisionError("due", "An owner needs a due date: pick the date it is due by.")
    if due and not owner:
        raise DecisionError("owner", "A due date needs an owner: pick who does it.")
    today = _today(review, now)

    def work(session: Session) -> str:
        decision = record_decision(
            session,
            review_id=review.id,
            text=text,
            kpi_id=kpi.id if kpi else None,
            owner=owner,
            due_date=due,
            actor=caller.user_id,
            today=today,
        )
        line = decision_line(
            text=decision.text,
            kpi_code=kpi.code if kpi else None,
            owner=owner,
            due=due,
            actor=caller.user_id,
        )
        _queue_thread_line(session, review, line)
        if owner:
            queue_after_change(
                session, actor=caller.user_id, kpi_codes=[kpi.code] if kpi else [], people=[owner]
            )
        return line

    line = store.run(work)
    return Reply(text=f"✅ Recorded in the review's thread:\n{line}")


# -- Update an initiative -----------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeForm:
    """What the initiative modal needs: the review, the initiative and its current state."""

    review: ReviewRef
    initiative_id: int
    name: str
    objective_code: str
    owner: str | None
    status: str
    percent: int | None


def _initiative(session: Session, initiative_id: int, scorecard_id: int) -> Initiative:
    row = session.exec(
        select(Initiative, Objective.scorecard_id)
        .join(Objective, col(Objective.id) == col(Initiative.objective_id))
        .where(Initiative.id == initiative_id)
    ).first()
    if row is None or row[1] != scorecard_id:
        raise NotAllowed("That initiative is no longer on this scorecard.")
    return row[0]


def _may_update(review: ReviewRef, owner: str | None, caller: Caller) -> bool:
    return _may_chair(review, caller) or (owner is not None and caller.user_id == owner)


def _not_updater(review: ReviewRef, owner: str | None) -> str:
    owner_text = f"its owner {mention(owner)}, " if owner else ""
    chair = f"the chair {mention(review.chair)}" if review.chair else "the scorecard's chair"
    return f"Only {owner_text}{chair} or an admin can update this initiative."


def initiative_form(*, store: Store, caller: Caller, value: str) -> InitiativeForm:
    """The update form for ``"<scorecard id> <month> <initiative id>"``; :class:`NotAllowed`
    for anyone but the initiative's owner, the chair and admins."""
    scorecard_id, month, extra = _parse_value(value)
    try:
        initiative_id = int(extra[0])
    except (IndexError, ValueError):
        raise NotAllowed("That button no longer points at an initiative.") from None
    with store.read() as session:
        review = _review(session, scorecard_id, month)
        initiative = _initiative(session, initiative_id, scorecard_id)
        state = initiative_states(session, initiative_ids=[initiative_id], since=None).get(
            initiative_id
        )
        code = session.get(Objective, initiative.objective_id)
    if not _may_update(review, initiative.owner, caller):
        raise NotAllowed(_not_updater(review, initiative.owner))
    return InitiativeForm(
        review=review,
        initiative_id=initiative_id,
        name=initiative.name,
        objective_code=code.code if code else "",
        owner=initiative.owner,
        status=initiative.status,
        percent=state.percent if state else None,
    )


def update_from_form(
    *,
    store: Store,
    caller: Caller,
    review_id: int,
    initiative_id: int,
    status: str | None,
    percent: str | None,
    note: str | None,
) -> Reply:
    """Validate and store the update (rights checked again); :class:`InitiativeUpdateError`
    names the field at fault and nothing is stored then."""
    checked_percent(percent)  # the % is checked before anything else is looked up
    with store.read() as session:
        review = load_review(session, review_id)
        if review is None:
            raise InitiativeUpdateError("status", "That review no longer exists.")
        try:
            initiative = _initiative(session, initiative_id, review.scorecard_id)
        except NotAllowed as exc:
            raise InitiativeUpdateError("status", str(exc)) from None
        states = initiative_states(session, initiative_ids=[initiative_id], since=None)
    if not _may_update(review, initiative.owner, caller):
        raise InitiativeUpdateError("status", _not_updater(review, initiative.owner))
    before = states.get(initiative_id)
    before_status, before_percent = initiative.status, before.percent if before else None

    def work(session: Session) -> str:
        update = update_initiative(
            session,
            initiative_id=initiative_id,
            status=status,
            percent=percent,
            note=note,
            actor=caller.user_id,
            review_id=None if review.is_closed else review.id,
        )
        line = _update_line(
            name=initiative.name,
            before_status=before_status,
            before_percent=before_percent,
            status=update.status,
            percent=update.percent_complete,
            note=update.note,
            actor=caller.user_id,
        )
        _queue_thread_line(session, review, line)
        if initiative.owner:
            queue_after_change(
                session, actor=caller.user_id, kpi_codes=[], people=[initiative.owner]
            )
        return line

    line = store.run(work)
    return Reply(text=f"✅ Updated:\n{line}")


def _update_line(
    *,
    name: str,
    before_status: str,
    before_percent: int | None,
    status: str,
    percent: int | None,
    note: str | None,
    actor: str,
) -> str:
    change = status_words(status)
    if before_status != status:
        change = f"{status_words(before_status)} → {status_words(status)}"
    if percent is not None:
        start = f"{before_percent} % → " if before_percent not in (None, percent) else ""
        change += f", {start}{percent} %"
    quoted = f" — “{escape_mrkdwn(' '.join(note.split()))}”" if note else ""
    return (
        f"🔄 *Initiative {escape_mrkdwn(name)}:* {change}{quoted}  _(updated by {mention(actor)})_"
    )


# -- Close and reopen ---------------------------------------------------------------------------


def close(
    *,
    store: Store,
    caller: Caller,
    value: str,
    name_of=None,
    now: datetime | None = None,  # type: ignore[no-untyped-def]
) -> Reply:
    """Close the review (chair, admins): keep the minutes and queue their upload to the thread."""
    scorecard_id, month, _ = _parse_value(value)
    with store.read() as session:
        review = _review(session, scorecard_id, month)
    if not _may_chair(review, caller):
        return Reply(text=f"⚠️ {_chair_only(review, 'close the review')} Nothing was changed.")
    if review.is_closed:
        return Reply(text=f"This review is already closed. {_reopen_hint(review)}")
    moment = now or datetime.now(UTC)

    def work(session: Session) -> int:
        row = session.get(Review, review.id)
        assert row is not None
        minutes = build_minutes(
            session, review=row, closed_by=caller.user_id, closed_at=moment, name_of=name_of
        )
        closed = close_review(session, review_id=review.id, actor=caller.user_id, minutes=minutes)
        enqueue(
            session,
            kind=POST_MINUTES,
            payload={"review_id": review.id, "closed_at": moment.isoformat()},
            report_to=caller.user_id,
            dedupe_key=f"{POST_MINUTES}:{review.id}:{moment.isoformat()}",
        )
        return closed.id or 0

    try:
        store.run(work)
    except ReviewError as exc:
        return Reply(text=f"⚠️ {exc.message} Nothing was changed.")
    return Reply(
        text=f"🔒 The review of {month} is closed. ⏳ Its minutes are on their way to the thread."
    )


def _reopen_hint(review: ReviewRef) -> str:
    who = f"{mention(review.chair)}" if review.chair else "an admin"
    return f"Only {who} can reopen it."


def may_reopen(review: ReviewRef, caller: Caller) -> bool:
    """The chair; admins only when the scorecard has no chair."""
    if review.chair:
        return caller.user_id == review.chair
    return caller.is_admin


def reopen(*, store: Store, caller: Caller, value: str) -> Reply:
    """Reopen a closed review (the chair), audited; decisions can be recorded again."""
    scorecard_id, month, _ = _parse_value(value)
    with store.read() as session:
        review = _review(session, scorecard_id, month)
    if not may_reopen(review, caller):
        return Reply(text=f"⚠️ {_reopen_hint(review)} Nothing was changed.")

    def work(session: Session) -> None:
        reopen_review(session, review_id=review.id, actor=caller.user_id)
        _queue_thread_line(
            session,
            review,
            f"🔓 The review was reopened by {mention(caller.user_id)}: decisions can be "
            "recorded again; closing it posts new minutes.",
        )

    try:
        store.run(work)
    except ReviewError as exc:
        return Reply(text=f"⚠️ {exc.message} Nothing was changed.")
    return Reply(text=f"🔓 The review of {month} is open again.")


def closed_review(*, store: Store, value: str) -> ReviewRef | None:
    """The review a button names if it is closed (to offer the chair a Reopen button)."""
    try:
        scorecard_id, month, _ = _parse_value(value)
    except NotAllowed:
        return None
    with store.read() as session:
        review = review_for_month(session, scorecard_id=scorecard_id, month=month)
    return review if review is not None and review.is_closed else None


# -- after the meeting: decisions as actions ----------------------------------------------------


def complete(*, store: Store, caller: Caller, decision_id: str) -> Reply:
    """The "Done" button of a decision: its owner, the chair or an admin."""
    try:
        wanted = int(decision_id)
    except ValueError:
        return Reply(text="⚠️ That button no longer points at a decision.")
    with store.read() as session:
        info = find_decision(session, wanted, day=date.today())
        review = load_review(session, info.review_id) if info else None
    if info is None or review is None:
        return Reply(text=f"⚠️ There is no decision #{wanted}. Nothing was changed.")
    if not (caller.user_id == info.owner or _may_chair(review, caller)):
        return Reply(
            text=f"⚠️ Only {mention(info.owner)}, the chair or an admin can mark this decision "
            "done. Nothing was changed."
        )
    if info.status == "done":
        return Reply(text=f"Already done: {escape_mrkdwn(info.text)}")

    def work(session: Session) -> None:
        complete_decision(session, decision_id=wanted, actor=caller.user_id)
        people = [p for p in (info.owner, review.chair) if p]
        queue_after_change(session, actor=caller.user_id, kpi_codes=[], people=people)

    try:
        store.run(work)
    except DecisionError as exc:
        return Reply(text=f"⚠️ {exc.message} Nothing was changed.")
    return Reply(text=f"✅ Done: {escape_mrkdwn(info.text)}")


def my_decisions(*, store: Store, user_id: str, today: date | None = None) -> list[DecisionInfo]:
    """The open review actions ``user_id`` owns, for their App Home."""
    with store.read() as session:
        return open_decisions_of(session, owner=user_id, day=today or date.today())


# -- minutes outside Slack ----------------------------------------------------------------------


def kept_minutes(*, store: Store, scorecard_slug: str, month: str) -> tuple[str, str] | None:
    """(file name, Markdown) of the closed review's minutes; None while it is open or unheld."""
    from bsc_core.minutes import minutes_filename
    from bsc_core.models import Scorecard
    from bsc_core.reviews import closed_minutes

    with store.read() as session:
        card = session.exec(select(Scorecard).where(Scorecard.slug == scorecard_slug)).first()
        if card is None or card.id is None:
            return None
        text = closed_minutes(session, scorecard_id=card.id, month=month)
    return (minutes_filename(scorecard_slug, month), text) if text else None


def review_thread_lines(*, store: Store, scorecard_slug: str, month: str) -> list[str]:
    """The thread of a held review as Slack showed it: its decisions and its updates."""
    from bsc_core.decisions import decisions_of_review
    from bsc_core.initiative_updates import updates_of_review
    from bsc_core.models import Scorecard

    with store.read() as session:
        card = session.exec(select(Scorecard).where(Scorecard.slug == scorecard_slug)).first()
        review = review_for_month(session, scorecard_id=card.id or 0, month=month) if card else None
        if review is None:
            return []
        decided = decisions_of_review(session, review_id=review.id, day=date.today())
        updates = updates_of_review(session, review_id=review.id)
    lines = [
        decision_line(
            text=d.text, kpi_code=d.kpi_code, owner=d.owner, due=d.due_date, actor=d.recorded_by
        )
        for d in decided
    ]
    lines += [
        _update_line(
            name=u.initiative,
            before_status=u.status_before or u.status,
            before_percent=None,
            status=u.status,
            percent=u.percent,
            note=u.note,
            actor=u.updated_by,
        )
        for u in updates
    ]
    if review.is_closed:
        lines.append(
            f"🔒 The review of {month} was closed by {mention(review.closed_by)}. "
            "The minutes are attached."
        )
    return lines
