"""Slack's requests through the real WSGI app and Bolt, in-process: what an ack promises.

Signed exactly as Slack signs them, against the fake Slack over HTTP, on SQLite and
PostgreSQL: forged requests are refused, an ack says "Stored" only once committed and leaves
within Slack's 3 seconds behind a long writer, replays change nothing, slow work is a job row
before its "⏳", and a modal Slack refuses to open is explained to the person.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import func, select

from bsc_core.db import Store
from bsc_core.models import Actual, AuditEvent, Idea, Job
from testkit.fake_slack import FakeSlack
from testkit.signing import (
    block_actions_body,
    event_body,
    slash_command_body,
    url_verification_body,
    view_submission_body,
)
from tests.bot.in_process import InProcessBot
from tests.bot.slack_session import SlackUser, log_values
from tests.factories import CHAIR, CHANNEL, OWNER

SIX_MINUTES = 6 * 60
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def person(bot: InProcessBot, fake: FakeSlack, user: str = OWNER) -> SlackUser:
    return SlackUser(bot.client, fake, user, CHANNEL)


def actuals(store: Store) -> list[float]:
    with store.read() as session:
        return [a.value for a in session.exec(select(Actual))]


def count(store: Store, model: type) -> int:
    with store.read() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@contextmanager
def write_lock_held(store: Store, seconds: float) -> Iterator[threading.Event]:
    """Another connection holds the database's write lock for ``seconds`` (in a thread)."""
    taken = threading.Event()

    def hold() -> None:
        if store.url.startswith("sqlite"):
            path = store.url.removeprefix("sqlite:///")
            connection = sqlite3.connect(path, isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            taken.set()
            time.sleep(seconds)
            connection.execute("ROLLBACK")
            connection.close()
            return
        engine = create_engine(store.url)
        with engine.connect() as connection:
            connection.execute(text("LOCK TABLE actual IN ACCESS EXCLUSIVE MODE"))
            taken.set()
            time.sleep(seconds)
            connection.rollback()
        engine.dispose()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(10)
    try:
        yield taken
    finally:
        thread.join(seconds + 10)


# ----------------------------------------------------------------- signatures


@sqlite_only
@pytest.mark.parametrize("body_kind", ["url_verification", "slash_command"])
@pytest.mark.parametrize("forgery", ["wrong_signature", "tampered_body", "six_minutes_old"])
def test_unverifiable_requests_get_401_and_reach_no_listener(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store, forgery: str, body_kind: str
) -> None:
    body = {
        "url_verification": url_verification_body("challenge-" + uuid.uuid4().hex),
        "slash_command": slash_command_body("/kpi", text="log MRR 5 2026-10", user_id=OWNER),
    }[body_kind]
    kwargs: dict[str, object] = {
        "wrong_signature": {"signature": "v0=" + "0" * 64},
        "tampered_body": {"tamper": True},
        "six_minutes_old": {"timestamp": int(time.time()) - SIX_MINUTES},
    }[forgery]

    response = bot.client.post("/slack/events", body, **kwargs)  # type: ignore[arg-type]

    assert response.status == 401
    assert "challenge" not in response.text
    bot.wait_for_jobs()
    assert actuals(store) == []
    assert [c.method for c in fake_slack.calls if c.method.startswith(("chat.", "views."))] == []


@sqlite_only
def test_signed_url_verification_is_answered_and_unknown_paths_are_404(bot: InProcessBot) -> None:
    response = bot.client.post("/slack/events", url_verification_body("abc123"))
    assert response.status == 200 and "abc123" in response.text
    assert bot.client.get("/").status == 404
    assert bot.client.get("/slack/events").status == 404
    assert bot.client.post("/slack/other", url_verification_body("x")).status == 404


# ----------------------------------------------------------------- acks that promise


def test_a_log_is_stored_before_its_ack_says_stored(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    answer = person(bot, fake_slack).command("log MRR 98,500 2026-10").json()
    assert "Stored *MRR*" in answer["text"]
    assert actuals(store) == [98500]


def test_a_log_and_a_modal_behind_a_six_second_writer_are_refused_in_time_and_change_nothing(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    owner = person(bot, fake_slack)
    with write_lock_held(store, 6):
        started = time.monotonic()
        answer = owner.command("log MRR 98500 2026-10").json()
        command_took = time.monotonic() - started
        started = time.monotonic()
        form = owner.submit("log_submit", log_values("MRR", "98000", "2026-10")).json()
        modal_took = time.monotonic() - started
    assert command_took < 3.0 and modal_took < 3.0, (command_took, modal_took)
    assert "Not stored" in answer["text"] and "send it again" in answer["text"]
    assert form["response_action"] == "errors" and "Not stored" in form["errors"]["value"]
    assert actuals(store) == []
    assert count(store, Job) == 0  # nor any follow-up promised
    assert owner.command("log MRR 98500 2026-10").json()["text"].count("Stored") == 1


def test_a_log_behind_a_short_writer_waits_and_is_stored(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    with write_lock_held(store, 0.5):
        answer = person(bot, fake_slack).command("log MRR 98500 2026-10").json()
    assert "Stored" in answer["text"]
    assert actuals(store) == [98500]


def test_huddle_is_a_job_row_before_its_ack_and_the_worker_posts_it(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    bot.worker.stop()  # nothing runs it yet: the ack must stand on the row alone
    ack = person(bot, fake_slack).command("", command="/huddle").json()
    assert ack["text"].startswith("⏳")
    with store.read() as session:
        queued = session.exec(select(Job).where(Job.kind == "post_report")).all()
    assert [j.status for j in queued] == ["queued"]
    assert fake_slack.calls_to("chat.postMessage") == []
    assert bot.run_jobs() >= 1
    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert len(posts) == 1


def test_a_schedule_change_runs_once_and_viewing_takes_no_write_lock(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    chair = person(bot, fake_slack, CHAIR)
    answer = chair.command("schedule 09:15 mon,wed,fri", command="/huddle").json()
    assert "set the huddle schedule" in answer["text"]
    bot.wait_for_jobs()
    with store.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "schedule")).all()
    assert len(events) == 1
    with write_lock_held(store, 2):
        started = time.monotonic()
        shown = person(bot, fake_slack).command("schedule", command="/huddle").json()
        assert time.monotonic() - started < 1.0
    assert "09:15" in shown["text"]


# ----------------------------------------------------------------- replays


def test_a_replayed_log_does_not_undo_a_correction(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    first = slash_command_body(
        "/kpi", text="log MRR 5000 2026-10", user_id=OWNER, channel_id=CHANNEL
    )
    assert "Stored" in bot.client.post("/slack/events", first).json()["text"]
    person(bot, fake_slack).command("log MRR 95000 2026-10")

    replayed = bot.client.post("/slack/events", first)

    assert replayed.status == 401
    assert actuals(store) == [95000]


def test_a_replayed_idea_is_stored_and_thanked_once(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    body = slash_command_body("/kpi", text="idea label the bins", user_id=OWNER, channel_id=CHANNEL)
    answers = [bot.client.post("/slack/events", body) for _ in range(3)]
    assert count(store, Idea) == 1
    assert [a.status for a in answers] == [200, 401, 401]
    assert "Thank you" in answers[0].json()["text"]


def test_a_replayed_read_answers_again_and_changes_nothing(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    body = slash_command_body("/kpi", text="list", user_id=OWNER, channel_id=CHANNEL)
    first, again = (bot.client.post("/slack/events", body) for _ in range(2))
    assert first.status == again.status == 200
    assert first.json()["text"] == again.json()["text"]
    assert count(store, Job) == 0


def test_a_replayed_modal_submission_changes_nothing(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    body = view_submission_body("log_submit", log_values("MRR", "5000", "2026-10"), user_id=OWNER)
    assert bot.client.post("/slack/events", body).status == 200
    person(bot, fake_slack).command("log MRR 95000 2026-10")
    assert bot.client.post("/slack/events", body).status == 401
    assert actuals(store) == [95000]


def test_a_corrected_resubmission_of_the_same_view_is_not_a_replay(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    wrong = view_submission_body("log_submit", log_values("MRR", "lots", "2026-10"), user_id=OWNER)
    right = view_submission_body("log_submit", log_values("MRR", "5000", "2026-10"), user_id=OWNER)
    assert bot.client.post("/slack/events", wrong).json()["response_action"] == "errors"
    assert bot.client.post("/slack/events", right).json()["response_action"] == "update"
    assert actuals(store) == [5000]


def test_a_replayed_event_is_acknowledged_and_not_handled_again(
    bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    body = event_body({"type": "app_home_opened", "user": OWNER, "tab": "home"}, event_id="Ev1")
    assert bot.client.post("/slack/events", body, content_type="application/json").status == 200
    bot.wait_for_jobs()
    assert bot.client.post("/slack/events", body, content_type="application/json").status == 200
    bot.wait_for_jobs()
    assert len(fake_slack.calls_to("views.publish")) == 1


# ----------------------------------------------------------------- modals


def test_a_refused_trigger_is_explained_to_the_person(
    bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("views.open", error="expired_trigger_id")
    body = block_actions_body("log_open", "MRR 2026-10", user_id=OWNER, channel_id=CHANNEL)
    assert bot.client.post("/slack/events", body).status == 200
    told = fake_slack.wait_for(lambda f: f.calls_to("chat.postEphemeral"))
    assert "expired" in told[0].args["text"] and told[0].args["user"] == OWNER


def test_kpi_cm_says_when_slack_will_not_open_the_form(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    person(bot, fake_slack).command("log MRR 50000 2026-10")
    fake_slack.fail("views.open", error="expired_trigger_id")
    owner = person(bot, fake_slack)
    ack = owner.command("cm MRR").json()
    assert "Opening the countermeasure form" in ack["text"]
    said = fake_slack.wait_for(lambda f: f.responses_for(owner.last_response_url))
    assert "did not open" in json.dumps(said[-1].body)
