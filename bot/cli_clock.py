"""``bscbot clock`` and ``bscbot worker``: the scheduler and the job worker processes.

Registered in ``bot/cli.py``; kept apart so that the short commands never import APScheduler
or Slack. The clock runs a job worker in a thread of its own by default, so the two-line
Procfile (``web`` and ``clock``) runs every queued job too.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType
from typing import Annotated

import typer

from bot.config_check import ConfigError, require
from bot.settings import get_slack_settings

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def clock(
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Also run queued jobs (huddles, reviews, charts, alerts, Home tabs) in a thread.",
        ),
    ] = True,
) -> None:
    """Post the scheduled huddles, reviews and nag rounds until stopped.

    Each scorecard's jobs run in its own time zone: by default the huddle at 08:45 Monday to
    Friday, the review at 09:00 on the first working day of the month and the nag round at
    10:00 on working days; the chair changes them with /huddle schedule and /review schedule,
    and the running clock picks a change up within a minute. Every post is claimed in the
    database first, so a restart or a second clock process by mistake never posts twice; run
    one anyway. By default it also runs the jobs queued from Slack (see `bscbot worker`). Needs
    SLACK_BOT_TOKEN; brings the database schema up to date itself.
    """
    try:
        require(get_slack_settings(), "clock")
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        raise typer.Exit(exc.code if isinstance(exc.code, int) else 2) from None

    root = logging.getLogger()
    level = logging.DEBUG if root.level == logging.DEBUG else logging.INFO
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    # APScheduler logs every run at INFO; our own lines say what each run did.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)

    from bot.slack_client import get_client
    from bsc_core.db import get_store
    from scheduler.clock import build_scheduler

    # No schema or job set-up here: the first tick does both, and a database that is down at
    # start is retried by the next tick instead of stopping the process.
    running = build_scheduler(
        client=get_client(), store=get_store(), blocking=False, sync_jobs=False
    )

    from bot.worker import Worker

    jobs = Worker(store=get_store(), client=get_client()).start() if worker else None
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        # Only a flag here: a signal may arrive while the scheduler is still starting.
        log.info("signal %d: stopping the clock", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("clock %s starting", running.worker_id)
    running.start()
    stopping.wait()
    running.shutdown(wait=False)
    if jobs is not None:
        jobs.stop()
    log.info("clock stopped")


def worker() -> None:
    """Run the jobs queued from Slack until stopped (SIGTERM finishes the job in hand).

    Huddles and reviews asked for with /huddle and /review, /kpi quad and /kpi pace charts,
    instant red alerts and App Home refreshes are rows in the database's job table, committed
    before Slack was told "⏳". A job survives any process's death and runs after a restart; a
    failing one is retried with backoff, then its asker is told. `bscbot clock` runs a worker
    already; on PostgreSQL more workers may run side by side, on SQLite run one.
    """
    try:
        require(get_slack_settings(), "clock")
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        raise typer.Exit(exc.code if isinstance(exc.code, int) else 2) from None
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, force=True)

    from bot.slack_client import get_client
    from bot.worker import run_worker
    from bsc_core.db import get_store

    store = get_store()
    store.ensure_schema()
    run_worker(store, get_client())
