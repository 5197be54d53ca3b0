"""The escalation modals: "what help do you need?", Take it (who helps) and Resolved (a note)."""

from __future__ import annotations

import json
from typing import Any

from bot.views.modal_parts import message_modal
from bsc_core.escalations import MAX_REQUEST, EscalationView
from bsc_core.formatting import escape_mrkdwn, mention
from commands import blocks as bk
from commands.escalations import EscalationForm

ESCALATE_CALLBACK = "esc_submit"
TAKE_CALLBACK = "esc_take_submit"
RESOLVE_CALLBACK = "esc_resolve_submit"


def _modal(
    title: str, blocks: list[bk.Block], *, callback_id: str, submit: str, meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
        "private_metadata": json.dumps(meta),
    }


def _text_input(block_id: str, label: str, placeholder: str) -> bk.Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "plain_text_input",
            "action_id": block_id,
            "multiline": True,
            "max_length": MAX_REQUEST,
            "placeholder": {"type": "plain_text", "text": placeholder},
        },
    }


def escalate_modal(form: EscalationForm) -> dict[str, Any]:
    """Asks for one sentence; shows what the board above will see about the KPI."""
    chair = f" ({mention(form.parent_chair)})" if form.parent_chair else ""
    blocks = [
        bk.section(form.summary),
        bk.context(f"This goes to *{escape_mrkdwn(form.parent_name)}*{chair}, in its channel."),
        _text_input("request", "What help do you need?", "e.g. Maintenance crew for line 2"),
    ]
    return _modal(
        "Escalate",
        blocks,
        callback_id=ESCALATE_CALLBACK,
        submit="Escalate",
        meta={"code": form.kpi.code, "period": form.period, "channel": form.channel_id},
    )


def _about(view: EscalationView) -> bk.Block:
    return bk.section(
        f"⬆️ *{escape_mrkdwn(view.kpi_code)}* `{view.period}` from {escape_mrkdwn(view.board)} · "
        f"{mention(view.raised_by)}: “{escape_mrkdwn(view.request)}”"
    )


def take_modal(view: EscalationView, *, default_helper: str) -> dict[str, Any]:
    """Take it: who helps (a users_select, the chair by default)."""
    blocks = [
        _about(view),
        {
            "type": "input",
            "block_id": "helper",
            "label": {"type": "plain_text", "text": "Who helps?"},
            "element": {
                "type": "users_select",
                "action_id": "helper",
                "initial_user": default_helper,
            },
        },
    ]
    return _modal(
        "Take it", blocks, callback_id=TAKE_CALLBACK, submit="Take it", meta={"id": view.id}
    )


def resolve_modal(view: EscalationView) -> dict[str, Any]:
    """Resolved: a note on how."""
    blocks = [_about(view), _text_input("note", "How was it resolved?", "e.g. Spare part fitted")]
    return _modal(
        "Resolved", blocks, callback_id=RESOLVE_CALLBACK, submit="Resolved", meta={"id": view.id}
    )


def refusal_modal(title: str, text: str) -> dict[str, Any]:
    return message_modal(title, text)


def done_view(title: str, text: str) -> dict[str, Any]:
    return message_modal(title, text, close="Done")


def value_of(view: dict[str, Any], block: str) -> str | None:
    """A text input's value or a users_select's choice, by its block (and action) id."""
    element = view.get("state", {}).get("values", {}).get(block, {}).get(block, {}) or {}
    found = element.get("selected_user") or element.get("value")
    return str(found) if found else None
