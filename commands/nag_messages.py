"""The reminder DMs as Slack shows them: one per person, one per chair escalation.

Kept apart from the round that sends them (``scheduler/nag.py``) and from the buttons that
answer them (``bot/listeners/actions/nag_buttons.py``) so all three agree on the action ids.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from bsc_core.decisions import OverdueDecision
from bsc_core.formatting import escape_mrkdwn, format_number, format_pct, mention
from bsc_core.nagging import MISSING, OVERDUE, RED, Escalation, NagItem
from commands import blocks as bk
from commands.escalation_messages import escalate_button
from commands.reply import Reply

CM_OPEN = "cm_open"
CM_DONE = "cm_done"
LOG_OPEN = "log_open"
NAG_SNOOZE = "nag_snooze"
DECISION_DONE = "decision_done"
REASON_ORDER = {RED: 0, MISSING: 1, OVERDUE: 2}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _kpi(item: NagItem) -> str:
    return f"*{escape_mrkdwn(item.kpi.code)}* {escape_mrkdwn(item.kpi.name)}"


def red_line(item: NagItem) -> str:
    row = item.row
    assert row is not None
    unit = item.kpi.unit
    pct = f" ({format_pct(row.variance_pct)})" if row.variance_pct is not None else ""
    streak = f"red {row.streak} periods in a row" if row.streak > 1 else "red for the first period"
    return (
        f"🔴 {_kpi(item)} · `{item.period}`: {format_number(row.actual, unit)} vs target "
        f"{format_number(row.target, unit)}{pct} · {streak} · no countermeasure yet"
    )


def missing_line(item: NagItem) -> str:
    due = f" — it was due {item.due_on.isoformat()}" if item.due_on else ""
    return f"⚪ {_kpi(item)} · `{item.period}`: no actual logged{due}"


def sort_items(items: Sequence[NagItem]) -> list[NagItem]:
    return sorted(
        items, key=lambda i: (REASON_ORDER.get(i.reason, 9), i.kpi.scorecard_slug, i.kpi.code)
    )


def nag_message(
    owner: str,
    items: Sequence[NagItem],
    *,
    escalatable: Collection[int] = frozenset(),
    decisions: Sequence[OverdueDecision] = (),
) -> Reply:
    """The reminder DM: each item with its one-click answer, and one snooze button.

    Args:
        escalatable: ids of the KPIs whose board has a board above; their red items also
            get an **Escalate** button.
        decisions: the owner's overdue review decisions, each with a **Done** button.
    """
    items = sort_items(items)
    blocks: list[bk.Block] = [
        bk.section(
            f"Hi {mention(owner)} — {_plural(len(items) + len(decisions), 'thing')} on your "
            "scorecard "
            "need you today:"
        )
    ]
    for item in items:
        value = f"{item.kpi.code} {item.period}"
        if item.reason == RED:
            button = bk.button(
                "Add countermeasure", action_id=CM_OPEN, value=value, style="primary"
            )
            blocks.append(bk.section(red_line(item), accessory=button))
            if item.kpi.id in escalatable:
                blocks.append(bk.actions(escalate_button(item.kpi.code, item.period)))
        elif item.reason == MISSING:
            button = bk.button("Log", action_id=LOG_OPEN, value=value, style="primary")
            blocks.append(bk.section(missing_line(item), accessory=button))
        else:
            for cm in item.countermeasures:
                text = (
                    f"⏰ Countermeasure for *{escape_mrkdwn(item.kpi.code)}* `{item.period}` "
                    f"was due {cm.due_date.isoformat()}: {escape_mrkdwn(cm.action)} "
                    f"— _{escape_mrkdwn(cm.root_cause)}_"
                )
                button = bk.button("Done", action_id=CM_DONE, value=str(cm.id))
                blocks.append(bk.section(text, accessory=button))
    blocks += [decision_line(d) for d in decisions]
    reminder = (
        max([i.mark.reminders for i in items] + [d.reminders for d in decisions], default=0) + 1
    )
    cards = sorted({i.kpi.scorecard_name for i in items} | {d.scorecard_name for d in decisions})
    footer = [
        *(
            [bk.actions(bk.button("Snooze until tomorrow", action_id=NAG_SNOOZE, value=owner))]
            if items  # snoozing is about KPIs; a decision waits for its Done
            else []
        ),
        bk.context(
            f"Reminder {reminder} · {escape_mrkdwn(', '.join(cards))} · I ask again each working "
            "day until a countermeasure is filed, the actual is logged or the KPI recovers"
            + (", and until each decision is marked done." if decisions else ".")
        ),
    ]
    body = bk.fit_blocks(
        blocks, limit=bk.MAX_MESSAGE_BLOCKS - len(footer), more_hint="/kpi mine and /kpi cm"
    )
    summary = ", ".join(
        f"{i.kpi.code} ({'overdue countermeasure' if i.reason == OVERDUE else i.reason})"
        for i in items
    )
    if decisions:
        summary = ", ".join(p for p in (summary, _plural(len(decisions), "overdue decision")) if p)
    return Reply(text=f"Your scorecard needs you: {summary}", blocks=[*body, *footer])


def decision_line(decision: OverdueDecision) -> bk.Block:
    """An overdue review decision, with its Done button."""
    text = (
        f"⏰ Decision of the {decision.review_month} review was due "
        f"{decision.due_date.isoformat()}: {escape_mrkdwn(' '.join(decision.text.split()))}"
    )
    button = bk.button("Done", action_id=DECISION_DONE, value=str(decision.id))
    return bk.section(text, accessory=button)


def escalation_message(escalation: Escalation) -> Reply:
    """The chair's DM: every KPI of the scorecard whose owner left three reminders unanswered."""
    lines = []
    for item in sort_items(escalation.items):
        what = (
            red_line(item).split(" · no countermeasure")[0]
            if item.reason == RED
            else missing_line(item)
        )
        lines.append(
            f"{what} · owner {mention(item.owner)} · {_plural(item.mark.reminders, 'reminder')}"
        )
    name = escape_mrkdwn(escalation.scorecard_name)
    head = (
        f"⚠️ *{name}*: {_plural(len(lines), 'KPI')} still without an answer after "
        "three or more reminders to their owners:"
    )
    blocks = [bk.section(chunk) for chunk in bk.fit_lines([head, *lines])]
    blocks.append(bk.context("Red needs a countermeasure, missing needs the actual logged."))
    return Reply(
        text=f"{name}: {_plural(len(lines), 'KPI')} with unanswered reminders",
        blocks=bk.fit_blocks(blocks, more_hint="/kpi list in the scorecard's channel"),
    )


def snoozed_message(items: Sequence[NagItem], until: date) -> Reply:
    """What replaces the reminder once it is snoozed."""
    if not items:
        return Reply(text="Nothing to snooze: you have no open reminders right now. 🎉")
    codes = ", ".join(sorted({escape_mrkdwn(i.kpi.code) for i in items}))
    return Reply(
        text=f"😴 Snoozed until tomorrow ({until.isoformat()}): {codes}. "
        "I will remind you again then if they still need you."
    )
