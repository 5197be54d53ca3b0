"""Fixtures shared by the whole suite: a store on SQLite and on a real PostgreSQL server.

Every store test runs twice, once per backend; the PostgreSQL half uses a server the suite
starts itself (tests/support/postgres.py) and skips, with its reason, only where no
PostgreSQL binaries exist — never in CI.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bsc_core.db import Store, get_store, reset_store
from bsc_core.settings import reload_settings

pytest_plugins = ["tests.support.plugin"]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/bsc.db"
        return
    server = request.getfixturevalue("postgres_server")
    name = "t_" + uuid.uuid4().hex[:12]
    url = server.create_database(name)
    yield url
    reset_store()
    server.drop_database(name)


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
    """Each test starts and ends with settings read from its own environment."""
    reload_settings()
    yield
    reset_store()
    reload_settings()
