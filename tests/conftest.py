"""Fixtures shared by the whole suite: a store on SQLite and on a real PostgreSQL server.

Every store test runs twice, once per backend; the PostgreSQL half uses a server the suite
starts itself (testkit/postgres.py) and skips, with its reason, only where no
PostgreSQL binaries exist — never in CI. The schema is migrated once per session on each
backend: tests get a copy of a migrated SQLite file, or a PostgreSQL database created from a
migrated template, emptied before each test.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from bsc_core.db import Store, get_store, reset_store, upgrade
from bsc_core.settings import get_settings, reload_settings

pytest_plugins = ["tests.support.plugin"]

PG_TEMPLATE = "t_migrated_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "bsc.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:  # type: ignore[no-untyped-def]
    """A migrated PostgreSQL database that per-test databases are created from."""
    url = postgres_server.create_database(PG_TEMPLATE)
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    return PG_TEMPLATE


@pytest.fixture(scope="session")
def postgres_reused(postgres_server, postgres_template) -> str:  # type: ignore[no-untyped-def]
    """The session's PostgreSQL test database (one per test process), emptied before each test.

    Emptying 40 tables takes a few milliseconds; creating and dropping a database per test
    took a tenth of a second each, hundreds of times.
    """
    return postgres_server.create_database("t_" + uuid.uuid4().hex[:12], template=postgres_template)


def _empty_postgres(url: str) -> None:
    """Every table of the schema emptied and its ids restarted, as a fresh database has them.

    Connections a failed test may have left are ended first, so nothing blocks the TRUNCATE.
    """
    from bsc_core import models  # noqa: F401 - every table is in the metadata

    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL on each backend, already at the newest migration."""
    if request.param == "sqlite":
        path = tmp_path / "bsc.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_server")
    server.start()  # an outage test may have left it stopped
    url = request.getfixturevalue("postgres_reused")
    reset_store()
    _empty_postgres(url)
    yield url
    reset_store()


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The process's store, pointed at a fresh database (as the CLI and the bot see it)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    reload_settings()
    reset_store()
    yield get_store()
    reset_store()
    monkeypatch.delenv("DATABASE_URL")
    reload_settings()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the settings from its own environment, when it first needs them."""
    get_settings.cache_clear()
    yield
    reset_store()
    get_settings.cache_clear()


@pytest.fixture
def fake_slack(fake_slack):  # type: ignore[no-untyped-def]
    """The plugin's fake Slack, with the settings re-read once SLACK_API_URL points at it."""
    get_settings.cache_clear()
    return fake_slack
