"""The two ways the bot process receives Slack's requests.

- HTTP (:func:`serve_http`): gunicorn with the threaded ``gthread`` worker. A Bolt App is
  synchronous: threads let one worker answer a slash command while another request waits on
  Slack or the database, without the event-loop serialisation a sync App gets under an async
  server. Workers build their App after the fork (``preload_app`` off) so no database
  connection or HTTP pool is shared between processes.
- Socket Mode (:func:`serve_socket_mode`): one process holding a WebSocket to Slack, for a
  laptop or a private network with no public URL.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"
GRACEFUL_TIMEOUT_SECONDS = 20
WORKER_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5
# Settings older gunicorn releases (the project allows >=22) do not know; skipped there.
VERSION_DEPENDENT_SETTINGS = frozenset({"control_socket_disable"})

log = logging.getLogger(__name__)

AppFactory = Callable[[], Any]
"""Returns a Bolt ``App`` (wrapped by :mod:`bot.web`) or a ready WSGI callable."""


def setup_logging(level: int | None = None) -> None:
    """One format for every logger (level and logger name included), INFO by default.

    Keeps DEBUG when ``bscbot -v`` already asked for it.
    """
    root = logging.getLogger()
    if level is None:
        level = logging.DEBUG if root.level == logging.DEBUG else logging.INFO
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)


def gunicorn_logconfig(level: int, *, access_log: bool = False) -> dict[str, Any]:
    """gunicorn's logging merged over its defaults, so its lines look like ours.

    gunicorn writes access lines whenever a logging config is given; below WARNING on the
    ``gunicorn.access`` logger they are dropped unless ``access_log`` asks for them.
    """
    name = logging.getLevelName(level)
    access_level = "INFO" if access_log else "WARNING"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": name, "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": access_level, "handlers": [], "propagate": True},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "generic",
                "stream": "ext://sys.stderr",
            },
        },
        "formatters": {"generic": {"format": LOG_FORMAT, "class": "logging.Formatter"}},
    }


def as_wsgi(app: Any) -> Any:
    """Wrap a Bolt App in :class:`bot.web.WebApp`; pass a WSGI callable through."""
    if isinstance(app, App):
        from bot.web import create_wsgi_app

        return create_wsgi_app(app)
    return app


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn configured in code: no config file, no command-line parsing."""

    def __init__(self, app_factory: AppFactory, options: dict[str, Any]) -> None:
        self._app_factory = app_factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in VERSION_DEPENDENT_SETTINGS and key not in self.cfg.settings:
                continue
            self.cfg.set(key, value)

    def load(self) -> Any:
        return as_wsgi(self._app_factory())


def gunicorn_options(
    *, port: int, workers: int, threads: int, access_log: bool = False
) -> dict[str, Any]:
    """The gunicorn settings of the web process (exposed so tests can inspect them)."""
    level = logging.getLogger().level or logging.INFO
    options: dict[str, Any] = {
        "bind": f"0.0.0.0:{port}",
        "workers": max(1, workers),
        "threads": max(1, threads),
        "worker_class": "gthread",
        "preload_app": False,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": "-" if access_log else None,
        "logconfig_dict": gunicorn_logconfig(level, access_log=access_log),
        "proc_name": "bscbot-web",
        # gunicorn 24+ opens a control socket at one fixed path per user: two bots on one
        # machine (or parallel tests) would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }
    if os.path.isdir("/dev/shm"):
        # Worker heartbeats on tmpfs: a slow disk cannot make gunicorn kill healthy workers.
        options["worker_tmp_dir"] = "/dev/shm"
    return options


def serve_http(
    app_factory: AppFactory,
    *,
    port: int,
    workers: int,
    threads: int,
    access_log: bool = False,
) -> None:
    """Serve HTTP mode on 0.0.0.0:``port`` until SIGTERM/SIGINT (then finish requests).

    Args:
        app_factory: called once in each worker after the fork; returns the Bolt App.
        port: the port to bind (the platform's ``PORT``).
        workers: processes (``WEB_CONCURRENCY``).
        threads: threads per process (``WEB_THREADS``), i.e. concurrent requests each.
        access_log: log one line per request to stderr (off: Slack traffic is chatty).
    """
    options = gunicorn_options(port=port, workers=workers, threads=threads, access_log=access_log)
    log.info(
        "serving HTTP on 0.0.0.0:%d (%d worker(s) x %d thread(s))",
        port,
        options["workers"],
        options["threads"],
    )
    _Gunicorn(app_factory, options).run()


def socket_mode_handler(app: App, *, app_token: str | None = None) -> Any:
    """The Socket Mode handler for ``app``, not yet connected.

    The Socket Mode client opens its connection with ``apps.connections.open`` through the
    App's own client, so ``SLACK_API_URL`` and the retry handlers apply to it too.

    Args:
        app: the Bolt App.
        app_token: the app-level token (``xapp-…``); defaults to ``SLACK_APP_TOKEN``.
    """
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.settings import get_slack_settings

    token = app_token or get_slack_settings().SLACK_APP_TOKEN
    return SocketModeHandler(app, app_token=token, web_client=app.client)


def serve_socket_mode(app: App, *, app_token: str | None = None) -> None:
    """Connect to Slack over Socket Mode and handle requests until the process is stopped."""
    handler = socket_mode_handler(app, app_token=app_token)
    log.info("connecting to Slack over Socket Mode")
    handler.start()
