"""The one Slack Web API client of the process.

Every ``WebClient`` in bscbot comes from here (the Bolt App gets it through
``App(client=...)``), so they all share the same two things that are easy to lose:

- ``SLACK_API_URL``: tests and staging point the bot at a fake or a proxy; a client built
  elsewhere with the default URL would quietly talk to the real Slack.
- retry handlers: slack_sdk retries only connection errors by default, so a 429 from Slack
  would reach the user as a failure. Here rate limits (honouring ``Retry-After``), dropped
  connections and Slack's own 5xx answers are retried a bounded number of times.
"""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.settings import get_slack_settings

SLACK_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 3


def retry_handlers() -> list[RetryHandler]:
    """Fresh retry handlers (they keep per-client state, so clients do not share them)."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ConnectionErrorRetryHandler(),
        ServerErrorRetryHandler(),
    ]


def make_client(token: str | None = None) -> WebClient:
    """A new ``WebClient`` configured from the settings.

    Args:
        token: the token to send; defaults to ``SLACK_BOT_TOKEN``. Pass one only for a
            different identity (none today); the bot's own client is :func:`get_client`.
    """
    settings = get_slack_settings()
    return WebClient(
        token=token if token is not None else settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL or SLACK_API_URL,
        retry_handlers=retry_handlers(),
    )


_client: WebClient | None = None
_client_key: tuple[str | None, str] | None = None
_client_lock = threading.Lock()


def get_client() -> WebClient:
    """The process's bot client, built on first use.

    It is rebuilt only when the token or API URL in the settings changed (tests switch them
    between cases); otherwise every caller gets the same object and its connection reuse.
    """
    global _client, _client_key
    settings = get_slack_settings()
    key = (settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL or SLACK_API_URL)
    with _client_lock:
        if _client is None or _client_key != key:
            _client = make_client()
            _client_key = key
        return _client


def reset_client() -> None:
    """Forget the cached client (tests that change the environment between cases)."""
    global _client, _client_key
    with _client_lock:
        _client = None
        _client_key = None
