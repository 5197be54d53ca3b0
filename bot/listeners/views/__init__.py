"""View submissions: the log modal (and the countermeasure modal)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.views.log_submit import log_submitted, refresh_after_log
from bot.views.log_modal import CALLBACK_ID


def register(app: App) -> None:
    app.view(CALLBACK_ID)(ack=log_submitted, lazy=[refresh_after_log])
