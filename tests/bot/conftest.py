"""Fixtures for the Slack adapter: the real bot (in-process, or as a server) and the fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bsc_core.db import Store
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack
from testkit.server_harness import BotServer
from tests.bot.in_process import BOT_TOKEN, SECRET, InProcessBot
from tests.factories import ADMIN, CHAIR, OTHER, import_docs, kpi, scorecard


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


def bot_settings(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    """The bot's environment in this process: token, signing secret, admins."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    reload_settings()


@pytest.fixture
def bot(
    store: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InProcessBot]:
    """The real bot, in-process, on a small team scorecard (channel CHANNEL, chair CHAIR, owner
    OWNER; CHURN owned by OTHER; ADMIN in BSC_ADMINS), against the fake Slack, with a worker."""
    import_docs(
        store,
        scorecard(
            kpi("MRR", unit="USD", targets={"2026-10": 100000}),
            kpi("GM", unit="%", target=62, amber=2),
            kpi("CHURN", direction="down", target=2, owner=OTHER, perspective="Customer"),
            kpi(
                "UP1",
                unit="units",
                frequency="hourly",
                target=100,
                amber="10%",
                hours="07:00-15:00",
                owner=CHAIR,
                perspective="Internal Process",
            ),
        ),
    )
    bot_settings(monkeypatch, BSC_ADMINS=ADMIN)
    running = InProcessBot(store)
    yield running
    running.close()
