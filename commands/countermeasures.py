"""Countermeasures from Slack: ``/kpi cm [CODE]``, the countermeasure form and its "Done" button.

The form itself is a modal, which only the Slack adapter can open (it needs the trigger of the
click or command). ``/kpi cm CODE`` therefore answers "opening the form" and the adapter
opens it right after the ack with :func:`countermeasure_form`; the button does the same. Who
may file: the KPI's owner, the scorecard's chair or an admin. Who may close one: also the
countermeasure's own owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from bsc_core.board import KpiRef, KpiStatus, load_history, load_kpis, status_of
from bsc_core.countermeasures import (
    DONE,
    CountermeasureError,
    canonical_cause,
    close_countermeasure,
    file_countermeasure,
    root_causes,
)
from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.models import Countermeasure, Kpi
from bsc_core.nagging import local_date, period_text
from bsc_core.text import sanitize_text
from commands import blocks as bk
from commands.access import find_readable_kpi, may_log
from commands.follow_ups import queue_after_change
from commands.kpi_parser import Countermeasures
from commands.lookup import NotFound
from commands.nag_messages import CM_DONE
from commands.reply import Caller, Reply

DEFAULT_DUE_IN = timedelta(days=7)


class NotAllowed(PermissionError):
    """The caller may not do this; the message says who may."""


@dataclass(frozen=True)
class CountermeasureForm:
    """What the countermeasure modal needs: the KPI, its period and the causes to offer."""

    kpi: KpiRef
    period: str
    row: KpiStatus | None
    causes: list[str]
    default_due: date
    channel_id: str | None


@dataclass(frozen=True)
class Filed:
    """A countermeasure just filed, for the confirmation and the Home tabs to refresh."""

    id: int
    kpi: KpiRef
    period: str
    owner: str
    reply: Reply


def _not_yours(kpi: KpiRef) -> str:
    chair = f", the chair {mention(kpi.chair)}" if kpi.chair else ""
    return (
        f"{kpi.code} is owned by {mention(kpi.owner)}: only they{chair} or an admin can file "
        "its countermeasures."
    )


def _today(kpi: KpiRef, now: datetime | None) -> date:
    return local_date(now or datetime.now(UTC), kpi.timezone)


def countermeasure_form(
    *,
    store: Store,
    caller: Caller,
    code: str,
    period: str | None = None,
    now: datetime | None = None,
) -> CountermeasureForm:
    """The form for ``code``: for ``period`` if given and valid, else its reporting period.

    Raises :class:`NotFound` for an unknown KPI and :class:`NotAllowed` for a caller who may
    not file one.
    """
    with store.read() as session:
        kpi = find_readable_kpi(session, code, caller)
        if not may_log(kpi, caller):
            raise NotAllowed(_not_yours(kpi))
        history = load_history(session, [kpi])
        today = _today(kpi, now)
        current = status_of(kpi, history, today)
        chosen = period_text(kpi, period) or str(current.period)
        row = current if chosen == str(current.period) else None
        causes = root_causes(session, kpi.scorecard_id)
    return CountermeasureForm(
        kpi=kpi,
        period=chosen,
        row=row,
        causes=causes,
        default_due=today + DEFAULT_DUE_IN,
        channel_id=caller.channel_id,
    )


def open_form_reply(
    cmd: Countermeasures, *, store: Store, caller: Caller, now: datetime | None
) -> Reply:
    """`/kpi cm [CODE]` — file a countermeasure for CODE; without CODE, list your open ones."""
    if cmd.code is None:
        return list_open(store=store, caller=caller, now=now)
    try:
        form = countermeasure_form(store=store, caller=caller, code=cmd.code, now=now)
    except NotAllowed as exc:
        return Reply(text=f"⚠️ {exc}\nNothing was changed.")
    return Reply(
        text=f"📝 Opening the countermeasure form for *{escape_mrkdwn(form.kpi.code)}* "
        f"(`{form.period}`)…",
        opens_cm_form=form.kpi.code,
    )


def file_from_form(
    *,
    store: Store,
    caller: Caller,
    code: str,
    period: str,
    chosen_cause: str | None,
    new_cause: str | None,
    action: str | None,
    owner: str | None,
    due: date | None,
    now: datetime | None = None,
) -> Filed:
    """Validate the form and file the countermeasure; problems name their field.

    Raises :class:`CountermeasureError` with ``field`` one of ``cause``, ``action``, ``owner``,
    ``due`` or ``kpi``; nothing is stored then. A typed new cause wins over the chosen one.
    """
    with store.read() as session:
        try:
            kpi = find_readable_kpi(session, code, caller)
        except NotFound as exc:
            raise CountermeasureError("kpi", str(exc)) from None
        known = root_causes(session, kpi.scorecard_id)
    if not may_log(kpi, caller):
        raise CountermeasureError("kpi", _not_yours(kpi))
    checked_period = period_text(kpi, period)
    if checked_period is None:
        raise CountermeasureError("kpi", f"`{period}` is not a {kpi.frequency.value} period.")
    cause = canonical_cause(new_cause or "", known) or sanitize_text(chosen_cause)
    if not cause:
        raise CountermeasureError("cause", "Choose a root cause, or type a new one below it.")
    if not sanitize_text(action):
        raise CountermeasureError("action", "Say what will be done about it.")
    today = _today(kpi, now)
    if due is None:
        raise CountermeasureError("due", "Pick the date it will be done by.")
    if due < today:
        raise CountermeasureError(
            "due", f"{due.isoformat()} is in the past; pick today or a later date."
        )
    who = owner or kpi.owner

    def work(session: Session) -> tuple[int, str, str]:
        cm = file_countermeasure(
            session=session,
            kpi_id=kpi.id,
            period=checked_period,
            root_cause=cause,
            action=action or "",
            owner=who,
            due_date=due,
            actor=caller.user_id,
        )
        queue_after_change(session, actor=caller.user_id, kpi_codes=[kpi.code], people=[who])
        return cm.id or 0, cm.action, cm.root_cause

    cm_id, stored_action, stored_cause = store.run(work)
    text = (
        f"✅ Countermeasure filed for *{escape_mrkdwn(kpi.code)}* `{checked_period}`: "
        f"{escape_mrkdwn(stored_action)}\nRoot cause _{escape_mrkdwn(stored_cause)}_ · owner "
        f"{mention(who)} · due {due.isoformat()}. The reminders about it stop now, and it "
        "shows in the next huddle."
    )
    return Filed(id=cm_id, kpi=kpi, period=checked_period, owner=who, reply=Reply(text=text))


def _mine(session: Session, user_id: str) -> list[tuple[Countermeasure, Kpi]]:
    """Open countermeasures the user owns, or that sit on KPIs the user owns."""
    rows = session.exec(
        select(Countermeasure, Kpi)
        .join(Kpi, col(Kpi.id) == col(Countermeasure.kpi_id))
        .where(
            Countermeasure.status == "open",
            (Countermeasure.owner == user_id) | (Kpi.owner == user_id),
        )
        .order_by(col(Countermeasure.due_date), col(Countermeasure.id))
    ).all()
    return [(cm, kpi) for cm, kpi in rows]


def list_open(*, store: Store, caller: Caller, now: datetime | None = None) -> Reply:
    """`/kpi cm` — your open countermeasures (yours or on your KPIs), a Done button each."""
    with store.read() as session:
        rows = _mine(session, caller.user_id)
    if not rows:
        return Reply(
            text="You have no open countermeasures. `/kpi cm CODE` files one for a red KPI."
        )
    today = local_date(now or datetime.now(UTC), "UTC")
    blocks: list[bk.Block] = [bk.header(f"Your open countermeasures ({len(rows)})")]
    for cm, kpi in rows:
        due = ""
        if cm.due_date:
            late = " · *overdue*" if cm.due_date < today else ""
            due = f" · due {cm.due_date.isoformat()}{late}"
        text = (
            f"*{escape_mrkdwn(kpi.code)}* `{cm.period}` {escape_mrkdwn(cm.action)}\n"
            f"_{escape_mrkdwn(cm.root_cause)}_ · {mention(cm.owner)}{due}"
        )
        blocks.append(
            bk.section(text, accessory=bk.button("Done", action_id=CM_DONE, value=str(cm.id)))
        )
    return Reply(
        text=f"{len(rows)} open countermeasure(s)",
        blocks=bk.fit_blocks(blocks, more_hint="close some to see the rest"),
    )


def complete(*, store: Store, caller: Caller, cm_id: str) -> Reply:
    """The "Done" button: close a countermeasure (its owner, the KPI's owner, chair, admin)."""
    try:
        wanted = int(cm_id)
    except ValueError:
        return Reply(text="⚠️ That button no longer points at a countermeasure.")
    with store.read() as session:
        cm = session.get(Countermeasure, wanted)
        row = session.get(Kpi, cm.kpi_id) if cm is not None else None
        found = (
            next(iter(load_kpis(session, codes=[row.code], active_only=False)), None)
            if row is not None
            else None
        )
    if cm is None or found is None:
        return Reply(text=f"⚠️ There is no countermeasure #{wanted}. Nothing was changed.")
    if not (caller.user_id == cm.owner or may_log(found, caller)):
        return Reply(
            text=f"⚠️ Only {mention(cm.owner)}, the owner of {escape_mrkdwn(found.code)}, its "
            "scorecard's chair or an admin can close this countermeasure. Nothing was changed."
        )
    if cm.status == DONE:
        return Reply(text=f"Already done: {escape_mrkdwn(found.code)} — {escape_mrkdwn(cm.action)}")
    try:

        def work(session: Session) -> None:
            close_countermeasure(session=session, cm_id=wanted, actor=caller.user_id)
            queue_after_change(
                session, actor=caller.user_id, kpi_codes=[found.code], people=[cm.owner]
            )

        store.run(work)
    except CountermeasureError as exc:
        return Reply(text=f"⚠️ {exc.message} Nothing was changed.")
    return Reply(
        text=f"✅ Done: *{escape_mrkdwn(found.code)}* `{cm.period}` — {escape_mrkdwn(cm.action)}"
    )
