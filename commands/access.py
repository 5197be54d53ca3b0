"""Who may do what: owners log their KPIs; the chair and BSC_ADMINS may do anything on a card."""

from __future__ import annotations

from bsc_core.board import KpiRef
from bsc_core.formatting import mention
from commands.reply import Caller


def may_log(kpi: KpiRef, caller: Caller) -> bool:
    return caller.is_admin or caller.user_id in (kpi.owner, kpi.chair)


def may_chair(chair: str | None, caller: Caller) -> bool:
    """Chair-only actions (reviews, schedules, alerts, idea decisions)."""
    return caller.is_admin or (chair is not None and caller.user_id == chair)


def not_yours(kpi: KpiRef) -> str:
    chair = f" or the chair {mention(kpi.chair)}" if kpi.chair else ""
    return f"{kpi.code} is owned by {mention(kpi.owner)}: only they{chair} or an admin can log it."


def chair_only(chair: str | None, what: str) -> str:
    who = f"the chair {mention(chair)}" if chair else "the scorecard's chair"
    return f"Only {who} or an admin can {what}."
