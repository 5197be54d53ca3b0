"""The huddle's Seen button: the click is stored in the request, the message edited later."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, quick_respond, safely
from bsc_core.db import get_store
from commands.seen import mark_seen


def seen_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
    caller = caller_from(body)
    container = body.get("container") or {}
    message = body.get("message") or {}
    reply = safely(
        lambda: mark_seen(
            store=get_store(),
            caller=caller,
            huddle_key=str(action.get("value") or ""),
            channel=container.get("channel_id") or caller.channel_id,
            message_ts=container.get("message_ts") or message.get("ts"),
            message=message,
        ),
        context="seen button",
    )
    ack()
    quick_respond(
        body.get("response_url"),
        response_type="ephemeral",
        replace_original=False,
        text=reply.text,
    )
