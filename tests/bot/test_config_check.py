"""Starting with an incomplete Slack configuration stops with one line naming what is missing."""

from __future__ import annotations

import pytest

from bot.config_check import ConfigError, Mode, problem, require
from bot.settings import SlackSettings as Settings

FULL = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s3cret",
    "SLACK_APP_TOKEN": "xapp-1",
}


def settings(**overrides: str | None) -> Settings:
    values = {**FULL, **overrides}
    return Settings(_env_file=None, **{k: v for k, v in values.items() if v is not None})


@pytest.mark.parametrize(
    ("mode", "missing", "hint"),
    [
        ("http", "SLACK_BOT_TOKEN", "Bot User OAuth Token"),
        ("http", "SLACK_SIGNING_SECRET", "Basic Information → App Credentials → Signing Secret"),
        ("socket", "SLACK_BOT_TOKEN", "OAuth & Permissions"),
        ("socket", "SLACK_APP_TOKEN", "connections:write"),
        ("clock", "SLACK_BOT_TOKEN", "OAuth & Permissions"),
    ],
)
def test_a_missing_variable_is_named_with_where_to_find_it(
    mode: Mode, missing: str, hint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(missing, raising=False)

    with pytest.raises(ConfigError) as raised:
        require(settings(**{missing: None}), mode)

    assert raised.value.code == 2
    assert raised.value.message.startswith(f"{missing} is not set: ")
    assert hint in raised.value.message
    assert "\n" not in raised.value.message


@pytest.mark.parametrize(
    ("mode", "unneeded"),
    [("http", "SLACK_APP_TOKEN"), ("socket", "SLACK_SIGNING_SECRET"), ("clock", "SLACK_APP_TOKEN")],
)
def test_each_mode_needs_only_its_own_variables(mode: Mode, unneeded: str) -> None:
    assert problem(settings(**{unneeded: None}), mode) is None


def test_a_user_token_in_place_of_the_app_token_is_refused() -> None:
    message = problem(settings(SLACK_APP_TOKEN="xoxb-oops"), "socket")

    assert message is not None
    assert message.startswith("SLACK_APP_TOKEN should start with xapp-")
