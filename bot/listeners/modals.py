"""Opening modals: right after the ack, in the request that carries the trigger.

Slack's trigger lives three seconds, so a modal is never opened from a queue; when Slack
refuses it anyway (``expired_trigger_id`` or any other error) the function returns what to
tell the person, instead of leaving them with nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.views.cm_modal import cm_modal, refusal_modal
from bot.views.log_modal import log_modal
from bsc_core.db import DatabaseUnavailable, get_store
from commands.countermeasures import NotAllowed, countermeasure_form
from commands.kpi_views import loggable_kpis
from commands.lookup import NotFound
from commands.reply import Caller

log = logging.getLogger(__name__)


def _open(client: WebClient, trigger_id: str, view: dict[str, Any], what: str) -> str | None:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.warning("Slack would not open the %s: %s", what, error)
        if error == "expired_trigger_id":
            return (
                f"⚠️ Slack did not open the {what} in time (the click expired). "
                "Click the button again, or use the command."
            )
        return f"⚠️ Slack would not open the {what} ({error}). Try again in a moment."
    return None


def open_form(
    client: WebClient, *, trigger_id: str, caller: Caller, code: str, period: str | None = None
) -> str | None:
    """Open the countermeasure form for ``code`` (or a modal saying why not)."""
    try:
        form = countermeasure_form(store=get_store(), caller=caller, code=code, period=period)
    except (NotAllowed, NotFound) as exc:
        return _open(client, trigger_id, refusal_modal(str(exc)), "countermeasure form")
    except DatabaseUnavailable:
        return "⚠️ The database did not answer, so the form could not open. Try again."
    return _open(client, trigger_id, cm_modal(form), "countermeasure form")


def open_log(
    client: WebClient,
    *,
    trigger_id: str,
    caller: Caller,
    code: str | None,
    period: str | None,
) -> str | None:
    """Open the log modal, pre-filled with ``code`` and ``period`` when given."""
    try:
        kpis = loggable_kpis(store=get_store(), caller=caller)
    except DatabaseUnavailable:
        return "⚠️ The database did not answer, so the log form could not open. Try again."
    view = log_modal(kpis=kpis, code=code, period=period, channel_id=caller.channel_id)
    return _open(client, trigger_id, view, "log form")
