"""The job table: durable work in the application's own database (a transactional outbox).

A change and the work that follows it (an alert to post, Home tabs to refresh) are written in
one transaction, and slow work (a huddle, a review, a chart) is a row before anyone is told
"⏳": either the row is committed and some worker will run it, or nothing was promised.

Why a table and not a queue library: the libraries that enqueue inside the application's own
transaction are PostgreSQL-only (procrastinate, pgqueuer, pq), and the others (huey, dramatiq,
saq) need a second store such as Redis, which the embedded SQLite default cannot offer.

A job's life::

    queued ──claim──▶ running ──ok──▶ done
       ▲                 │ └─error─▶ queued again after a backoff (attempts < max_attempts)
       │                 │                └─ or failed, and ``report_to`` is told
       └── its worker's heartbeat went stale (the process died) ──┘

Claims are compare-and-set updates; on PostgreSQL the candidate is selected ``FOR UPDATE SKIP
LOCKED`` so several workers never block on or take the same job. On SQLite write transactions
are ``BEGIN IMMEDIATE``, so claims are serial and one worker at a time is the rule.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, update
from sqlmodel import Session, col, select

from bsc_core.models import Job, WorkerBeat, utcnow

#: A worker writes its heartbeat at least this often while it lives …
BEAT_EVERY = timedelta(seconds=5)
#: … and a running job whose worker has been silent this long is queued again.
WORKER_DEAD_AFTER = timedelta(seconds=30)
#: /healthz says a worker is alive when one was seen this recently.
WORKER_SEEN_WITHIN = timedelta(minutes=1)
#: Retries wait BACKOFF_BASE × 2^(attempts − 1), at most BACKOFF_MAX.
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=10)
MAX_ERROR_LENGTH = 1000
#: Finished jobs are kept this long for the record, then deleted by the workers.
KEEP_FINISHED = timedelta(days=7)

#: Set when this process queues a job, so an in-process worker starts it without waiting for
#: its next poll (Socket Mode, the clock's own worker, tests). Other processes poll.
queued_here = threading.Event()


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker now owns: run it, then :func:`finish` or :func:`fail` it."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    report_to: str | None

    @property
    def last_attempt(self) -> bool:
        return self.attempts >= self.max_attempts


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    report_to: str | None = None,
    dedupe_key: str | None = None,
    delay: timedelta = timedelta(0),
    max_attempts: int = 5,
) -> int | None:
    """Add a job in ``session``'s transaction; it exists once that transaction commits.

    Args:
        report_to: the Slack user told when the job finally fails (the asker or the chair).
        dedupe_key: while a queued job has this key, another one is not added (a burst of
            changes becomes one Home refresh); returns None then.
        delay: run no earlier than this from now (folds a burst into one run).
    """
    if dedupe_key is not None:
        waiting = session.exec(
            select(Job.id).where(col(Job.dedupe_key) == dedupe_key, col(Job.status) == "queued")
        ).first()
        if waiting is not None:
            return None
    job = Job(
        kind=kind,
        payload=json.dumps(payload or {}, sort_keys=True),
        report_to=report_to,
        dedupe_key=dedupe_key,
        run_after=utcnow() + delay,
        max_attempts=max_attempts,
    )
    session.add(job)
    session.flush()
    # Wake an in-process worker once the job can be seen, not before: woken early, it would
    # find nothing and go back to sleep for a whole poll.
    event.listen(session, "after_commit", _wake, once=True)
    return job.id


def _wake(_session: Session) -> None:
    queued_here.set()


def any_due(session: Session, *, now: datetime | None = None) -> bool:
    """A cheap read first, so an idle worker's poll takes no write lock."""
    return (
        session.exec(
            select(Job.id)
            .where(col(Job.status) == "queued", col(Job.run_after) <= (now or utcnow()))
            .limit(1)
        ).first()
        is not None
    )


def claim_next(
    session: Session, *, worker_id: str, now: datetime | None = None
) -> ClaimedJob | None:
    """Take the oldest due job for ``worker_id``, or None when there is none."""
    now = now or utcnow()
    query = (
        select(Job)
        .where(col(Job.status) == "queued", col(Job.run_after) <= now)
        .order_by(col(Job.run_after), col(Job.id))
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job = session.exec(query).first()
    if job is None:
        return None
    claimed = ClaimedJob(
        id=job.id or 0,
        kind=job.kind,
        payload=json.loads(job.payload or "{}"),
        attempts=job.attempts + 1,
        max_attempts=job.max_attempts,
        report_to=job.report_to,
    )
    taken = session.execute(
        update(Job)
        .where(col(Job.id) == claimed.id, col(Job.status) == "queued")
        .values(status="running", locked_by=worker_id, locked_at=now, attempts=claimed.attempts)
    )
    return claimed if taken.rowcount else None


def finish(session: Session, *, job_id: int, now: datetime | None = None) -> None:
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(status="done", finished_at=now or utcnow(), locked_by=None, last_error=None)
    )


