"""Slash commands: ``/kpi`` (and the report commands)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands.kpi import kpi_ack, kpi_after
from bot.listeners.commands.reports import huddle_ack, huddle_after, review_ack, review_after


def register(app: App) -> None:
    app.command("/kpi")(ack=kpi_ack, lazy=[kpi_after])
    app.command("/huddle")(ack=huddle_ack, lazy=[huddle_after])
    app.command("/review")(ack=review_ack, lazy=[review_after])
