"""The job worker against the fake Slack: runs what was queued, retries, and tells the asker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.slack_client import make_client
from bot.worker import Worker, _process_gone
from bsc_core import jobs
from bsc_core.db import Store
from bsc_core.models import Job, utcnow
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> WebClient:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    reload_settings()
    return make_client()


def queue(store: Store, kind: str, **kwargs) -> int:  # type: ignore[no-untyped-def]
    with store.write() as session:
        job_id = jobs.enqueue(session, kind=kind, **kwargs)
    assert job_id is not None
    return job_id


def job(store: Store, job_id: int) -> Job:
    with store.read() as session:
        row = session.get(Job, job_id)
    assert row is not None
    return row


def test_a_queued_job_runs_once_and_is_done(store: Store, client: WebClient) -> None:
    ran: list[dict] = []  # type: ignore[type-arg]
    worker = Worker(
        store=store, client=client, handlers={"echo": lambda j, c, s: ran.append(j.payload)}
    )
    job_id = queue(store, "echo", payload={"n": 1})
    assert worker.run_until_idle() == 1
    assert worker.run_until_idle() == 0
    assert ran == [{"n": 1}] and job(store, job_id).status == "done"


def test_a_failing_job_is_retried_then_failed_and_its_asker_told(
    store: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    def boom(j, c, s):  # type: ignore[no-untyped-def]
        raise RuntimeError("chart engine on fire")

    worker = Worker(store=store, client=client, handlers={"draw": boom})
    job_id = queue(store, "draw", report_to="U0ASKER01", max_attempts=2)
    worker.run_until_idle()
    first = job(store, job_id)
    assert (first.status, first.attempts) == ("queued", 1)
    assert "chart engine on fire" in (first.last_error or "")
    assert fake_slack.posted_messages("U0ASKER01") == []
    with store.write() as session:  # the backoff has passed
        session.get(Job, job_id).run_after = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    worker.run_until_idle()
    assert job(store, job_id).status == "failed"
    told = fake_slack.posted_messages("U0ASKER01")
    assert len(told) == 1 and "after 2 tries" in told[0].args["text"]


def test_an_unknown_kind_fails_instead_of_looping(store: Store, client: WebClient) -> None:
    worker = Worker(store=store, client=client, handlers={})
    job_id = queue(store, "from_the_future", max_attempts=1)
    worker.run_until_idle()
    assert job(store, job_id).status == "failed"


def test_a_restarted_worker_takes_over_the_jobs_of_a_dead_process_at_once(
    store: Store, client: WebClient
) -> None:
    import socket

    dead = f"{socket.gethostname()}:999999999:abc"
    assert _process_gone(dead)
    job_id = queue(store, "echo")
    with store.write() as session:
        jobs.claim_next(session, worker_id=dead)
    ran: list[int] = []
    worker = Worker(store=store, client=client, handlers={"echo": lambda j, c, s: ran.append(j.id)})
    worker._housekeeping()
    worker.run_until_idle()
    assert ran == [job_id] and job(store, job_id).attempts == 2


def test_the_worker_thread_runs_a_job_queued_in_its_process_at_once(
    store: Store, client: WebClient
) -> None:
    import threading

    done = threading.Event()
    worker = Worker(
        store=store, client=client, handlers={"ping": lambda j, c, s: done.set()}, poll=30
    ).start()
    try:
        worker._housekeeping()
        queue(store, "ping")  # the worker polls only every 30 s: the wake-up must start it
        assert done.wait(5)
    finally:
        worker.stop()
    with store.read() as session:
        assert [j.status for j in session.exec(select(Job))] == ["done"]
