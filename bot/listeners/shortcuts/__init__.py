"""Shortcuts: "Log as KPI actual" on any message."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions.log_buttons import ack_only
from bot.listeners.shortcuts.log_from_message import CALLBACK_ID, open_log_from_message


def register(app: App) -> None:
    app.message_shortcut(CALLBACK_ID)(ack=ack_only, lazy=[open_log_from_message])
