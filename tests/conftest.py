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
from bsc_core.settings import get_settings, reload_settings

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
