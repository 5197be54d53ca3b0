"""The ticks: each huddle and review posted exactly once, at the right local time, whatever
fails around it. Time is driven by passing ``now``; nothing sleeps."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from functools import partial

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.slack_client import make_client
from bsc_core.db import Store
from bsc_core.models import AuditEvent, Delivery
from scheduler import jobs, ledger
from scheduler.jobs import run_due
from testkit.fake_slack import FakeSlack
from tests.factories import CHAIR
from tests.scheduler.conftest import (
    BETA_CHANNEL,
    LONDON_CHANNEL,
    NEW_YORK_CHANNEL,
    add_scorecard,
    utc,
)

# The clock calls run_due per kind; these read like the clock's jobs.
run_due_huddles = partial(run_due, kind="huddle")
run_due_reviews = partial(run_due, kind="review")
run_due_nags = partial(run_due, kind="nag")


def deliveries(store: Store) -> dict[str, Delivery]:
    with store.read() as session:
        return {d.key: d for d in session.exec(select(Delivery))}


def huddle_posts(fake: FakeSlack, channel: str) -> list[str]:
    return [
        c.json("metadata")["event_payload"]["key"]
        for c in fake.posted_messages(channel)
        if c.json("metadata")
    ]


def tick_every_quarter_hour(
    client: WebClient, store: Store, start: datetime, end: datetime
) -> None:
    """The clock's ticks over a week, every quarter of an hour (08:45 local is one of them;
    the minute before a run is checked by the spring-forward test)."""
    now = start
    while now < end:
        run_due_huddles(client, store, now=now)
        now += timedelta(minutes=15)


def week_posts(store: Store, prefix: str) -> dict[str, datetime]:
    """When each posted key was claimed: the tick's minute, i.e. when it went out."""
    return {
        k: d.claimed_at
        for k, d in deliveries(store).items()
        if k.startswith(prefix) and d.status == "posted"
    }


def test_a_simulated_week_posts_one_huddle_per_working_day_at_0845_local(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    # Monday 23 to Sunday 29 November 2026: London is UTC+0, New York UTC-5.
    tick_every_quarter_hour(client, cards, utc(2026, 11, 23), utc(2026, 11, 30))
    days = [f"2026-11-{d}" for d in range(23, 28)]
    assert huddle_posts(fake_slack, LONDON_CHANNEL) == [f"huddle:acme:{d}" for d in days]
    assert huddle_posts(fake_slack, NEW_YORK_CHANNEL) == [f"huddle:nyc:{d}" for d in days]
    london = week_posts(cards, "huddle:acme")
    assert london["huddle:acme:2026-11-23"] == utc(2026, 11, 23, 8, 45)
    assert week_posts(cards, "huddle:nyc")["huddle:nyc:2026-11-27"] == utc(2026, 11, 27, 13, 45)


def test_a_week_across_the_clock_change_keeps_0845_local(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    # Wednesday 21 to Tuesday 27 October 2026: London leaves BST on Sunday 25 October.
    tick_every_quarter_hour(client, cards, utc(2026, 10, 21), utc(2026, 10, 28))
    posted = week_posts(cards, "huddle:acme")
    assert sorted(posted) == [f"huddle:acme:2026-10-{d}" for d in (21, 22, 23, 26, 27)]
    assert posted["huddle:acme:2026-10-23"] == utc(2026, 10, 23, 7, 45)  # BST
    assert posted["huddle:acme:2026-10-26"] == utc(2026, 10, 26, 8, 45)  # GMT
    assert len(fake_slack.posted_messages(LONDON_CHANNEL)) == 5


def test_new_york_spring_forward_week(cards: Store, client: WebClient) -> None:
    # New York springs forward on Sunday 8 March 2026, London only on 29 March.
    for day, hour in ((6, 13), (9, 12)):  # Friday EST, Monday EDT
        run_due_huddles(client, cards, now=utc(2026, 3, day, hour, 44))
        assert not week_posts(cards, f"huddle:nyc:2026-03-0{day}")
        run_due_huddles(client, cards, now=utc(2026, 3, day, hour, 45))
        assert week_posts(cards, f"huddle:nyc:2026-03-0{day}")


def test_two_processes_ticking_the_same_minute_post_each_huddle_once(
    postgres_db: str, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    first, second = Store(postgres_db), Store(postgres_db)
    for n in range(4):
        add_scorecard(first, f"card{n}", timezone="Europe/London", channel=f"C0CARD000{n}")
    second.ensure_schema()
    for day in (23, 24, 25):
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def process(
            store: Store,
            worker: str,
            day: int = day,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            client = make_client("xoxb-test")
            barrier.wait()
            try:
                run_due_huddles(client, store, now=utc(2026, 11, day, 8, 45), worker_id=worker)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=process, args=(first, "one")),
            threading.Thread(target=process, args=(second, "two")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
    for n in range(4):
        keys = huddle_posts(fake_slack, f"C0CARD000{n}")
        assert keys == [f"huddle:card{n}:2026-11-{d}" for d in (23, 24, 25)]
    first.dispose()
    second.dispose()


def test_a_crash_between_post_and_ledger_does_not_repost_after_restart(
    cards: Store, client: WebClient, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("process killed")

    with monkeypatch.context() as patch:
        patch.setattr(ledger, "mark_posted", crash)
        with pytest.raises(KeyboardInterrupt):
            run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, 45), worker_id="crashed")
    assert len(fake_slack.posted_messages(LONDON_CHANNEL)) == 1
    # A restart a few minutes later leaves the fresh claim alone …
    run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, 50), worker_id="restarted")
    assert deliveries(cards)["huddle:acme:2026-11-23"].status == "claimed"
    # … and once it is stale, finds the message by its metadata instead of posting again.
    report = run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, 56), worker_id="restarted")
    assert report.found == ["huddle:acme:2026-11-23"] and report.posted == []
    assert len(fake_slack.posted_messages(LONDON_CHANNEL)) == 1
    row = deliveries(cards)["huddle:acme:2026-11-23"]
    assert (
        row.status == "posted"
        and row.message_ts == fake_slack.posted_messages(LONDON_CHANNEL)[0].response["ts"]
    )
    assert fake_slack.calls_to("conversations.history")[0].args.get("include_all_metadata")


