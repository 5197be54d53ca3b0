"""The Slack side's configuration: tokens, the signing secret, the Web API URL, the web server.

Kept apart from :mod:`bsc_core.settings` so the domain knows nothing of Slack. Read from the
environment (and a ``.env`` file) like the core's settings, and re-read whenever those are
(tests and the CLI's ``--database`` option reload them).
"""

from __future__ import annotations

import threading

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bsc_core.settings import Settings, get_settings


class SlackSettings(BaseSettings):
    """Environment variables of the Slack adapter (upper-case names, as they are set)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    SLACK_BOT_TOKEN: str | None = None
    SLACK_SIGNING_SECRET: str | None = None
    SLACK_APP_TOKEN: str | None = None
    SLACK_API_URL: str | None = None
    PORT: int = 3000
    WEB_CONCURRENCY: int = 1
    WEB_THREADS: int = 8

    @field_validator("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
    @classmethod
    def _refuse_placeholders(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() in {"changeme", "xoxb-your-token", "..."}:
            raise ValueError("is still a placeholder: paste the value from your Slack app's page")
        return value or None


_lock = threading.Lock()
_cached: tuple[Settings, SlackSettings] | None = None


def get_slack_settings() -> SlackSettings:
    """The Slack settings of this process, read again whenever the core settings are."""
    global _cached
    core = get_settings()
    with _lock:
        if _cached is None or _cached[0] is not core:
            _cached = (core, SlackSettings())
        return _cached[1]
