"""The clock process: schedules set from Slack reach the running jobs; outages do not kill it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import AuditEvent, Schedule
from commands.reply import Caller
from commands.schedules import handle_huddle_text, handle_review_text
from scheduler.clock import build_scheduler
from testkit.fake_slack import FakeSlack
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, import_docs, kpi, scorecard
from tests.scheduler.conftest import LONDON_CHANNEL, utc

MONDAY = utc(2026, 11, 23, 10)
PARIS = ZoneInfo("Europe/Paris")


def chair() -> Caller:
    return Caller(CHAIR, channel_id=LONDON_CHANNEL)


def test_the_chair_reschedules_the_huddle_and_the_clock_follows(
    cards: Store, client: WebClient
) -> None:
    clock = build_scheduler(client=client, store=cards, now=lambda: MONDAY)
    reply = handle_huddle_text(
        "schedule 09:15 mon,wed,fri Europe/Paris", store=cards, caller=chair(), now=MONDAY
    )
    assert reply is not None and reply.visibility == "in_channel"
    assert "09:15 Mon, Wed, Fri (Europe/Paris)" in reply.text
    assert "Next: Wed 25 Nov 2026 09:15 CET" in reply.text
    assert clock.sync().changed == ["huddle:acme"]
    trigger = clock.scheduler.get_job("huddle:acme").trigger
    assert trigger.timezone == PARIS
    fired = trigger.get_next_fire_time(None, MONDAY)
    assert fired.astimezone(UTC) == datetime(2026, 11, 25, 9, 15, tzinfo=PARIS)
    assert clock.sync().changed == []  # nothing new: no reschedule
    with cards.read() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "schedule")).one()
    assert event.actor == CHAIR and "Europe/Paris" in (event.after or "")


def test_schedule_alone_shows_the_current_schedule_to_anyone(cards: Store) -> None:
    reply = handle_huddle_text(
        "schedule", store=cards, caller=Caller(OTHER, channel_id=LONDON_CHANNEL), now=MONDAY
    )
    assert reply is not None
    assert "08:45 Monday to Friday (Europe/London) (the default)" in reply.text
    assert "Next: Tue 24 Nov 2026 08:45 GMT" in reply.text


def test_a_member_cannot_change_the_schedule_and_nothing_changes(cards: Store) -> None:
    reply = handle_huddle_text(
        "schedule 09:15 daily", store=cards, caller=Caller(OTHER, channel_id=LONDON_CHANNEL)
    )
    assert reply is not None and reply.text.startswith(f"Only the chair <@{CHAIR}> or an admin")
    with cards.read() as session:
        assert session.exec(select(Schedule)).all() == []


def test_an_admin_may_change_the_review(cards: Store) -> None:
    admin = Caller(ADMIN, channel_id=LONDON_CHANNEL, is_admin=True)
    reply = handle_review_text("schedule 5 14:00", store=cards, caller=admin, now=MONDAY)
    assert reply is not None and "day 5 of the month at 14:00" in reply.text
    assert "Next: Sat 05 Dec 2026 14:00 GMT" in reply.text


@pytest.mark.parametrize(
    ("command", "text", "problem"),
    [
        ("huddle", "schedule 25:00", "not a time of day"),
        ("huddle", "schedule 09:00 weekends", "not a list of days"),
        ("huddle", "schedule 09:00 daily Mars/Olympus", "not a known time zone"),
        ("huddle", "off now", "takes nothing after it"),
        ("review", "schedule 31 09:00", "first-workday or a day of the month 1..28"),
        ("review", "schedule first-workday", "give the day"),
    ],
)
def test_errors_show_the_right_form_and_change_nothing(
    cards: Store, command: str, text: str, problem: str
) -> None:
    handler = handle_huddle_text if command == "huddle" else handle_review_text
    reply = handler(text, store=cards, caller=chair())
    assert reply is not None and problem in reply.text
    assert f"Usage: `/{command} schedule" in reply.text
    with cards.read() as session:
        assert session.exec(select(Schedule)).all() == []


@pytest.mark.parametrize("text", ["", "2026-10", "help me"])
def test_other_review_texts_are_left_to_the_caller(cards: Store, text: str) -> None:
    assert handle_review_text(text, store=cards, caller=chair()) is None
    assert handle_huddle_text(text, store=cards, caller=chair()) is None


def test_switching_off_removes_the_job(cards: Store, client: WebClient) -> None:
    clock = build_scheduler(client=client, store=cards, now=lambda: MONDAY)
    handle_review_text("off", store=cards, caller=chair())
    assert clock.sync().removed == ["review:acme"]
    assert clock.scheduler.get_job("review:acme") is None


def test_start_catches_up_a_run_missed_within_grace(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    clock = build_scheduler(client=client, store=cards, now=lambda: utc(2026, 11, 23, 9, 5))
    clock.start()
    try:
        assert len(fake_slack.posted_messages(LONDON_CHANNEL)) == 1
        assert {j.id for j in clock.scheduler.get_jobs()} >= {"sync", "huddle:acme"}
    finally:
        clock.shutdown(wait=False)


def test_a_database_outage_fails_the_tick_loudly_and_the_clock_keeps_going(
    client: WebClient, caplog: pytest.LogCaptureFixture
) -> None:
    dead = Store("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    clock = build_scheduler(client=client, store=dead, sync_jobs=False)
    with caplog.at_level(logging.ERROR, logger="scheduler.clock"):
        clock.tick()
        clock.run_job("huddle", "acme")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2 and all(r.exc_info for r in errors)
    assert "database unavailable" in errors[0].getMessage()


@pytest.mark.slow
def test_two_clock_processes_post_a_missed_huddle_once(
    postgres_db: str, fake_slack: FakeSlack, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    store = Store(postgres_db)
    import_docs(store, scorecard(kpi("E2E"), slug="live", timezone="UTC"))
    # A minute ago: both clocks catch the missed run up as they start (it is within the
    # huddle's grace), racing each other at once instead of waiting for the next minute.
    now = datetime.now(UTC)
    earlier = now - timedelta(minutes=1)
    soon = (earlier if earlier.date() == now.date() else now + timedelta(minutes=1)).strftime(
        "%H:%M"
    )
    reply = handle_huddle_text(
        f"schedule {soon} daily UTC", store=store, caller=Caller(CHAIR, channel_id=CHANNEL)
    )
    assert reply is not None and "set the huddle" in reply.text
    store.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": postgres_db,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake_slack.url,
    }
    command = [str(Path(sys.executable).with_name("bscbot")), "clock"]
    logs = [open(tmp_path / f"clock{n}.log", "wb") for n in range(2)]  # noqa: SIM115
    processes = [
        subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs
    ]
    try:
        fake_slack.wait_for(lambda: fake_slack.posted_messages(CHANNEL), timeout=100)
        time.sleep(3)  # both processes have fired by now; give a duplicate time to show up
        assert all(p.poll() is None for p in processes), "a clock process died"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        for log in logs:
            log.close()
    posts = fake_slack.posted_messages(CHANNEL)
    output = "\n".join((tmp_path / f"clock{n}.log").read_text() for n in range(2))
    assert len(posts) == 1, output
    assert posts[0].json("metadata")["event_payload"]["key"].startswith("huddle:live:")
    assert "job huddle:live scheduled" in output
