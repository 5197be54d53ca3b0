"""PostgreSQL goes away while ``bscbot serve`` runs, then comes back.

While it is down, a person logging a number is told plainly that nothing was saved, the health
check says 503 so the platform can see it, and nothing half-written is left behind. Once the
database is back the same bot process serves again, with no restart.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bsc_core.db import Store
from testkit.fake_slack import FakeSlack
from testkit.load_client import KeepAliveClient
from testkit.postgres import PostgresServer
from testkit.server_harness import BotServer
from testkit.signing import SlackClient
from tests.factories import import_docs, kpi, scorecard
from tests.load.conftest import actual_events, own_code, own_period, stored_rows, user_id

COULD_NOT_SAVE = "Could not save, try again"


@pytest.fixture
def pg_store(postgres_db: str) -> Iterator[Store]:
    store = Store(postgres_db)
    import_docs(store, scorecard(kpi(own_code(0), owner=user_id(0), frequency="daily")))
    yield store
    store.dispose()


@pytest.fixture
def pg_bot(pg_store: Store, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotServer]:
    server = BotServer(
        database_url=pg_store.url, slack_api_url=fake_slack.url, workdir=tmp_path / "bot"
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _health(bot: BotServer) -> int:
    return SlackClient(bot.url, bot.secret, timeout=10).get("/healthz").status


def test_an_outage_is_reported_stores_nothing_and_heals_by_itself(
    pg_bot: BotServer, pg_store: Store, postgres_server: PostgresServer, fake_slack: FakeSlack
) -> None:
    client = KeepAliveClient(pg_bot.url, pg_bot.secret, replies=fake_slack)
    owner = user_id(0)
    code = own_code(0)
    first = client.command(f"log {code} 1 {own_period(0)}", user_id=owner)
    assert first.acknowledged, first

    postgres_server.stop()
    try:
        during = [
            client.command(f"log {code} {n} {own_period(n)}", user_id=owner) for n in (1, 2, 3)
        ]
        for outcome in during:
            assert outcome.status == 200, outcome
            assert COULD_NOT_SAVE in outcome.reply, outcome
            assert "Traceback" not in outcome.reply and "Stored" not in outcome.reply
            assert outcome.seconds < 3.0, outcome
        assert _health(pg_bot) == 503
    finally:
        postgres_server.start()

    deadline = time.monotonic() + 30
    while _health(pg_bot) != 200:
        assert time.monotonic() < deadline, "the bot did not recover once the database was back"
        time.sleep(0.2)
    after = client.command(f"log {code} 4 {own_period(4)}", user_id=owner)
    assert after.acknowledged, after
    client.close()

    assert pg_bot.running, "the bot had to be restarted"
    rows = {(r.period, r.value) for r in stored_rows(pg_store)}
    assert rows == {(own_period(0), 1.0), (own_period(4), 4.0)}
    assert actual_events(pg_store) == 2
