"""The countermeasure modal's submission: errors on their field, or filed and confirmed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, failure_reply, plain_error
from bot.views.cm_modal import confirmation_view, submitted_values
from bot.views.modal_parts import metadata
from bsc_core.countermeasures import CountermeasureError
from bsc_core.db import get_store
from commands.countermeasures import file_from_form


def _block_for(field: str, view: dict[str, Any]) -> str:
    """The block to show a problem under: ``kpi`` problems have no field of their own."""
    if field == "kpi":
        return "action"
    if field == "cause":
        blocks = view.get("blocks") or []
        if blocks and not any(b.get("block_id") == "cause" for b in blocks):
            return "new_cause"
    return field


def cm_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    """File the countermeasure inside the request, so "filed" is only said once it is stored."""
    meta = metadata(view)
    values = submitted_values(view)
    base = caller_from(body)
    caller = replace(base, channel_id=meta.get("channel"))
    try:
        filed = file_from_form(
            store=get_store(),
            caller=caller,
            code=str(meta.get("code") or ""),
            period=str(meta.get("period") or ""),
            chosen_cause=values["cause"],
            new_cause=values["new_cause"],
            action=values["action"],
            owner=values["owner"],
            due=values["due"],
        )
    except CountermeasureError as exc:
        ack(
            response_action="errors", errors={_block_for(exc.field, view): plain_error(exc.message)}
        )
        return
    except Exception as exc:  # noqa: BLE001 - shown on the form, logged with a reference
        reply = failure_reply(exc, context="countermeasure modal")
        ack(response_action="errors", errors={"action": plain_error(reply.text)})
        return
    ack(response_action="update", view=confirmation_view(filed.reply.text))
