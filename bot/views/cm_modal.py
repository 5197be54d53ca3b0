"""The countermeasure modal: root cause, action, owner and due date for one KPI and period.

The root cause is a select of the scorecard's causes *plus* an optional free-text field, since
Slack has no combo box: a typed cause wins over the selected one. Both are optional to Slack,
so "no cause at all" is caught by the submission handler and shown on the select.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.views.modal_parts import message_modal
from bsc_core.countermeasures import MAX_ACTION, MAX_ROOT_CAUSE
from bsc_core.formatting import escape_mrkdwn, format_number, format_pct
from commands import blocks as bk
from commands.countermeasures import CountermeasureForm

CALLBACK_ID = "cm_submit"
MAX_OPTIONS = 100


def _option(cause: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": bk.truncate(cause, 75)}, "value": cause[:150]}


def _summary(form: CountermeasureForm) -> str:
    kpi = form.kpi
    head = f"*{escape_mrkdwn(kpi.code)}* {escape_mrkdwn(kpi.name)} · `{form.period}`"
    row = form.row
    if row is None or row.actual is None:
        return head
    pct = f" ({format_pct(row.variance_pct)})" if row.variance_pct is not None else ""
    streak = f" · red {row.streak}× in a row" if row.streak > 1 else ""
    return (
        f"{head}: {format_number(row.actual, kpi.unit)} vs target "
        f"{format_number(row.target, kpi.unit)}{pct} · {row.status.value}{streak}"
    )


def cm_modal(form: CountermeasureForm) -> dict[str, Any]:
    """The modal view for ``form`` (the owner defaults to the KPI's, due in a week)."""
    cause_select: dict[str, Any] = {
        "type": "static_select",
        "action_id": "cause",
        "placeholder": {"type": "plain_text", "text": "Choose a root cause"},
        "options": [_option(c) for c in form.causes[:MAX_OPTIONS]],
    }
    blocks: list[dict[str, Any]] = [bk.section(_summary(form))]
    if cause_select["options"]:
        blocks.append(
            {
                "type": "input",
                "block_id": "cause",
                "optional": True,
                "label": {"type": "plain_text", "text": "Root cause"},
                "element": cause_select,
            }
        )
    blocks += [
        {
            "type": "input",
            "block_id": "new_cause",
            "optional": True,
            "label": {"type": "plain_text", "text": "…or a new cause"},
            "element": {
                "type": "plain_text_input",
                "action_id": "new_cause",
                "max_length": MAX_ROOT_CAUSE,
                "placeholder": {"type": "plain_text", "text": "e.g. Supplier delay"},
            },
        },
        {
            "type": "input",
            "block_id": "action",
            "label": {"type": "plain_text", "text": "Action"},
            "element": {
                "type": "plain_text_input",
                "action_id": "action",
                "multiline": True,
                "max_length": MAX_ACTION,
                "placeholder": {"type": "plain_text", "text": "What will be done, concretely"},
            },
        },
        {
            "type": "input",
            "block_id": "owner",
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {
                "type": "users_select",
                "action_id": "owner",
                "initial_user": form.kpi.owner,
            },
        },
        {
            "type": "input",
            "block_id": "due",
            "label": {"type": "plain_text", "text": "Due date"},
            "element": {
                "type": "datepicker",
                "action_id": "due",
                "initial_date": form.default_due.isoformat(),
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Countermeasure"},
        "submit": {"type": "plain_text", "text": "File it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
        "private_metadata": json.dumps(
            {"code": form.kpi.code, "period": form.period, "channel": form.channel_id}
        ),
    }


def refusal_modal(text: str) -> dict[str, Any]:
    """Shown instead of the form when the person may not file one (or the KPI is gone)."""
    return message_modal("Countermeasure", text)


def submitted_values(view: dict[str, Any]) -> dict[str, Any]:
    """The modal's fields: ``cause``, ``new_cause``, ``action``, ``owner`` (str|None), ``due``."""
    state = view.get("state", {}).get("values", {})

    def element(block: str) -> dict[str, Any]:
        return state.get(block, {}).get(block, {}) or {}

    selected = element("cause").get("selected_option") or {}
    due_text = element("due").get("selected_date")
    try:
        due = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        due = None
    return {
        "cause": selected.get("value") or None,
        "new_cause": (element("new_cause").get("value") or "").strip() or None,
        "action": (element("action").get("value") or "").strip() or None,
        "owner": element("owner").get("selected_user") or None,
        "due": due,
    }


def confirmation_view(text: str) -> dict[str, Any]:
    return message_modal("Filed", text, close="Done")
