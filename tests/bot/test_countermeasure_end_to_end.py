"""Countermeasures through the real bot, signed as Slack signs them (SQLite and PostgreSQL).

The reminder DM comes from a real nag round against the fake Slack; every click and the
modal's submission then travel to the bot as Slack would send them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bsc_core.models import AuditEvent, Countermeasure, NagState
from bsc_core.periods import Frequency, latest_ended
from scheduler.nag import run_nag_round
from testkit.fake_slack import FakeSlack
from testkit.signing import block_actions_body
from tests.bot.conftest import bot_settings
from tests.bot.in_process import BOT_TOKEN, InProcessBot
from tests.bot.slack_session import SlackUser, response_json
from tests.bsc_core.nag_scenario import kpi_id, log
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER, import_docs, kpi, scorecard

PERIOD = str(latest_ended(Frequency.MONTHLY, datetime.now(UTC).date()))


def today() -> date:
    return datetime.now(UTC).date()


@pytest.fixture
def bot(store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessBot]:  # type: ignore[no-untyped-def]
    import_docs(
        store,
        scorecard(
            kpi("MRR", unit="USD"),
            kpi("CHURN", direction="down", target=2, owner=OTHER, perspective="Customer"),
            root_causes=["People", "Process", "Equipment"],
        ),
    )
    log(store, "MRR", PERIOD, 80)
    log(store, "CHURN", PERIOD, 5)
    bot_settings(monkeypatch, BSC_ADMINS=ADMIN)
    running = InProcessBot(store)
    yield running
    running.close()


def nag(store, fake: FakeSlack):  # type: ignore[no-untyped-def]
    client = WebClient(token=BOT_TOKEN, base_url=fake.url)
    return run_nag_round(client, store, now=datetime.now(UTC), scheduled=False)


def click(bot: InProcessBot, fake: FakeSlack, user: str, action_id: str, value: str) -> str:
    """Click a button in a DM; returns the name of the response_url the bot answers on."""
    name = f"{action_id}-{user}-{value}"
    body = block_actions_body(
        action_id,
        value,
        user_id=user,
        channel_id=f"D{user}",
        response_url=fake.response_url(name=name),
    )
    assert bot.client.post("/slack/events", body).status == 200
    return name


def answer(fake: FakeSlack, name: str) -> dict[str, Any]:
    return fake.wait_for(lambda f: f.responses_for(name))[-1].body


def cm_values(
    *,
    cause: str | None = "Process",
    new: str = "",
    action: str = "Call the top ten accounts",
    owner: str = OWNER,
    due: date | None = None,
) -> dict[str, Any]:
    """The modal's state as Slack submits it."""
    return {
        "cause": {
            "cause": {
                "type": "static_select",
                "selected_option": (
                    {"value": cause, "text": {"type": "plain_text", "text": cause}}
                    if cause
                    else None
                ),
            }
        },
        "new_cause": {"new_cause": new or None},
        "action": {"action": action},
        "owner": {"owner": {"type": "users_select", "selected_user": owner}},
        "due": {
            "due": {
                "type": "datepicker",
                "selected_date": (due or today() + timedelta(days=7)).isoformat(),
            }
        },
    }


def submit(bot: InProcessBot, fake: FakeSlack, user: str, values: dict[str, Any]) -> dict[str, Any]:
    meta = json.dumps({"code": "MRR", "period": PERIOD, "channel": None})
    person = SlackUser(bot.client, fake, user, CHANNEL)
    return response_json(person.submit("cm_submit", values, private_metadata=meta))


def stored(store) -> list[Countermeasure]:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return list(session.exec(select(Countermeasure)))


