"""The log modal: pick a KPI you may log, a period, a value and a note."""

from __future__ import annotations

import json
from typing import Any

from bot.views.modal_parts import message_modal, metadata
from bsc_core.board import KpiRef
from commands import blocks as bk

CALLBACK_ID = "log_submit"
MAX_OPTIONS = 100


def _option(kpi: KpiRef) -> dict[str, Any]:
    return {
        "text": {"type": "plain_text", "text": bk.truncate(f"{kpi.code} — {kpi.name}", 75)},
        "value": kpi.code,
    }


def log_modal(
    *,
    kpis: list[KpiRef],
    code: str | None = None,
    period: str | None = None,
    channel_id: str | None = None,
) -> dict[str, Any]:
    """The modal view; ``code`` and ``period`` pre-fill it (from a Log button)."""
    options = [_option(k) for k in kpis[:MAX_OPTIONS]]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": "code",
        "placeholder": {"type": "plain_text", "text": "Choose a KPI"},
        "options": options,
    }
    chosen = next((o for o in options if code and o["value"].upper() == code.upper()), None)
    if chosen:
        select["initial_option"] = chosen
    period_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "period",
        "placeholder": {"type": "plain_text", "text": "e.g. 2026-10 — blank: the last period due"},
    }
    if period:
        period_input["initial_value"] = period
    blocks = [
        {
            "type": "input",
            "block_id": "kpi",
            "label": {"type": "plain_text", "text": "KPI"},
            "element": select,
        },
        {
            "type": "input",
            "block_id": "period",
            "optional": True,
            "label": {"type": "plain_text", "text": "Period"},
            "element": period_input,
            "hint": {
                "type": "plain_text",
                "text": "2026-11-23 daily · 2026-W48 weekly · 2026-11 monthly · 2026-Q4 quarterly",
            },
        },
        {
            "type": "input",
            "block_id": "value",
            "label": {"type": "plain_text", "text": "Value"},
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "placeholder": {"type": "plain_text", "text": "e.g. 1,234.5 or 97.5%"},
            },
        },
        {
            "type": "input",
            "block_id": "note",
            "optional": True,
            "label": {"type": "plain_text", "text": "Note"},
            "element": {
                "type": "plain_text_input",
                "action_id": "note",
                "multiline": True,
                "max_length": 1000,
            },
        },
    ]
    if not options:
        blocks = [
            bk.section(
                "You own no KPIs, so there is nothing you can log. `/kpi list` shows who owns what."
            )
        ]
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Log an actual"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
        "private_metadata": json.dumps({"channel": channel_id}),
    }
    if options:
        view["submit"] = {"type": "plain_text", "text": "Log"}
    return view


def submitted_values(view: dict[str, Any]) -> dict[str, str | None]:
    """The modal's fields as plain strings (None when left empty)."""
    state = view.get("state", {}).get("values", {})

    def text(block: str) -> str | None:
        element = state.get(block, {}).get(block if block != "kpi" else "code", {})
        if "selected_option" in element:
            option = element.get("selected_option") or {}
            return option.get("value")
        value = element.get("value")
        return value if value not in ("", None) else None

    return {
        "code": text("kpi"),
        "period": text("period"),
        "value": text("value"),
        "note": text("note"),
    }


def channel_of(view: dict[str, Any]) -> str | None:
    return metadata(view).get("channel")


def confirmation_view(text: str) -> dict[str, Any]:
    """Replaces the modal after a successful log: what was stored, and a Done button."""
    return message_modal("Logged", text, close="Done")
