"""Delivering a command's reply after the ack: through response_url, with files in a thread."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.publish import post_report
from commands import blocks as bk
from commands.reply import Caller, Reply

log = logging.getLogger(__name__)


def deliver(reply: Reply, *, client: WebClient, respond: Respond, caller: Caller) -> None:
    """Send ``reply`` where the command was typed.

    A reply with files becomes a short message with the files in its thread: in the channel
    when it is meant for everyone there, otherwise in the person's DM with the bot, with a
    link in the ephemeral answer.
    """
    if not reply.files:
        respond(**reply.as_message(), replace_original=False)
        return
    blocks = reply.blocks or [bk.section(reply.text)]
    in_channel = reply.visibility == "in_channel" and caller.channel_id and not caller.in_dm
    try:
        channel = (
            caller.channel_id
            if in_channel
            else client.conversations_open(users=caller.user_id)["channel"]["id"]
        )
        result = post_report(
            client, channel=str(channel), text=reply.text, blocks=blocks, charts=reply.files
        )  # type: ignore[arg-type]
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("could not post a reply with files in %s: %s", caller.channel_id, error)
        hint = (
            " Invite the bot to this channel (`/invite @bscbot`) and try again."
            if error
            in (
                "not_in_channel",
                "channel_not_found",
            )
            else ""
        )
        respond(
            text=f"⚠️ Could not post the picture here ({error}).{hint}",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    if result.upload_error:
        respond(
            text="⚠️ The message is posted but the picture could not be attached "
            f"({result.upload_error}). {result.upload_hint}".rstrip(),
            response_type="ephemeral",
            replace_original=False,
        )
    if not in_channel:
        link = client.chat_getPermalink(channel=result.channel, message_ts=result.ts).get(
            "permalink"
        )
        respond(
            text=f"{reply.text}\nHere it is: {link}",
            response_type="ephemeral",
            replace_original=False,
        )
