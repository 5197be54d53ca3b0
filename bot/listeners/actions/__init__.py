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
    app.action("nag_snooze")(snooze_clicked)
    app.action("cm_done")(done_clicked)
    app.action("chair_huddle")(post_from_home)
    app.action("chair_review")(post_from_home)
    for decision in ("accepted", "done", "rejected"):
        app.action(f"idea_{decision}")(decide_idea)
    from bot.listeners.actions.seen_button import seen_clicked
    from commands.seen import SEEN_ACTION

    app.action(SEEN_ACTION)(seen_clicked)
    from bot.listeners.actions import escalation_buttons as esc
    from commands.escalation_messages import ESCALATE, RESOLVE, TAKE

    app.action(ESCALATE)(ack=ack_only, lazy=[esc.open_escalate_modal])
    app.action(TAKE)(ack=ack_only, lazy=[esc.open_answer_modal])
    app.action(RESOLVE)(ack=ack_only, lazy=[esc.open_answer_modal])
    from bot.listeners.actions import review_buttons as review
    from commands import review_loop as loop

    app.action(loop.RECORD_DECISION)(ack=ack_only, lazy=[review.open_decision_modal])
    app.action(loop.DECIDE_ON_KPI)(ack=ack_only, lazy=[review.open_decision_modal])
    app.action(loop.UPDATE_INITIATIVE)(ack=ack_only, lazy=[review.open_initiative_modal])
    app.action(loop.CLOSE_REVIEW)(review.close_clicked)
    app.action(loop.REOPEN_REVIEW)(review.reopen_clicked)
    app.action(loop.DECISION_DONE)(review.decision_done_clicked)
