"""Slash commands: ``/kpi``, ``/huddle`` and ``/review``."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands.kpi import kpi_command
from bot.listeners.commands.reports import huddle_command, review_command


def register(app: App) -> None:
    app.command("/kpi")(kpi_command)
    app.command("/huddle")(huddle_command)
    app.command("/review")(review_command)
