"""The real bot in the test's own process: the Bolt App behind the real WSGI app, a job worker.

Listener tests send requests signed exactly as Slack signs them through :class:`bot.web.WebApp`
(signature check, Bolt, the listeners) without a socket or a subprocess, against the fake
Slack over HTTP, with a real job worker thread running what the acks queued. Starting
``bscbot serve`` as a process (:mod:`testkit.server_harness`) is kept for the HTTP stack
itself, faults and load.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import col, select

from bot.app import build_app
from bot.home_refresh import forget_recent
from bot.slack_client import make_client
from bot.web import WebApp
from bot.worker import Worker
from bsc_core import jobs
from bsc_core.db import Store
from bsc_core.models import Job, utcnow
from testkit.load_client import KeepAliveClient, Replies
from testkit.signing import Response, SlackClient

SECRET = "test-secret"
BOT_TOKEN = "xoxb-test"


class WsgiSlackClient(SlackClient):
    """Plays Slack, delivering each signed request to a WSGI app in this process."""

    def __init__(self, wsgi: Any, secret: str) -> None:
        super().__init__("http://in-process", secret)
        self.wsgi = wsgi

    def _request(self, verb: str, path: str, body: bytes, headers: dict[str, str]) -> Response:
        parts = urlsplit(path)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": verb,
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ[f"HTTP_{key}"] = value
        started: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
            started["status"] = int(status.split()[0])
            started["headers"] = {k.lower(): v for k, v in response_headers}

        chunks: Iterable[bytes] = self.wsgi(environ, start_response)
        data = b"".join(chunks)
        return Response(started["status"], started["headers"], data)


@dataclass
class InProcessBot:
    """The bot's App and WSGI app on ``store`` and the fake Slack, with a worker thread.

    Args:
        run_worker: start the job worker thread (tests of queued jobs may run them by hand
            with :meth:`run_jobs` instead).
    """

    store: Store
    secret: str = SECRET
    run_worker: bool = True
    app: Any = field(init=False)
    web: WebApp = field(init=False)
    worker: Worker = field(init=False)

    def __post_init__(self) -> None:
        forget_recent()
        slack = make_client()
        self.app = build_app(client=slack)
        self.web = WebApp(self.app, signing_secret=self.secret)
        self.worker = Worker(store=self.store, client=slack, poll=0.05)
        if self.run_worker:
            self.worker.start()

    @property
    def client(self) -> WsgiSlackClient:
        """Plays Slack: requests signed with the bot's signing secret."""
        return WsgiSlackClient(self.web, self.secret)

    def api(
        self, verb: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        """A plain, unsigned HTTP request through the same WSGI app (the bearer-token API)."""
        return self.client._request(verb, path, body, headers or {})

    def run_jobs(self) -> int:
        """Run every due job now, in the test's thread; returns how many ran."""
        return self.worker.run_until_idle()

    def wait_for_jobs(self, timeout: float = 15.0, *, fast_forward: bool = True) -> None:
        """Wait until no job is queued or running.

        Args:
            fast_forward: let the clock move on: jobs queued to run later (a burst's folded
                Home refresh, a Seen count) are made due now, so a test need not sleep
                through their delay. Folding has happened by then: only one row is queued.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.store.write() as session:
                if fast_forward:
                    session.execute(
                        update(Job)
                        .where(col(Job.status) == "queued", col(Job.run_after) > utcnow())
                        .values(run_after=utcnow())
                    )
                busy = session.exec(
                    select(Job.id).where(col(Job.status).in_(("queued", "running")))
                ).first()
            if busy is None:
                return
            jobs.queued_here.set()
            time.sleep(0.02)
        raise AssertionError(f"jobs still pending after {timeout}s")

    def close(self) -> None:
        self.worker.stop()


class WsgiKeepAliveClient(KeepAliveClient):
    """The load client's interface (commands as Outcomes) over the in-process WSGI app."""

    def __init__(self, bot: InProcessBot, *, replies: Replies | None = None) -> None:
        super().__init__("http://in-process", bot.secret, replies=replies)
        self._wsgi = WsgiSlackClient(bot.web, bot.secret)

    def post_raw(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        response = self._wsgi._request("POST", "/slack/events", body, headers)
        return response.status, response.body
