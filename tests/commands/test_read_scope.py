"""Who may read a scorecard, at the commands layer: outsiders learn nothing, posts stay home.

The channel lookup here is a plain function standing in for Slack's answer; the same rules
against the fake Slack through a real ``WebClient`` are in ``tests/bot/test_membership.py``.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import Idea
from commands.home import chair_snapshots, home_data
from commands.kpi import handle_kpi, handle_slow_kpi
from commands.reply import Caller, ChannelAccess
from tests.factories import ADMIN, CHAIR, OWNER, import_docs, kpi, scorecard

NOW = datetime(2026, 11, 10, 12, 0)
SECRET_CHANNEL = "C0SECRET01"
ELSEWHERE = "C0RANDOM01"
DM = "D0OUTSIDE1"
MEMBER = "U0MEMBER01"
OUTSIDER = "U0OUTSIDE1"
SECRET_NOTE = "confidential: 3 senior engineers resigning"


def private_channel(channel_id: str) -> ChannelAccess:
    """Slack's answer for every channel in these tests: private, with MEMBER in it."""
    return ChannelAccess(is_private=True, members=frozenset({MEMBER}))


def caller(user: str, channel: str | None, *, admin: bool = False) -> Caller:
    return Caller(user, channel, is_admin=admin, channel_access=private_channel)


@pytest.fixture
def secret(store: Store) -> Store:
    """A scorecard bound to a private channel, with a red KPI ATTR and a confidential note."""
    import_docs(
        store,
        scorecard(
            kpi("ATTR", name="Attrition", direction="down", target=2),
            slug="people",
            channel=SECRET_CHANNEL,
        ),
    )
    reply = handle_kpi(
        f"log ATTR 9 2026-10 {SECRET_NOTE}", store=store, caller=Caller(OWNER, SECRET_CHANNEL),
        now=NOW,
    )  # fmt: skip
    assert reply.text.startswith("✅")
    return store


def test_an_outsider_gets_the_same_words_as_for_a_kpi_that_does_not_exist(secret: Store) -> None:
    for where in (ELSEWHERE, DM):
        refused = handle_kpi("show ATTR", store=secret, caller=caller(OUTSIDER, where), now=NOW)
        unknown = handle_kpi("show ZZZZ", store=secret, caller=caller(OUTSIDER, where), now=NOW)
        assert refused.text == unknown.text.replace("ZZZZ", "ATTR")
        assert SECRET_NOTE not in str(refused.as_message()) and refused.blocks is None


def test_suggestions_never_name_a_kpi_the_asker_may_not_read(secret: Store) -> None:
    outsider = handle_kpi("show ATR", store=secret, caller=caller(OUTSIDER, DM), now=NOW)
    member = handle_kpi("show ATR", store=secret, caller=caller(MEMBER, DM), now=NOW)
    assert "ATTR" not in outsider.text
    assert "Did you mean ATTR?" in member.text


def test_without_a_channel_lookup_only_owners_chair_and_admins_read_from_elsewhere(
    secret: Store,
) -> None:
    def bare(user: str, *, admin: bool = False) -> Caller:
        return Caller(user, DM, is_admin=admin)

    assert "There is no KPI" in handle_kpi("show ATTR", store=secret, caller=bare(MEMBER)).text
    for who in (bare(OWNER), bare(CHAIR), bare(ADMIN, admin=True)):
        assert SECRET_NOTE in str(handle_kpi("show ATTR", store=secret, caller=who).blocks)


def test_a_quad_asked_outside_the_scorecards_channel_goes_to_the_asker_alone(
    secret: Store,
) -> None:
    elsewhere = handle_slow_kpi(
        "quad ATTR", store=secret, caller=caller(MEMBER, ELSEWHERE), now=NOW
    )
    assert elsewhere.files and elsewhere.visibility == "ephemeral"
    at_home = handle_slow_kpi(
        "quad ATTR", store=secret, caller=caller(MEMBER, SECRET_CHANNEL), now=NOW
    )
    assert at_home.files and at_home.visibility == "in_channel"
    refused = handle_slow_kpi(
        "quad ATTR", store=secret, caller=caller(OUTSIDER, ELSEWHERE), now=NOW
    )
    assert not refused.files and "There is no KPI" in refused.text


def test_an_outsider_cannot_reach_a_private_scorecard_through_an_idea(secret: Store) -> None:
    reply = handle_kpi("idea ATTR hire more", store=secret, caller=caller(OUTSIDER, ELSEWHERE))
    assert "Nothing was recorded" in reply.text and "People" not in reply.text
    with secret.read() as session:
        assert session.exec(select(Idea)).all() == []


def test_an_idea_raised_from_elsewhere_is_thanked_privately(secret: Store) -> None:
    reply = handle_kpi("idea ATTR exit interviews", store=secret, caller=caller(OWNER, ELSEWHERE))
    assert reply.text.startswith("💡") and reply.visibility == "ephemeral"
    at_home = handle_kpi("idea ATTR mentoring", store=secret, caller=caller(OWNER, SECRET_CHANNEL))
    assert at_home.visibility == "in_channel"


def test_list_in_a_dm_shows_only_cards_the_asker_owns_or_chairs(secret: Store) -> None:
    import_docs(secret, scorecard(kpi("OTHR", owner=MEMBER), slug="other", channel=ELSEWHERE))
    mine = handle_kpi("list", store=secret, caller=caller(MEMBER, DM), now=NOW)
    assert "OTHR" in str(mine.blocks) and "ATTR" not in str(mine.blocks)
    chaired = handle_kpi("list", store=secret, caller=caller(CHAIR, DM), now=NOW)
    assert "ATTR" in str(chaired.blocks)
    nothing = handle_kpi("list", store=secret, caller=caller(OUTSIDER, DM), now=NOW)
    assert nothing.blocks is None and "ATTR" not in nothing.text


def test_an_outsiders_home_shows_nothing_of_the_scorecard(secret: Store) -> None:
    home = home_data(store=secret, user_id=OUTSIDER, today=NOW.date())
    assert home.kpis == [] and home.owed == [] and home.countermeasures == []
    assert chair_snapshots(store=secret, user_id=OUTSIDER, is_admin=False) == []
    assert [s.slug for s in chair_snapshots(store=secret, user_id=CHAIR, is_admin=False)] == [
        "people"
    ]


@pytest.mark.parametrize("command", ["log ATTR 5 2026-10", "cm ATTR"])
def test_writing_commands_do_not_confirm_a_private_kpi_exists_to_an_outsider(
    secret: Store, command: str
) -> None:
    refused = handle_kpi(command, store=secret, caller=caller(OUTSIDER, DM), now=NOW)
    assert "There is no KPI `ATTR`" in refused.text and OWNER not in refused.text
    member = handle_kpi(command, store=secret, caller=caller(MEMBER, DM), now=NOW)
    assert "is owned by" in member.text and "Nothing was changed" in member.text
