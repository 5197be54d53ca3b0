"""Escalations as Slack shows them: the buttons, the post above, the note and answers below.

Kept apart from the checks and changes (:mod:`commands.escalations`) so the alert, the
reminder DM, the huddle and the Home build the same buttons with the same action ids.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from bsc_core.board import KpiRef, KpiStatus, load_history, load_kpis
from bsc_core.escalations import RESOLVED, TAKEN, EscalationView, view_of
from bsc_core.formatting import escape_mrkdwn, format_number, format_pct, mention
from bsc_core.models import Countermeasure, Escalation, Scorecard
from bsc_core.nagging import local_date
from bsc_core.periods import Period
from bsc_core.reports.huddle import HuddleData
from commands import blocks as bk
from commands.reply import Reply

#: Button action ids: on a red KPI, and on the post in the parent's channel.
ESCALATE = "esc_open"
TAKE = "esc_take"
RESOLVE = "esc_resolve"


def escalate_button(code: str, period: str) -> bk.Block:
    return bk.button("Escalate", action_id=ESCALATE, value=f"{code} {period}")


#: Escalate buttons under a huddle's red lines, at most.
MAX_HUDDLE_BUTTONS = 5


def huddle_escalate_buttons(data: HuddleData) -> bk.Block | None:
    """An Escalate button for each of the huddle's first reds, when its board has one above."""
    if not data.has_parent or not data.reds:
        return None
    return bk.actions(
        *(
            bk.button(
                f"Escalate {red.kpi.code}",
                action_id=ESCALATE,
                value=f"{red.kpi.code} {red.row.period}",
            )
            for red in data.reds[:MAX_HUDDLE_BUTTONS]
        )
    )


def kpi_summary(kpi: KpiRef, row: KpiStatus, countermeasure: str) -> str:
    """KPI, its board, value vs target, red streak and countermeasure state, in one line."""
    pct = f" ({format_pct(row.variance_pct)})" if row.variance_pct is not None else ""
    streak = f"red {row.streak} periods in a row" if row.streak > 1 else "red for the first period"
    return (
        f"🔴 *{escape_mrkdwn(kpi.code)}* {escape_mrkdwn(kpi.name)} · "
        f"*{escape_mrkdwn(kpi.scorecard_name)}* · `{row.period}`: "
        f"{format_number(row.actual, kpi.unit)} vs target {format_number(row.target, kpi.unit)}"
        f"{pct} · {streak} · {countermeasure} · owner {mention(kpi.owner)}"
    )


def countermeasure_state(session: Session, kpi: KpiRef, today: datetime) -> str:
    """The KPI's earliest-due open countermeasure in a few words (or that there is none)."""
    cm = session.exec(
        select(Countermeasure)
        .where(Countermeasure.kpi_id == kpi.id, Countermeasure.status == "open")
        .order_by(col(Countermeasure.due_date), col(Countermeasure.id))
    ).first()
    if cm is None:
        return "no countermeasure yet"
    action = escape_mrkdwn(cm.action[:120])
    if cm.due_date and cm.due_date < local_date(today, kpi.timezone):
        return f"countermeasure *overdue* (due {cm.due_date}): {action}"
    due = f", due {cm.due_date}" if cm.due_date else ""
    return f"countermeasure open{due}: {action}"


def _state_line(row: Escalation) -> str:
    if row.status == RESOLVED:
        note = f": {escape_mrkdwn(row.resolution or '')}" if row.resolution else ""
        return f"✅ *Resolved* by {mention(row.resolved_by)}{note}"
    if row.status == TAKEN:
        return f"🙋 *Taken* by {mention(row.taken_by)} · {mention(row.helper)} helps"
    return "⏳ *Open* — waiting for the chair"


