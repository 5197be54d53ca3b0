"""Escalating a red KPI to the board above, and that board's answer: Take it or Resolved.

Who may escalate: the KPI's owner, its board's chair or an admin, for a KPI that is red for the
period and whose scorecard names a ``parent`` with a channel. Who answers: the parent's chair
or an admin. Every check runs when the button is clicked (so a refusal shows at once) and again
inside the transaction that stores the answer (things may have changed in between). The posts
to Slack are jobs committed with the change: the escalation is stored first, then posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from bsc_core.board import KpiRef, KpiStatus, load_history, load_kpis, status_of
from bsc_core.db import Store
from bsc_core.errors import FieldError
from bsc_core.escalations import (
    MAX_REQUEST,
    RESOLVED,
    TAKEN,
    EscalationError,
    EscalationView,
    find_open,
    parent_of,
    raise_escalation,
    resolve,
    take,
    view_of,
    with_parent,
)
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.jobs import enqueue
from bsc_core.models import Escalation, Scorecard
from bsc_core.nagging import local_date
from bsc_core.periods import Period, PeriodError
from bsc_core.status import Status
from bsc_core.text import sanitize_text
from commands.access import may_chair, may_log
from commands.escalation_messages import RESOLVE, TAKE, countermeasure_state, kpi_summary
from commands.reply import Caller, Reply

#: Job kinds: post a new escalation; tell both channels about an answer.
POST_ESCALATION = "post_escalation"
ESCALATION_ANSWERED = "escalation_answered"
PUBLISH_HOME = "publish_home"


class Refused(PermissionError):
    """The escalation cannot be raised or answered by this person now; the text says why."""


def escalatable(store: Store, kpi_ids: list[int]) -> frozenset[int]:
    """The KPIs among ``kpi_ids`` whose board has a board above: they get an Escalate button."""
    with store.read() as session:
        return frozenset(with_parent(session, kpi_ids))


@dataclass(frozen=True)
class EscalationForm:
    """What the "what help do you need?" modal shows, checked for the caller."""

    kpi: KpiRef
    period: str
    row: KpiStatus
    countermeasure: str
    parent_name: str
    parent_chair: str | None
    channel_id: str | None

    @property
    def summary(self) -> str:
        return kpi_summary(self.kpi, self.row, self.countermeasure)


def _checked_form(
    session: Session, caller: Caller, code: str, period: str | None, now: datetime
) -> EscalationForm:
    """The form for ``code`` and ``period`` if the caller may escalate it now; else Refused."""
    found = load_kpis(session, codes=[code]) if code else []
    if not found:
        raise Refused(f"There is no KPI `{escape_mrkdwn(code)}` (any more).")
    kpi = found[0]
    if not may_log(kpi, caller):
        chair = f", the chair {mention(kpi.chair)}" if kpi.chair else ""
        raise Refused(
            f"Only {kpi.code}'s owner {mention(kpi.owner)}{chair} or an admin can escalate it."
        )
    parent = parent_of(session, kpi.scorecard_id)
    if parent is None:
        raise Refused(
            f"{escape_mrkdwn(kpi.scorecard_name)} has no board above it (no `parent:`), "
            "so there is nobody to escalate to."
        )
    if not parent.channel_id:
        raise Refused(
            f"{escape_mrkdwn(parent.name)} has no channel (`channel:` in its file), so an "
            "escalation could not be posted there."
        )
    history = load_history(session, [kpi])
    if period:
        try:
            row = history.with_streak(kpi, Period.parse(period, kpi.frequency))
        except PeriodError as exc:
            raise Refused(str(exc)) from None
    else:
        row = status_of(kpi, history, local_date(now, kpi.timezone))
    if row.status is not Status.RED:
        raise Refused(
            f"{kpi.code} is {row.status.value.replace('_', ' ')} for {row.period}: "
            "only a red KPI is escalated."
        )
    if find_open(session, kpi_id=kpi.id, period=str(row.period)) is not None:
        raise Refused(
            f"{kpi.code} {row.period} is already escalated to {escape_mrkdwn(parent.name)}; "
            "its chair has been asked."
        )
    return EscalationForm(
        kpi=kpi,
        period=str(row.period),
        row=row,
        countermeasure=countermeasure_state(session, kpi, now),
        parent_name=parent.name,
        parent_chair=parent.chair,
        channel_id=caller.channel_id,
    )


def escalation_form(
    *, store: Store, caller: Caller, code: str, period: str | None, now: datetime | None = None
) -> EscalationForm:
    """The checked form behind the Escalate button (raises :class:`Refused`)."""
    with store.read() as session:
        return _checked_form(session, caller, code, period, now or datetime.now(UTC))


def clean_text(text: str | None, *, field: str, missing: str) -> str:
    """A request or a note as stored: sanitised, present, within :data:`MAX_REQUEST`."""
    cleaned = sanitize_text(text, multiline=True).strip()
    if not cleaned:
        raise FieldError(field, missing)
    if len(cleaned) > MAX_REQUEST:
        raise FieldError(
            field, f"{len(cleaned):,} characters; write at most {MAX_REQUEST:,} (a sentence)"
        )
    return cleaned


def raise_from_form(
    *,
    store: Store,
    caller: Caller,
    code: str,
    period: str,
    request: str | None,
    now: datetime | None = None,
) -> Reply:
    """Store the escalation (checked again) and queue its post in the parent's channel.

    Raises :class:`FieldError` for a missing or too long request and :class:`Refused` when
    the caller may no longer escalate it; nothing is stored then.
    """
    text = clean_text(request, field="request", missing="Say in a sentence what help you need.")
    moment = now or datetime.now(UTC)

    def work(session: Session) -> tuple[EscalationForm, int]:
        form = _checked_form(session, caller, code, period, moment)
        parent = parent_of(session, form.kpi.scorecard_id)
        assert parent is not None
        try:
            row = raise_escalation(
                session,
                kpi_id=form.kpi.id,
                kpi_code=form.kpi.code,
                period=form.period,
                scorecard_id=form.kpi.scorecard_id,
                parent=parent,
                origin_channel_id=form.kpi.channel_id,
                request=text,
                actor=caller.user_id,
            )
        except EscalationError as exc:
            raise Refused(str(exc)) from None
        enqueue(
            session,
            kind=POST_ESCALATION,
            payload={"escalation_id": row.id},
            report_to=caller.user_id,
        )
        if parent.chair:
            _queue_home(session, parent.chair)
        return form, row.id or 0

    form, _ = store.run(work)
    chair = f" for its chair {mention(form.parent_chair)}" if form.parent_chair else ""
    return Reply(
        text=f"⬆️ Escalated *{escape_mrkdwn(form.kpi.code)}* `{form.period}` to "
        f"*{escape_mrkdwn(form.parent_name)}*: posting it in their channel{chair}."
    )


def _queue_home(session: Session, user_id: str) -> None:
    enqueue(
        session,
        kind=PUBLISH_HOME,
        payload={"user_id": user_id},
        dedupe_key=f"{PUBLISH_HOME}:{user_id}",
    )


# -- the board above answers ---------------------------------------------------------------------


def _parse_id(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise Refused("That escalation no longer exists.") from None


def _answerable(session: Session, caller: Caller, escalation_id: int, action: str) -> Escalation:
    """The escalation if the caller chairs the board above and it can still be ``action``-ed."""
    row = session.get(Escalation, escalation_id)
    if row is None:
        raise Refused("That escalation no longer exists.")
    parent = session.get(Scorecard, row.parent_id)
    chair = parent.chair if parent is not None else None
    if not may_chair(chair, caller):
        who = f"the chair {mention(chair)}" if chair else "the chair of the board above"
        raise Refused(f"Only {who} or an admin can answer this escalation.")
    if row.status == RESOLVED:
        raise Refused("This escalation is already resolved.")
    if action == TAKE and row.status == TAKEN:
        helper = f" by {mention(row.helper)}" if row.helper else ""
        raise Refused(f"This escalation is already taken{helper}; resolve it when done.")
    return row


def answer_check(
    *, store: Store, caller: Caller, escalation_id: str, action: str
) -> EscalationView:
    """At the click of Take it or Resolved: may the caller answer it? (raises Refused)"""
    number = _parse_id(escalation_id)
    with store.read() as session:
        _answerable(session, caller, number, action)
        view = view_of(session, number)
    if view is None:
        raise Refused("That escalation no longer exists.")
    return view


def take_escalation(
    *, store: Store, caller: Caller, escalation_id: str, helper: str | None
) -> Reply:
    """Take it: ``helper`` (a Slack user) will help; the escalating board's thread is told."""
    if not helper:
        raise FieldError("helper", "Choose who will help.")
    number = _parse_id(escalation_id)

    def work(session: Session) -> None:
        row = _answerable(session, caller, number, TAKE)
        try:
            take(session, escalation=row, helper=helper, actor=caller.user_id)
        except EscalationError as exc:
            raise Refused(str(exc)) from None
        _queue_answer(session, row, caller)

    store.run(work)
    return Reply(text=f"🙋 Taken: {mention(helper)} will help. The board below is told.")


