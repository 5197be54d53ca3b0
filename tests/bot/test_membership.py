"""Read permissions against the fake Slack: who sees a public and a private scorecard, where.

A real ``WebClient`` asks the fake Slack ``conversations.info`` and ``conversations.members``,
whose answers each test sets; ``bot.membership`` caches them per channel.
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from slack_sdk import WebClient

from bot.membership import MembershipCache, channel_access
from bsc_core.db import Store
from commands.kpi import handle_kpi, handle_slow_kpi
from commands.reply import Caller, ChannelAccess
from testkit.fake_slack import FakeSlack
from tests.factories import ADMIN, CHAIR, OWNER, import_docs, kpi, scorecard

NOW = datetime(2026, 11, 10, 12, 0)
PUBLIC_CHANNEL = "C0PUBLIC01"
PRIVATE_CHANNEL = "C0PRIVATE1"
ELSEWHERE = "C0RANDOM01"
DM = "D0ASKER001"
MEMBER = "U0MEMBER01"
OUTSIDER = "U0OUTSIDE1"
NOTE = "confidential: 3 senior engineers resigning"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=os.environ["SLACK_API_URL"])


@pytest.fixture
def cards(store: Store, fake_slack: FakeSlack) -> Store:
    """Two scorecards, one per channel kind, each with a KPI and a confidential note on it."""
    import_docs(
        store,
        scorecard(kpi("OPEN", name="Open KPI"), slug="open", channel=PUBLIC_CHANNEL),
        scorecard(kpi("ATTR", name="Attrition"), slug="people", channel=PRIVATE_CHANNEL),
    )
    for code, channel in (("OPEN", PUBLIC_CHANNEL), ("ATTR", PRIVATE_CHANNEL)):
        logged = handle_kpi(
            f"log {code} 1 2026-10 {NOTE}", store=store, caller=Caller(OWNER, channel), now=NOW
        )
        assert logged.text.startswith("✅")
    fake_slack.set_channel(PUBLIC_CHANNEL, is_private=False)
    fake_slack.set_channel(PRIVATE_CHANNEL, is_private=True, members=[MEMBER, OWNER, "UBOT"])
    return store


WHO = {"member": MEMBER, "outsider": OUTSIDER, "owner": OWNER, "chair": CHAIR, "admin": ADMIN}
WHERE = {"own channel": None, "another channel": ELSEWHERE, "a DM": DM}

MATRIX = [
    # (scorecard, who, where, sees it)
    ("public", "member", "own channel", True),
    ("public", "outsider", "another channel", True),
    ("public", "outsider", "a DM", True),
    ("public", "owner", "a DM", True),
    ("public", "chair", "another channel", True),
    ("public", "admin", "a DM", True),
    ("private", "member", "own channel", True),
    ("private", "member", "another channel", True),
    ("private", "member", "a DM", True),
    ("private", "outsider", "another channel", False),
    ("private", "outsider", "a DM", False),
    ("private", "owner", "a DM", True),
    ("private", "chair", "another channel", True),
    ("private", "chair", "a DM", True),
    ("private", "admin", "another channel", True),
    ("private", "admin", "a DM", True),
]


@pytest.mark.parametrize(("card", "who", "where", "sees"), MATRIX)
def test_read_permission_matrix(
    cards: Store, client: WebClient, card: str, who: str, where: str, sees: bool
) -> None:
    code, home = ("OPEN", PUBLIC_CHANNEL) if card == "public" else ("ATTR", PRIVATE_CHANNEL)
    asker = Caller(
        WHO[who],
        WHERE[where] or home,
        is_admin=who == "admin",
        channel_access=channel_access(client, MembershipCache()),
    )
    reply = handle_kpi(f"show {code}", store=cards, caller=asker, now=NOW)
    if sees:
        assert NOTE in str(reply.blocks)
    else:
        assert reply.blocks is None and NOTE not in reply.text
        assert reply.text.startswith(f"⚠️ There is no KPI `{code}`.")


def test_a_private_channel_the_bot_is_not_in_counts_as_closed(
    cards: Store, client: WebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.set_channel(PRIVATE_CHANNEL, is_private=True, members=[MEMBER], bot_is_member=False)
    lookup = channel_access(client, MembershipCache())
    assert lookup(PRIVATE_CHANNEL) == ChannelAccess(is_private=True, members=frozenset())
    member = Caller(MEMBER, DM, channel_access=lookup)
    owner = Caller(OWNER, DM, channel_access=lookup)
    assert NOTE not in str(
        handle_kpi("show ATTR", store=cards, caller=member, now=NOW).as_message()
    )
    assert NOTE in str(handle_kpi("show ATTR", store=cards, caller=owner, now=NOW).blocks)


def test_a_chart_asked_from_another_channel_goes_to_the_asker_not_that_channel(
    cards: Store, client: WebClient
) -> None:
    access = channel_access(client, MembershipCache())
    member = Caller(MEMBER, ELSEWHERE, channel_access=access)
    reply = handle_slow_kpi("quad ATTR", store=cards, caller=member, now=NOW)
    assert reply.files and reply.visibility == "ephemeral"
    outsider = Caller(OUTSIDER, ELSEWHERE, channel_access=access)
    refused = handle_slow_kpi("quad ATTR", store=cards, caller=outsider, now=NOW)
    assert not refused.files and "There is no KPI `ATTR`" in refused.text


def test_answers_are_cached_per_channel_for_a_few_minutes(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.set_channel(PRIVATE_CHANNEL, is_private=True, members=[MEMBER])
    clock = Clock()
    cache = MembershipCache(ttl=300, clock=clock)
    assert cache.lookup(client, PRIVATE_CHANNEL).members == {MEMBER}
    fake_slack.set_channel(PRIVATE_CHANNEL, is_private=True, members=[MEMBER, OUTSIDER])
    clock.now += 299
    assert cache.lookup(client, PRIVATE_CHANNEL).members == {MEMBER}
    assert len(fake_slack.calls_to("conversations.info")) == 1
    clock.now += 2
    assert cache.lookup(client, PRIVATE_CHANNEL).members == {MEMBER, OUTSIDER}
    assert len(fake_slack.calls_to("conversations.members")) == 2


def test_a_public_channel_needs_no_member_list(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.set_channel(PUBLIC_CHANNEL, is_private=False, members=[MEMBER])
    assert MembershipCache().lookup(client, PUBLIC_CHANNEL) == ChannelAccess(is_private=False)
    assert fake_slack.calls_to("conversations.members") == []


def test_every_page_of_a_large_private_channel_is_read(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    people = [f"U{n:08d}" for n in range(2500)]
    fake_slack.set_channel(PRIVATE_CHANNEL, is_private=True, members=people)
    access = MembershipCache().lookup(client, PRIVATE_CHANNEL)
    assert access.members == set(people)
    assert len(fake_slack.calls_to("conversations.members")) == 3


def test_a_failed_lookup_is_closed_and_not_remembered(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.set_channel(PRIVATE_CHANNEL, is_private=True, members=[MEMBER])
    fake_slack.fail("conversations.members", "internal_error", times=1)
    cache = MembershipCache()
    assert cache.lookup(client, PRIVATE_CHANNEL).members == frozenset()
    assert cache.lookup(client, PRIVATE_CHANNEL).members == {MEMBER}
