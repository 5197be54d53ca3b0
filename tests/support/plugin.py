"""pytest fixtures for bscbot's suite; enable with
``pytest_plugins = ["tests.support.plugin"]`` in the root ``conftest.py``.

Expensive resources (the fake Slack server, PostgreSQL) live for the whole
session; what a test can change (recordings, faults, environment, databases)
is reset per test so tests stay independent and can run in any order.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest

from testkit.fake_slack import FakeSlack
from testkit.postgres import PostgresServer, PostgresUnavailable

SLACK_ENV_VARS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL")


@pytest.fixture(autouse=True)
def clean_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove Slack credentials and endpoints inherited from the shell, so a
    developer's real token can never reach Slack from a test run."""
    for name in SLACK_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    """The one fake Slack server of the session (start-up costs a thread and
    a port; per-test isolation comes from ``fake_slack``'s reset)."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_slack(
    fake_slack_server: FakeSlack, clean_slack_env: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeSlack]:
    """A freshly reset fake Slack, with ``SLACK_API_URL`` pointing at it.

    Depends on ``clean_slack_env`` explicitly so the URL is set after the
    environment has been scrubbed, whatever order pytest picks otherwise.
    """
    fake_slack_server.reset()
    monkeypatch.setenv("SLACK_API_URL", fake_slack_server.url)
    yield fake_slack_server
    fake_slack_server.reset()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session.

    Without PostgreSQL binaries the database half of the suite is skipped
    locally, but on CI (``CI=true``) that would silently drop coverage, so
    there it is an error instead.
    """
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        message = f"PostgreSQL binaries not found ({exc.reason}): PostgreSQL half skipped"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} - not allowed on CI", pytrace=False)
        pytest.skip(message)
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def postgres_db(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database for one test; yields its SQLAlchemy URL.

    Restarts the server first if an earlier outage test left it stopped, so
    one failing test does not cascade into every later database test.
    """
    postgres_server.start()
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40].strip("_")
    name = f"t_{slug}_{uuid.uuid4().hex[:8]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.start()
        postgres_server.drop_database(name)
