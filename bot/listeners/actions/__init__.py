"""Block actions: buttons in messages, the Home tab and modals."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions.chair_buttons import post_from_home
from bot.listeners.actions.idea_buttons import decide_idea
from bot.listeners.actions.log_buttons import ack_only, open_log_modal
from bot.listeners.actions.nag_buttons import done_clicked, open_cm_modal, snooze_clicked
from bot.listeners.support import ack_and_lazy


def register(app: App) -> None:
    app.action("log_open")(**ack_and_lazy(app, ack_only, open_log_modal))
    app.action("home_log")(**ack_and_lazy(app, ack_only, open_log_modal))
    app.action("cm_open")(**ack_and_lazy(app, ack_only, open_cm_modal))
    app.action("nag_snooze")(**ack_and_lazy(app, ack_only, snooze_clicked))
    app.action("cm_done")(**ack_and_lazy(app, ack_only, done_clicked))
    app.action("chair_huddle")(**ack_and_lazy(app, ack_only, post_from_home))
    app.action("chair_review")(**ack_and_lazy(app, ack_only, post_from_home))
    for decision in ("accepted", "done", "rejected"):
        app.action(f"idea_{decision}")(**ack_and_lazy(app, ack_only, decide_idea))
