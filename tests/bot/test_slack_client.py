"""The process's WebClient: Slack's URL from the settings, and 429s retried."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.server import socket_mode_handler
from bot.slack_client import RATE_LIMIT_RETRIES, get_client, make_client, reset_client
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack


@pytest.fixture
def bot_env(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    reload_settings()
    reset_client()
    yield fake_slack
    reset_client()
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_API_URL")
    reload_settings()


def test_client_talks_to_slack_api_url_with_the_bot_token(bot_env: FakeSlack) -> None:
    client = make_client()

    assert client.base_url == bot_env.url
    assert client.auth_test()["ok"] is True
    assert bot_env.calls_to("auth.test")[0].token == "xoxb-test"


def test_a_429_with_retry_after_is_retried(bot_env: FakeSlack) -> None:
    bot_env.rate_limit("auth.test", every=1, retry_after=1, times=2)

    response = make_client().auth_test()

    assert response["ok"] is True
    assert [c.status for c in bot_env.calls_to("auth.test")] == [429, 429, 200]


def test_rate_limit_retries_are_bounded(bot_env: FakeSlack) -> None:
    bot_env.rate_limit("auth.test", every=1, retry_after=0, times=RATE_LIMIT_RETRIES + 1)

    with pytest.raises(SlackApiError) as raised:
        make_client().auth_test()

    assert raised.value.response.status_code == 429
    assert len(bot_env.calls_to("auth.test")) == RATE_LIMIT_RETRIES + 1


def test_get_client_is_one_client_per_process(bot_env: FakeSlack) -> None:
    assert get_client() is get_client()


def test_socket_mode_opens_its_connection_through_the_same_api_url(bot_env: FakeSlack) -> None:
    app = App(client=get_client(), signing_secret="unused-in-socket-mode")

    handler = socket_mode_handler(app, app_token="xapp-test")

    assert handler.client.web_client.base_url == bot_env.url
    assert handler.client.app_token == "xapp-test"
