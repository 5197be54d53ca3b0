"""A one-way pipe of pickled jobs whose sender never blocks and never hands off to a thread.

The web worker sends each acknowledged request to its work process from the thread that is
answering Slack. ``multiprocessing.Queue`` would do it from a feeder thread: every job then
wakes that thread and passes the interpreter lock back and forth with the request's own,
which costs the ack a few hundred microseconds of CPU. Writing to the pipe directly is a
single ``write``, but a plain blocking write would stall the ack whenever the work process
is behind and the pipe's buffer is full.

So :class:`JobSender` writes without blocking, and only when the pipe is full does it keep the
rest in memory and start a thread that feeds it in as the reader catches up. Messages use the
framing of ``multiprocessing.connection`` (a 4-byte length, then the bytes), so the reader is
an ordinary :class:`multiprocessing.connection.Connection` and ``recv_bytes``.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import struct
import threading
from collections import deque
from typing import Any

log = logging.getLogger(__name__)

#: The largest message ``multiprocessing.connection`` frames with a 4-byte length.
MAX_MESSAGE = 0x7FFFFFFF


def frame(payload: bytes) -> bytes:
    if len(payload) > MAX_MESSAGE:
        raise ValueError(f"a job of {len(payload)} bytes is too large to send")
    return struct.pack("!i", len(payload)) + payload


class PipeClosed(Exception):
    """The reader went away (its process died): what was not written is lost."""


class JobSender:
    """The writing end of a job pipe, safe to use from many threads.

    Args:
        fd: the pipe's write end; the sender owns it from now on.
    """

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._cond = threading.Condition()
        self._backlog: deque[bytes] = deque()  # framed bytes not yet written, in order
        self._feeder: threading.Thread | None = None
        self._broken = False
        self._closed = False

    def send(self, job: Any) -> None:
        """Send ``job`` (picklable) now, or as soon as the pipe has room; never waits."""
        data = frame(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        with self._cond:
            if self._broken or self._closed:
                raise PipeClosed("the job pipe is closed")
            if not self._backlog:
                data = data[self._write(data) :]
                if not data:
                    return
            self._backlog.append(data)
            self._start_feeder()
            self._cond.notify_all()

    @property
    def broken(self) -> bool:
        """The reader went away: nothing more can be sent."""
        return self._broken

    @property
    def backlog(self) -> int:
        """Bytes waiting for room in the pipe."""
        with self._cond:
            return sum(len(chunk) for chunk in self._backlog)

    def drain(self, timeout: float) -> bool:
        """Wait until everything sent is in the pipe (or the reader is gone); True if so."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._backlog or self._broken, timeout)

    def close(self) -> None:
        """Close the write end: once the reader has read what is in the pipe, it sees EOF."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            lost = sum(len(chunk) for chunk in self._backlog)
            self._backlog.clear()
            self._cond.notify_all()
        if lost:
            log.error("closing the job pipe with %d bytes of jobs unsent", lost)
        os.close(self._fd)

    # ------------------------------------------------------------------------- inside
    def _write(self, data: bytes) -> int:
        """Write what fits without blocking (called with the lock held)."""
        try:
            return os.write(self._fd, data)
        except BlockingIOError:
            return 0
        except (BrokenPipeError, OSError) as exc:
            self._broken = True
            self._backlog.clear()
            self._cond.notify_all()
            raise PipeClosed(str(exc)) from exc

    def _start_feeder(self) -> None:
        if self._feeder is None or not self._feeder.is_alive():
            self._feeder = threading.Thread(target=self._feed, name="job-pipe", daemon=True)
            self._feeder.start()

    def _feed(self) -> None:
        """Move the backlog into the pipe as room appears; ends when the backlog is empty."""
        while True:
            with self._cond:
                if not self._backlog or self._broken or self._closed:
                    self._cond.notify_all()
                    return
                try:
                    written = self._write(self._backlog[0])
                except PipeClosed:
                    log.error("the work process stopped reading; unsent jobs are lost")
                    return
                if written == len(self._backlog[0]):
                    self._backlog.popleft()
                    self._cond.notify_all()
                    continue
                self._backlog[0] = self._backlog[0][written:]
                fd = self._fd
            select.select([], [fd], [], 1.0)  # until the reader has made room


def receive(reader: Any, timeout: float) -> tuple[bool, Any]:
    """The next job from ``reader`` (a ``Connection``): ``(True, job)``, or ``(False, None)``
    when none arrived within ``timeout``. Raises ``EOFError`` once the sender has closed (or
    died) and everything it sent has been read."""
    if not reader.poll(timeout):
        return False, None
    return True, pickle.loads(reader.recv_bytes())
