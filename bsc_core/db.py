"""The store: one engine per process, sessions for reading and for writing, and the schema.

SQLite is the embedded default and gets what it needs to survive concurrent writers: WAL (checked,
since the pragma reports failure by returning the old mode), a busy timeout, foreign keys, and
``BEGIN IMMEDIATE`` for write transactions — a transaction that reads and then writes would
otherwise fail at once with "database is locked", whatever the busy timeout. PostgreSQL needs
none of that and runs the same code and migrations.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, create_engine

from bsc_core.settings import get_settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_SECONDS = 2

#: How long the transaction beginning now may wait for the lock (read when SQLite begins).
_write_cap: ContextVar[float | None] = ContextVar("write_cap", default=None)
MIN_WAIT_SECONDS = 0.05


T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the caller tells the user to try again."""


class DatabaseBusy(DatabaseUnavailable):
    """Another writer held the database past this context's cap; nothing was written."""


class DatabaseNotWritable(DatabaseUnavailable):
    """The database refuses writes (read-only, or its disk is full): retrying will not help
    until an admin acts."""


#: Messages of the errors that mean the database cannot take writes at all.
_NOT_WRITABLE_MARKERS = (
    "readonly database",
    "read-only",
    "disk is full",
    "no space left",
    "could not extend file",
    "disk i/o error",
)
#: Messages of the errors that mean "another writer held the lock past our cap".
_BUSY_MARKERS = ("database is locked", "lock timeout", "statement timeout", "canceling statement")


#: When the writes of this context must give up (a monotonic time), set by capped_waits.
_write_deadline: ContextVar[float | None] = ContextVar("write_deadline", default=None)


@contextmanager
def capped_waits(seconds: float) -> Iterator[None]:
    """Within this block, writes give up once ``seconds`` have passed in all.

    A deadline, not a per-write wait: a request that writes twice still answers in time. Past
    it the transaction is rolled back and :class:`DatabaseBusy` raised, so the request can say
    plainly that nothing was stored.
    """
    deadline = time.monotonic() + seconds
    current = _write_deadline.get()
    token = _write_deadline.set(deadline if current is None else min(current, deadline))
    try:
        yield
    finally:
        _write_deadline.reset(token)


def write_cap() -> float | None:
    """Seconds a write may still wait in this context (None: the backend's default)."""
    deadline = _write_deadline.get()
    if deadline is None:
        return None
    return max(MIN_WAIT_SECONDS, deadline - time.monotonic())


class AlreadyHandled(RuntimeError):
    """This request was handled before (a replay): its change was refused and rolled back."""


@dataclass
class RequestOnce:
    """The key of the request being handled, and whether its change has been committed."""

    key: str
    recorded: bool = False


_request_once: ContextVar[RequestOnce | None] = ContextVar("request_once", default=None)


@contextmanager
def once_per_request(key: str) -> Iterator[RequestOnce]:
    """Within this block, the first write transaction also records ``key`` as handled.

    The key is written in the same transaction as the request's change, so a request is
    handled exactly once: a replay's transaction meets the key and is rolled back with
    :class:`AlreadyHandled`. A request that only reads writes nothing.
    """
    holder = RequestOnce(key)
    token = _request_once.set(holder)
    try:
        yield holder
    finally:
        _request_once.reset(token)


def _record_handled(session: Session, key: str) -> None:
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from bsc_core.models import HandledRequest, utcnow

    builder = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = session.execute(
        builder(HandledRequest)
        .values(key=key, handled_at=utcnow())
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(HandledRequest.key)  # type: ignore[arg-type]
    ).first()
    if inserted is None:
        raise AlreadyHandled(key)


@contextmanager
def _cap_set(cap: float | None) -> Iterator[None]:
    token = _write_cap.set(cap)
    try:
        yield
    finally:
        _write_cap.reset(token)


@contextmanager
def _unavailable_on_outage() -> Iterator[None]:
    """Turn a lost connection into :class:`DatabaseUnavailable` (the transaction rolled back)."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        first = str(exc.orig or exc).splitlines()[0]
        if any(marker in first.lower() for marker in _NOT_WRITABLE_MARKERS):
            raise DatabaseNotWritable(first) from exc
        if any(marker in first.lower() for marker in _BUSY_MARKERS):
            raise DatabaseBusy(first) from exc
        raise DatabaseUnavailable(first) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailable(str(exc.orig or exc).splitlines()[0]) from exc
        raise


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the connection settings each backend needs."""
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=10,
        connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS},
    )


