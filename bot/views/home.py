"""The App Home tab: your KPIs, the actuals you owe, your countermeasures, and a Log button."""

from __future__ import annotations

from typing import Any

from bot.views.review_modals import decision_blocks
from bsc_core.formatting import escape_mrkdwn, mention, status_badge
from bsc_core.seen import SeenCount
from bsc_core.text import escape_plain
from commands import blocks as bk
from commands.escalation_messages import escalation_blocks
from commands.home import ChairSnapshot, HomeData
from commands.kpi_views import kpi_line

COUNT_ORDER = ("red", "missing", "amber", "green", "no_target")


def chair_blocks(snapshots: list[ChairSnapshot]) -> list[bk.Block]:
    """The chair's one-minute view: per scorecard, counts, reds, ideas, overdue actions."""
    blocks: list[bk.Block] = []
    for snap in snapshots:
        blocks.append(bk.header(f"{escape_plain(snap.name)} — your board today"))
        counts = "  ·  ".join(
            f"{status_badge(s)} *{snap.counts[s]}*" for s in COUNT_ORDER if snap.counts.get(s)
        )
        if snap.score is not None and snap.score.score is not None:
            counts += f"  ·  score *{snap.score.score:.1f}* {status_badge(snap.score.status)}"
        blocks.append(bk.section(counts or "No KPIs yet."))
        if snap.children:
            below = [
                f"• *{escape_mrkdwn(child.name)}* — "
                + (
                    f"score {child.node.score:.1f} {status_badge(child.node.status)}"
                    if child.node.score is not None
                    else "no score yet"
                )
                + f" · {child.red} red"
                for child in snap.children[:6]
            ]
            blocks.append(bk.section("*Boards below*\n" + "\n".join(below)))
        if snap.huddle_seen is not None:
            blocks.append(bk.context(seen_line(snap.huddle_seen)))
        lines = []
        for row, state in snap.reds[:8]:
            note = f" — “{escape_mrkdwn(row.note)}”" if row.note else ""
            lines.append(f"{kpi_line(row)}{note}\n      ↳ {state} · {mention(row.kpi.owner)}")
        if len(snap.reds) > 8:
            lines.append(f"+{len(snap.reds) - 8} more red — /kpi list")
        if snap.overdue:
            lines.append(f"*Overdue countermeasures ({len(snap.overdue)})*")
            lines += [
                f"• *{escape_mrkdwn(cm.kpi_code)}* {escape_mrkdwn(cm.action)} · "
                f"{mention(cm.owner)} · due {cm.due_date}"
                for cm in snap.overdue[:5]
            ]
        if snap.new_ideas:
            lines.append(f"*New ideas ({len(snap.new_ideas)})* — decide with /kpi ideas")
            lines += [f"• 💡 {escape_mrkdwn(i.text[:120])}" for i in snap.new_ideas[:3]]
        for chunk in bk.fit_lines(lines):
            blocks.append(bk.section(chunk))
        blocks += escalation_blocks(snap.escalations)
        blocks.append(
            bk.actions(
                bk.button("Post huddle now", action_id="chair_huddle", value=snap.slug),
                bk.button("Open the review", action_id="chair_review", value=snap.slug),
            )
        )
        blocks.append(bk.divider())
    return blocks


def seen_line(seen: SeenCount) -> str:
    """Today's huddle: how many owners have seen it, and who has not yet."""
    missing = seen.not_seen
    if not missing:
        return f"👀 Today's huddle: {seen.phrase} — everyone has seen it."
    shown = ", ".join(mention(user) for user in missing[:10])
    more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    return f"👀 Today's huddle: {seen.phrase} · not seen yet: {shown}{more}"


def home_view(data: HomeData, *, extra_top: list[bk.Block] | None = None) -> dict[str, Any]:
    """The Home view for one user (at most 100 blocks, cut with "+N more")."""
    blocks: list[bk.Block] = list(extra_top or [])
    blocks.append(bk.header("Your scorecard"))
    blocks.append(
        bk.actions(bk.button("Log an actual", action_id="home_log", value="home", style="primary"))
    )
    if data.owed:
        blocks.append(bk.section(f"*Actuals you owe ({len(data.owed)})*"))
        for row in data.owed[:20]:
            blocks.append(
                bk.section(
                    kpi_line(row),
                    accessory=bk.button(
                        "Log",
                        action_id="log_open",
                        value=f"{row.kpi.code} {row.period}",
                        style="primary",
                    ),
                )
            )
        if len(data.owed) > 20:
            blocks.append(bk.context(f"+{len(data.owed) - 20} more — /kpi mine"))
    else:
        blocks.append(bk.context("You owe no actuals. 🎉"))
    blocks.append(bk.divider())
    if data.kpis:
        lines = [kpi_line(r) for r in data.kpis]
        for chunk in bk.fit_lines([f"*Your KPIs ({len(data.kpis)})*", *lines]):
            blocks.append(bk.section(chunk))
    else:
        blocks.append(bk.context("You own no KPIs."))
    blocks.append(bk.divider())
    if data.countermeasures:
        lines = [
            f"• *{escape_mrkdwn(cm.kpi_code)}* `{cm.period}` {escape_mrkdwn(cm.action)} — "
            f"_{escape_mrkdwn(cm.root_cause)}_"
            + (f" · due {cm.due_date.isoformat()}" if cm.due_date else "")
            + (" · *overdue*" if cm.overdue else "")
            for cm in data.countermeasures
        ]
        for chunk in bk.fit_lines([f"*Your open countermeasures ({len(lines)})*", *lines]):
            blocks.append(bk.section(chunk))
    else:
        blocks.append(bk.context("You own no open countermeasures."))
    blocks += decision_blocks(data.decisions)
    return {
        "type": "home",
        "blocks": bk.fit_blocks(blocks, limit=bk.MAX_VIEW_BLOCKS, more_hint="/kpi mine"),
    }
