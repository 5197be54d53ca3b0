"""Events API: the App Home tab, published by a worker from a queued job."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bsc_core.db import DatabaseUnavailable, get_store
from bsc_core.jobs import enqueue


def home_opened(ack: Ack, event: dict[str, Any]) -> None:
    """Queue the Home's refresh (one per person while one waits), then ack."""
    if event.get("tab", "home") == "home" and event.get("user"):
        user = str(event["user"])
        try:
            with get_store().write() as session:
                enqueue(
                    session,
                    kind="publish_home",
                    payload={"user_id": user},
                    dedupe_key=f"publish_home:{user}",
                )
        except DatabaseUnavailable:
            pass  # the Home stays as it was; opening it again asks again
    ack()


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
