"""The countermeasure modal's submission: errors on their field, or filed and confirmed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.home_refresh import refresh_after_change, refresh_home
from bot.listeners.support import caller_from, failure_reply, plain_error
from bot.views.cm_modal import confirmation_view, metadata, submitted_values
from bsc_core.board import load_kpis
from bsc_core.countermeasures import CountermeasureError
from bsc_core.db import get_store
from commands.countermeasures import file_from_form
from commands.reply import Caller


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
    caller = Caller(base.user_id, meta.get("channel"), base.is_admin)
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


def refresh_after_cm(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    """After the ack: the Home tabs of whoever the new countermeasure concerns."""
    values = submitted_values(view)
    people = {caller_from(body).user_id, values["owner"]}
    code = metadata(view).get("code")
    if code:
        with get_store().read() as session:
            people |= {k.owner for k in load_kpis(session, codes=[str(code)])}
    actor = caller_from(body).user_id
    for user in sorted(p for p in people if p and p != actor):
        refresh_home(client, user)
    refresh_after_change(client, actor=actor, kpi_codes=[str(code)] if code else [])
