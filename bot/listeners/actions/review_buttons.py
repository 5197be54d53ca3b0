"""The review thread's buttons: Record decision, Update (an initiative), Close, Reopen, Done.

The modal buttons ack first and open their modal right after, in the same request, while the
click's trigger is valid; the right is checked before the modal opens (a refusal opens a
modal that says who may) and again when it is submitted. Close, Reopen and Done change the
store inside the request and answer the clicker only, once committed.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.listeners.support import caller_from, quick_respond, safely, tell_privately
from bot.views.modal_parts import message_modal
from bot.views.review_modals import decision_modal, initiative_modal, reopen_blocks
from bsc_core.db import DatabaseUnavailable, get_store
from commands.reply import Reply
from commands.review_loop import (
    NotAllowed,
    close,
    closed_review,
    complete,
    decision_form,
    initiative_form,
    may_reopen,
    reopen,
)

log = logging.getLogger(__name__)


def _value(action: dict[str, Any]) -> str:
    """A button's value, or the chosen option's of a select."""
    selected = action.get("selected_option") or {}
    return str(selected.get("value") or action.get("value") or "")


def _open(client: WebClient, body: dict[str, Any], view: dict[str, Any], what: str) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("Slack would not open the %s: %s", what, error)
        if error == "expired_trigger_id":
            text = f"⚠️ Slack did not open the {what} in time (the click expired). Click again."
        else:
            text = f"⚠️ Slack would not open the {what} ({error}). Try again in a moment."
        tell_privately(client, body, text)


def open_decision_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Record decision (or a red KPI chosen in the select): the modal, or why not."""
    try:
        form = decision_form(store=get_store(), caller=caller_from(body), value=_value(action))
    except NotAllowed as exc:
        _open(client, body, message_modal("Record decision", f"⚠️ {exc}"), "decision form")
        return
    except DatabaseUnavailable:
        tell_privately(client, body, "⚠️ The database did not answer; the form could not open.")
        return
    _open(client, body, decision_modal(form), "decision form")


def open_initiative_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Update (an initiative): the modal, or why not."""
    try:
        form = initiative_form(store=get_store(), caller=caller_from(body), value=_value(action))
    except NotAllowed as exc:
        _open(client, body, message_modal("Update initiative", f"⚠️ {exc}"), "update form")
        return
    except DatabaseUnavailable:
        tell_privately(client, body, "⚠️ The database did not answer; the form could not open.")
        return
    _open(client, body, initiative_modal(form), "update form")


def _answer(body: dict[str, Any], reply: Reply, client: WebClient) -> None:
    """Only the clicker sees the answer: through the click's response_url, else ephemeral."""
    url = body.get("response_url")
    if url:
        message: dict[str, Any] = {
            "text": reply.text,
            "response_type": "ephemeral",
            "replace_original": False,
        }
        if reply.blocks:
            message["blocks"] = reply.blocks
        quick_respond(url, **message)
    else:
        tell_privately(client, body, reply.text)


def close_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    """Close the review in the request; a closed one offers its chair the Reopen button."""
    caller = caller_from(body)
    value = _value(action)

    def work() -> Reply:
        reply = close(store=get_store(), caller=caller, value=value)
        review = closed_review(store=get_store(), value=value)
        if reply.text.startswith("This review is already closed") and review is not None:
            if may_reopen(review, caller):
                return Reply(text=reply.text, blocks=reopen_blocks(reply.text, value))
        return reply

    reply = safely(work, context="review close")
    ack()
    _answer(body, reply, client)


def reopen_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    caller = caller_from(body)
    reply = safely(
        lambda: reopen(store=get_store(), caller=caller, value=_value(action)),
        context="review reopen",
    )
    ack()
    _answer(body, reply, client)


def decision_done_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
) -> None:
    """A decision's Done (Home tab or reminder DM): closed for its owner, the chair, admins."""
    caller = caller_from(body)
    reply = safely(
        lambda: complete(store=get_store(), caller=caller, decision_id=_value(action)),
        context="decision done",
    )
    ack()
    _answer(body, reply, client)
