"""Instant red alerts: the message posted to the channel, and ``/kpi alerts [on|off]``."""

from __future__ import annotations

from sqlmodel import Session

from bsc_core import audit
from bsc_core.alerts import PendingAlert
from bsc_core.board import load_history, load_kpis
from bsc_core.db import Store
from bsc_core.escalations import with_parent
from bsc_core.formatting import escape_mrkdwn, format_number, format_pct, mention
from bsc_core.models import Scorecard
from bsc_core.periods import Period
from commands import blocks as bk
from commands.access import chair_only, may_chair
from commands.escalation_messages import escalate_button
from commands.lookup import scorecard_for_channel
from commands.reply import Caller, Reply


def alert_message(session: Session, alert: PendingAlert) -> Reply | None:
    """The channel message for a KPI that just turned red, with an "Add countermeasure" button."""
    kpis = load_kpis(session, kpi_ids=[alert.kpi_id], active_only=False)
    if not kpis:
        return None
    kpi = kpis[0]
    period = Period.parse(alert.period, kpi.frequency)
    row = load_history(session, [kpi]).with_streak(kpi, period)
    pct = f" ({format_pct(row.variance_pct)})" if row.variance_pct is not None else ""
    streak = f" · red {row.streak} periods in a row" if row.streak > 1 else ""
    text = (
        f"🔴 *{escape_mrkdwn(kpi.code)}* ({escape_mrkdwn(kpi.name)}) turned *red* for {period}: "
        f"{format_number(row.actual, kpi.unit)} vs target {format_number(row.target, kpi.unit)}"
        f"{pct} · owner {mention(kpi.owner)}{streak}"
    )
    if row.note:
        text += f"\n> {escape_mrkdwn(row.note)}"
    buttons = [
        bk.button(
            "Add countermeasure", action_id="cm_open", value=f"{kpi.code} {period}", style="danger"
        )
    ]
    if with_parent(session, [kpi.id]):  # a board above to escalate to
        buttons.append(escalate_button(kpi.code, str(period)))
    blocks = [bk.section(text), bk.actions(*buttons)]
    fallback = f"{kpi.code} turned red for {period}"
    return Reply(text=fallback, blocks=blocks, visibility="in_channel")


def handle_alerts(enabled: bool | None, *, store: Store, caller: Caller) -> Reply:
    """`/kpi alerts [on|off]` — show or switch this channel's instant red alerts (chair)."""
    with store.read() as session:
        card = scorecard_for_channel(session, caller.channel_id)
    if card is None:
        return Reply(text="⚠️ Run `/kpi alerts` in the channel of a scorecard.")
    state = "on" if card.alerts_enabled else "off"
    if enabled is None:
        return Reply(
            text=f"Instant red alerts are *{state}* for {escape_mrkdwn(card.name)}. "
            "The chair switches them with `/kpi alerts on` or `/kpi alerts off`."
        )
    if not may_chair(card.chair, caller):
        return Reply(text=f"⚠️ {chair_only(card.chair, 'switch alerts')} Nothing was changed.")
    with store.write() as session:
        row = session.get(Scorecard, card.id)
        assert row is not None
        if row.alerts_enabled != enabled:
            audit.record(
                session,
                actor=caller.user_id,
                action="update",
                entity="scorecard",
                entity_id=row.id,
                before={"alerts_enabled": row.alerts_enabled},
                after={"alerts_enabled": enabled},
            )
            row.alerts_enabled = enabled
            session.add(row)
    new_state = "on" if enabled else "off"
    return Reply(
        text=f"Instant red alerts are now *{new_state}* for {escape_mrkdwn(card.name)}.",
        visibility="in_channel",
    )
