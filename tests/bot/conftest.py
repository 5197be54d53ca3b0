"""Fixtures for the Slack adapter: the real bot server against the fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bsc_core.db import Store
from tests.bot.server_harness import BotServer
from tests.support.fake_slack import FakeSlack


@pytest.fixture
def bot_server(store: Store, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotServer]:
    """``bscbot serve`` running on the test's database (SQLite and PostgreSQL) and the fake
    Slack, healthy, with ``.url``, ``.client`` (signed requests), ``.stop()``, ``.kill()``,
    ``.start()`` and ``.restart()``. One worker with four threads keeps start-up short."""
    server = BotServer(
        database_url=store.url, slack_api_url=fake_slack.url, workdir=tmp_path / "bot"
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
