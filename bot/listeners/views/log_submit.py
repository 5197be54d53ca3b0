"""The log modal's submission: the same validation as ``/kpi log``, errors on their field."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.alerts import post_pending_alerts
from bot.home_refresh import refresh_after_change
from bot.listeners.support import caller_from, failure_reply, plain_error
from bot.views.log_modal import channel_of, confirmation_view, submitted_values
from bsc_core.db import get_store
from commands.log_actual import FieldError, log_actual
from commands.reply import Caller

FIELD_BLOCKS = {"kpi": "kpi", "value": "value", "period": "period", "note": "note"}


def log_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    values = submitted_values(view)
    base = caller_from(body)
    caller = Caller(base.user_id, channel_of(view), base.is_admin)
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


def refresh_after_log(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    post_pending_alerts(client, get_store())
    code = submitted_values(view)["code"]
    refresh_after_change(client, actor=caller_from(body).user_id, kpi_codes=[code] if code else [])
