"""The chair's Accept / Done / Reject buttons on ``/kpi ideas``."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.listeners.support import caller_from, safely
from bsc_core.db import get_store
from commands.ideas import decide


def decide_idea(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
    caller = caller_from(body)
    status = action["action_id"].removeprefix("idea_")
    reply = safely(
        lambda: decide(
            store=get_store(), caller=caller, idea_id=int(action.get("value") or 0), status=status
        ),
        context=f"idea decision {status}",
    )
    respond(**reply.as_message(), replace_original=bool(reply.blocks))
