"""Events API: the App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.home_refresh import refresh_home
from bot.listeners.support import ack_and_lazy


def ack_event(ack: Ack) -> None:
    ack()


def publish_home(event: dict[str, Any], client: WebClient) -> None:
    if event.get("tab", "home") == "home":
        refresh_home(client, event["user"])


def register(app: App) -> None:
    app.event("app_home_opened")(**ack_and_lazy(app, ack_event, publish_home))