def parent_message(session: Session, escalation_id: int) -> Reply | None:
    """The post in the parent's channel: the KPI, its board, the figures, the request, and the
    buttons that are still possible (Take it while open, Resolved until resolved)."""
    row = session.get(Escalation, escalation_id)
    if row is None:
        return None
    kpis = load_kpis(session, kpi_ids=[row.kpi_id], active_only=False)
    parent = session.get(Scorecard, row.parent_id)
    if not kpis or parent is None:
        return None
    kpi = kpis[0]
    status = load_history(session, [kpi]).with_streak(kpi, Period.parse(row.period, kpi.frequency))
    cm = countermeasure_state(session, kpi, datetime.now(UTC))
    chair = f"{mention(parent.chair)} — " if parent.chair else ""
    head = (
        f"⬆️ {chair}*{escape_mrkdwn(kpi.scorecard_name)}* escalates *{escape_mrkdwn(kpi.code)}* "
        f"to {escape_mrkdwn(parent.name)} (raised by {mention(row.raised_by)})"
    )
    blocks: list[bk.Block] = [
        bk.section(head),
        bk.section(kpi_summary(kpi, status, cm)),
        bk.section(f"*What help is needed:*\n> {escape_mrkdwn(row.request)}"),
        bk.context(_state_line(row)),
    ]
    buttons = []
    if row.status not in (TAKEN, RESOLVED):
        buttons.append(bk.button("Take it", action_id=TAKE, value=str(row.id), style="primary"))
    if row.status != RESOLVED:
        buttons.append(bk.button("Resolved", action_id=RESOLVE, value=str(row.id)))
    if buttons:
        blocks.append(bk.actions(*buttons))
    text = f"{kpi.scorecard_name} escalates {kpi.code} {row.period} to {parent.name}"
    return Reply(text=text, blocks=blocks, visibility="in_channel")


def origin_message(session: Session, escalation_id: int) -> Reply | None:
    """The note in the escalating board's channel; the answers follow in its thread."""
    view = view_of(session, escalation_id)
    row = session.get(Escalation, escalation_id)
    if view is None or row is None:
        return None
    parent = session.get(Scorecard, row.parent_id)
    name = escape_mrkdwn(parent.name if parent else "the board above")
    text = (
        f"⬆️ {mention(view.raised_by)} escalated *{escape_mrkdwn(view.kpi_code)}* "
        f"`{view.period}` to *{name}*: “{escape_mrkdwn(view.request)}” — "
        "their answer will follow in this thread."
    )
    return Reply(text=text, visibility="in_channel")


def answer_message(session: Session, escalation_id: int) -> Reply | None:
    """What the escalating board's thread is told once the board above answers."""
    row = session.get(Escalation, escalation_id)
    view = view_of(session, escalation_id)
    if row is None or view is None:
        return None
    code = escape_mrkdwn(view.kpi_code)
    if row.status == RESOLVED:
        note = escape_mrkdwn(row.resolution or "")
        who = mention(row.resolved_by)
        text = f"✅ Escalation of *{code}* `{view.period}` resolved by {who}: {note}"
    elif row.status == TAKEN:
        text = (
            f"🙋 {mention(row.taken_by)} took the escalation of *{code}* `{view.period}`: "
            f"{mention(row.helper)} will help."
        )
    else:
        return None
    return Reply(text=text, visibility="in_channel")


#: Escalations shown with their buttons on a chair's Home; the rest as lines.
HOME_WITH_BUTTONS = 3


def escalation_blocks(escalations: list[EscalationView]) -> list[bk.Block]:
    """Open escalations on the parent chair's Home: each with Take it / Resolved."""
    if not escalations:
        return []
    blocks = [bk.section(f"*Escalations from the boards below ({len(escalations)})*")]
    for e in escalations[:HOME_WITH_BUTTONS]:
        state = f"taken, {mention(e.helper)} helps" if e.status == TAKEN else "open"
        blocks.append(
            bk.section(
                f"⬆️ *{escape_mrkdwn(e.kpi_code)}* `{e.period}` from "
                f"{escape_mrkdwn(e.board)} · {state} · {mention(e.raised_by)}: "
                f"“{escape_mrkdwn(e.request[:200])}”"
            )
        )
        buttons = [bk.button("Resolved", action_id=RESOLVE, value=str(e.id))]
        if e.status != TAKEN:
            buttons.insert(
                0, bk.button("Take it", action_id=TAKE, value=str(e.id), style="primary")
            )
        blocks.append(bk.actions(*buttons))
    rest = [
        f"• ⬆️ *{escape_mrkdwn(e.kpi_code)}* `{e.period}` from {escape_mrkdwn(e.board)}"
        for e in escalations[HOME_WITH_BUTTONS:]
    ]
    blocks += [bk.section(chunk) for chunk in bk.fit_lines(rest)]
    return blocks
