"""The chair's Accept / Done / Reject buttons on ``/kpi ideas``: decided in the request."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, quick_respond, safely
from bsc_core.db import get_store
from commands.ideas import decide


def decide_idea(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
    caller = caller_from(body)
    status = action["action_id"].removeprefix("idea_")
    reply = safely(
        lambda: decide(
            store=get_store(), caller=caller, idea_id=int(action.get("value") or 0), status=status
        ),
        context=f"idea decision {status}",
    )
    ack()
    quick_respond(
        body.get("response_url"), **reply.as_message(), replace_original=bool(reply.blocks)
    )