def test_a_stale_claim_with_nothing_in_the_channel_posts_once(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    claim = ledger.claim(
        cards,
        key="huddle:acme:2026-11-23",
        kind="huddle",
        scorecard_id=1,
        due_at=utc(2026, 11, 23, 8, 45),
        worker_id="died",
        now=utc(2026, 11, 23, 8, 45),
        grace=timedelta(minutes=30),
    )
    assert claim is not None
    fake_slack.add_message(LONDON_CHANNEL, "chatter")
    for minute in range(56, 60):
        run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, minute), worker_id="new")
    assert huddle_posts(fake_slack, LONDON_CHANNEL) == ["huddle:acme:2026-11-23"]
    assert deliveries(cards)["huddle:acme:2026-11-23"].attempts == 2


def test_a_run_missed_by_more_than_its_grace_is_skipped_and_logged(
    cards: Store, client: WebClient, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="scheduler.jobs"):
        run_due_huddles(client, cards, now=utc(2026, 11, 23, 9, 16))
        run_due_huddles(client, cards, now=utc(2026, 11, 23, 9, 17))
    assert fake_slack.posted_messages(LONDON_CHANNEL) == []
    assert deliveries(cards)["huddle:acme:2026-11-23"].status == "skipped"
    skipped = [r for r in caplog.records if "huddle:acme:2026-11-23" in r.getMessage()]
    assert len(skipped) == 1 and "skipped" in skipped[0].getMessage()


def test_a_run_missed_by_less_than_its_grace_runs_once(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    for minute in (14, 15, 20):
        run_due_huddles(client, cards, now=utc(2026, 11, 23, 9, minute))
    assert huddle_posts(fake_slack, LONDON_CHANNEL) == ["huddle:acme:2026-11-23"]


def test_a_late_review_within_twelve_hours_still_posts_once(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    # Monday 2 November 2026 is the first working day; the clock was down until 15:00.
    run_due_reviews(client, cards, now=utc(2026, 11, 2, 15))
    run_due_reviews(client, cards, now=utc(2026, 11, 2, 15, 1))
    assert huddle_posts(fake_slack, LONDON_CHANNEL) == ["review:acme:2026-10"]


def test_a_broken_channel_leaves_the_others_posted_and_tells_the_chair_once(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    add_scorecard(cards, "beta", timezone="Europe/London", channel=BETA_CHANNEL)
    fake_slack.fail_for_channel(BETA_CHANNEL, "channel_not_found")
    reports = [
        run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, 45) + timedelta(minutes=m))
        for m in range(0, 16)
    ]
    assert huddle_posts(fake_slack, LONDON_CHANNEL) == ["huddle:acme:2026-11-23"]
    row = deliveries(cards)["huddle:beta:2026-11-23"]
    assert row.status == "failed" and row.error == "channel_not_found"
    assert row.attempts == 4  # 08:45, then a retry every five minutes
    assert sum(1 for r in reports if "huddle:beta:2026-11-23" in r.failed) == 4
    dms = fake_slack.posted_messages(CHAIR)
    assert len(dms) == 1 and "channel_not_found" in dms[0].args["text"]


def test_a_429_storm_still_posts_every_huddle_exactly_once(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    add_scorecard(cards, "beta", timezone="Europe/London", channel=BETA_CHANNEL)
    fake_slack.rate_limit(every=3, retry_after=0)
    run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, 45))
    run_due_huddles(client, cards, now=utc(2026, 11, 23, 13, 45))
    assert huddle_posts(fake_slack, LONDON_CHANNEL) == ["huddle:acme:2026-11-23"]
    assert huddle_posts(fake_slack, BETA_CHANNEL) == ["huddle:beta:2026-11-23"]
    assert huddle_posts(fake_slack, NEW_YORK_CHANNEL) == ["huddle:nyc:2026-11-23"]
    assert any(c.status == 429 for c in fake_slack.calls)


def test_a_switched_off_huddle_is_not_posted(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    from commands.reply import Caller
    from commands.schedules import handle_huddle_text

    reply = handle_huddle_text("off", store=cards, caller=Caller(CHAIR, channel_id=LONDON_CHANNEL))
    assert reply is not None and "switched off" in reply.text
    run_due_huddles(client, cards, now=utc(2026, 11, 23, 8, 45))
    assert fake_slack.posted_messages(LONDON_CHANNEL) == []
    with cards.read() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.entity == "schedule")).first()


def test_worker_ids_differ_between_processes() -> None:
    assert jobs.new_worker_id() != jobs.new_worker_id()


def test_the_nag_round_runs_once_per_scorecard_and_local_day(
    cards: Store, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scheduler.nag

    rounds: list[tuple[str | None, datetime, bool]] = []

    def fake_round(client, store, *, now, scheduled, scorecard_slug=None):  # type: ignore[no-untyped-def]
        rounds.append((scorecard_slug, now, scheduled))

    monkeypatch.setattr(scheduler.nag, "run_nag_round", fake_round)
    for minute in range(0, 10):
        run_due_nags(client, cards, now=utc(2026, 11, 23, 10, minute))
    assert rounds == [("acme", utc(2026, 11, 23, 10), True)]
    assert deliveries(cards)["nag:acme:2026-11-23"].status == "posted"
