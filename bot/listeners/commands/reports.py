"""``/huddle`` and ``/review``: acknowledge at once, post the report after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.listeners.support import caller_from, failure_reply, safely
from bot.publish import publish_huddle, publish_review
from bsc_core.db import get_store
from commands.reply import Reply
from commands.reports import PostJob, huddle_request, review_request


def huddle_ack(ack: Ack, command: dict[str, Any]) -> None:
    _ack(ack, huddle_request, command)


def review_ack(ack: Ack, command: dict[str, Any]) -> None:
    _ack(ack, review_request, command)


def _ack(ack: Ack, request: Any, command: dict[str, Any]) -> None:
    caller = caller_from(command)
    outcome = safely(
        lambda: request(command.get("text", ""), store=get_store(), caller=caller),
        context=command.get("command", "report"),
    )
    if isinstance(outcome, PostJob):
        ack(response_type="ephemeral", text=outcome.working_text())
    else:
        ack(**outcome.as_message())


def huddle_after(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    _post(huddle_request, command, client, respond)


def review_after(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    _post(review_request, command, client, respond)


def _post(request: Any, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    caller = caller_from(command)
    try:
        job = request(command.get("text", ""), store=get_store(), caller=caller)
    except Exception:  # noqa: BLE001 - the ack already told the person what went wrong
        return
    if not isinstance(job, PostJob):
        return
    try:
        if job.kind == "huddle":
            result = publish_huddle(
                client, get_store(), scorecard_slug=job.scorecard_slug, channel=job.channel_id
            )
        else:
            result = publish_review(
                client,
                get_store(),
                scorecard_slug=job.scorecard_slug,
                month=job.month,
                channel=job.channel_id,
            )
    except SlackApiError as exc:
        error = exc.response.get("error")
        hint = (
            " Invite the bot: `/invite @bscbot`."
            if error in ("not_in_channel", "channel_not_found")
            else ""
        )
        respond(text=f"⚠️ Could not post here ({error}).{hint}", response_type="ephemeral")
        return
    except Exception as exc:  # noqa: BLE001 - logged with a reference, told to the person
        reply: Reply = failure_reply(exc, context=f"{job.kind} for {job.scorecard_slug}")
        respond(**reply.as_message())
        return
    if result.upload_error:
        respond(
            text=f"The {job.kind} is posted, but its charts could not be attached "
            f"({result.upload_error}).",
            response_type="ephemeral",
        )
