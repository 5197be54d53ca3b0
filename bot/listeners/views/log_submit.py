"""The log modal's submission: the same validation as ``/kpi log``, errors on their field.

Stored in the request, with its follow-ups (alert, Home tabs) queued in the same transaction,
before the modal says "Stored".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, failure_reply, plain_error
from bot.views.log_modal import channel_of, confirmation_view, submitted_values
from bsc_core.db import get_store
from commands.log_actual import FieldError, log_actual

FIELD_BLOCKS = {"kpi": "kpi", "value": "value", "period": "period", "note": "note"}


def log_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    values = submitted_values(view)
    base = caller_from(body)
    caller = replace(base, channel_id=channel_of(view))
    if not values["code"]:
        ack(response_action="errors", errors={"kpi": "Choose the KPI to log."})
        return
    try:
        logged = log_actual(
            store=get_store(),
            caller=caller,
            code=values["code"] or "",
            value=values["value"] or "",
            period_text=values["period"],
            note=values["note"],
        )
    except FieldError as exc:
        ack(response_action="errors", errors={FIELD_BLOCKS[exc.field]: plain_error(exc.message)})
        return
    except Exception as exc:  # noqa: BLE001 - shown on the form, logged with a reference
        reply = failure_reply(exc, context="log modal")
        ack(response_action="errors", errors={"value": plain_error(reply.text)})
        return
    ack(response_action="update", view=confirmation_view(logged.reply.text))
