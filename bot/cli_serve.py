"""``bscbot serve``: the bot's long-running process (``web: bscbot serve`` in the Procfile).

Kept apart from ``bot/cli.py`` so that ``bscbot status`` and the other short commands never
import Slack, gunicorn or the listeners.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from bot.config_check import ConfigError, require
from bot.settings import get_slack_settings
from bsc_core.db import get_store, reset_store

log = logging.getLogger(__name__)

SERVE_HELP = (
    "Run the Slack bot until stopped (SIGTERM finishes the requests in flight).\n\n"
    "With SLACK_APP_TOKEN set it connects over Socket Mode (no public URL needed: a laptop or "
    "a private network); otherwise it serves HTTP on 0.0.0.0:PORT (default 3000) for Slack's "
    "requests at /slack/events, with a health check at /healthz.\n\n"
    "Needs SLACK_BOT_TOKEN, plus SLACK_SIGNING_SECRET for HTTP or SLACK_APP_TOKEN for Socket "
    "Mode. WEB_CONCURRENCY sets the worker processes (default 1), WEB_THREADS the threads per "
    "worker (default 8). Each request's change is committed before Slack gets its answer; slow "
    "work (huddles, reviews, charts, alerts, Home tabs) is queued in the database for a worker: "
    "`bscbot clock` runs one, `bscbot worker` runs more, and Socket Mode runs its own. "
    "The database schema is brought up to date once before the workers start."
)


def load_app_factory() -> Callable[..., Any]:
    """``bot.app.build_app``, imported only when the bot actually starts."""
    from bot.app import build_app

    return build_app


def _build_bolt_app(**options: Any) -> Any:
    """One Bolt App on the process's single WebClient (see :mod:`bot.slack_client`)."""
    from bot.slack_client import get_client

    return load_app_factory()(client=get_client(), **options)


def _build_http_app() -> Any:
    """A web worker's App (built after gunicorn's fork)."""
    return _build_bolt_app()


def serve(
    port: Annotated[
        int | None,
        typer.Option("--port", help="Port for HTTP mode (default: $PORT, else 3000)."),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log one line per HTTP request.")
    ] = False,
) -> None:
    from bot.server import serve_http, serve_socket_mode, setup_logging

    settings = get_slack_settings()
    mode = "socket" if settings.SLACK_APP_TOKEN else "http"
    try:
        require(settings, mode)
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        raise typer.Exit(exc.code if isinstance(exc.code, int) else 2) from None

    setup_logging()
    store = get_store()
    store.ensure_schema()
    # Workers open their own connections after the fork; none may be inherited.
    reset_store()

    if mode == "socket":
        # One process does everything: it runs a job worker of its own.
        from bot.slack_client import get_client
        from bot.worker import Worker

        worker = Worker(store=get_store(), client=get_client()).start()
        try:
            serve_socket_mode(_build_bolt_app(), app_token=settings.SLACK_APP_TOKEN)
        finally:
            worker.stop()
        return
    serve_http(
        _build_http_app,
        port=port if port is not None else settings.PORT,
        workers=settings.WEB_CONCURRENCY,
        threads=settings.WEB_THREADS,
        access_log=access_log,
    )


# typer shows the docstring as --help; kept in one constant so the README can quote it.
serve.__doc__ = SERVE_HELP
