"""The review loop's modal submissions: a decision, an initiative update.

Each is stored inside Slack's request, so "recorded" is only said once it is; a problem is
shown under its field and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.listeners.support import caller_from, failure_reply, plain_error
from bot.views.modal_parts import message_modal, metadata
from bot.views.review_modals import decision_values, initiative_values
from bsc_core.db import get_store
from bsc_core.errors import FieldError
from commands.review_loop import record_from_form, update_from_form


def _field_block(field: str, view: dict[str, Any], fallback: str) -> str:
    """The block to show a problem under: its own when the modal has it, else ``fallback``."""
    blocks = {b.get("block_id") for b in view.get("blocks") or []}
    return fallback if blocks and field not in blocks else field


def decision_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    values = decision_values(view)
    try:
        review_id = int(metadata(view).get("review_id") or 0)
        reply = record_from_form(
            store=get_store(),
            caller=caller_from(body),
            review_id=review_id,
            text=values["decision"],
            kpi_code=values["kpi"],
            owner=values["owner"],
            due=values["due"],
        )
    except FieldError as exc:
        block = _field_block(exc.field, view, "decision")
        ack(response_action="errors", errors={block: plain_error(exc.message)})
        return
    except Exception as exc:  # noqa: BLE001 - shown on the form, logged with a reference
        failed = failure_reply(exc, context="decision modal")
        ack(response_action="errors", errors={"decision": plain_error(failed.text)})
        return
    ack(response_action="update", view=message_modal("Recorded", reply.text))


def initiative_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    values = initiative_values(view)
    meta = metadata(view)
    try:
        reply = update_from_form(
            store=get_store(),
            caller=caller_from(body),
            review_id=int(meta.get("review_id") or 0),
            initiative_id=int(meta.get("initiative_id") or 0),
            status=values["status"],
            percent=values["percent"],
            note=values["note"],
        )
    except FieldError as exc:
        block = _field_block(exc.field, view, "status")
        ack(response_action="errors", errors={block: plain_error(exc.message)})
        return
    except Exception as exc:  # noqa: BLE001 - shown on the form, logged with a reference
        failed = failure_reply(exc, context="initiative modal")
        ack(response_action="errors", errors={"status": plain_error(failed.text)})
        return
    ack(response_action="update", view=message_modal("Updated", reply.text))
