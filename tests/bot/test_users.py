"""The Slack side of the name cache: users.info fills it, once a day per person."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient

from bot.users import name_resolver, refresh_names
from bsc_core.db import Store
from bsc_core.people import display_name, seed_names
from testkit.fake_slack import FakeSlack

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DANA = "U0CFO0001"


def _client() -> WebClient:
    return WebClient(token="xoxb-test", base_url=os.environ["SLACK_API_URL"])


def _lookups(fake: FakeSlack, user: str) -> int:
    return len([c for c in fake.calls_to("users.info") if c.args["user"] == user])


def test_display_name_else_real_name_is_cached_and_refreshed_after_a_day(
    fake_slack: FakeSlack, store: Store
) -> None:
    fake_slack.users[DANA] = {"name": "", "real_name": "Dana Whitfield"}
    assert refresh_names(_client(), store, [DANA], now=NOW) == {DANA: "Dana Whitfield"}
    fake_slack.users[DANA] = {"name": "dana"}
    assert refresh_names(_client(), store, [DANA], now=NOW + timedelta(hours=20)) == {
        DANA: "Dana Whitfield"
    }
    assert _lookups(fake_slack, DANA) == 1
    assert refresh_names(_client(), store, [DANA], now=NOW + timedelta(days=1)) == {DANA: "dana"}
    assert _lookups(fake_slack, DANA) == 2
    with store.read() as session:
        assert display_name(session, DANA) == "dana"


def test_slack_failing_keeps_the_seeded_name(fake_slack: FakeSlack, store: Store) -> None:
    store.run(lambda s: seed_names(s, {DANA: "Dana Whitfield"}))
    fake_slack.fail("users.info", "user_not_found")
    assert name_resolver(_client(), store)(DANA) == "Dana Whitfield"


def test_an_unknown_user_shows_as_the_id(fake_slack: FakeSlack, store: Store) -> None:
    fake_slack.fail("users.info", "user_not_found")
    assert name_resolver(_client(), store)("U0GHOST01") == "U0GHOST01"
