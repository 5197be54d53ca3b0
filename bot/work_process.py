"""The work process: where the web worker's lazy listeners run, so acks never wait on them.

A web worker answers Slack within its 3-second deadline by doing almost nothing before the
ack; the real work (the database, the answer through the response_url, Home tabs, reports
with charts) is Bolt's lazy listeners. Run as threads of the web worker, that work holds the
interpreter lock for milliseconds at a time (a review's charts for seconds), and every other
person's ack waits behind it. So each web worker starts one companion process, and its lazy
listeners go there:

- :class:`WorkProcessRunner` is the web App's lazy listener runner, installed the way Bolt's
  own AWS Lambda adapter installs its runner. ``start`` puts the request (raw body, headers,
  the lazy function's name) on a queue, which takes microseconds.
- :func:`work_main` runs in the companion process: a Bolt App with the same listeners
  dispatches each request in "lazy only" mode (Bolt's mechanism for running a lazy listener
  in another process), on a pool of threads so slow calls overlap. It runs at the lowest CPU
  priority, so when the machine is busy the acks get a core first.

The companion trusts its parent alone: it reads only the parent's queue, so it does not
check signatures again (a queue backed up for more than five minutes would otherwise fail
Slack's timestamp check and drop acknowledged work).

Lifecycle: the companion starts with the worker, is started again if it dies, finishes its
queue and its running jobs when the worker shuts down (a ``None`` on the queue), and exits on
its own when the worker is gone (killed) once it has drained what it already received.
SIGINT and SIGTERM are left to the worker: a terminal's Ctrl-C or a platform's SIGTERM to the
whole process group must not cut the queue short.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.request import BoltRequest

log = logging.getLogger(__name__)

#: Lazy listeners the companion runs at once: enough to overlap waits on Slack and the
#: database, few enough that a burst cannot exhaust the database pool.
WORK_THREADS = 8
#: The companion's CPU priority below its web worker's (``nice``): on a busy machine the
#: acks get the CPU first; the work waits milliseconds for it, never the other way round.
WORK_NICENESS = 19
#: How often an idle companion checks that its web worker is still there.
PARENT_CHECK_SECONDS = 1.0
#: How long a shutting-down worker waits for its companion to finish the queue (within
#: gunicorn's 20 s graceful timeout, after which the master kills the worker).
DRAIN_TIMEOUT_SECONDS = 15.0

LAZY_ONLY_HEADER = "x-slack-bolt-lazy-only"
LAZY_FUNCTION_HEADER = "x-slack-bolt-lazy-function-name"


@dataclass(frozen=True)
class Job:
    """One lazy listener to run: the Slack request as it arrived, and which function."""

    body: str
    headers: dict[str, list[str]]
    function: str

    def lazy_request(self) -> BoltRequest:
        headers = {**self.headers, LAZY_ONLY_HEADER: ["1"], LAZY_FUNCTION_HEADER: [self.function]}
        return BoltRequest(body=self.body, headers=headers, mode="http")


AppFactory = Callable[[], Any]


class WorkProcessRunner(LazyListenerRunner):
    """Bolt's lazy listener runner for the web worker: hands each job to the companion.

    Args:
        app_factory: builds the companion's Bolt App (called in the companion); a
            module-level function, since it is passed to a new interpreter.
    """

    def __init__(self, app_factory: AppFactory, *, logger: logging.Logger | None = None) -> None:
        self.logger = logger or log
        self._factory = app_factory
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._queue: Any = None
        self._process: Any = None
        self._closed = False
        self._ensure_running()

    # -------------------------------------------------------------------------- parent
    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        job = Job(
            body=request.raw_body,
            headers={k: list(v) for k, v in request.headers.items()},
            function=request.lazy_function_name or function.__name__,
        )
        with self._lock:
            if self._closed:
                # Shutting down: run it here rather than lose an acknowledged request.
                self.logger.warning("work process closed; running %s in the worker", job.function)
                super().run(function, request)
                return
            self._ensure_running()
            self._queue.put(job)

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _ensure_running(self) -> None:
        if self.alive:
            return
        if self._process is not None:
            self.logger.error(
                "the work process exited (code %s); starting a new one, jobs it had queued "
                "may be lost",
                self._process.exitcode,
            )
        # A fresh queue: a process that died inside get() may hold the old one's read lock.
        self._queue = self._context.Queue()
        self._process = self._context.Process(
            target=work_main,
            args=(self._queue, os.getpid(), self._factory),
            name="bscbot-work",
            daemon=False,
        )
        self._process.start()

    def close(self, timeout: float = DRAIN_TIMEOUT_SECONDS) -> None:
        """Let the companion finish its queue and running jobs, then stop it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            process, jobs = self._process, self._queue
        if process is None or not process.is_alive():
            return
        jobs.put(None)
        jobs.close()
        process.join(timeout)
        if process.is_alive():
            self.logger.warning("the work process did not finish in %.0fs; stopping it", timeout)
            process.terminate()
            process.join(5)


# ----------------------------------------------------------------------------- companion
def work_main(jobs: Any, parent_pid: int, app_factory: AppFactory) -> None:
    """The companion process: run every job from ``jobs`` until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.nice(WORK_NICENESS)
    from bot.server import setup_logging

    setup_logging()
    app = app_factory()
    pool = ThreadPoolExecutor(max_workers=WORK_THREADS, thread_name_prefix="work")
    try:
        for job in _jobs(jobs, parent_pid):
            pool.submit(_run, app, job)
    finally:
        pool.shutdown(wait=True)


def _jobs(jobs: Any, parent_pid: int) -> Any:
    """Yield jobs until the ``None`` sentinel, or until the parent is gone and none are left."""
    orphaned = False
    while True:
        try:
            job = jobs.get(timeout=0.2 if orphaned else PARENT_CHECK_SECONDS)
        except queue.Empty:
            if orphaned:
                return
            orphaned = os.getppid() != parent_pid
            if orphaned:
                log.warning("the web worker is gone; finishing the jobs already received")
            continue
        if job is None:
            return
        yield job


def _run(app: Any, job: Job) -> None:
    try:
        response = app.dispatch(job.lazy_request())
        if response.status != 200:
            log.error("lazy listener %s ended with status %s", job.function, response.status)
    except Exception:  # noqa: BLE001 - one job's failure must not stop the process
        log.exception("lazy listener %s failed", job.function)
