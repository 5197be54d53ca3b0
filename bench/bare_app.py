"""The yardstick for ``bench.ack``: a Bolt app whose only listener acks ``/kpi``.

It is served by the very stack ``bscbot serve`` uses — :func:`bot.server.serve_http` (gunicorn
gthread, same worker and thread counts from ``WEB_CONCURRENCY``/``WEB_THREADS``), wrapped by
:class:`bot.web.WebApp` with signature checks and ``/healthz`` — so the ratio of our latency to
this one is the cost of bscbot's own work (parsing, the database, the reply), nothing else.

Run: ``python -m bench.bare_app --port 3001`` with ``SLACK_SIGNING_SECRET`` and
``DATABASE_URL`` (for ``/healthz``) set.
"""

from __future__ import annotations

import argparse

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bsc_core.settings import get_settings


def _ack_only(ack: Ack) -> None:
    ack(response_type="ephemeral", text="ok")


def _app() -> App:
    """An App without listeners, configured like :func:`bot.app.build_app`."""
    settings = get_settings()
    return App(
        client=WebClient(
            token=settings.SLACK_BOT_TOKEN,
            base_url=settings.SLACK_API_URL or "https://slack.com/api/",
        ),
        signing_secret=settings.SLACK_SIGNING_SECRET or "",
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=True,
    )


def build_bare_app() -> App:
    """The bare App: in-request ack (no 10 ms polling), signature checks, nothing else."""
    app = _app()
    app.command("/kpi")(_ack_only)
    return app


APPS = {"bare": build_bare_app}


def main() -> None:
    from bot.server import serve_http, setup_logging

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--app", choices=sorted(APPS), default="bare")
    args = parser.parse_args()
    settings = get_settings()
    setup_logging()
    serve_http(
        APPS[args.app],
        port=args.port if args.port is not None else settings.PORT,
        workers=settings.WEB_CONCURRENCY,
        threads=settings.WEB_THREADS,
    )


if __name__ == "__main__":
    main()
