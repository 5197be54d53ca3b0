"""Fixtures for the clock: scorecards in several zones, a Slack client on the fake, a worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.slack_client import make_client
from bsc_core.db import Store
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack
from tests.factories import import_docs, kpi, scorecard

LONDON_CHANNEL = "C0ACME0001"
NEW_YORK_CHANNEL = "C0NYC00001"
BETA_CHANNEL = "C0BETA0001"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs real processes for about a minute")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def client(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebClient]:
    """The bot's client (retry handlers included) pointed at the fake Slack."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    reload_settings()
    yield make_client()
    reload_settings()


def add_scorecard(store: Store, slug: str, *, timezone: str, channel: str) -> None:
    import_docs(
        store,
        scorecard(kpi(f"{slug.upper()}_K"), slug=slug, timezone=timezone, channel=channel),
    )


@pytest.fixture
def cards(store: Store) -> Store:
    """Two scorecards: ``acme`` in London and ``nyc`` in New York (default schedules)."""
    add_scorecard(store, "acme", timezone="Europe/London", channel=LONDON_CHANNEL)
    add_scorecard(store, "nyc", timezone="America/New_York", channel=NEW_YORK_CHANNEL)
    return store
