"""The "Log" and "Log an actual" buttons: open the log modal, pre-filled when they can."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.listeners.modals import open_log
from bot.listeners.support import caller_from, tell_privately


def ack_only(ack: Ack) -> None:
    ack()


def open_log_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """After the ack, in the same request: open the modal while the trigger is valid."""
    caller = caller_from(body)
    code, _, period = (action.get("value") or "").partition(" ")
    if code == "home":
        code = ""
    problem = open_log(
        client,
        trigger_id=body["trigger_id"],
        caller=caller,
        code=code or None,
        period=period or None,
    )
    if problem:
        tell_privately(client, body, problem)
