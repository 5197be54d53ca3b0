"""``bscbot clock``: the scheduler process (``clock: bscbot clock`` in the Procfile).

Registered in ``bot/cli.py`` with ``app.command("clock")(clock)``; kept apart so that the short
commands never import APScheduler or Slack.
"""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

import typer

from bot.config_check import ConfigError, require
from bsc_core.settings import get_settings

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def clock() -> None:
    """Post the scheduled huddles, reviews and nag rounds until stopped.

    Each scorecard's jobs run in its own time zone: by default the huddle at 08:45 Monday to
    Friday, the review at 09:00 on the first working day of the month and the nag round at
    10:00 on working days; the chair changes them with /huddle schedule and /review schedule,
    and the running clock picks a change up within a minute. Every post is claimed in the
    database first, so a restart or a second clock process by mistake never posts twice; run
    one anyway. Needs SLACK_BOT_TOKEN; brings the database schema up to date itself.
    """
    try:
        require(get_settings(), "clock")
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
        client=get_client(), store=get_store(), blocking=True, sync_jobs=False
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping the clock", signum)
        running.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("clock %s starting", running.worker_id)
    running.start()
    log.info("clock stopped")
