"""``/huddle schedule …``, ``/huddle off``, ``/review schedule …``, ``/review off``.

The chair (or an admin) sets when the channel's scorecard gets its huddle and its review; the
running clock picks the change up within a minute. Anyone may look at the schedule. A text
that is not one of these subcommands gives None, so the caller handles it (post the huddle
now, or the review of a month).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from bsc_core.audit import record
from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.models import Schedule, Scorecard, utcnow
from bsc_core.schedules import (
    EffectiveSchedule,
    ScheduleError,
    format_days,
    next_run,
    parse_day_of_month,
    parse_days,
    parse_time,
    parse_timezone,
    schedule_of,
)
from commands.access import chair_only, may_chair
from commands.lookup import scorecard_for_channel
from commands.reply import Caller, Reply

HUDDLE_USAGE = (
    "`/huddle schedule HH:MM [mon-fri|daily|mon,wed,fri] [TIMEZONE]`, `/huddle off`, "
    "or `/huddle schedule` to see it; e.g. `/huddle schedule 09:15 mon,wed,fri Europe/Paris`"
)
REVIEW_USAGE = (
    "`/review schedule first-workday|DAY-OF-MONTH HH:MM [TIMEZONE]`, `/review off`, "
    "or `/review schedule` to see it; e.g. `/review schedule first-workday 09:00`"
)
SUBCOMMANDS = ("schedule", "off")


def handle_huddle_text(
    text: str, *, store: Store, caller: Caller, now: datetime | None = None
) -> Reply | None:
    """The reply to a ``/huddle`` schedule subcommand, or None when ``text`` is not one."""
    return _handle("huddle", text, store=store, caller=caller, now=now)


def handle_review_text(
    text: str, *, store: Store, caller: Caller, now: datetime | None = None
) -> Reply | None:
    """The reply to a ``/review`` schedule subcommand, or None when ``text`` is not one."""
    return _handle("review", text, store=store, caller=caller, now=now)


def _handle(
    kind: str, text: str, *, store: Store, caller: Caller, now: datetime | None
) -> Reply | None:
    words = text.split()
    if not words or words[0].lower() not in SUBCOMMANDS:
        return None
    verb, args = words[0].lower(), words[1:]
    usage = HUDDLE_USAGE if kind == "huddle" else REVIEW_USAGE
    moment = now or datetime.now(UTC)
    # Looking, refusing and checking the text take no write lock; only a change does.
    with store.read() as session:
        card = scorecard_for_channel(session, caller.channel_id)
        if card is None:
            return Reply(
                f"This channel has no scorecard, so it has no {kind} schedule. Run the command "
                "in the scorecard's channel (its YAML `channel:`)."
            )
        if verb == "schedule" and not args:
            return Reply(_describe(schedule_of(session, card, kind), moment))
    if not may_chair(card.chair, caller):
        return Reply(chair_only(card.chair, f"change the {kind} schedule"))
    try:
        if verb == "off":
            if args:
                raise ScheduleError(f"`{kind} off` takes nothing after it")
            values: dict[str, Any] = {"enabled": False}
        elif kind == "huddle":
            values = _huddle_values(args)
        else:
            values = _review_values(args)
    except ScheduleError as exc:
        return Reply(f"{escape_mrkdwn(str(exc))}.\nUsage: {usage}")
    with store.write() as session:
        fresh = session.get(Scorecard, card.id)
        if fresh is None:
            return Reply("⚠️ That scorecard no longer exists. Nothing was changed.")
        schedule = _save(session, fresh, kind, values, actor=caller.user_id)
    verb_text = "switched off" if verb == "off" else "set"
    return Reply(
        f"{mention(caller.user_id)} {verb_text} the {kind} schedule of "
        f"*{escape_mrkdwn(card.name)}*. " + _describe(schedule, moment),
        visibility="in_channel",
    )


def _huddle_values(args: list[str]) -> dict[str, Any]:
    if not args or len(args) > 3:
        raise ScheduleError("give a time, then optionally the days and a time zone")
    at = parse_time(args[0])
    values: dict[str, Any] = {"enabled": True, "at": at.strftime("%H:%M")}
    rest = args[1:]
    if rest and "/" not in rest[0] and rest[0].upper() != "UTC":
        values["days"] = format_days(parse_days(rest[0]))
        rest = rest[1:]
    if rest:
        if len(rest) > 1:
            raise ScheduleError(f"{' '.join(rest)!r} is not one time zone")
        values["timezone"] = parse_timezone(rest[0])
    return values


def _review_values(args: list[str]) -> dict[str, Any]:
    if len(args) not in (2, 3):
        raise ScheduleError("give the day (first-workday or 1..28) and a time")
    values: dict[str, Any] = {
        "enabled": True,
        "day_of_month": parse_day_of_month(args[0]),
        "at": parse_time(args[1]).strftime("%H:%M"),
    }
    if len(args) == 3:
        values["timezone"] = parse_timezone(args[2])
    return values


def _row_state(row: Schedule | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "enabled": row.enabled,
        "at": row.at,
        "days": row.days,
        "day_of_month": row.day_of_month,
        "timezone": row.timezone,
    }


def _save(
    session: Session, card: Scorecard, kind: str, values: dict[str, Any], *, actor: str
) -> EffectiveSchedule:
    """Create or update the row (unset fields keep their value or the default) and audit it."""
    row = session.exec(
        select(Schedule).where(Schedule.scorecard_id == card.id, Schedule.kind == kind)
    ).first()
    before = _row_state(row)
    if row is None:
        current = schedule_of(session, card, kind)
        row = Schedule(
            scorecard_id=card.id or 0,
            kind=kind,
            at=current.at.strftime("%H:%M"),
            days=format_days(current.days),
            day_of_month=current.day_of_month,
        )
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="schedule.update" if before else "schedule.create",
        entity="schedule",
        entity_id=row.id,
        before=before,
        after={"scorecard": card.slug, "kind": kind, **(_row_state(row) or {})},
    )
    return schedule_of(session, card, kind)


def _describe(schedule: EffectiveSchedule, now: datetime) -> str:
    """The schedule and its next run in the schedule's local time."""
    kind = schedule.kind.title()
    if not schedule.enabled:
        return (
            f"{kind} of *{escape_mrkdwn(schedule.name)}*: off. "
            f"Set it with `/{schedule.kind} schedule …`."
        )
    found = next_run(schedule, now)
    upcoming = schedule.local(found) if found else None
    default = " (the default)" if schedule.is_default else ""
    when = f"{upcoming:%a %d %b %Y %H:%M} {upcoming.tzname()}" if upcoming else "none"
    return (
        f"{kind} of *{escape_mrkdwn(schedule.name)}*: {schedule.describe()}{default}. Next: {when}."
    )