def backoff(attempts: int) -> timedelta:
    """How long a job waits before its next try, after ``attempts`` failed ones."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def fail(session: Session, *, job: ClaimedJob, error: str, now: datetime | None = None) -> bool:
    """Record a failed try; True when it was the last one (the job is now ``failed``)."""
    now = now or utcnow()
    final = job.last_attempt
    values: dict[str, Any] = {"last_error": error[:MAX_ERROR_LENGTH], "locked_by": None}
    if final:
        values.update(status="failed", finished_at=now)
    else:
        values.update(status="queued", run_after=now + backoff(job.attempts))
    session.execute(update(Job).where(col(Job.id) == job.id).values(**values))
    return final


def beat(session: Session, *, worker_id: str, now: datetime | None = None) -> None:
    """Record that ``worker_id`` is alive."""
    now = now or utcnow()
    updated = session.execute(
        update(WorkerBeat).where(col(WorkerBeat.worker_id) == worker_id).values(seen_at=now)
    )
    if not updated.rowcount:
        session.add(WorkerBeat(worker_id=worker_id, seen_at=now))


def forget_worker(session: Session, *, worker_id: str) -> None:
    """A worker that stops cleanly removes its heartbeat (its jobs are all finished)."""
    session.execute(delete(WorkerBeat).where(col(WorkerBeat.worker_id) == worker_id))


def requeue_orphans(session: Session, *, now: datetime | None = None) -> int:
    """Queue again the running jobs of workers that died; returns how many.

    A job is orphaned when its worker's heartbeat is older than :data:`WORKER_DEAD_AFTER`
    (or gone). Its try counts: a job that kills its worker every time ends ``failed``.
    """
    now = now or utcnow()
    alive = select(WorkerBeat.worker_id).where(col(WorkerBeat.seen_at) > now - WORKER_DEAD_AFTER)
    result = session.execute(
        update(Job)
        .where(
            col(Job.status) == "running",
            col(Job.locked_at) < now - WORKER_DEAD_AFTER,
            col(Job.locked_by).not_in(alive),
        )
        .values(status="queued", locked_by=None, run_after=now)
    )
    return int(result.rowcount or 0)


def running_workers(session: Session) -> set[str]:
    """The workers that hold a running job now."""
    rows = session.exec(
        select(Job.locked_by).where(col(Job.status) == "running", col(Job.locked_by).is_not(None))
    ).all()
    return {str(r) for r in rows}


def requeue_jobs_of(session: Session, *, worker_ids: set[str], now: datetime | None = None) -> int:
    """Queue again the running jobs of workers known to be dead (their process is gone)."""
    if not worker_ids:
        return 0
    result = session.execute(
        update(Job)
        .where(col(Job.status) == "running", col(Job.locked_by).in_(sorted(worker_ids)))
        .values(status="queued", locked_by=None, run_after=now or utcnow())
    )
    return int(result.rowcount or 0)


def worker_seen(session: Session, *, now: datetime | None = None) -> bool:
    """Whether any worker has shown a sign of life within :data:`WORKER_SEEN_WITHIN`."""
    now = now or utcnow()
    return (
        session.exec(
            select(WorkerBeat.worker_id)
            .where(col(WorkerBeat.seen_at) > now - WORKER_SEEN_WITHIN)
            .limit(1)
        ).first()
        is not None
    )


def prune_finished(session: Session, *, now: datetime | None = None) -> int:
    """Delete jobs finished more than :data:`KEEP_FINISHED` ago."""
    now = now or utcnow()
    result = session.execute(
        delete(Job).where(
            col(Job.status).in_(("done", "failed")), col(Job.finished_at) < now - KEEP_FINISHED
        )
    )
    return int(result.rowcount or 0)


def job_status(session: Session, job_id: int) -> str | None:
    """The status of one job (tests and the command line look at it)."""
    job = session.get(Job, job_id)
    return job.status if job is not None else None