def test_add_countermeasure_opens_the_form_and_filing_it_stops_the_nagging(
    bot, store, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    first = nag(store, fake_slack)
    assert first.sent[OWNER] == [f"MRR {PERIOD} red"]
    dm = fake_slack.posted_messages(OWNER)[0].json("blocks")
    button = next(
        b["accessory"] for b in dm if b.get("accessory", {}).get("action_id") == "cm_open"
    )
    assert button["value"] == f"MRR {PERIOD}"

    click(bot, fake_slack, OWNER, "cm_open", button["value"])
    view = fake_slack.wait_for(lambda f: f.calls_to("views.open"))[0].json("view")
    assert view["callback_id"] == "cm_submit"
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert [o["value"] for o in by_id["cause"]["element"]["options"]] == [
        "People",
        "Process",
        "Equipment",
    ]
    assert by_id["owner"]["element"]["initial_user"] == OWNER
    assert by_id["due"]["element"]["initial_date"] == (today() + timedelta(days=7)).isoformat()
    assert json.loads(view["private_metadata"])["period"] == PERIOD

    body = submit(bot, fake_slack, OWNER, cm_values(cause=None))
    assert body["response_action"] == "errors" and "root cause" in body["errors"]["cause"]
    body = submit(bot, fake_slack, OWNER, cm_values(action="  "))
    assert "action" in body["errors"]
    body = submit(bot, fake_slack, OWNER, cm_values(due=today() - timedelta(days=1)))
    assert "in the past" in body["errors"]["due"]
    body = submit(bot, fake_slack, OTHER, cm_values())
    assert "owned by" in body["errors"]["action"]
    assert stored(store) == []

    body = submit(bot, fake_slack, OWNER, cm_values(new="Supplier delay", owner=OTHER))
    assert body["response_action"] == "update"
    assert "Countermeasure filed" in json.dumps(body["view"])
    [cm] = stored(store)
    assert (cm.period, cm.root_cause, cm.owner, cm.status) == (
        PERIOD,
        "Supplier delay",
        OTHER,
        "open",
    )
    with store.read() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.entity == "countermeasure"))
    assert event.actor == OWNER and event.entity_id == cm.id
    fake_slack.wait_for(lambda f: f.calls_to("views.publish"))

    again = nag(store, fake_slack)
    assert OWNER not in again.sent
    assert all("MRR" not in labels for labels in again.sent.values() for labels in labels)


def test_kpi_cm_code_opens_the_same_form_and_refuses_others(
    bot, store, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    owner = SlackUser(bot.client, fake_slack, OWNER, CHANNEL)
    assert "Opening the countermeasure form for *MRR*" in owner.reply("cm MRR")
    view = fake_slack.wait_for(lambda f: f.calls_to("views.open"))[0].json("view")
    assert view["callback_id"] == "cm_submit"
    refused = SlackUser(bot.client, fake_slack, OTHER, CHANNEL).reply("cm MRR")
    assert "only they" in refused and "Nothing was changed" in refused
    assert len(fake_slack.calls_to("views.open")) == 1
    assert "Opening" in SlackUser(bot.client, fake_slack, CHAIR, CHANNEL).reply("cm MRR")


def test_kpi_cm_lists_open_countermeasures_and_done_closes_them(
    bot, store, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    assert submit(bot, fake_slack, OWNER, cm_values())["response_action"] == "update"
    [cm] = stored(store)
    listing = SlackUser(bot.client, fake_slack, OWNER, CHANNEL).answer("cm")
    done = [b["accessory"] for b in listing["blocks"] if b.get("accessory")]
    assert [(d["action_id"], d["value"]) for d in done] == [("cm_done", str(cm.id))]

    refused = answer(fake_slack, click(bot, fake_slack, OTHER, "cm_done", str(cm.id)))
    assert "Only" in refused["text"] and stored(store)[0].status == "open"
    closed = answer(fake_slack, click(bot, fake_slack, OWNER, "cm_done", str(cm.id)))
    assert closed["text"].startswith("✅ Done") and stored(store)[0].status == "done"
    assert "no open countermeasures" in SlackUser(bot.client, fake_slack, OWNER).reply("cm")


def test_snooze_until_tomorrow_silences_the_next_round(bot, store, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    fake_slack.users[OTHER] = {"tz": "UTC"}  # "tomorrow" is then the test's tomorrow
    nag(store, fake_slack)
    reply = answer(fake_slack, click(bot, fake_slack, OTHER, "nag_snooze", OTHER))
    assert "Snoozed until tomorrow" in reply["text"] and reply.get("replace_original") is True
    with store.read() as session:
        snoozed = {
            (s.kpi_id, s.snoozed_until) for s in session.exec(select(NagState)) if s.snoozed_until
        }
    assert snoozed == {(kpi_id(store, "CHURN"), today() + timedelta(days=1))}
    assert OWNER in nag(store, fake_slack).sent
    assert OTHER not in nag(store, fake_slack).sent
