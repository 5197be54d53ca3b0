"""The Bolt app: built once per process, with the process's one WebClient.

``process_before_response=True`` runs each listener inside Slack's request: what a listener
writes is committed before Slack gets the answer, and the answer itself says what was stored
("Stored: …"), or "⏳" once the job row of slow work is committed. Every database wait in a
request is capped (:data:`ACK_DATABASE_CAP`) so the answer leaves within Slack's 3 seconds;
past the cap the person is told that nothing was stored. Lazy listeners (Bolt's threads) only
open modals, right after the ack, while the trigger is still valid.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.listeners import register_listeners
from bot.listeners.replays import replay_key
from bot.listeners.support import failure_reply
from bot.settings import get_slack_settings
from bot.slack_client import get_client
from bsc_core.db import AlreadyHandled, capped_waits, once_per_request

log = logging.getLogger(__name__)

#: Seconds a request may wait for the database: the ack must leave within 2 s.
ACK_DATABASE_CAP = 1.5


class BscApp(App):
    """Bolt's App, with each request's database waits capped and its change done once.

    The request's replay key (:func:`bot.listeners.replays.replay_key`) is written in the same
    transaction as the request's first change: a replay's change meets the key, is rolled
    back, and the replay is refused (401; an event Slack sent again gets 200, so Slack stops
    retrying). A request that changes nothing writes nothing, and a replay of it changes
    nothing either.
    """

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        key = replay_key(req.body)
        with capped_waits(ACK_DATABASE_CAP):
            if key is None:
                return super().dispatch(req)
            with once_per_request(key):
                return super().dispatch(req)


def build_app(*, client: WebClient | None = None, verify_requests: bool = True) -> App:
    """The App with every listener.

    Args:
        verify_requests: check Slack's signature on every request (off only for Socket
            Mode, whose requests come over the app's own authenticated connection).
    """
    settings = get_slack_settings()
    app = BscApp(
        client=client or get_client(),
        signing_secret=settings.SLACK_SIGNING_SECRET or "",
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=verify_requests,
    )
    register_listeners(app)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Last resort: a listener raised. Answer 200 with a short message, never a trace or 5xx.

    A replayed request's change was refused (:class:`AlreadyHandled`): 401, as for any request
    Slack did not send now; an event Slack itself sent again gets 200 and nothing is redone.
    """
    if isinstance(error, AlreadyHandled):
        log.warning("refused a replay of %s: nothing changed", error)
        return BoltResponse(status=200 if body.get("type") == "event_callback" else 401, body="")
    reply = failure_reply(error, context=f"listener for {body.get('type') or body.get('command')}")
    if body.get("command"):
        return BoltResponse(status=200, body=reply.as_message())
    return BoltResponse(status=200, body="")