def resolve_escalation(
    *, store: Store, caller: Caller, escalation_id: str, note: str | None
) -> Reply:
    """Resolved, with a note; the escalating board's thread is told."""
    text = clean_text(note, field="note", missing="Say in a sentence how it was resolved.")
    number = _parse_id(escalation_id)

    def work(session: Session) -> None:
        row = _answerable(session, caller, number, RESOLVE)
        try:
            resolve(session, escalation=row, note=text, actor=caller.user_id)
        except EscalationError as exc:
            raise Refused(str(exc)) from None
        _queue_answer(session, row, caller)

    store.run(work)
    return Reply(text="✅ Resolved. The board below is told.")


def _queue_answer(session: Session, row: Escalation, caller: Caller) -> None:
    enqueue(
        session,
        kind=ESCALATION_ANSWERED,
        payload={"escalation_id": row.id, "status": row.status},
        report_to=caller.user_id,
    )
    _queue_home(session, caller.user_id)


# -- the messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posts:
    """Where an escalation lives in Slack: the parent's channel post and the origin's thread."""

    parent_channel: str | None
    parent_ts: str | None
    origin_channel: str | None
    origin_ts: str | None


def posts_of(session: Session, escalation_id: int) -> Posts | None:
    row = session.get(Escalation, escalation_id)
    if row is None:
        return None
    return Posts(row.parent_channel_id, row.parent_ts, row.origin_channel_id, row.origin_ts)


def record_post(
    session: Session, *, escalation_id: int, parent_ts: str | None, origin_ts: str | None
) -> None:
    """Remember the messages posted, so a retried job never posts them twice."""
    row = session.get(Escalation, escalation_id)
    if row is None:
        return
    if parent_ts:
        row.parent_ts = parent_ts
    if origin_ts:
        row.origin_ts = origin_ts
    session.add(row)
