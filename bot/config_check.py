"""Refuse to start a bot process whose Slack configuration is incomplete, in one line.

A missing token otherwise surfaces late and obscurely (Bolt's ``BoltError`` traceback, or a
process that starts and then answers every request with 401). The operator instead gets one
line naming the variable and the page of the Slack app where its value is.
"""

from __future__ import annotations

from typing import Literal

from bot.settings import SlackSettings as Settings

Mode = Literal["http", "socket", "clock"]

WHERE = {
    "SLACK_BOT_TOKEN": (
        "find it on api.slack.com/apps → your app → OAuth & Permissions → "
        "Bot User OAuth Token (xoxb-…), shown once the app is installed to the workspace"
    ),
    "SLACK_SIGNING_SECRET": (
        "find it on api.slack.com/apps → your app → Basic Information → App Credentials → "
        "Signing Secret"
    ),
    "SLACK_APP_TOKEN": (
        "create it on api.slack.com/apps → your app → Basic Information → App-Level Tokens → "
        "Generate Token and Scopes, with the connections:write scope (xapp-…)"
    ),
}

REQUIRED: dict[Mode, tuple[str, ...]] = {
    "http": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "clock": ("SLACK_BOT_TOKEN",),
}

PREFIXES = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}


class ConfigError(SystemExit):
    """The process cannot start; ``message`` is the one line to show. Exits with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message

    def __str__(self) -> str:
        return self.message


def problem(settings: Settings, mode: Mode) -> str | None:
    """The first configuration problem for ``mode`` as one line, or None when it can start."""
    for name in REQUIRED[mode]:
        value = getattr(settings, name)
        if not value:
            return f"{name} is not set: {WHERE[name]}"
        prefix = PREFIXES.get(name)
        if prefix and not value.startswith(prefix):
            return f"{name} should start with {prefix} (got {value[:5]}…): {WHERE[name]}"
    return None


def require(settings: Settings, mode: Mode) -> None:
    """Raise :class:`ConfigError` unless every variable ``mode`` needs is set and well-formed.

    Args:
        settings: the process's settings.
        mode: ``http`` (Events API over HTTP: bot token and signing secret), ``socket``
            (Socket Mode: bot token and app-level token) or ``clock`` (the scheduler: bot token).
    """
    message = problem(settings, mode)
    if message is not None:
        raise ConfigError(message)
