"""View submissions: the log modal and the countermeasure modal, each stored in the request."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.views.cm_submit import cm_submitted
from bot.listeners.views.log_submit import log_submitted
from bot.views import cm_modal
from bot.views.log_modal import CALLBACK_ID


def register(app: App) -> None:
    app.view(CALLBACK_ID)(log_submitted)
    app.view(cm_modal.CALLBACK_ID)(cm_submitted)
    from bot.listeners.views import escalation_submit as esc
    from bot.views import escalation_modal

    app.view(escalation_modal.ESCALATE_CALLBACK)(esc.escalate_submitted)
    app.view(escalation_modal.TAKE_CALLBACK)(esc.take_submitted)
    app.view(escalation_modal.RESOLVE_CALLBACK)(esc.resolve_submitted)
    from bot.listeners.views import decision_submit
    from bot.views import review_modals

    app.view(review_modals.DECISION_CALLBACK)(decision_submit.decision_submitted)
    app.view(review_modals.INITIATIVE_CALLBACK)(decision_submit.initiative_submitted)
