"""Slack rate-limits the bot during the morning's round of huddles: each still arrives once.

The fake Slack answers every third ``chat.postMessage`` with 429 and ``Retry-After: 1``; the
bot's client honours it and retries, so twenty scorecards get twenty huddles, none missing and
none doubled.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bot.publish import publish_huddle
from bot.slack_client import make_client
from bsc_core.db import Store
from bsc_core.settings import reload_settings
from testkit.fake_slack import FakeSlack
from tests.factories import import_docs, kpi, scorecard

HUDDLES = 20
DAY = date(2026, 11, 23)


# Slack's limits are under test, not the store's: one database is enough.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_twenty_huddles_arrive_exactly_once_under_429s(store: Store, fake_slack: FakeSlack) -> None:
    import_docs(
        store,
        *[
            scorecard(kpi(f"K{i}", frequency="daily"), slug=f"team{i}", channel=f"C0HUDDLE{i:02d}")
            for i in range(HUDDLES)
        ],
    )
    reload_settings()
    client = make_client(token="xoxb-test")
    fake_slack.rate_limit(method="chat.postMessage", every=3, retry_after=1)

    results = [
        publish_huddle(client, store, scorecard_slug=f"team{i}", day=DAY) for i in range(HUDDLES)
    ]

    limited = [c for c in fake_slack.calls_to("chat.postMessage") if c.status == 429]
    assert len(limited) >= HUDDLES // 3
    per_channel = Counter(c.args["channel"] for c in fake_slack.posted_messages())
    assert per_channel == {f"C0HUDDLE{i:02d}": 1 for i in range(HUDDLES)}
    assert len({r.ts for r in results}) == HUDDLES
