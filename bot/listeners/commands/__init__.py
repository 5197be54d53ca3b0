"""Slash commands: ``/kpi`` (and the report commands)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands.kpi import kpi_ack, kpi_after


def register(app: App) -> None:
    app.command("/kpi")(ack=kpi_ack, lazy=[kpi_after])
