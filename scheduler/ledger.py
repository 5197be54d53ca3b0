"""The delivery ledger: a scheduled post is claimed in the database before it is sent.

The unique ``Delivery.key`` is what makes a post happen once, whatever the processes do: the
first process to insert the key owns the run; another one (a second clock started by mistake,
a catch-up racing the cron job) fails on the unique key and backs off. Process discipline
alone is not enough (two schedulers on one job store post twice).

A row's life::

    claimed ──post ok──▶ posted
       │  └─Slack error─▶ failed ──retry (CAS)──▶ claimed
       └─no completion for STALE_CLAIM (crash)──re-claim (CAS)──▶ claimed
    (no row, run missed by more than its grace) ──▶ skipped

A re-claimed row (stale or failed) may already have its message in the channel, so the caller
looks for the key in the channel's history before posting again: ``Claim.recheck``.

Every function takes ``now`` so tests drive time, and each runs in its own short transaction
(``BEGIN IMMEDIATE`` on SQLite) so nothing is held open while Slack is called.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bsc_core.db import Store
from bsc_core.models import Delivery

log = logging.getLogger(__name__)

#: A claim not completed within this long is taken to be from a process that died mid-post.
STALE_CLAIM = timedelta(minutes=10)
#: A failed post is tried again at most this often …
RETRY_EVERY = timedelta(minutes=5)
#: … and for at least this long after it was due (longer when the kind's grace is longer).
RETRY_WINDOW = timedelta(hours=3)
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Claim:
    """The right to post one key now; ``recheck``: look for an earlier post first."""

    key: str
    delivery_id: int
    worker_id: str
    attempts: int
    recheck: bool


def retry_window(grace: timedelta) -> timedelta:
    return max(grace, RETRY_WINDOW)


def get(store: Store, key: str) -> Delivery | None:
    """The ledger row of ``key``, if any."""
    with store.read() as session:
        return session.exec(select(Delivery).where(Delivery.key == key)).first()


def claim(
    store: Store,
    *,
    key: str,
    kind: str,
    scorecard_id: int,
    due_at: datetime,
    worker_id: str,
    now: datetime,
    grace: timedelta,
) -> Claim | None:
    """Claim ``key`` for ``worker_id``; None when someone else has it or it needs no post.

    Args:
        due_at: when the run was due (aware); ``now - due_at`` is compared with ``grace``.
        grace: how late a first attempt may start; failed and stale rows are retried for
            :func:`retry_window` of it.
    """
    try:
        with store.write() as session:
            row = session.exec(select(Delivery).where(Delivery.key == key)).first()
            if row is None:
                delivery = Delivery(
                    key=key,
                    kind=kind,
                    scorecard_id=scorecard_id,
                    due_at=due_at,
                    status="claimed",
                    claimed_by=worker_id,
                    claimed_at=now,
                    updated_at=now,
                )
                session.add(delivery)
                session.flush()
                return Claim(key, delivery.id or 0, worker_id, 1, recheck=False)
            return _reclaim(session, row, worker_id=worker_id, now=now, grace=grace)
    except IntegrityError:
        # Another process inserted the key between our read and our insert: it owns the run.
        log.info("%s: claimed by another process first", key)
        return None


def _reclaim(
    session: Session, row: Delivery, *, worker_id: str, now: datetime, grace: timedelta
) -> Claim | None:
    """Take over a stale claim or a failed row with compare-and-set, or leave it alone."""
    if row.status in ("posted", "skipped"):
        return None
    if now - row.due_at > retry_window(grace):
        return None
    table = Delivery.__table__  # type: ignore[attr-defined]
    if row.status == "claimed":
        if row.claimed_at > now - STALE_CLAIM:
            return None
        guard = table.c.status == "claimed"
        log.warning(
            "%s: claim by %s from %s never completed; taking it over",
            row.key,
            row.claimed_by,
            row.claimed_at.isoformat(),
        )
    elif row.status == "failed":
        if row.updated_at > now - RETRY_EVERY:
            return None
        guard = table.c.status == "failed"
    else:
        log.error("%s: unknown ledger status %r; leaving it", row.key, row.status)
        return None
    result = session.execute(
        update(table)
        # ``attempts`` grows with every take-over: it is the row's version for compare-and-set.
        .where((table.c.id == row.id) & (table.c.attempts == row.attempts) & guard)
        .values(
            status="claimed",
            claimed_by=worker_id,
            claimed_at=now,
            attempts=row.attempts + 1,
            updated_at=now,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return Claim(row.key, row.id or 0, worker_id, row.attempts + 1, recheck=True)


def skip(
    store: Store,
    *,
    key: str,
    kind: str,
    scorecard_id: int,
    due_at: datetime,
    now: datetime,
    reason: str,
) -> bool:
    """Record that a run was skipped (missed by more than its grace); True if newly recorded."""
    try:
        with store.write() as session:
            if session.exec(select(Delivery.id).where(Delivery.key == key)).first() is not None:
                return False
            session.add(
                Delivery(
                    key=key,
                    kind=kind,
                    scorecard_id=scorecard_id,
                    due_at=due_at,
                    status="skipped",
                    claimed_at=now,
                    attempts=0,
                    error=reason[:MAX_ERROR_LENGTH],
                    updated_at=now,
                )
            )
            return True
    except IntegrityError:
        return False


def mark_posted(
    store: Store,
    claim: Claim,
    *,
    ts: str | None,
    channel: str | None,
    now: datetime,
    note: str | None = None,
) -> None:
    """The post went out (or was found already in the channel): the key is done for good.

    Args:
        note: a problem that did not stop the post (charts that could not be uploaded).
    """
    with store.write() as session:
        session.execute(
            update(Delivery.__table__)  # type: ignore[attr-defined]
            .where(Delivery.__table__.c.id == claim.delivery_id)  # type: ignore[attr-defined]
            .values(
                status="posted",
                message_ts=ts,
                channel_id=channel,
                error=note[:MAX_ERROR_LENGTH] if note else None,
                updated_at=now,
            )
        )


def mark_failed(store: Store, claim: Claim, *, error: str, now: datetime) -> bool:
    """Record a failed attempt, to be retried on later ticks.

    Returns True exactly once per key: when the caller is the one to tell the chair (the flag
    ``chair_notified`` is set with compare-and-set, so two processes cannot both send it).
    """
    table = Delivery.__table__  # type: ignore[attr-defined]
    with store.write() as session:
        failed = session.execute(
            update(table)
            .where(
                (table.c.id == claim.delivery_id)
                & (table.c.status == "claimed")
                & (table.c.attempts == claim.attempts)
            )
            .values(status="failed", error=error[:MAX_ERROR_LENGTH], updated_at=now)
        )
        if failed.rowcount != 1:  # type: ignore[attr-defined]
            # Our claim went stale and another process took the key over: its outcome stands.
            return False
    return take_chair_notice(store, claim)


def take_chair_notice(store: Store, claim: Claim) -> bool:
    """True for exactly one caller per key: the one that tells the chair about a problem.

    ``chair_notified`` is set with compare-and-set, so two processes cannot both send it and a
    failure retried every few minutes does not DM the chair every few minutes.
    """
    table = Delivery.__table__  # type: ignore[attr-defined]
    with store.write() as session:
        result = session.execute(
            update(table)
            .where((table.c.id == claim.delivery_id) & (table.c.chair_notified == False))  # noqa: E712
            .values(chair_notified=True)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]
