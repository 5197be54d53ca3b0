"""The clock's ticks: for a given moment, post every huddle or review that is due, once.

A tick is a plain function of ``now``: APScheduler calls it on time, the catch-up calls it on
start and every sync, and the tests call it with any moment they like. For each scorecard it
finds the latest scheduled run at or before ``now`` in the scorecard's own time zone, and:

- within the kind's grace (huddle 30 min, review 12 h): claims the run's key in the ledger and
  posts; a key someone already posted, or is posting, is left alone;
- later than that, with no ledger row: records the run as skipped and logs it (once);
- a failed or abandoned earlier attempt is retried (see :mod:`scheduler.ledger`), after looking
  for the key in the channel's history, since a crash between the post and the ledger update
  leaves the message in the channel.

One scorecard's Slack error never stops the others: it is logged, kept in the ledger for the
next ticks, and the chair hears about it once. A database outage propagates: the tick fails
loudly and the next one tries again.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import col, select

from bot.publish import find_posted
from bsc_core.db import DatabaseUnavailable, Store
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.models import Delivery
from scheduler import ledger
from scheduler.schedules import KINDS, DueRun, due_run, enabled_schedules, review_month

log = logging.getLogger(__name__)

#: How far back the channel is searched for an earlier post of a re-claimed key.


def new_worker_id() -> str:
    """Who holds a claim: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


WORKER_ID = new_worker_id()


@dataclass
class TickReport:
    """What one tick did, by ledger key."""

    kind: str
    posted: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def merge(self, other: TickReport) -> None:
        self.posted += other.posted
        self.found += other.found
        self.skipped += other.skipped
        self.failed.update(other.failed)


def _error_code(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error)
    return f"{type(error).__name__}: {error}"


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning(message)


def _nag_runner() -> Callable[..., Any] | None:
    """``scheduler.nag.run_nag_round``, imported when first needed (it may not exist yet)."""
    try:
        from scheduler.nag import run_nag_round
    except ImportError:
        return None
    return run_nag_round


def _publish(
    client: WebClient, store: Store, due: DueRun, *, now: datetime
) -> tuple[str | None, str | None, str | None]:
    """Do the run's work; returns (ts, channel, note) for the ledger."""
    schedule = due.schedule
    if schedule.kind == "nag":
        runner = _nag_runner()
        if runner is None:
            raise RuntimeError("scheduler.nag is not installed")
        runner(client, store, now=now, scheduled=True, scorecard_slug=schedule.slug)
        return None, None, None
    from bot.publish import publish_huddle, publish_review

    if schedule.kind == "huddle":
        result = publish_huddle(
            client,
            store,
            scorecard_slug=schedule.slug,
            day=due.run_at.astimezone(schedule.zone).date(),
        )
    else:
        result = publish_review(
            client, store, scorecard_slug=schedule.slug, month=review_month(due.run_at, schedule)
        )
    note = f"charts not uploaded: {result.upload_error}" if result.upload_error else None
    return result.ts, result.channel, note


def _tell_chair(client: WebClient, due: DueRun, problem: str) -> None:
    """One DM to the chair about a scheduled post that did not go out (or lost its charts)."""
    schedule = due.schedule
    if not schedule.chair:
        log.warning("%s: no chair to tell about %s", due.key, problem)
        return
    local = due.run_at.astimezone(schedule.zone)
    where = f"<#{schedule.channel_id}>" if schedule.channel_id else "its channel"
    text = (
        f"{mention(schedule.chair)}, the {schedule.kind} of *{escape_mrkdwn(schedule.name)}* "
        f"due {local:%a %d %b %H:%M} ({schedule.timezone}) had a problem in {where}: "
        f"`{escape_mrkdwn(problem)}`. "
    )
    if problem.startswith("charts not uploaded"):
        text += "The report was posted without its charts; invite me with `/invite @bscbot`."
    else:
        text += (
            "I will keep trying for a few hours. If the channel was archived or renamed, set "
            "`channel:` in the scorecard's YAML; if I am not in it, `/invite @bscbot`."
        )
    try:
        client.chat_postMessage(channel=schedule.chair, text=text)
    except SlackClientError as error:
        log.error("%s: could not DM the chair %s: %s", due.key, schedule.chair, _error_code(error))


