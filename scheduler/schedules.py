"""The clock's view of the schedules: job ids, cron fields, ledger keys and due runs.

The schedule itself (defaults, parsing, next and last run) is :mod:`bsc_core.schedules`, shared
with the slash commands; this module adds what only the clock needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bsc_core.periods import Period
from bsc_core.reports.review import last_ended_month
from bsc_core.schedules import (
    FIRST_WORKDAY,
    GRACE,
    KINDS,
    EffectiveSchedule,
    format_days,
    last_run,
    load_schedules,
    next_run,
)

__all__ = [
    "GRACE",
    "KINDS",
    "DueRun",
    "EffectiveSchedule",
    "cron_fields",
    "delivery_key",
    "due_run",
    "enabled_schedules",
    "job_id",
    "last_run",
    "next_run",
    "review_month",
]


def job_id(schedule: EffectiveSchedule) -> str:
    """One APScheduler job per scorecard and kind: ``huddle:acme``."""
    return f"{schedule.kind}:{schedule.slug}"


def cron_fields(schedule: EffectiveSchedule) -> dict[str, Any]:
    """CronTrigger keyword arguments (without the zone) that fire at every run.

    Cron has no "first working day": a first-workday review fires on days 1-3 when they are
    Monday to Friday, and the tick runs only on the one that is the first (the ledger key,
    one per month, would stop a second post anyway).
    """
    fields: dict[str, Any] = {
        "hour": schedule.at.hour,
        "minute": schedule.at.minute,
        "second": 0,
    }
    if schedule.kind == "review":
        if schedule.day_of_month in (None, FIRST_WORKDAY):
            fields.update(day="1-3", day_of_week="mon-fri")
        else:
            fields["day"] = int(schedule.day_of_month)
        return fields
    days = format_days(schedule.days)
    fields["day_of_week"] = "*" if days == "daily" else days
    return fields


def review_month(run_at: datetime, schedule: EffectiveSchedule) -> Period:
    """The month a review run covers: the one that ended last on the run's local date."""
    return last_ended_month(run_at.astimezone(schedule.zone).date())


def delivery_key(schedule: EffectiveSchedule, run_at: datetime) -> str:
    """The ledger key of a run; it is also the key the report carries in its metadata.

    Keyed by the local date (huddle, nag) or the reviewed month, so a daylight-saving change
    can neither give a day two keys nor two days one key.
    """
    if schedule.kind == "review":
        return f"review:{schedule.slug}:{review_month(run_at, schedule)}"
    local_day = run_at.astimezone(schedule.zone).date()
    return f"{schedule.kind}:{schedule.slug}:{local_day.isoformat()}"


@dataclass(frozen=True)
class DueRun:
    """The latest run of a schedule at some moment, and how late it is by then."""

    schedule: EffectiveSchedule
    run_at: datetime
    key: str
    late: timedelta

    @property
    def within_grace(self) -> bool:
        return self.late <= self.schedule.grace


def due_run(schedule: EffectiveSchedule, now: datetime) -> DueRun | None:
    """The latest run at or before ``now``, or None when the schedule is off."""
    run_at = last_run(schedule, now)
    if run_at is None:
        return None
    return DueRun(
        schedule=schedule, run_at=run_at, key=delivery_key(schedule, run_at), late=now - run_at
    )


def enabled_schedules(
    session: Session, *, kinds: tuple[str, ...] = KINDS, slug: str | None = None
) -> list[EffectiveSchedule]:
    """The schedules the clock runs: switched-on ones of scorecards that have a channel."""
    return [
        s
        for s in load_schedules(session, kinds=kinds, slug=slug)
        if s.enabled and (s.channel_id or s.kind == "nag")
    ]
