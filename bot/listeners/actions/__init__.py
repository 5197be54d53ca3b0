"""Block actions: buttons in messages, the Home tab and modals."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions.chair_buttons import post_from_home
from bot.listeners.actions.idea_buttons import decide_idea
from bot.listeners.actions.log_buttons import ack_only, open_log_modal
from bot.listeners.actions.nag_buttons import done_clicked, open_cm_modal, snooze_clicked


def register(app: App) -> None:
    app.action("log_open")(ack=ack_only, lazy=[open_log_modal])
    app.action("home_log")(ack=ack_only, lazy=[open_log_modal])
    app.action("cm_open")(ack=ack_only, lazy=[open_cm_modal])
    app.action("nag_snooze")(ack=ack_only, lazy=[snooze_clicked])
    app.action("cm_done")(ack=ack_only, lazy=[done_clicked])
    app.action("chair_huddle")(ack=ack_only, lazy=[post_from_home])
    app.action("chair_review")(ack=ack_only, lazy=[post_from_home])
    for decision in ("accepted", "done", "rejected"):
        app.action(f"idea_{decision}")(ack=ack_only, lazy=[decide_idea])
