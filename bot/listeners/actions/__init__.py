"""Block actions: buttons in messages, the Home tab and modals."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions.log_buttons import ack_only, open_log_modal


def register(app: App) -> None:
    app.action("log_open")(ack=ack_only, lazy=[open_log_modal])
    app.action("home_log")(ack=ack_only, lazy=[open_log_modal])
