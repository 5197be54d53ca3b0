"""The "Log" and "Log an actual" buttons: open the log modal, pre-filled when they can."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.listeners.support import caller_from
from bot.views.log_modal import log_modal
from bsc_core.db import get_store
from commands.kpi_views import loggable_kpis


def ack_only(ack: Ack) -> None:
    ack()


def open_log_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Open the modal (after the ack; the trigger stays valid for 3 seconds)."""
    caller = caller_from(body)
    code, _, period = (action.get("value") or "").partition(" ")
    if code == "home":
        code = ""
    kpis = loggable_kpis(store=get_store(), caller=caller)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=log_modal(
            kpis=kpis, code=code or None, period=period or None, channel_id=caller.channel_id
        ),
    )
