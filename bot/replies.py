"""Delivering a command's reply after the ack: through response_url, with files in a thread."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk import WebClient

from commands.reply import Caller, Reply

log = logging.getLogger(__name__)


def deliver(reply: Reply, *, client: WebClient, respond: Respond, caller: Caller) -> None:
    """Send ``reply`` where the command was typed; files go into the thread of a channel post."""
    if not reply.files:
        respond(**reply.as_message(), replace_original=False)
        return
    from bot.publish import upload_files

    if reply.visibility == "in_channel" and caller.channel_id and not caller.in_dm:
        posted = client.chat_postMessage(
            channel=caller.channel_id, text=reply.text, blocks=reply.blocks
        )
        upload_files(client, channel=caller.channel_id, thread_ts=posted["ts"], files=reply.files)
        return
    dm = client.conversations_open(users=caller.user_id)["channel"]["id"]
    posted = client.chat_postMessage(channel=dm, text=reply.text, blocks=reply.blocks)
    upload_files(client, channel=dm, thread_ts=posted["ts"], files=reply.files)
    link = client.chat_getPermalink(channel=dm, message_ts=posted["ts"]).get("permalink")
    respond(
        text=f"{reply.text}\nSent to you: {link}", response_type="ephemeral", replace_original=False
    )
