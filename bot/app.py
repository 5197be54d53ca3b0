"""The Bolt app: built once per process, with the process's one WebClient.

``process_before_response=True`` runs each ack listener inside the request, so a quick command
answers in about a millisecond instead of waiting on Bolt's 10 ms ack polling; everything slow
is a lazy listener. Under ``bscbot serve`` in HTTP mode the lazy listeners run in the web
worker's companion process (:mod:`bot.work_process`), so they cannot slow the acks down.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_sdk import WebClient

from bot.listeners import register_listeners
from bot.listeners.support import failure_reply
from bot.slack_client import get_client
from bsc_core.settings import get_settings

log = logging.getLogger(__name__)


def build_app(
    *,
    client: WebClient | None = None,
    verify_requests: bool = True,
    lazy_runner: LazyListenerRunner | None = None,
) -> App:
    """The App with every listener.

    Args:
        verify_requests: check Slack's signature on every request; off only in the work
            process (:mod:`bot.work_process`), which reads requests its web worker verified.
        lazy_runner: where lazy listeners run instead of Bolt's threads (a web worker's
            work process); installed before the listeners, which register to suit it.
    """
    settings = get_settings()
    app = App(
        client=client or get_client(),
        signing_secret=settings.SLACK_SIGNING_SECRET or "",
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=verify_requests,
    )
    if lazy_runner is not None:
        app.listener_runner.lazy_listener_runner = lazy_runner
    register_listeners(app)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Last resort: a listener raised. Answer 200 with a short message, never a trace or 5xx."""
    reply = failure_reply(error, context=f"listener for {body.get('type') or body.get('command')}")
    if body.get("command"):
        return BoltResponse(status=200, body=reply.as_message())
    return BoltResponse(status=200, body="")


def build_work_app() -> App:
    """The work process's App: the same listeners, fed by its web worker's queue."""
    return build_app(verify_requests=False)
