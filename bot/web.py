"""The WSGI application of HTTP mode: Slack's requests, a health check and the API.

- ``POST /slack/events`` goes to the Bolt App through slack_bolt's WSGI adapter, one URL for
  slash commands, interactivity and events (as ``manifest.json`` configures them). Bolt
  checks every request's signature and timestamp before any listener runs: a forged,
  tampered or replayed (older than 5 minutes) request gets 401.
- ``GET /healthz`` tells the platform's router and uptime checks whether this process can
  serve: 200 when the database answers and takes writes, 503 when it is unreachable or
  read-only or full, within a few seconds even if the database is unreachable, so a health
  check never ties up the worker's threads; it also says whether a job worker was seen in the
  last minute.
- ``/api/v1/…`` is the API for other systems (bearer tokens, no Slack signature): see
  :mod:`bot.api`.
- Anything else is 404. The adapter would also answer other paths itself, but routing here
  keeps the surface explicit.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot import api
from bot.settings import get_slack_settings
from bsc_core.db import get_store
from bsc_core.health import DatabaseHealth, HealthCheck

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HEALTH_TIMEOUT_SECONDS = 3.0


def app_version() -> str:
    """The installed bscbot version, shown by /healthz so a deploy can be confirmed."""
    try:
        return version("bscbot")
    except PackageNotFoundError:
        return "unknown"


class HealthProbe:
    """Runs the database ping with a deadline, one ping at a time.

    A ping against an unreachable host can block for the driver's connect timeout (5 s for
    PostgreSQL in ``make_engine``) or the pool's wait. The probe gives up after ``timeout``
    and reports the database as down; concurrent health checks share the ping in flight
    instead of starting more, so a slow database cannot pile up threads.
    """

    def __init__(
        self,
        ping: Callable[[], bool | DatabaseHealth],
        *,
        timeout: float = HEALTH_TIMEOUT_SECONDS,
        worker_seen: Callable[[], bool] | None = None,
    ):
        self._ping = ping
        self.timeout = timeout
        self.worker_seen = worker_seen or (lambda: False)
        self._lock = threading.Lock()
        self._future: Future[bool | DatabaseHealth] | None = None
        self._executor: ThreadPoolExecutor | None = None

    def database_ok(self) -> bool:
        return self.database() is DatabaseHealth.OK

    def database(self) -> DatabaseHealth:
        with self._lock:
            if self._executor is None:
                # Created on first use, after gunicorn forked the worker.
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
            if self._future is None or self._future.done():
                self._future = self._executor.submit(self._ping)
            future = self._future
        try:
            result = future.result(timeout=self.timeout)
        except FutureTimeout:
            log.error("database ping took longer than %.1fs; reporting it down", self.timeout)
            return DatabaseHealth.UNREACHABLE
        except Exception:  # noqa: BLE001 - a failing ping is exactly "database down"
            log.error("database ping failed", exc_info=True)
            return DatabaseHealth.UNREACHABLE
        if isinstance(result, DatabaseHealth):
            return result
        return DatabaseHealth.OK if result else DatabaseHealth.UNREACHABLE


#: Slack's requests are small; anything this large is not one of them.
MAX_BODY_BYTES = 1_000_000


class WebApp:
    """The WSGI callable gunicorn serves (see :func:`bot.server.serve_http`)."""

    def __init__(
        self, bolt_app: App, *, probe: HealthProbe | None = None, signing_secret: str | None = None
    ) -> None:
        self.bolt_app = bolt_app
        self.slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
        secret = (
            signing_secret
            if signing_secret is not None
            else get_slack_settings().SLACK_SIGNING_SECRET
        )
        self.verifier = SignatureVerifier(secret or "")
        # The store is resolved on each check (tests swap stores between cases).
        health = HealthCheck(get_store)
        self.probe = probe or HealthProbe(health.database, worker_seen=health.worker_seen)
        self.version = app_version()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            return self._slack_request(environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return self._health(start_response, head=method == "HEAD")
        if path.startswith(api.API_PREFIX):
            return api.handle(environ, start_response)
        return _respond(start_response, "404 Not Found", {"error": "not_found"})

    def _slack_request(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Check the signature before anything parses the body, then hand it to Bolt.

        Bolt parses a payload before its own check, so a forged request with a malformed body
        would otherwise end in a 500 and a traceback; here it gets a plain 401.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length < 0 or length > MAX_BODY_BYTES:
            return _respond(start_response, "413 Content Too Large", {"error": "too_large"})
        body = environ["wsgi.input"].read(length) if length else b""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not (timestamp.isdigit() and signature) or not self.verifier.is_valid(
            body, timestamp, signature
        ):
            return _respond(start_response, "401 Unauthorized", {"error": "invalid_request"})
        environ["wsgi.input"] = io.BytesIO(body)
        return self.slack(environ, start_response)

    def _health(self, start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
        """200 when the database takes writes; 503 when it is unreachable, read-only or full.

        ``worker`` says whether a job worker was seen in the last minute (``bscbot clock`` or
        ``bscbot worker``): without one, acknowledged "⏳" work waits. It does not make the web
        process unhealthy, since restarting the web process would not help.
        """
        database = self.probe.database()
        ok = database is DatabaseHealth.OK
        body = {
            "status": "ok" if ok else "unavailable",
            "database": ok,
            "database_state": database.value,
            "worker": self.probe.worker_seen() if ok else None,
            "version": self.version,
        }
        status = "200 OK" if ok else "503 Service Unavailable"
        return _respond(start_response, status, body, head=head)


def _respond(
    start_response: StartResponse, status: str, body: dict[str, Any], *, head: bool = False
) -> Iterable[bytes]:
    data = json.dumps(body).encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [] if head else [data]


def create_wsgi_app(bolt_app: App) -> WebApp:
    """The WSGI application serving ``bolt_app``'s listeners and the health check."""
    return WebApp(bolt_app)
