"""The floor of ``bench.ack``: a WSGI app that checks Slack's signature and answers, nothing else.

No Bolt, no database, no parsing of the command: the least any Slack app must do for a slash
command. Served by the same stack as ``bscbot serve`` (:func:`bot.server.serve_http`: gunicorn
gthread, ``WEB_CONCURRENCY`` workers × ``WEB_THREADS`` threads), so what a request costs here is
the cost of HTTP, gunicorn and the signature check on this machine; what bscbot adds on top of
it is what bscbot itself does.

Run: ``python -m bench.floor_app`` with ``SLACK_SIGNING_SECRET`` and ``PORT`` set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
ANSWER = json.dumps({"response_type": "ephemeral", "text": "ok"}).encode()


class FloorApp:
    """``POST /slack/events``: 200 with a fixed ephemeral answer if signed, else 401."""

    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == HEALTH_PATH:
            return _respond(start_response, "200 OK", b'{"status": "ok"}')
        if path != EVENTS_PATH or environ.get("REQUEST_METHOD") != "POST":
            return _respond(start_response, "404 Not Found", b'{"error": "not_found"}')
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        signed = self.verifier.is_valid(
            body,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        )
        if not signed:
            return _respond(start_response, "401 Unauthorized", b'{"error": "invalid_request"}')
        return _respond(start_response, "200 OK", ANSWER)


def _respond(start_response: StartResponse, status: str, data: bytes) -> list[bytes]:
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def main() -> None:
    from bot.server import serve_http, setup_logging

    setup_logging()
    app = FloorApp(os.environ.get("SLACK_SIGNING_SECRET", ""))
    serve_http(
        lambda: app,
        port=int(os.environ.get("PORT", "3000")),
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        threads=int(os.environ.get("WEB_THREADS", "8")),
    )


if __name__ == "__main__":
    main()
