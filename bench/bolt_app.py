"""The default Bolt app of ``bench.ack``: one ``/kpi`` listener that only acks.

Built as Bolt's documentation builds an app — no ``process_before_response``, so the listener
runs in Bolt's thread pool and the request thread polls every 10 ms until it has acked, as in
every default Bolt app — and served by Bolt's own WSGI adapter on the same stack as
``bscbot serve`` (:func:`bot.server.serve_http`: gunicorn gthread, ``WEB_CONCURRENCY`` workers ×
``WEB_THREADS`` threads). No database.

Run: ``python -m bench.bolt_app`` with ``SLACK_SIGNING_SECRET``, ``SLACK_BOT_TOKEN``,
``SLACK_API_URL`` (the fake Slack: Bolt calls ``auth.test`` once) and ``PORT`` set.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

HEALTH_PATH = "/healthz"


def build_app() -> App:
    """Bolt's defaults; the token is not checked at start-up (the fake Slack answers later)."""
    app = App(
        client=WebClient(
            token=os.environ.get("SLACK_BOT_TOKEN"),
            base_url=os.environ.get("SLACK_API_URL") or "https://slack.com/api/",
        ),
        signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
        token_verification_enabled=False,
    )

    @app.command("/kpi")
    def ack_only(ack: Ack) -> None:
        ack(response_type="ephemeral", text="ok")

    return app


class WithHealth:
    """Bolt's WSGI adapter, plus the ``/healthz`` the bench waits for before it starts."""

    def __init__(self, app: App) -> None:
        self.slack = SlackRequestHandler(app)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        return self.slack(environ, start_response)


def main() -> None:
    from bot.server import serve_http, setup_logging

    setup_logging()
    serve_http(
        lambda: WithHealth(build_app()),
        port=int(os.environ.get("PORT", "3000")),
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        threads=int(os.environ.get("WEB_THREADS", "8")),
    )


if __name__ == "__main__":
    main()
