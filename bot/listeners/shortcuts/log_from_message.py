""" "Log as KPI actual": the message shortcut that turns a message into a pre-filled log form.

The modal opens right after the ack, while the trigger lives; the submission is the log
modal's own (:mod:`bot.listeners.views.log_submit`), so every check of ``/kpi log`` applies.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.listeners.support import caller_from, tell_privately
from bot.views.log_from_message import log_from_message_modal
from bsc_core.db import DatabaseUnavailable, get_store
from commands.kpi_views import loggable_kpis
from commands.message_log import suggest

log = logging.getLogger(__name__)

CALLBACK_ID = "log_from_message"


def permalink(client: WebClient, *, channel: str | None, ts: str | None) -> str | None:
    """The message's link for the note; None when Slack will not give one (the form still
    opens: the link is a courtesy)."""
    if not channel or not ts:
        return None
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        log.warning("no permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
        return None


def open_log_from_message(body: dict[str, Any], client: WebClient) -> None:
    """After the ack: open the log modal with the message's first number and its link."""
    caller = caller_from(body)
    message = body.get("message") or {}
    try:
        kpis = loggable_kpis(store=get_store(), caller=caller)
    except DatabaseUnavailable:
        tell_privately(
            client, body, "⚠️ The database did not answer, so the log form could not open."
        )
        return
    suggestion = suggest(str(message.get("text") or ""), kpis=kpis, channel_id=caller.channel_id)
    note = permalink(
        client, channel=caller.channel_id, ts=message.get("ts") or body.get("message_ts")
    )
    view = log_from_message_modal(suggestion, note=note, channel_id=caller.channel_id)
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("Slack would not open the log form: %s", error)
        again = "Use the shortcut again" if error == "expired_trigger_id" else "Try again"
        tell_privately(client, body, f"⚠️ Slack did not open the log form ({error}). {again}.")
