"""Effective schedules, their runs across daylight saving, and the APScheduler jobs on them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bsc_core.db import Store
from bsc_core.schedules import (
    WORKDAYS,
    EffectiveSchedule,
    ScheduleError,
    first_workday,
    last_run,
    next_run,
    parse_days,
    parse_time,
)
from scheduler.clock import build_scheduler, cron_trigger
from scheduler.schedules import delivery_key
from tests.scheduler.conftest import utc

LONDON = ZoneInfo("Europe/London")


def sched(
    kind: str = "huddle",
    *,
    at: time = time(8, 45),
    days=WORKDAYS,
    tz="Europe/London",
    day_of_month: str | None = None,
) -> EffectiveSchedule:  # type: ignore[no-untyped-def]
    return EffectiveSchedule(
        scorecard_id=1,
        slug="acme",
        name="Acme",
        kind=kind,
        enabled=True,
        at=at,
        days=tuple(days),
        day_of_month=day_of_month,
        timezone=tz,
        is_default=False,
        channel_id="C1",
        chair="U1",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("daily", tuple(range(7))),
        ("mon,wed,fri", (0, 2, 4)),
        ("FRI,mon", (0, 4)),
        ("sat,sun", (5, 6)),
    ],
)
def test_days_are_read_as_written(text: str, expected: tuple[int, ...]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["monday", "mon-wed", "mon;fri", ""])
def test_unknown_days_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError, match="mon-fri, daily"):
        parse_days(text)


@pytest.mark.parametrize("text", ["24:00", "8.45", "08:60", "nine"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_time(text)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2026, 11, date(2026, 11, 2)), (2026, 8, date(2026, 8, 3)), (2026, 10, date(2026, 10, 1))],
)
def test_first_workday_is_the_first_monday_to_friday(year: int, month: int, expected: date) -> None:
    assert first_workday(year, month) == expected


def test_next_huddle_after_friday_is_monday_in_local_time() -> None:
    friday_after = datetime(2026, 11, 27, 9, 0, tzinfo=LONDON)
    assert next_run(sched(), friday_after) == datetime(2026, 11, 30, 8, 45, tzinfo=LONDON)
    assert next_run(sched(), friday_after).tzinfo is UTC


def test_review_runs_on_the_first_workday_and_its_key_is_the_reviewed_month() -> None:
    review = sched("review", at=time(9, 0), day_of_month="first-workday")
    run = next_run(review, utc(2026, 10, 15))
    assert run == datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
    assert delivery_key(review, run) == "review:acme:2026-10"


def test_huddle_key_uses_the_local_date() -> None:
    tokyo = sched(tz="Asia/Tokyo")
    run = next_run(tokyo, utc(2026, 11, 22, 12))  # Sunday 21:00 in Tokyo
    assert run is not None and run.astimezone(UTC) == utc(2026, 11, 22, 23, 45)
    assert delivery_key(tokyo, run) == "huddle:acme:2026-11-23"


def test_spring_gap_runs_once_shifted_and_agrees_with_apscheduler() -> None:
    nightly = sched(at=time(1, 30), days=range(7))
    after = utc(2026, 3, 28, 12)
    ours = next_run(nightly, after)
    theirs = cron_trigger(nightly).get_next_fire_time(None, after)
    # 01:30 does not exist that night: both run at 02:30 BST (same-zone datetimes compare
    # by wall clock, so compare instants in UTC).
    assert ours is not None and theirs is not None
    assert ours.astimezone(UTC) == theirs.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert next_run(nightly, ours) == datetime(2026, 3, 30, 1, 30, tzinfo=LONDON)


def test_autumn_repeat_runs_at_the_first_occurrence_and_the_key_stops_the_second() -> None:
    nightly = sched(at=time(1, 30), days=range(7))
    after = utc(2026, 10, 24, 12)
    first = next_run(nightly, after)
    assert first == utc(2026, 10, 25, 0, 30)  # 01:30 BST
    assert next_run(nightly, first) == datetime(2026, 10, 26, 1, 30, tzinfo=LONDON)
    assert last_run(nightly, utc(2026, 10, 25, 1, 45)) == first
    trigger = cron_trigger(nightly)
    fired = trigger.get_next_fire_time(None, after)
    assert fired.astimezone(UTC) == first
    # APScheduler fires again at 01:30 GMT; both runs carry the same ledger key.
    again = trigger.get_next_fire_time(fired, fired)
    assert delivery_key(nightly, again) == delivery_key(nightly, fired)


@pytest.mark.parametrize(
    ("after", "expected_utc"),
    [
        (utc(2026, 3, 27, 9), utc(2026, 3, 30, 7, 45)),  # spring: GMT Friday, BST Monday
        (utc(2026, 10, 23, 9), utc(2026, 10, 26, 8, 45)),  # autumn: BST Friday, GMT Monday
    ],
)
def test_huddle_trigger_crosses_daylight_saving_at_0845_local(
    after: datetime, expected_utc: datetime
) -> None:
    trigger = cron_trigger(sched())
    fired = trigger.get_next_fire_time(None, after)
    assert fired.astimezone(UTC) == expected_utc == next_run(sched(), after)
    assert fired.astimezone(LONDON).time() == time(8, 45)


def test_built_scheduler_has_one_zoned_cron_job_per_scorecard_and_kind(
    cards: Store, client
) -> None:  # type: ignore[no-untyped-def]
    clock = build_scheduler(client=client, store=cards)
    jobs = {job.id: job for job in clock.scheduler.get_jobs()}
    assert set(jobs) == {f"{k}:{s}" for k in ("huddle", "review", "nag") for s in ("acme", "nyc")}
    huddle = jobs["huddle:nyc"].trigger
    assert isinstance(huddle, CronTrigger)
    assert huddle.timezone == ZoneInfo("America/New_York")
    fields = {f.name: str(f) for f in huddle.fields}
    assert (fields["hour"], fields["minute"], fields["day_of_week"]) == ("8", "45", "mon-fri")
    review = {f.name: str(f) for f in jobs["review:acme"].trigger.fields}
    assert (review["day"], review["day_of_week"], review["hour"]) == ("1-3", "mon-fri", "9")
    assert jobs["nag:acme"].trigger.timezone == LONDON
    assert clock.scheduler._job_defaults["misfire_grace_time"] > 1800
    assert clock.scheduler._job_defaults["coalesce"] is True
