"""View submissions: the log modal (and the countermeasure modal)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.support import ack_and_lazy
from bot.listeners.views.cm_submit import cm_submitted, refresh_after_cm
from bot.listeners.views.log_submit import log_submitted, refresh_after_log
from bot.views import cm_modal
from bot.views.log_modal import CALLBACK_ID


def register(app: App) -> None:
    app.view(CALLBACK_ID)(**ack_and_lazy(app, log_submitted, refresh_after_log))
    app.view(cm_modal.CALLBACK_ID)(**ack_and_lazy(app, cm_submitted, refresh_after_cm))
