"""The job worker: claims queued jobs from the database and runs them, one at a time.

``bscbot worker`` runs one on its own; ``bscbot clock`` and Socket Mode's single process run one
in a thread. Several workers may share a PostgreSQL database (claims skip locked rows); on
SQLite claims are serial, and one worker is the rule.

While it lives a worker writes a heartbeat: /healthz reports whether any worker was seen in
the last minute, and a job whose worker went silent is queued again (:mod:`bsc_core.jobs`).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.job_handlers import HANDLERS, Handler, describe
from bsc_core import jobs, replays
from bsc_core.db import DatabaseUnavailable, Store

log = logging.getLogger(__name__)

#: How often an idle worker looks for new jobs queued by other processes (jobs queued in
#: its own process wake it at once).
POLL_SECONDS = 0.5
#: How often the worker re-queues the jobs of dead workers and prunes finished ones.
SWEEP_SECONDS = 10.0


def new_worker_id() -> str:
    """``host:pid:random``: a worker on the same host can tell that this one's process is gone."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _process_gone(worker_id: str) -> bool:
    """Whether ``worker_id`` ran on this host in a process that no longer exists.

    A restarted worker takes over a dead one's jobs at once instead of waiting for its
    heartbeat to go stale (which is how workers on other hosts are found out).
    """
    host, _, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Worker:
    """Runs jobs until :meth:`stop`.

    Args:
        store: the process's store.
        client: the Slack client handlers post with.
        handlers: job kind → handler (the defaults of :mod:`bot.job_handlers`).
        poll: seconds between looks for jobs when idle.
    """

    def __init__(
        self,
        *,
        store: Store,
        client: WebClient,
        handlers: dict[str, Handler] | None = None,
        poll: float = POLL_SECONDS,
        worker_id: str | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.handlers = handlers if handlers is not None else HANDLERS
        self.poll = poll
        self.worker_id = worker_id or new_worker_id()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_beat = 0.0
        self._last_sweep = 0.0

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Worker:
        """Run in a daemon thread of this process."""
        self._thread = threading.Thread(target=self.run, name="bscbot-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job in hand, then stop."""
        self._stop.set()
        jobs.queued_here.set()
        if self._thread is not None:
            self._thread.join(timeout)
        try:
            with self.store.write() as session:
                jobs.forget_worker(session, worker_id=self.worker_id)
        except DatabaseUnavailable:
            pass

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        """Claim and run jobs until stopped; a database outage only pauses it."""
        log.info("worker %s started", self.worker_id)
        while not self._stop.is_set():
            try:
                self._housekeeping()
                ran = self.run_one()
            except DatabaseUnavailable as exc:
                log.warning("worker: database unavailable (%s); retrying", exc)
                ran = False
                self._stop.wait(min(5.0, self.poll * 4))
            except Exception:  # noqa: BLE001 - the loop must outlive any one failure
                log.exception("worker loop failed; going on")
                ran = False
            if not ran:
                jobs.queued_here.wait(self.poll)
                jobs.queued_here.clear()
        log.info("worker %s stopped", self.worker_id)

    # ------------------------------------------------------------------ work
    def run_one(self) -> bool:
        """Claim one due job and run it; False when there was none."""
        with self.store.read() as session:
            if not jobs.any_due(session):
                return False
        with self.store.write() as session:
            job = jobs.claim_next(session, worker_id=self.worker_id)
        if job is None:
            return False
        self._run(job)
        return True

    def run_until_idle(self, *, limit: int = 1000) -> int:
        """Run every due job now, in this thread (the command line, tests); returns how many."""
        done = 0
        while done < limit and self.run_one():
            done += 1
        return done

    def _run(self, job: jobs.ClaimedJob) -> None:
        handler = self.handlers.get(job.kind)
        started = time.monotonic()
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            with _beating(self):
                handler(job, self.client, self.store)
        except Exception as exc:  # noqa: BLE001 - recorded on the job, retried with backoff
            error = _error_text(exc)
            log.warning("job %s (%s) try %d failed: %s", job.id, job.kind, job.attempts, error)
            with self.store.write() as session:
                final = jobs.fail(session, job=job, error=error)
            if final:
                self._report_failure(job, error)
            return
        with self.store.write() as session:
            jobs.finish(session, job_id=job.id)
        log.info("job %s (%s) done in %.2fs", job.id, job.kind, time.monotonic() - started)

    def _report_failure(self, job: jobs.ClaimedJob, error: str) -> None:
        """Tell the person who asked (or the chair the job names) that it gave up."""
        log.error("job %s (%s) failed for good: %s", job.id, job.kind, error)
        if not job.report_to:
            return
        text = (
            f"⚠️ I could not do {describe(job)} after {job.attempts} tries (`{error[:200]}`). "
            "Please ask again later, or tell an admin if it keeps failing."
        )
        try:
            self.client.chat_postMessage(channel=job.report_to, text=text)
        except SlackClientError as exc:
            log.error("could not tell %s about job %s: %s", job.report_to, job.id, exc)

    # ------------------------------------------------------------------ housekeeping
    def beat(self) -> None:
        with self.store.write() as session:
            jobs.beat(session, worker_id=self.worker_id)
        self._last_beat = time.monotonic()

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_beat >= jobs.BEAT_EVERY.total_seconds():
            self.beat()
        if now - self._last_sweep >= SWEEP_SECONDS:
            self._last_sweep = now
            with self.store.read() as session:
                holders = jobs.running_workers(session)
            gone = {w for w in holders if w != self.worker_id and _process_gone(w)}
            with self.store.write() as session:
                requeued = jobs.requeue_orphans(session)
                requeued += jobs.requeue_jobs_of(session, worker_ids=gone)
                jobs.prune_finished(session)
            replays.prune(self.store)
            if requeued:
                log.warning("re-queued %d job(s) of workers that stopped answering", requeued)


class _beating:
    """Keeps the worker's heartbeat fresh while a long job (a review's charts) runs."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> None:
        interval = jobs.BEAT_EVERY.total_seconds()

        def loop() -> None:
            while not self._done.wait(interval):
                try:
                    self.worker.beat()
                except DatabaseUnavailable:
                    pass

        self._thread = threading.Thread(target=loop, name="bscbot-beat", daemon=True)
        self._thread.start()

    def __exit__(self, *exc: object) -> None:
        self._done.set()


def _error_text(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if response is not None and hasattr(response, "get"):
        error = response.get("error")
        if error:
            return f"slack: {error}"
    return f"{type(exc).__name__}: {exc}"


def run_worker(
    store: Store, client: WebClient, *, on_ready: Callable[[], None] | None = None
) -> None:
    """Run a worker in this thread until SIGTERM/SIGINT (``bscbot worker``)."""
    import signal

    worker = Worker(store=store, client=client)

    def stop(signum: int, _frame: object) -> None:
        log.info("signal %d: the worker finishes its job in hand, then stops", signum)
        worker._stop.set()
        jobs.queued_here.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if on_ready is not None:
        on_ready()
    worker.run()
    try:
        with store.write() as session:
            jobs.forget_worker(session, worker_id=worker.worker_id)
    except DatabaseUnavailable:
        pass
