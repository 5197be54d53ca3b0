"""The App Home tab: your KPIs, the actuals you owe, your countermeasures, and a Log button."""

from __future__ import annotations

from typing import Any

from bsc_core.formatting import escape_mrkdwn
from commands import blocks as bk
from commands.home import HomeData
from commands.kpi_views import kpi_line


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
    return {
        "type": "home",
        "blocks": bk.fit_blocks(blocks, limit=bk.MAX_VIEW_BLOCKS, more_hint="/kpi mine"),
    }
