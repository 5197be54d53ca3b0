"""The chair's Home buttons: post this morning's huddle, or open last month's review, now.

The click is checked in the request; the post is a job committed before the ack, and the
worker tells the chair in a DM where it went (or why it could not).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.listeners.support import caller_from, safely, tell_privately
from bsc_core.board import find_scorecard
from bsc_core.db import get_store
from bsc_core.formatting import escape_mrkdwn
from commands.access import chair_only, may_chair
from commands.queued import queue_report
from commands.reply import Reply
from commands.reports import PostJob


def post_from_home(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    caller = caller_from(body)
    kind = "huddle" if action["action_id"] == "chair_huddle" else "review"

    def work() -> Reply:
        with get_store().read() as session:
            card = find_scorecard(session, action.get("value") or "")
        if card is None:
            return Reply(text="⚠️ That scorecard no longer exists.")
        if not may_chair(card.chair, caller):
            return Reply(text=f"⚠️ {chair_only(card.chair, f'post the {kind}')}")
        if not card.channel_id:
            name = escape_mrkdwn(card.name)
            return Reply(text=f"⚠️ {name} has no channel (`channel:` in its file).")
        job = PostJob(kind, card.slug, card.name, card.channel_id)
        queue_report(get_store(), job, caller=caller, response_url=None, tell="dm")
        return Reply(text=job.working_text())

    reply = safely(work, context=f"chair {kind} button")
    ack()
    tell_privately(client, body, reply.text)
