"""The web process as Slack and the platform see it: ``bscbot serve`` in its own process."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.web import HEALTH_TIMEOUT_SECONDS
from tests.bot.server_harness import BotServer
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import PostgresServer
from tests.support.signing import Response, slash_command_body, url_verification_body

SIX_MINUTES = 6 * 60


def _poll(server: BotServer, status: int, timeout: float) -> Response:
    deadline = time.monotonic() + timeout
    response = server.client.get("/healthz")
    while response.status != status and time.monotonic() < deadline:
        time.sleep(0.1)
        response = server.client.get("/healthz")
    return response


def test_healthz_reports_the_database_up(bot_server: BotServer) -> None:
    response = bot_server.client.get("/healthz")

    assert response.status == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["version"]


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


def _bodies(fake_slack: FakeSlack) -> dict[str, str]:
    return {
        "url_verification": url_verification_body("challenge-" + uuid.uuid4().hex),
        "slash_command": slash_command_body(
            "/kpi", text="help", response_url=fake_slack.response_url("kpi")
        ),
    }


@pytest.mark.parametrize("body_kind", ["url_verification", "slash_command"])
@pytest.mark.parametrize("forgery", ["wrong_signature", "tampered_body", "six_minutes_old"])
def test_unverifiable_requests_get_401_and_reach_no_listener(
    bot_server: BotServer, fake_slack: FakeSlack, forgery: str, body_kind: str
) -> None:
    body = _bodies(fake_slack)[body_kind]
    kwargs: dict[str, object] = {
        "wrong_signature": {"signature": "v0=" + "0" * 64},
        "tampered_body": {"tamper": True},
        "six_minutes_old": {"timestamp": int(time.time()) - SIX_MINUTES},
    }[forgery]

    response = bot_server.client.post("/slack/events", body, **kwargs)  # type: ignore[arg-type]

    assert response.status == 401
    assert "challenge" not in response.text
    time.sleep(0.3)  # a lazy listener, had one started, would have answered by now
    assert fake_slack.responses_for("kpi") == []
    assert [c.method for c in fake_slack.calls if c.method.startswith(("chat.", "views."))] == []


def test_signed_url_verification_is_answered_with_its_challenge(bot_server: BotServer) -> None:
    response = bot_server.client.post("/slack/events", url_verification_body("abc123"))

    assert response.status == 200
    assert "abc123" in response.text


def test_unknown_paths_are_404(bot_server: BotServer) -> None:
    assert bot_server.client.get("/").status == 404
    assert bot_server.client.get("/slack/events").status == 404
    assert bot_server.client.post("/slack/other", url_verification_body("x")).status == 404


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


def test_a_signed_slash_command_reaches_the_app(
    bot_server: BotServer, fake_slack: FakeSlack
) -> None:
    body = slash_command_body("/kpi", text="help", response_url=fake_slack.response_url("kpi"))

    response = bot_server.client.post("/slack/events", body)

    assert response.status == 200
