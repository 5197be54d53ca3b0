"""Slash commands: ``/kpi`` (and the report commands)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands.kpi import kpi_ack, kpi_after
from bot.listeners.commands.reports import huddle_ack, huddle_after, review_ack, review_after
from bot.listeners.support import ack_and_lazy


def register(app: App) -> None:
    app.command("/kpi")(**ack_and_lazy(app, kpi_ack, kpi_after))
    app.command("/huddle")(**ack_and_lazy(app, huddle_ack, huddle_after))
    app.command("/review")(**ack_and_lazy(app, review_ack, review_after))
