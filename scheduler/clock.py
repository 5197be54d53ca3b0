"""The clock process: APScheduler cron jobs in each scorecard's time zone, kept in sync with
the database.

- One job per scorecard and kind (``huddle:acme``, ``review:acme``, ``nag:acme``), each with
  a ``CronTrigger`` carrying an explicit ``ZoneInfo``: a job never runs on the server's zone.
- A ``sync`` job every 30 s re-reads the schedules and adds, reschedules or removes jobs, so a
  change made from Slack lands within a minute without a restart. The same job then runs the
  catch-up tick (:func:`scheduler.jobs.run_all_due`): runs missed while the process was down
  (within grace), failed posts due for a retry, and ticks that failed on a database outage.
- ``job_defaults`` set ``misfire_grace_time`` and ``coalesce`` (APScheduler's 1 s default grace
  drops late runs silently), and missed and failed jobs are logged by listeners.

The jobs store is in memory on purpose: APScheduler job stores must not be shared between
schedulers, and exactly-once comes from the delivery ledger, not from the scheduler.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bsc_core.db import DatabaseUnavailable, Store
from bsc_core.schedules import next_run
from scheduler import jobs
from scheduler.schedules import EffectiveSchedule, cron_fields, enabled_schedules, job_id

log = logging.getLogger(__name__)

SYNC_JOB_ID = "sync"
SYNC_SECONDS = 30
#: APScheduler may start a job this late; the ledger's own grace decides what is still posted.
MISFIRE_GRACE_SECONDS = 12 * 3600

Now = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def cron_trigger(schedule: EffectiveSchedule) -> CronTrigger:
    """The trigger of one schedule, in the schedule's own zone."""
    return CronTrigger(timezone=schedule.zone, **cron_fields(schedule))


def _signature(schedule: EffectiveSchedule) -> tuple[Any, ...]:
    return (schedule.timezone, tuple(sorted(cron_fields(schedule).items())))


@dataclass
class SyncResult:
    """Which jobs one sync added, rescheduled and removed (ids)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Clock:
    """The scheduler and the wiring around it; build it with :func:`build_scheduler`."""

    def __init__(
        self,
        *,
        client: WebClient,
        store: Store,
        scheduler: BaseScheduler,
        now: Now = utc_now,
        worker_id: str = jobs.WORKER_ID,
    ) -> None:
        self.client = client
        self.store = store
        self.scheduler = scheduler
        self.now = now
        self.worker_id = worker_id
        self._signatures: dict[str, tuple[Any, ...]] = {}
        self._schedules: dict[str, EffectiveSchedule] = {}
        self._lock = threading.Lock()
        scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)

    # ------------------------------------------------------------------ jobs
    def run_job(self, kind: str, slug: str) -> None:
        """What a cron job does: the tick of one kind for one scorecard, at the clock's now."""
        try:
            jobs.run_due(
                self.client,
                self.store,
                kind=kind,
                now=self.now(),
                scorecard_slug=slug,
                worker_id=self.worker_id,
            )
        except DatabaseUnavailable:
            log.exception("%s:%s: database unavailable; the next sync tick retries", kind, slug)

    def tick(self) -> None:
        """The sync job: bring the jobs in line with the database, then catch up."""
        try:
            self.sync()
            jobs.run_all_due(self.client, self.store, now=self.now(), worker_id=self.worker_id)
        except DatabaseUnavailable:
            log.exception("database unavailable: tick failed; trying again in %ds", SYNC_SECONDS)

    def sync(self) -> SyncResult:
        """Add, reschedule and remove cron jobs to match the schedules in the database."""
        with self.store.read() as session:
            wanted = {job_id(s): s for s in enabled_schedules(session)}
        result = SyncResult()
        with self._lock:
            for jid in sorted(set(self._signatures) - set(wanted)):
                self.scheduler.remove_job(jid)
                del self._signatures[jid]
                self._schedules.pop(jid, None)
                result.removed.append(jid)
                log.info("job %s removed (schedule switched off or scorecard gone)", jid)
            for jid, schedule in sorted(wanted.items()):
                signature = _signature(schedule)
                if self._signatures.get(jid) == signature:
                    continue
                if jid in self._signatures:
                    self.scheduler.reschedule_job(jid, trigger=cron_trigger(schedule))
                    result.changed.append(jid)
                else:
                    self.scheduler.add_job(
                        self.run_job,
                        trigger=cron_trigger(schedule),
                        id=jid,
                        name=jid,
                        args=(schedule.kind, schedule.slug),
                        replace_existing=True,
                    )
                    result.added.append(jid)
                self._signatures[jid] = signature
                self._schedules[jid] = schedule
                self._log_next(jid, schedule, "changed" if jid in result.changed else "scheduled")
        return result

    def _log_next(self, jid: str, schedule: EffectiveSchedule, what: str) -> None:
        found = next_run(schedule, self.now())
        upcoming = schedule.local(found) if found else None
        when = f"{upcoming:%a %Y-%m-%d %H:%M %Z}" if upcoming else "never"
        log.info("job %s %s: %s; next run %s", jid, what, schedule.describe(), when)

    def schedules(self) -> dict[str, EffectiveSchedule]:
        """The schedules behind the current jobs, by job id."""
        with self._lock:
            return dict(self._schedules)

    # ------------------------------------------------------------- listeners
    def _on_missed(self, event: JobExecutionEvent) -> None:
        log.warning(
            "job %s missed its run at %s; the catch-up tick decides whether it still posts",
            event.job_id,
            event.scheduled_run_time,
        )

    def _on_error(self, event: JobExecutionEvent) -> None:
        log.error(
            "job %s failed at %s: %r",
            event.job_id,
            event.scheduled_run_time,
            event.exception,
            exc_info=event.exception,
        )

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Sync, catch up once, schedule the sync tick and start the scheduler.

        With a ``BlockingScheduler`` this returns only when the scheduler is shut down.
        """
        self.tick()
        self.scheduler.add_job(
            self.tick,
            trigger=IntervalTrigger(seconds=SYNC_SECONDS, timezone=UTC),
            id=SYNC_JOB_ID,
            name="sync schedules and catch up",
            replace_existing=True,
        )
        self.scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)


def build_scheduler(
    *,
    client: WebClient,
    store: Store,
    now: Now = utc_now,
    blocking: bool = False,
    worker_id: str = jobs.WORKER_ID,
    sync_jobs: bool = True,
) -> Clock:
    """A clock with its APScheduler scheduler, its cron jobs added from the database.

    Args:
        now: where the jobs read the time; tests inject a fake clock.
        blocking: a ``BlockingScheduler`` for the ``bscbot clock`` process, else a background one.
        sync_jobs: read the schedules and add their jobs now (the database must answer).
    """
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(
        timezone=UTC,
        job_defaults={
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "coalesce": True,
            "max_instances": 1,
        },
    )
    clock = Clock(client=client, store=store, scheduler=scheduler, now=now, worker_id=worker_id)
    if sync_jobs:
        clock.sync()
    return clock
