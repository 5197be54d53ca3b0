"""manifest.json creates an app that sends everything to the one URL the bot serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.web import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.json"
REQUEST_URL = "https://YOUR-HOST" + EVENTS_PATH


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_every_request_url_is_the_events_path(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls.append(settings["interactivity"]["request_url"])
    urls.append(settings["event_subscriptions"]["request_url"])

    assert set(urls) == {REQUEST_URL}
    assert settings["interactivity"]["is_enabled"] is True


def test_slash_commands_are_unescaped_with_usage_hints(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}

    assert set(commands) == {"/kpi", "/huddle", "/review"}
    for command in commands.values():
        assert command["should_escape"] is False
        assert command["description"] and len(command["usage_hint"]) <= 1000


def test_bot_scopes_home_tab_and_settings(manifest: dict[str, Any]) -> None:
    assert manifest["display_information"]["name"] == "bscbot"
    assert manifest["features"]["bot_user"]["display_name"] == "bscbot"
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands", "chat:write", "chat:write.public", "im:write", "users:read", "files:write",
        "channels:history", "groups:history", "channels:join", "channels:read", "groups:read",
    }  # fmt: skip
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["org_deploy_enabled"] is False
    assert manifest["settings"]["token_rotation_enabled"] is False
