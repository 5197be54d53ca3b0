"""Whether the database can serve: reachable, and writable.

A database that answers ``SELECT 1`` can still refuse every write (a read-only file or mount,
a full disk); then every log would fail, so health must say so. The write check touches one
tiny row, at most every :data:`WRITE_CHECK_EVERY` seconds per process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import text, update
from sqlmodel import col

from bsc_core.db import DatabaseBusy, Store, capped_waits
from bsc_core.jobs import worker_seen
from bsc_core.models import HealthBeat, utcnow

log = logging.getLogger(__name__)

StoreGetter = Callable[[], Store]

WRITE_CHECK_EVERY = 5.0
#: A write check waits this long for another writer, then counts the database as busy, not down.
WRITE_CHECK_CAP = 1.0


class DatabaseHealth(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    NOT_WRITABLE = "read-only or full"


class HealthCheck:
    """Checks one store: reads every time, a write now and then (the last result is kept)."""

    def __init__(self, store_of: StoreGetter, *, name: str = "web") -> None:
        self._store_of = store_of
        self._name = name
        self._lock = threading.Lock()
        self._last_write: float | None = None
        self._writable = True

    def database(self) -> DatabaseHealth:
        store = self._store_of()
        try:
            with store.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means "not answering"
            log.error("health: the database is unreachable: %s", str(exc).splitlines()[0])
            return DatabaseHealth.UNREACHABLE
        if self._write_due():
            self._writable = self._try_write(store)
        return DatabaseHealth.OK if self._writable else DatabaseHealth.NOT_WRITABLE

    def worker_seen(self) -> bool:
        try:
            with self._store_of().read() as session:
                return worker_seen(session)
        except Exception:  # noqa: BLE001 - unknown counts as not seen
            return False

    def _write_due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._last_write is not None and now - self._last_write < WRITE_CHECK_EVERY:
                return False
            self._last_write = now
            return True

    def _try_write(self, store: Store) -> bool:
        try:
            with capped_waits(WRITE_CHECK_CAP), store.write() as session:
                done = session.execute(
                    update(HealthBeat)
                    .where(col(HealthBeat.name) == self._name)
                    .values(written_at=utcnow())
                )
                if not done.rowcount:
                    session.add(HealthBeat(name=self._name))
        except DatabaseBusy:
            return True  # another writer holds the lock: busy, not broken
        except Exception as exc:  # noqa: BLE001 - a refused write is exactly what we look for
            log.error(
                "health: the database refuses writes (read-only or full?): %s",
                str(exc).splitlines()[0],
            )
            return False
        return True
