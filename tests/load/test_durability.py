"""What an ack promised survives any process's death: real ``bscbot serve`` and ``bscbot clock``.

SQLite, the embedded default, as an operator runs it from the Procfile. Every "⏳" is a job
row committed before the ack: killing every bscbot process right after it and starting them
again posts the huddle exactly once. A log while another connection holds the write lock for
6 seconds is answered within 3 seconds, and what the answer says is what the store holds.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import Actual, Job
from testkit.fake_slack import FakeSlack
from testkit.load_client import KeepAliveClient
from testkit.server_harness import BotProcess, BotServer
from testkit.signing import slash_command_body
from tests.factories import CHAIR, CHANNEL, OWNER, import_docs, kpi, scorecard

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def card(store: Store) -> Store:
    import_docs(store, scorecard(kpi("MRR", unit="USD"), kpi("GM", unit="%", target=62)))
    return store


@pytest.fixture
def web(card: Store, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotServer]:
    server = BotServer(database_url=card.url, slack_api_url=fake_slack.url, workdir=tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock(card: Store, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(("clock",), card.url, fake_slack.url, tmp_path)
    process.start()
    yield process
    process.stop()


def huddle_posts(fake: FakeSlack) -> list:  # type: ignore[type-arg]
    return [
        c
        for c in fake.posted_messages(CHANNEL)
        if (c.json("metadata") or {}).get("event_payload", {}).get("kind") == "huddle"
    ]


def jobs(store: Store) -> list[Job]:
    with store.read() as session:
        return list(session.exec(select(Job)))


@sqlite_only
def test_a_huddle_acked_then_every_process_killed_is_posted_once_after_the_restart(
    card: Store, web: BotServer, clock: BotProcess, fake_slack: FakeSlack
) -> None:
    body = slash_command_body("/huddle", user_id=CHAIR, channel_id=CHANNEL)
    ack = web.client.post("/slack/events", body)
    web.kill()
    clock.kill()
    assert ack.status == 200 and ack.json()["text"].startswith("⏳")
    assert [j.kind for j in jobs(card)] == ["post_report"]

    web.start()
    clock.start()
    fake_slack.wait_for(lambda: huddle_posts(fake_slack), timeout=40)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and jobs(card)[0].status != "done":
        time.sleep(0.1)
    time.sleep(1.0)  # a duplicate, had there been one, would have been posted by now
    assert len(huddle_posts(fake_slack)) == 1
    assert jobs(card)[0].status == "done"


@sqlite_only
def test_a_log_behind_a_six_second_writer_is_answered_in_time_and_truthfully(
    card: Store, web: BotServer, clock: BotProcess, fake_slack: FakeSlack
) -> None:
    path = card.url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(6.0, lambda: holder.execute("ROLLBACK"))
    released.start()
    client = KeepAliveClient(web.url, web.secret, replies=fake_slack)
    try:
        outcome = client.command("log MRR 98000 2026-10", user_id=OWNER, channel_id=CHANNEL)
    finally:
        client.close()
        released.join()
        holder.close()
    assert outcome.status == 200 and outcome.seconds < 3.0, outcome
    with card.read() as session:
        stored = [a.value for a in session.exec(select(Actual))]
    if "Stored" in outcome.reply:
        assert stored == [98000]
    else:
        assert "Not stored" in outcome.reply and stored == []


@sqlite_only
def test_sigterm_while_a_writer_holds_the_lock_answers_what_was_asked_then_exits(
    card: Store, web: BotServer, fake_slack: FakeSlack
) -> None:
    path = card.url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    outcomes: list = []  # type: ignore[type-arg]

    def log() -> None:
        client = KeepAliveClient(web.url, web.secret, replies=fake_slack)
        outcomes.append(client.command("log MRR 97000 2026-10", user_id=OWNER, channel_id=CHANNEL))
        client.close()

    sender = threading.Thread(target=log)
    sender.start()
    time.sleep(0.3)  # the request is waiting on the lock now
    assert web.process is not None
    web.process.send_signal(signal.SIGTERM)
    sender.join(10)
    holder.execute("ROLLBACK")
    holder.close()
    assert web.process.wait(timeout=30) is not None
    outcome = outcomes[0]
    assert outcome.status == 200, outcome
    with card.read() as session:
        stored = [a.value for a in session.exec(select(Actual))]
    assert "Not stored" in outcome.reply and stored == []


@sqlite_only
def test_huddles_queued_under_load_each_post_once_across_a_worker_killed_mid_run(
    card: Store, web: BotServer, clock: BotProcess, fake_slack: FakeSlack
) -> None:
    acks = [
        web.client.post(
            "/slack/events", slash_command_body("/huddle", user_id=CHAIR, channel_id=CHANNEL)
        )
        for _ in range(12)
    ]
    assert all(a.status == 200 and a.json()["text"].startswith("⏳") for a in acks)
    fake_slack.wait_for(lambda: huddle_posts(fake_slack), timeout=30)
    clock.kill()  # mid-run: some huddles posted, one perhaps half-way, the rest queued
    clock.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(j.status != "done" for j in jobs(card)):
        time.sleep(0.2)
    assert [j.status for j in jobs(card)] == ["done"] * 12
    keys = [c.json("metadata")["event_payload"]["key"] for c in huddle_posts(fake_slack)]
    assert sorted(keys) == sorted(f"job:{j.id}" for j in jobs(card))


@sqlite_only
def test_a_huddle_queued_while_no_worker_runs_is_posted_by_bscbot_worker(
    card: Store, web: BotServer, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    ack = web.client.post(
        "/slack/events", slash_command_body("/huddle", user_id=CHAIR, channel_id=CHANNEL)
    )
    assert ack.status == 200 and ack.json()["text"].startswith("⏳")
    assert web.client.get("/healthz").json()["worker"] is False
    worker = BotProcess(("worker",), card.url, fake_slack.url, tmp_path).start()
    try:
        fake_slack.wait_for(lambda: huddle_posts(fake_slack), timeout=30)
        assert web.client.get("/healthz").json()["worker"] is True
    finally:
        worker.stop()
    assert len(huddle_posts(fake_slack)) == 1
