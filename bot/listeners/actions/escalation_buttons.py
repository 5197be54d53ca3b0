"""The escalation buttons: Escalate (on a red KPI), Take it and Resolved (in the board above).

Each opens its modal right after the ack, while the click's trigger is valid. Who may click is
checked first: someone who may not gets a modal saying who may, and nothing else happens. The
same checks run again when the modal is submitted.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.listeners.support import caller_from, tell_privately
from bot.views.escalation_modal import escalate_modal, refusal_modal, resolve_modal, take_modal
from bsc_core.db import DatabaseUnavailable, get_store
from commands.escalation_messages import TAKE
from commands.escalations import Refused, answer_check, escalation_form

log = logging.getLogger(__name__)


def _open(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Open ``view``; when Slack refuses, tell the person what to do instead."""
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("Slack would not open the escalation modal: %s", error)
        if error == "expired_trigger_id":
            text = "⚠️ Slack did not open the form in time (the click expired). Click again."
        else:
            text = f"⚠️ Slack would not open the form ({error}). Try again in a moment."
        tell_privately(client, body, text)


def open_escalate_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Escalate: the "what help do you need?" modal for the button's "CODE PERIOD"."""
    code, _, period = (action.get("value") or "").partition(" ")
    try:
        form = escalation_form(
            store=get_store(), caller=caller_from(body), code=code, period=period or None
        )
    except Refused as exc:
        _open(client, body, refusal_modal("Escalate", str(exc)))
        return
    except DatabaseUnavailable:
        tell_privately(client, body, "⚠️ The database did not answer; the form could not open.")
        return
    _open(client, body, escalate_modal(form))


def open_answer_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Take it (who helps) or Resolved (a note), for the parent board's chair."""
    caller = caller_from(body)
    kind = str(action.get("action_id"))
    title = "Take it" if kind == TAKE else "Resolved"
    try:
        view = answer_check(
            store=get_store(), caller=caller, escalation_id=action.get("value") or "", action=kind
        )
    except Refused as exc:
        _open(client, body, refusal_modal(title, str(exc)))
        return
    except DatabaseUnavailable:
        tell_privately(client, body, "⚠️ The database did not answer; the form could not open.")
        return
    modal = take_modal(view, default_helper=caller.user_id) if kind == TAKE else resolve_modal(view)
    _open(client, body, modal)