def _run_one(
    client: WebClient,
    store: Store,
    due: DueRun,
    *,
    now: datetime,
    worker_id: str,
    report: TickReport,
    known: bool,
) -> None:
    schedule = due.schedule
    if not due.within_grace and not known:
        reason = f"missed by {due.late} (grace {schedule.grace})"
        if ledger.skip(
            store,
            key=due.key,
            kind=schedule.kind,
            scorecard_id=schedule.scorecard_id,
            due_at=due.run_at,
            now=now,
            reason=reason,
        ):
            log.warning(
                "%s due %s was %s: skipped",
                due.key,
                due.run_at.astimezone(schedule.zone).isoformat(),
                reason,
            )
            report.skipped.append(due.key)
        return
    if schedule.kind == "nag" and _nag_runner() is None:
        _warn_once("the nag round (scheduler.nag) is not available in this version: not run")
        return
    claim = ledger.claim(
        store,
        key=due.key,
        kind=schedule.kind,
        scorecard_id=schedule.scorecard_id,
        due_at=due.run_at,
        worker_id=worker_id,
        now=now,
        grace=schedule.grace,
    )
    if claim is None:
        return
    try:
        if claim.recheck and schedule.kind != "nag" and schedule.channel_id:
            ts = find_posted(client, channel=schedule.channel_id, key=due.key)
            if ts is not None:
                log.info(
                    "%s: already in %s (ts %s); not posting again", due.key, schedule.channel_id, ts
                )
                ledger.mark_posted(store, claim, ts=ts, channel=schedule.channel_id, now=now)
                report.found.append(due.key)
                return
        ts, channel, note = _publish(client, store, due, now=now)
    except DatabaseUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - one scorecard's failure must not stop the others
        code = _error_code(error)
        if isinstance(error, SlackClientError):
            log.error("%s: Slack refused the post: %s (will retry)", due.key, code)
        else:
            log.exception("%s: the post failed (will retry)", due.key)
        report.failed[due.key] = code
        if ledger.mark_failed(store, claim, error=code, now=now) and schedule.kind != "nag":
            _tell_chair(client, due, code)
        return
    ledger.mark_posted(store, claim, ts=ts, channel=channel, now=now, note=note)
    report.posted.append(due.key)
    log.info("%s: posted to %s (ts %s)", due.key, channel, ts)
    if note and ledger.take_chair_notice(store, claim):
        _tell_chair(client, due, note)


def run_due(
    client: WebClient,
    store: Store,
    *,
    kind: str,
    now: datetime,
    scorecard_slug: str | None = None,
    worker_id: str = WORKER_ID,
) -> TickReport:
    """Post every ``kind`` run due at ``now`` (aware), for one scorecard or all of them.

    Raises ``DatabaseUnavailable`` when the database does not answer; Slack errors never
    escape (they are in the report and the ledger).
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    report = TickReport(kind=kind)
    with store.read() as session:
        schedules = enabled_schedules(session, kinds=(kind,), slug=scorecard_slug)
        runs = [d for d in (due_run(s, now) for s in schedules) if d is not None]
        # One query for the ledger rows of every due key: most ticks find them all done.
        rows = {
            row.key: row
            for row in session.exec(
                select(Delivery).where(col(Delivery.key).in_([d.key for d in runs]))
            )
        }
    for due in runs:
        row = rows.get(due.key)
        if row is not None and row.status in ("posted", "skipped"):
            continue
        _run_one(
            client, store, due, now=now, worker_id=worker_id, report=report, known=row is not None
        )
    return report


def run_all_due(
    client: WebClient, store: Store, *, now: datetime, worker_id: str = WORKER_ID
) -> TickReport:
    """Every kind at once: the catch-up on start and after each sync."""
    total = TickReport(kind="all")
    for kind in KINDS:
        total.merge(run_due(client, store, kind=kind, now=now, worker_id=worker_id))
    return total
