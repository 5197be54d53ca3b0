"""Nag rounds against the fake Slack, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from slack_sdk import WebClient

from bot.slack_client import make_client
from bsc_core.db import Store
from bsc_core.nagging import owed, snooze
from bsc_core.settings import reload_settings
from scheduler.nag import UnknownScorecard, run_nag_round
from testkit.fake_slack import FakeSlack
from tests.bsc_core.nag_scenario import CHAIR, MONDAY, OTHER, OWNER, at, file_cm, log, team


@pytest.fixture
def slack(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebClient]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    reload_settings()
    yield make_client()
    reload_settings()


def dms(fake: FakeSlack, user: str) -> list[dict]:  # type: ignore[type-arg]
    """The DMs ``user`` received, as (text, blocks) dicts."""
    return [
        {"text": c.args["text"], "blocks": c.json("blocks") or []}
        for c in fake.posted_messages(user)
    ]


def buttons(dm: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    found = []
    for block in dm["blocks"]:
        if block.get("accessory", {}).get("type") == "button":
            found.append((block["accessory"]["action_id"], block["accessory"]["value"]))
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found.append((element["action_id"], element["value"]))
    return found


def test_each_owner_gets_one_dm_listing_all_their_items_with_buttons(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    report = run_nag_round(slack, store, now=MONDAY, scheduled=True)
    assert report.sent == {
        OTHER: ["CHURN 2026-10 red"],
        OWNER: ["MRR 2026-10 red", "GM 2026-10 missing"],
    }
    [dm] = dms(fake_slack, OWNER)
    assert buttons(dm) == [
        ("cm_open", "MRR 2026-10"),
        ("log_open", "GM 2026-10"),
        ("nag_snooze", OWNER),
    ]
    text = json.dumps(dm["blocks"])
    assert "$80 vs target $100" in text and "red 2 periods in a row" in text
    assert "due 2026-11-05" in text and "OK" not in dm["text"]
    assert [b for b in buttons(dms(fake_slack, OTHER)[0]) if b[0] == "cm_open"] == [
        ("cm_open", "CHURN 2026-10")
    ]
    assert len(fake_slack.posted_messages()) == 2


def test_no_dm_about_a_kpi_with_a_countermeasure(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    file_cm(store, "CHURN", owner=OTHER)
    report = run_nag_round(slack, store, now=MONDAY, scheduled=False)
    assert OTHER not in report.sent and dms(fake_slack, OTHER) == []


def test_a_countermeasure_filed_after_a_round_drops_the_kpi_from_the_next(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    run_nag_round(slack, store, now=MONDAY, scheduled=True)
    file_cm(store, "MRR")
    report = run_nag_round(slack, store, now=at(24), scheduled=True)
    assert report.sent[OWNER] == ["GM 2026-10 missing"]
    assert "MRR" not in json.dumps(dms(fake_slack, OWNER)[-1])


def test_recovery_or_a_logged_actual_stops_the_reminders(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    run_nag_round(slack, store, now=MONDAY, scheduled=True)
    log(store, "MRR", "2026-10", 101)
    log(store, "GM", "2026-10", 100)
    report = run_nag_round(slack, store, now=at(24), scheduled=True)
    assert OWNER not in report.sent and len(dms(fake_slack, OWNER)) == 1


def test_scheduled_rounds_send_each_item_at_most_once_a_local_day(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    run_nag_round(slack, store, now=MONDAY, scheduled=True)
    again = run_nag_round(slack, store, now=at(23, 15), scheduled=True)
    assert again.sent == {} and {s.reason for s in again.skipped} == {"already reminded today"}
    operator = run_nag_round(slack, store, now=at(23, 16), scheduled=False)
    assert set(operator.sent) == {OWNER, OTHER}
    assert len(dms(fake_slack, OWNER)) == 2


def test_three_unanswered_reminders_escalate_to_the_chair_once(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    for day in (23, 24, 25):
        assert run_nag_round(slack, store, now=at(day), scheduled=True).escalations == {}
    fourth = run_nag_round(slack, store, now=at(26), scheduled=True)
    assert fourth.escalations == {"team": CHAIR}
    [chair_dm] = dms(fake_slack, CHAIR)
    text = json.dumps(chair_dm["blocks"])
    for expected in ("MRR", "GM", "CHURN", f"<@{OWNER}>", f"<@{OTHER}>", "3 reminders"):
        assert expected in text
    fifth = run_nag_round(slack, store, now=at(27), scheduled=True)
    assert fifth.escalations == {} and len(dms(fake_slack, CHAIR)) == 1
    assert len(dms(fake_slack, OWNER)) == 5


def test_a_kpi_answered_before_the_fourth_round_is_not_escalated(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    for day in (23, 24, 25):
        run_nag_round(slack, store, now=at(day), scheduled=True)
    file_cm(store, "MRR")
    file_cm(store, "CHURN", owner=OTHER)
    log(store, "GM", "2026-10", 100)
    assert run_nag_round(slack, store, now=at(26), scheduled=True).escalations == {}
    assert dms(fake_slack, CHAIR) == []


def test_snooze_holds_until_tomorrow_even_for_the_operator(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    with store.read() as session:
        mine = owed(session, now=MONDAY, owner=OWNER)
    with store.write() as session:
        snooze(session, mine, until=MONDAY.date() + timedelta(days=1))
    report = run_nag_round(slack, store, now=MONDAY, scheduled=True)
    assert OWNER not in report.sent and {s.reason for s in report.skipped} == {"snoozed"}
    assert OWNER not in run_nag_round(slack, store, now=at(23, 12), scheduled=False).sent
    assert run_nag_round(slack, store, now=at(24), scheduled=True).sent[OWNER]


def test_quiet_hours_follow_the_owners_own_time_zone(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    fake_slack.users[OWNER] = {"tz": "Asia/Tokyo"}  # 10:00 in London is 19:00 in Tokyo
    report = run_nag_round(slack, store, now=MONDAY, scheduled=True)
    assert OWNER not in report.sent and OTHER in report.sent
    assert {s.reason for s in report.skipped if s.user == OWNER} == {"outside working hours"}
    # 01:00 in London is 10:00 in Tokyo: the owner is reminded, the Londoner is not.
    early = run_nag_round(slack, store, now=at(24, 1), scheduled=True)
    assert OWNER in early.sent and OTHER not in early.sent
    # users.info was asked once per person: the zone is cached for a day.
    assert len([c for c in fake_slack.calls_to("users.info") if c.args["user"] == OWNER]) == 1


def test_weekends_are_quiet_but_the_operator_round_still_sends(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store, calendar={"days": "every-day"})  # the scorecard works; its people rest
    saturday = at(28)
    report = run_nag_round(slack, store, now=saturday, scheduled=True)
    assert report.sent == {} and {s.reason for s in report.skipped} == {"weekend"}
    operator = run_nag_round(slack, store, now=saturday, scheduled=False)
    assert set(operator.sent) == {OWNER, OTHER}


def test_no_round_nags_about_a_scorecard_on_its_day_off(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)  # Monday to Friday by default
    for scheduled in (True, False):
        report = run_nag_round(slack, store, now=at(28), scheduled=scheduled)
        assert report.sent == {} and report.skipped == []
    assert fake_slack.posted_messages(OWNER) == []


def test_an_overdue_countermeasure_is_named_in_its_owners_dm(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    cm_id = file_cm(store, "MRR", owner=OTHER, due=date(2026, 11, 20), action="Fix pricing")
    run_nag_round(slack, store, now=MONDAY, scheduled=True)
    [dm] = dms(fake_slack, OTHER)
    assert ("cm_done", str(cm_id)) in buttons(dm)
    assert "Fix pricing" in json.dumps(dm["blocks"]) and "2026-11-20" in json.dumps(dm["blocks"])
    assert "MRR" not in json.dumps(dms(fake_slack, OWNER)[0]["blocks"])  # answered


def test_a_slack_failure_for_one_owner_does_not_stop_the_others_and_is_retried(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    fake_slack.fail("chat.postMessage", "user_not_found", channel=OTHER)
    report = run_nag_round(slack, store, now=MONDAY, scheduled=True)
    assert report.failed == {OTHER: "user_not_found"} and OWNER in report.sent
    retry = run_nag_round(slack, store, now=at(23, 11), scheduled=True)
    assert retry.sent == {OTHER: ["CHURN 2026-10 red"]}


def test_one_scorecard_only_and_an_unknown_slug_names_the_known_ones(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store)
    assert run_nag_round(slack, store, now=MONDAY, scheduled=False, scorecard_slug="team").sent
    with pytest.raises(UnknownScorecard, match="known: team"):
        run_nag_round(slack, store, now=MONDAY, scheduled=False, scorecard_slug="nope")


def test_a_scheduled_round_skips_a_holiday_of_the_scorecard(
    store: Store, slack: WebClient, fake_slack: FakeSlack
) -> None:
    team(store, calendar={"days": "mon-fri", "holidays": ["2026-11-23"]})
    report = run_nag_round(slack, store, now=MONDAY, scheduled=True)
    assert report.sent == {} and report.skipped == []
    tuesday = run_nag_round(slack, store, now=MONDAY + timedelta(days=1), scheduled=True)
    assert set(tuesday.sent) == {OWNER, OTHER}


def test_a_computed_kpi_is_never_nagged_as_missing(store: Store) -> None:
    from tests.factories import import_docs, kpi, scorecard

    import_docs(
        store,
        scorecard(
            kpi("SRC"),
            kpi("SUM", **{"from": ["SRC"]}, objective="F2"),
        ),
    )
    with store.read() as session:
        items = owed(session, now=MONDAY)
    assert [i.label for i in items] == ["SRC 2026-10 missing"]