def _configure_sqlite(engine: Engine) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself, so writes can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning(
                    "SQLite refused WAL mode (still %s); concurrent writers will wait", mode
                )
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        if immediate:
            cap = _write_cap.get()
            wait_ms = SQLITE_BUSY_TIMEOUT_MS if cap is None else max(1, int(cap * 1000))
            connection.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Store:
    """The database of one process: ``read()`` and ``write()`` hand out sessions.

    A write session commits when its block ends without an exception and rolls back otherwise,
    so a change and its audit event land together or not at all.
    """

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self._write_engine = (
            self.engine.execution_options(sqlite_immediate=True) if is_sqlite(url) else self.engine
        )
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        # SQLite allows one writer at a time; threads of one process queue on this lock
        # instead of sleeping in SQLite's busy handler, whose back-off makes long tails.
        self._writer = threading.RLock() if is_sqlite(url) else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _unavailable_on_outage():
            self.ensure_schema()
            with Session(self.engine, expire_on_commit=False) as session:
                cap = write_cap()
                if cap is not None and not is_sqlite(self.url):
                    # A migration's exclusive lock blocks reads on PostgreSQL: cap them too.
                    session.execute(
                        text("SELECT set_config('statement_timeout', :ms, true)"),
                        {"ms": str(max(1, int(cap * 1000)))},
                    )
                yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with _unavailable_on_outage(), self._writer_turn(write_cap()):
            self.ensure_schema()
            cap = write_cap()  # what is left after waiting for this process's turn
            # SQLite's busy timeout is set from the cap when the transaction begins.
            with Session(self._write_engine, expire_on_commit=False) as session, _cap_set(cap):
                once = _request_once.get()
                try:
                    if cap is not None and not is_sqlite(self.url):
                        # Both limits in one round trip, for this transaction only.
                        ms = str(max(1, int(cap * 1000)))
                        session.execute(
                            text(
                                "SELECT set_config('lock_timeout', :ms, true), "
                                "set_config('statement_timeout', :ms, true)"
                            ),
                            {"ms": ms},
                        )
                    if once is not None and not once.recorded:
                        _record_handled(session, once.key)
                    yield session
                    session.commit()
                    if once is not None:
                        once.recorded = True
                except BaseException:
                    session.rollback()
                    raise

    @contextmanager
    def _writer_turn(self, cap: float | None) -> Iterator[None]:
        """This process's turn to write on SQLite (threads queue here, within the cap)."""
        if self._writer is None:
            yield
            return
        if not self._writer.acquire(timeout=-1 if cap is None else cap):
            raise DatabaseBusy(f"another write of this process held the database over {cap}s")
        try:
            yield
        finally:
            self._writer.release()

    def run(self, work: Callable[[Session], T], *, attempts: int = 3) -> T:
        """Run ``work`` in a write session, retrying when a concurrent insert won the race.

        Two people logging the same KPI and period at once both try to insert; the loser's
        transaction fails on the unique key and is simply run again, now as an update.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except IntegrityError:
                if attempt == attempts:
                    raise
                log.info("write conflicted with a concurrent one; retrying (%d)", attempt)
        raise AssertionError("unreachable")

    def ping(self) -> bool:
        """True when the database answers a trivial query now."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            log.warning("database ping failed", exc_info=True)
            return False

    def ensure_schema(self) -> None:
        """Bring the database to the newest migration once per process: a first run just works."""
        if self._schema_ready:
            return
        with self._schema_lock:
            if not self._schema_ready:
                upgrade(self.engine)
                self._schema_ready = True

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str | None:
    """Apply every migration that the database lacks; returns the revision it ends at.

    Several processes may start at once (web and clock): the migration environment takes a
    lock (an advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and re-checks.
    """
    head = head_revision(engine)
    if current_revision(engine) == head:
        return head
    command.upgrade(alembic_config(engine), "head")
    return current_revision(engine)


_store: Store | None = None
_store_lock = threading.Lock()


def get_store() -> Store:
    """The store of this process, built from the settings on first use."""
    global _store
    with _store_lock:
        if _store is None or _store.url != get_settings().DATABASE_URL:
            _store = Store(get_settings().DATABASE_URL)
        return _store


def reset_store() -> None:
    """Drop the process's store (tests switch databases between cases)."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.dispose()
        _store = None
