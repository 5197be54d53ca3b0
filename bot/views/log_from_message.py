"""The log modal opened from a message: the usual form, with value and note filled in."""

from __future__ import annotations

from typing import Any

from bot.views.log_modal import log_modal
from commands.message_log import LogSuggestion


def _fill(view: dict[str, Any], block_id: str, text: str | None) -> None:
    if not text:
        return
    for block in view["blocks"]:
        if block.get("block_id") == block_id:
            block["element"]["initial_value"] = text


def log_from_message_modal(
    suggestion: LogSuggestion, *, note: str | None, channel_id: str | None
) -> dict[str, Any]:
    """The log modal (:func:`bot.views.log_modal.log_modal`) pre-filled from a message."""
    view = log_modal(kpis=suggestion.kpis, code=suggestion.code, channel_id=channel_id)
    _fill(view, "value", suggestion.value)
    _fill(view, "note", note)
    return view
