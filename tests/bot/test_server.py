"""The web process as Slack and the platform see it: ``bscbot serve`` in its own process.

Only what needs the real HTTP stack is here (gunicorn, start-up, a database outage); the
signature checks and every listener are tested in-process (tests/bot/test_requests.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.web import HEALTH_TIMEOUT_SECONDS
from testkit.fake_slack import FakeSlack
from testkit.postgres import PostgresServer
from testkit.server_harness import BotServer
from testkit.signing import Response, slash_command_body

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _poll(server: BotServer, status: int, timeout: float) -> Response:
    deadline = time.monotonic() + timeout
    response = server.client.get("/healthz")
    while response.status != status and time.monotonic() < deadline:
        time.sleep(0.1)
        response = server.client.get("/healthz")
    return response


@pytest.fixture
def pg_bot_server(postgres_db: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[BotServer]:
    """The bot on PostgreSQL only: an outage of the database server is a PostgreSQL scenario."""
    server = BotServer(database_url=postgres_db, slack_api_url=fake_slack.url, workdir=tmp_path)
    server.start()
    yield server
    server.stop()


def test_healthz_is_503_while_postgresql_is_down_and_recovers_without_a_restart(
    pg_bot_server: BotServer, postgres_server: PostgresServer
) -> None:
    bot_server, postgres = pg_bot_server, postgres_server
    pid = bot_server.pid
    postgres.stop()
    try:
        started = time.monotonic()
        down = bot_server.client.get("/healthz")
        elapsed = time.monotonic() - started

        assert down.status == 503
        assert down.json()["database"] is False
        assert elapsed < HEALTH_TIMEOUT_SECONDS + 1
    finally:
        postgres.start()

    up = _poll(bot_server, 200, timeout=15)
    assert up.status == 200
    assert up.json()["database"] is True
    assert bot_server.pid == pid and bot_server.running


@sqlite_only
def test_serve_without_the_signing_secret_stops_with_one_line_naming_it(
    store: object, fake_slack: FakeSlack, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    server = BotServer(
        database_url=store.url,  # type: ignore[attr-defined]
        slack_api_url=fake_slack.url,
        workdir=tmp_path,
        env={"SLACK_SIGNING_SECRET": None},
    )

    result = server.run()

    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "SLACK_SIGNING_SECRET is not set" in lines[0]
    assert "Signing Secret" in lines[0]


@sqlite_only
def test_a_signed_log_through_gunicorn_is_stored_before_its_ack_says_so(
    bot_server: BotServer, fake_slack: FakeSlack, store
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import OWNER, import_docs, kpi, scorecard

    import_docs(store, scorecard(kpi("MRR", unit="USD")))
    body = slash_command_body(
        "/kpi",
        text="log MRR 98000 2026-10",
        user_id=OWNER,
        response_url=fake_slack.response_url("kpi"),
    )

    health = bot_server.client.get("/healthz").json()
    response = bot_server.client.post("/slack/events", body)

    assert health["status"] == "ok" and health["database"] is True and health["version"]
    assert response.status == 200
    assert "Stored *MRR*" in response.json()["text"]
    with store.read() as session:
        from sqlmodel import select

        from bsc_core.models import Actual

        assert [a.value for a in session.exec(select(Actual))] == [98000]
