"""The job pipe between a web worker and its work process: the sender never waits."""

from __future__ import annotations

import os
import threading
import time
from multiprocessing.connection import Connection

import pytest

from bot.job_pipe import JobSender, PipeClosed, receive


def pipe() -> tuple[Connection, JobSender]:
    read_fd, write_fd = os.pipe()
    return Connection(read_fd, writable=False), JobSender(write_fd)


def test_a_full_pipe_does_not_block_the_sender_and_nothing_is_lost_or_reordered() -> None:
    reader, sender = pipe()
    jobs = [{"n": n, "text": "x" * 10_000} for n in range(60)]  # ~600 KB: ten pipes' worth

    started = time.monotonic()
    for job in jobs:
        sender.send(job)  # nobody reads yet
    assert time.monotonic() - started < 1.0
    assert sender.backlog > 0

    received = []
    while len(received) < len(jobs):
        got, job = receive(reader, 5.0)
        assert got, "a job never arrived"
        received.append(job)
    assert received == jobs
    assert sender.drain(5.0) and sender.backlog == 0
    sender.close()


def test_the_reader_sees_the_end_once_everything_sent_was_read() -> None:
    reader, sender = pipe()
    sender.send("last")
    sender.close()

    assert receive(reader, 1.0) == (True, "last")
    with pytest.raises(EOFError):
        receive(reader, 1.0)


def test_sending_to_a_reader_that_is_gone_says_so() -> None:
    reader, sender = pipe()
    reader.close()

    with pytest.raises(PipeClosed):
        sender.send({"n": 1})


def test_many_threads_sending_at_once_keep_every_message_whole() -> None:
    reader, sender = pipe()

    def send_all(thread: int) -> None:
        for n in range(200):
            sender.send((thread, n, "y" * (n * 37 % 3000)))

    threads = [threading.Thread(target=send_all, args=(t,)) for t in range(8)]
    received: list[tuple[int, int, str]] = []
    for thread in threads:
        thread.start()
    while len(received) < 8 * 200:
        got, job = receive(reader, 5.0)
        assert got
        received.append(job)
    for thread in threads:
        thread.join()

    for t in range(8):
        assert [n for (thread, n, _) in received if thread == t] == list(range(200))
    sender.close()
