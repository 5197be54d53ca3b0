"""``/kpi target`` and ``/kpi owner``: a chair changes a KPI's target or owner from Slack.

Both answer with the value before and after, are audited, and queue the Home refreshes of
everyone concerned in the same transaction as the change (:mod:`commands.follow_ups`).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select

from bsc_core.board import KpiRef
from bsc_core.db import Store
from bsc_core.errors import FieldError
from bsc_core.formatting import escape_mrkdwn, format_exact, mention
from bsc_core.kpi_edits import move_owner, set_target_from
from bsc_core.models import SlackUser
from bsc_core.periods import Frequency, Period, PeriodError
from commands import kpi_parser as p
from commands.access import chair_only, find_readable_kpi, may_chair, posts_in_channel
from commands.follow_ups import queue_after_change
from commands.log_actual import check_value
from commands.reply import Caller, Reply, Visibility


def _refusal(message: str, usage: str | None = None) -> Reply:
    text = f"⚠️ {message}"
    if usage:
        text += f"\nUsage: `{usage}`"
    return Reply(text=text + "\nNothing was changed.")


def current_period(kpi: KpiRef, now: datetime | None) -> Period:
    """The period running now in the KPI's scorecard time zone."""
    local = now or datetime.now(kpi.zone).replace(tzinfo=None)
    if kpi.frequency is Frequency.HOURLY:
        return Period.containing(kpi.frequency, local)
    return Period.containing(kpi.frequency, local.date())


def _shown(value: float | None, unit: str) -> str:
    """A target exactly as stored (a confirmation must not round), or "none"."""
    return "none" if value is None else format_exact(value, unit)


def _visibility(caller: Caller, kpi: KpiRef) -> Visibility:
    return "in_channel" if posts_in_channel(caller, kpi.channel_id) else "ephemeral"


def set_target_reply(
    cmd: p.SetTarget, *, store: Store, caller: Caller, now: datetime | None
) -> Reply:
    """Check, store and describe a new target from a period on (see :mod:`bsc_core.kpi_edits`)."""
    usage = p.USAGE["target"]
    with store.read() as session:
        kpi = find_readable_kpi(session, cmd.code, caller)
    if not may_chair(kpi.chair, caller):
        return _refusal(chair_only(kpi.chair, f"change the target of {kpi.code}"))
    try:
        value = check_value(kpi, cmd.value)
    except FieldError as exc:
        return _refusal(exc.message, usage)
    if cmd.period_text is None:
        period = current_period(kpi, now)
    else:
        try:
            period = Period.parse(cmd.period_text, kpi.frequency)
        except PeriodError as exc:
            return _refusal(f"{exc} ({kpi.code} is {kpi.frequency.value})", usage)
    with store.write() as session:
        change = set_target_from(
            session, kpi_id=kpi.id, period=period, value=value, actor=caller.user_id
        )
        if change.changed:
            queue_after_change(
                session,
                actor=caller.user_id,
                kpi_codes=[kpi.code],
                people=[kpi.owner, *([kpi.chair] if kpi.chair else [])],
            )
    code = escape_mrkdwn(kpi.code)
    if not change.changed:
        return Reply(
            text=f"The target of *{code}* from {period} on is already "
            f"{_shown(value, kpi.unit)}. Nothing was changed."
        )
    kept = " Earlier periods keep their targets."
    return Reply(
        text=f"🎯 Target of *{code}* from {period} on: "
        f"{_shown(change.before, kpi.unit)} → *{_shown(change.after, kpi.unit)}*"
        f" (set by {mention(caller.user_id)}).{kept}",
        visibility=_visibility(caller, kpi),
    )


def _person(store: Store, typed: str) -> str | FieldError:
    """The user ID ``typed`` stands for: itself, or the one person known by that ``@name``."""
    if not typed.startswith("@"):
        return typed
    name = typed[1:].lower()
    with store.read() as session:
        found = session.exec(
            select(SlackUser.user_id).where(func.lower(col(SlackUser.display_name)) == name)
        ).all()
    if len(found) == 1:
        return found[0]
    why = "several people are" if found else "nobody is"
    return FieldError(
        "person",
        f"{why} known as `{escape_mrkdwn(typed[:40])}`: mention the person "
        "(type @ and pick them from the list) or give their user ID",
    )


def move_owner_reply(cmd: p.MoveOwner, *, store: Store, caller: Caller) -> Reply:
    """Check, store and describe a KPI's move to another owner."""
    with store.read() as session:
        kpi = find_readable_kpi(session, cmd.code, caller)
    if not may_chair(kpi.chair, caller):
        return _refusal(chair_only(kpi.chair, f"move {kpi.code} to another owner"))
    person = _person(store, cmd.person)
    if isinstance(person, FieldError):
        return _refusal(person.message, p.USAGE["owner"])
    with store.write() as session:
        change = move_owner(session, kpi_id=kpi.id, owner=person, actor=caller.user_id)
        if change.changed:
            queue_after_change(
                session,
                actor=caller.user_id,
                kpi_codes=[kpi.code],
                people=[change.before, change.after, *([kpi.chair] if kpi.chair else [])],
            )
    code = escape_mrkdwn(kpi.code)
    if not change.changed:
        return Reply(text=f"*{code}* is already owned by {mention(person)}. Nothing was changed.")
    return Reply(
        text=f"👤 *{code}* moved: owner {mention(change.before)} → *{mention(change.after)}* "
        f"(by {mention(caller.user_id)}).",
        visibility=_visibility(caller, kpi),
    )
