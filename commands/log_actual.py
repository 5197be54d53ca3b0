"""Logging an actual from Slack, shared by ``/kpi log`` and the log modal.

Validation happens before anything is written and each problem names the field it belongs to,
so the modal can show it under that field and the command can show it with the usage. The
value is committed before the reply says "stored": nothing acknowledged is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bsc_core.actuals import LogResult, record_actual
from bsc_core.alerts import alerts_enabled, claim_alert, turned_red
from bsc_core.board import KpiRef
from bsc_core.cascade import not_loggable
from bsc_core.db import Store
from bsc_core.errors import FieldError
from bsc_core.formatting import (
    escape_mrkdwn,
    format_exact,
    format_number,
    format_pct,
    status_badge,
)
from bsc_core.models import Target
from bsc_core.periods import EXPECTED_FORM, Frequency, Period, PeriodError, latest_ended
from bsc_core.status import Status, evaluate, variance_pct
from bsc_core.text import MAX_NOTE, sanitize_text
from commands.access import find_readable_kpi, may_log, not_yours
from commands.follow_ups import queue_after_change
from commands.lookup import NotFound
from commands.reply import Caller, Reply, Stored
from commands.values import BadValue, TypedValue, parse_value, suffix_fits

HOURLY_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class Logged:
    """What a successful log did, for the reply and for what follows it (alerts, Home)."""

    kpi: KpiRef
    period: Period
    result: LogResult
    target: float | None
    status_before: Status | None
    status_after: Status
    reply: Reply
    alert_claimed: bool = False


def default_period(kpi: KpiRef, now: datetime) -> Period:
    """The period a value without PERIOD is for, at local time ``now``.

    Daily KPIs: today. Hourly: the hour that just ended during the first 15 minutes of the
    next hour, then the current hour. Weekly, monthly, quarterly: the period that ended last.
    """
    if kpi.frequency is Frequency.HOURLY:
        # Subtract the grace in real time, so a daylight-saving change never yields an hour
        # that did not exist on the clock.
        aware = now.replace(tzinfo=kpi.zone)
        earlier = (aware.astimezone(UTC) - HOURLY_GRACE).astimezone(kpi.zone)
        return Period.containing(Frequency.HOURLY, earlier.replace(tzinfo=None))
    if kpi.frequency is Frequency.DAILY:
        return Period.containing(Frequency.DAILY, now.date())
    return latest_ended(kpi.frequency, now.date())


def resolve_period(kpi: KpiRef, period_text: str | None, now: datetime) -> Period:
    """The period typed (checked against the KPI's frequency and refused in the future)."""
    if not period_text:
        return default_period(kpi, now)
    try:
        period = Period.parse(period_text, kpi.frequency)
    except PeriodError as exc:
        raise FieldError("period", f"{exc} ({kpi.code} is {kpi.frequency.value})") from None
    started = (
        period.start_local > now
        if kpi.frequency is Frequency.HOURLY
        else period.start_date > now.date()
    )
    if started:
        raise FieldError(
            "period",
            f"{period} is in the future; log actuals for periods that have started "
            f"(e.g. {default_period(kpi, now)})",
        )
    return period


def check_value(kpi: KpiRef, value: TypedValue) -> float:
    if not suffix_fits(value.suffix, kpi.unit):
        shown_unit = escape_mrkdwn(kpi.unit)
        unit = f" or 1234.5{shown_unit}" if kpi.unit and kpi.unit not in ("%",) else ""
        pct = " or 97.5%" if kpi.unit == "%" else ""
        raise FieldError(
            "value",
            f"`{escape_mrkdwn(value.text)}`: {kpi.code} is measured in "
            f"{shown_unit or 'plain numbers'}; "
            f"write the value as 1234.5{unit}{pct}",
        )
    return value.number


def target_for(session: Session, kpi: KpiRef, period: Period) -> float | None:
    row = session.exec(
        select(Target.value).where(Target.kpi_id == kpi.id, Target.period == str(period))
    ).first()
    return row if row is not None else kpi.default_target


def log_actual(
    *,
    store: Store,
    caller: Caller,
    code: str,
    value: TypedValue | str,
    period_text: str | None,
    note: str | None,
    now: datetime | None = None,
) -> Logged:
    """Validate and store one actual; raises :class:`FieldError` and stores nothing if invalid.

    Args:
        value: a parsed value from the command parser, or the raw text of the modal's field.
        now: the moment to judge "current" and "future" periods by (default: now in the
            KPI's scorecard time zone).
    """
    with store.read() as session:
        try:
            kpi = find_readable_kpi(session, code, caller)
        except NotFound as exc:
            raise FieldError("kpi", str(exc)) from None
    if not may_log(kpi, caller):
        raise FieldError("kpi", not_yours(kpi))
    if kpi.is_computed:
        raise FieldError("kpi", not_loggable(kpi.code, kpi.computed_from, kpi.combined_by.value))
    if isinstance(value, str):
        try:
            value = parse_value(value)
        except BadValue as exc:
            raise FieldError("value", str(exc)) from None
    number = check_value(kpi, value)
    local_now = now or datetime.now(kpi.zone).replace(tzinfo=None)
    period = resolve_period(kpi, period_text, local_now)
    note = sanitize_text(note) or None
    if note and len(note) > MAX_NOTE:
        raise FieldError(
            "note", f"the note has {len(note):,} characters; a note may have at most {MAX_NOTE:,}"
        )

    def work(session: Session) -> tuple[LogResult, float | None, bool]:
        result = record_actual(
            session=session,
            kpi=kpi,
            period=period,
            value=number,
            note=note,
            actor=caller.user_id,
            keep_note=True,
        )
        target = target_for(session, kpi, period)
        before, after = _statuses(kpi, result, number, target)
        alert = False
        if turned_red(before, after):
            enabled, channel = alerts_enabled(session, kpi.id)
            if enabled and channel:
                alert = claim_alert(
                    session=session, kpi_id=kpi.id, period=str(period), channel_id=channel
                )
        if result.outcome != "unchanged":
            queue_after_change(
                session, actor=caller.user_id, kpi_codes=[kpi.code], alert_claimed=alert
            )
        return result, target, alert

    result, target, alert = store.run(work)
    before, after = _statuses(kpi, result, number, target)
    reply = Reply(
        text=_confirmation(kpi, period, result, number, target, after),
        stored=Stored(kpi_code=kpi.code, chair=kpi.chair, alert_claimed=alert),
    )
    return Logged(kpi, period, result, target, before, after, reply, alert)


def _statuses(
    kpi: KpiRef, result: LogResult, value: float, target: float | None
) -> tuple[Status | None, Status]:
    """The KPI's status for the period before and after this log."""

    def of(number: float) -> Status:
        return evaluate(
            actual=number, target=target, direction=kpi.direction, tolerance=kpi.tolerance
        )

    before = None if result.previous_value is None else of(result.previous_value)
    return before, of(value)


def _confirmation(
    kpi: KpiRef,
    period: Period,
    result: LogResult,
    value: float,
    target: float | None,
    status: Status,
) -> str:
    name = f"*{escape_mrkdwn(kpi.code)}* ({escape_mrkdwn(kpi.name)}) for *{period}*"
    shown = format_exact(result.actual.value, kpi.unit)
    if result.outcome == "unchanged":
        return f"No change: {name} is already *{shown}* ({status_badge(status.value)})."
    pct = variance_pct(value, target)
    against = (
        f"target {format_number(target, kpi.unit)} · {status_badge(status.value)}"
        + (f" ({format_pct(float(pct))})" if pct is not None else "")
        if target is not None
        else status_badge(status.value)
    )
    if result.outcome == "updated" and result.previous_value == value:
        head = f"✏️ {name}: note updated (value still *{shown}*)"
    elif result.outcome == "updated" and result.previous_value is not None:
        previous = format_exact(result.previous_value, kpi.unit)
        head = f"✏️ {name}: updated from *{previous}* to *{shown}*"
    else:
        head = f"✅ Stored {name}: *{shown}*"
    lines = [f"{head} — {against}"]
    stored_note = result.actual.note
    if stored_note:
        lines.append(f"> {escape_mrkdwn(stored_note)}")
    return "\n".join(lines)


def expected_period_hint(kpi: KpiRef) -> str:
    return EXPECTED_FORM[kpi.frequency]
