"""The work process: where the web worker's lazy listeners run, so acks never wait on them.

A web worker answers Slack within its 3-second deadline by doing almost nothing before the
ack; the real work (the database, the answer through the response_url, Home tabs, reports
with charts) is Bolt's lazy listeners. Run as threads of the web worker, that work holds the
interpreter lock for milliseconds at a time (a review's charts for seconds), and every other
person's ack waits behind it. So each web worker starts one companion process, and its lazy
listeners go there:

- :class:`WorkProcessRunner` is the web App's lazy listener runner, installed the way Bolt's
  own AWS Lambda adapter installs its runner. ``start`` writes the request (raw body,
  headers, the lazy function's name) to a pipe (:mod:`bot.job_pipe`), which takes
  microseconds and never blocks.
- :meth:`WorkProcessRunner.ack_then_send` wraps each ack listener so that it sends its lazy
  listeners' jobs itself (:func:`bot.listeners.support.ack_and_lazy` registers them so):
  Bolt would first deep-copy the request for each, which costs more than the ack itself.
- :func:`work_main` runs in the companion process: a Bolt App with the same listeners
  dispatches each request in "lazy only" mode (Bolt's mechanism for running a lazy listener
  in another process), on a pool of threads so slow calls overlap. It runs in Linux's idle
  scheduling class (else at the lowest ``nice``), so when the machine is busy the acks get a
  core first.

The companion trusts its parent alone: it reads only its parent's pipe, so it does not
check signatures again (work waiting more than five minutes would otherwise fail
Slack's timestamp check and drop acknowledged work).

Lifecycle: the companion starts with the worker, is started again if it dies, finishes what
was sent and its running jobs when the worker shuts down (a ``None`` down the pipe), and exits
on its own when the worker is gone (killed): the pipe then ends once it has read everything.
SIGINT and SIGTERM are left to the worker: a terminal's Ctrl-C or a platform's SIGTERM to the
whole process group must not cut the work short.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from slack_bolt.kwargs_injection import Args
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.util.utils import get_arg_names_of_callable, get_name_for_callable

from bot.job_pipe import JobSender, PipeClosed, receive

log = logging.getLogger(__name__)

#: Lazy listeners the companion runs at once: enough to overlap waits on Slack and the
#: database, few enough that a burst cannot exhaust the database pool.
WORK_THREADS = 8
#: The companion's ``nice`` where the idle scheduling class is not available: on a busy
#: machine the acks get the CPU first; the work waits milliseconds for it, not the acks.
WORK_NICENESS = 19
#: How long the companion waits on an empty pipe before looking again.
IDLE_POLL_SECONDS = 1.0
#: How long a shutting-down worker waits for its companion to finish its jobs (within
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
        self._sender: JobSender | None = None
        self._process: Any = None
        self._closed = False
        self._ensure_running()

    # -------------------------------------------------------------------------- parent
    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        job = Job(
            body=request.raw_body,
            headers={k: list(v) for k, v in request.headers.items()},
            function=request.lazy_function_name or get_name_for_callable(function),
        )
        with self._lock:
            if not self._closed:
                sender = self._ensure_running()
                try:
                    sender.send(job)
                    return
                except PipeClosed:  # it died since the check: once more, on a new one
                    try:
                        self._ensure_running().send(job)
                        return
                    except PipeClosed:
                        pass
        # Shutting down, or no work process will take it: run it here rather than lose an
        # acknowledged request.
        self.logger.warning("no work process; running %s in the web worker", job.function)
        super().run(function, request)

    def ack_then_send(
        self, ack_listener: Callable[..., Any], lazy: Sequence[Callable[..., None]]
    ) -> Callable[[Args], Any]:
        """An ack listener that runs ``ack_listener``, then sends ``lazy``'s jobs itself.

        Registered with no lazy listeners of its own, it spares the ack Bolt's deep copy of
        the request for each lazy listener (its context, WebClient and all): that copy costs
        more than the rest of the ack, while a job needs only the body and headers as they
        arrived. As with Bolt's own lazy listeners, the jobs go even when the ack raised.
        """
        names = get_arg_names_of_callable(ack_listener)  # as Bolt reads them

        def ack_and_send(args: Args) -> Any:
            try:
                return ack_listener(**{name: _argument(args, name) for name in names})
            finally:
                for function in lazy:
                    self.start(function, args.request)

        ack_and_send.__name__ = ack_and_send.__qualname__ = ack_listener.__name__
        return ack_and_send

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _ensure_running(self) -> JobSender:
        """The sender to a live work process, starting one if there is none (lock held)."""
        if self._sender is not None and not self._sender.broken and self.alive:
            return self._sender
        if self._process is not None:
            self.logger.error(
                "the work process exited (code %s); starting a new one, jobs it had not "
                "finished may be lost",
                self._process.exitcode,
            )
        if self._sender is not None:
            self._sender.close()
        read_fd, write_fd = os.pipe()
        reader = Connection(read_fd, writable=False)
        self._process = self._context.Process(
            target=work_main, args=(reader, self._factory), name="bscbot-work", daemon=False
        )
        self._process.start()
        reader.close()  # the work process holds its own copy
        self._sender = JobSender(write_fd)
        return self._sender

    def close(self, timeout: float = DRAIN_TIMEOUT_SECONDS) -> None:
        """Let the companion finish what was sent and its running jobs, then stop it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            process, sender = self._process, self._sender
        if process is None or sender is None or not process.is_alive():
            return
        deadline = time.monotonic() + timeout
        try:
            sender.send(None)
            sender.drain(timeout)
        except PipeClosed:
            pass
        sender.close()
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            self.logger.warning("the work process did not finish in %.0fs; stopping it", timeout)
            process.kill()  # it ignores SIGTERM (see work_main)
            process.join(5)


def _argument(args: Args, name: str) -> Any:
    """The listener argument ``name``: one of Bolt's (``ack``, ``command``…) or the context's."""
    return getattr(args, name) if hasattr(args, name) else args.context.get(name)


# ----------------------------------------------------------------------------- companion
def work_main(reader: Connection, app_factory: AppFactory) -> None:
    """The companion process: run every job from ``reader`` until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _lower_priority()
    from bot.server import setup_logging

    setup_logging()
    app = app_factory()
    pool = ThreadPoolExecutor(max_workers=WORK_THREADS, thread_name_prefix="work")
    try:
        for job in _jobs(reader):
            pool.submit(_run, app, job)
    finally:
        pool.shutdown(wait=True)


def _lower_priority() -> None:
    """Give the CPU to the acks first: Linux's idle class (a token share, and no preempting
    of other work), else the lowest ``nice``. Threads started afterwards inherit it."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(WORK_NICENESS)


def _jobs(reader: Connection) -> Iterator[Job]:
    """Yield jobs until the ``None`` sentinel, or until the worker is gone and all it sent
    has been read (its end of the pipe closes when it exits, even when killed)."""
    while True:
        try:
            received, job = receive(reader, IDLE_POLL_SECONDS)
        except EOFError:
            log.warning("the web worker is gone; finishing the jobs it sent, then exiting")
            return
        if not received:
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
