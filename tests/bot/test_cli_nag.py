"""``run_nag`` (wired as ``bscbot run nag --scorecard SLUG``): one operator round, clear errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_nag import run_nag
from bot.slack_client import reset_client
from bsc_core.db import Store
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack
from tests.bsc_core.nag_scenario import OTHER, OWNER, team


@pytest.fixture
def cli(fake_slack: FakeSlack) -> Iterator[typer.Typer]:
    app = typer.Typer()
    app.command("nag")(run_nag)
    reset_client()
    yield app
    reset_client()


def test_it_sends_each_owner_one_dm_now(
    store: Store, fake_slack: FakeSlack, cli: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    team(store)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    reload_settings()
    result = CliRunner().invoke(cli, ["--scorecard", "team"])
    assert result.exit_code == 0, result.output
    assert "2 reminder DM(s)" in result.output
    assert len(fake_slack.posted_messages(OWNER)) == len(fake_slack.posted_messages(OTHER)) == 1


def test_an_unknown_scorecard_lists_the_known_ones(
    store: Store, fake_slack: FakeSlack, cli: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    team(store)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    reload_settings()
    result = CliRunner().invoke(cli, ["--scorecard", "nope"])
    assert result.exit_code == 1 and "unknown scorecard 'nope' (known: team)" in result.output
    assert fake_slack.posted_messages() == []


def test_without_a_token_it_says_so_in_one_line(store: Store, cli: typer.Typer) -> None:
    reload_settings()
    result = CliRunner().invoke(cli, ["--scorecard", "team"])
    assert result.exit_code == 1 and "SLACK_BOT_TOKEN is not set" in result.output
