"""Posting escalations, from the jobs their changes queued.

A new escalation is posted in the parent board's channel (with Take it / Resolved) and noted
in the escalating board's channel, whose thread then receives the answers. Each post's ts is
stored as soon as it is known, so a retried job skips what an earlier try already posted.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bsc_core.db import Store
from bsc_core.jobs import ClaimedJob
from commands.escalation_messages import answer_message, origin_message, parent_message
from commands.escalations import posts_of, record_post

log = logging.getLogger(__name__)

#: Slack's answers that no retry changes: the bot is not in the channel, or it is gone.
REFUSALS = ("not_in_channel", "channel_not_found", "is_archived")


def post_escalation(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """Post a new escalation to the board above, then note it in the board below."""
    escalation_id = int(job.payload["escalation_id"])
    with store.read() as session:
        posts = posts_of(session, escalation_id)
        message = parent_message(session, escalation_id)
        note = origin_message(session, escalation_id)
    if posts is None or message is None:
        return
    if posts.parent_channel and not posts.parent_ts:
        try:
            response = client.chat_postMessage(
                channel=posts.parent_channel, text=message.text, blocks=message.blocks
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error not in REFUSALS or not job.report_to:
                raise  # tried again later; the raiser is told if it keeps failing
            client.chat_postMessage(
                channel=job.report_to,
                text=f"⚠️ Your escalation is stored, but it could not be posted in "
                f"<#{posts.parent_channel}> ({error}). Ask its chair to invite me there "
                "with `/invite @bscbot`; the escalation is on their Home meanwhile.",
            )
            return
        with store.write() as session:
            record_post(
                session, escalation_id=escalation_id, parent_ts=response["ts"], origin_ts=None
            )
    if posts.origin_channel and not posts.origin_ts and note is not None:
        try:
            response = client.chat_postMessage(channel=posts.origin_channel, text=note.text)
        except SlackApiError as exc:  # the escalation is posted above; the note is a courtesy
            log.warning("escalation note to %s failed: %s", posts.origin_channel, exc)
            return
        with store.write() as session:
            record_post(
                session, escalation_id=escalation_id, parent_ts=None, origin_ts=response["ts"]
            )


def escalation_answered(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """Tell the board below (in its thread) and refresh the post above (its buttons)."""
    escalation_id = int(job.payload["escalation_id"])
    with store.read() as session:
        posts = posts_of(session, escalation_id)
        answer = answer_message(session, escalation_id)
        message = parent_message(session, escalation_id)
    if posts is None:
        return
    if answer is not None and posts.origin_channel:
        client.chat_postMessage(
            channel=posts.origin_channel, text=answer.text, thread_ts=posts.origin_ts
        )
    if message is not None and posts.parent_channel and posts.parent_ts:
        try:
            client.chat_update(
                channel=posts.parent_channel,
                ts=posts.parent_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except SlackApiError as exc:  # the answer is told; an old post keeps stale buttons
            log.warning("could not update escalation post %s: %s", posts.parent_ts, exc)
