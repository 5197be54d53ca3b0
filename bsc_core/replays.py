"""Slack requests already handled: the record that makes a replayed change a no-op.

A request that changes something records its key in the same transaction as its change
(:func:`bsc_core.db.once_per_request`); the records are kept for ten minutes, longer than
Slack's five-minute signature window, then pruned by the job workers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col

from bsc_core.db import Store
from bsc_core.models import HandledRequest, utcnow

KEEP = timedelta(minutes=10)


def prune(store: Store, *, now: datetime | None = None) -> int:
    """Forget requests handled more than :data:`KEEP` ago."""
    with store.write() as session:
        result = session.execute(
            delete(HandledRequest).where(col(HandledRequest.handled_at) < (now or utcnow()) - KEEP)
        )
    return int(result.rowcount or 0)
