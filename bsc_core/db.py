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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
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


T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the caller tells the user to try again."""


@contextmanager
def _unavailable_on_outage() -> Iterator[None]:
    """Turn a lost connection into :class:`DatabaseUnavailable` (the transaction rolled back)."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise DatabaseUnavailable(str(exc.orig or exc).splitlines()[0]) from exc
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
        connect_args={"connect_timeout": 5},
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
                yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with _unavailable_on_outage(), self._writer or nullcontext():
            self.ensure_schema()
            with Session(self._write_engine, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise

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
