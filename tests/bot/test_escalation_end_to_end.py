"""A red on the plant's board escalated to the corporate board, taken and resolved (issue 17).

Through the real bot, signed as Slack signs them, against the fake Slack over HTTP, on SQLite
and PostgreSQL: the instant alert carries Escalate, the modal's request is posted in the
parent's channel for its chair, Take it and Resolved answer in the plant's thread, and the
corporate Home, huddle and review show it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bsc_core.board import load_kpis
from bsc_core.db import Store
from bsc_core.models import AuditEvent, Escalation
from bsc_core.periods import Frequency, Period, latest_ended
from bsc_core.reports.huddle import build_huddle
from bsc_core.reports.prepare import prepare_review
from commands.report_blocks import huddle_blocks
from scheduler.nag import run_nag_round
from testkit.fake_slack import FakeSlack
from tests.bot.conftest import bot_settings
from tests.bot.in_process import BOT_TOKEN, InProcessBot
from tests.bot.slack_session import SlackUser, response_json
from tests.factories import ADMIN, CHAIR, OTHER, OWNER, import_docs, kpi, scorecard

CORP_CHANNEL = "C0CORP0001"
PLANT_CHANNEL = "C0PLANT001"
CORP_CHAIR = "U0CORPCH01"
HELPER = "U0HELPER01"
PERIOD = "2026-10"


@pytest.fixture
def bot(
    store: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InProcessBot]:
    """Corporate (tier 1) above the plant (tier 2, chair CHAIR); OTD on the plant, owned by
    OWNER, target 95; GREEN stays green; ROOT sits on the corporate board."""
    import_docs(
        store,
        scorecard(kpi("ROOT"), slug="corp", channel=CORP_CHANNEL, chair=CORP_CHAIR),
        scorecard(
            kpi("OTD", unit="%", target=95),
            kpi("GREEN"),
            slug="plant",
            tier=2,
            parent="corp",
            channel=PLANT_CHANNEL,
            chair=CHAIR,
        ),
    )
    bot_settings(monkeypatch, BSC_ADMINS=ADMIN)
    running = InProcessBot(store)
    yield running
    running.close()


def person(bot: InProcessBot, fake: FakeSlack, user: str, channel: str) -> SlackUser:
    return SlackUser(bot.client, fake, user, channel)


def opened_views(fake: FakeSlack, count: int) -> list[dict[str, Any]]:
    """The views Slack was asked to open, once there are ``count`` of them."""
    calls = fake.wait_for(lambda f: len(f.calls_to("views.open")) >= count and f)
    return [c.json("view") for c in calls.calls_to("views.open")]


def text_of(view_or_message: Any) -> str:
    return json.dumps(view_or_message, ensure_ascii=False)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action_id → value of every button in ``blocks``."""
    found = {}
    for block in blocks or []:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found[element["action_id"]] = element["value"]
    return found


def escalations(store: Store) -> list[Escalation]:
    with store.read() as session:
        return list(session.exec(select(Escalation)))


def test_a_plant_red_is_escalated_taken_and_resolved_and_the_board_above_sees_it(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    owner = person(bot, fake_slack, OWNER, PLANT_CHANNEL)
    assert "Stored" in owner.reply(f"log OTD 80% {PERIOD}")
    bot.wait_for_jobs()

    alert = fake_slack.posted_messages(PLANT_CHANNEL)[-1]
    assert buttons(alert.json("blocks"))["esc_open"] == f"OTD {PERIOD}"

    # Someone who neither owns OTD nor chairs the plant is refused at the click.
    assert (
        person(bot, fake_slack, OTHER, PLANT_CHANNEL).click("esc_open", f"OTD {PERIOD}").status
        == 200
    )
    refusal = opened_views(fake_slack, 1)[0]
    assert "callback_id" not in refusal and "can escalate" in text_of(refusal)

    assert owner.click("esc_open", f"OTD {PERIOD}").status == 200
    modal = opened_views(fake_slack, 2)[1]
    assert modal["callback_id"] == "esc_submit"
    assert "What help do you need?" in text_of(modal)

    empty = owner.submit(
        "esc_submit", {"request": {"request": "  "}}, private_metadata=modal["private_metadata"]
    )
    assert response_json(empty)["response_action"] == "errors"
    assert escalations(store) == []

    sent = owner.submit(
        "esc_submit",
        {"request": {"request": "Need the maintenance crew on line 2"}},
        private_metadata=modal["private_metadata"],
    )
    assert response_json(sent)["response_action"] == "update"
    assert "Escalated" in text_of(response_json(sent)["view"])
    bot.wait_for_jobs()

    posted = fake_slack.posted_messages(CORP_CHANNEL)[-1]
    shown = text_of(posted.json("blocks"))
    for expected in (f"<@{CORP_CHAIR}>", "OTD", "Plant", "80%", "95%", "no countermeasure yet"):
        assert expected in shown, expected
    assert "maintenance crew on line 2" in shown
    escalation_id = buttons(posted.json("blocks"))["esc_take"]
    note = fake_slack.posted_messages(PLANT_CHANNEL)[-1]
    assert "escalated" in note.args["text"] and "OTD" in note.args["text"]

    # One open escalation per KPI and period: a second modal is refused under its field.
    again = owner.submit(
        "esc_submit", {"request": {"request": "Again"}}, private_metadata=modal["private_metadata"]
    )
    assert "already escalated" in response_json(again)["errors"]["request"]
    assert len(escalations(store)) == 1

    # The plant's chair cannot answer for the board above; its chair can.
    plant_chair = person(bot, fake_slack, CHAIR, PLANT_CHANNEL)
    assert plant_chair.click("esc_take", escalation_id).status == 200
    assert "Only the chair" in text_of(opened_views(fake_slack, 3)[2])
    corp_chair = person(bot, fake_slack, CORP_CHAIR, CORP_CHANNEL)
    assert corp_chair.click("esc_take", escalation_id).status == 200
    take_modal = opened_views(fake_slack, 4)[3]
    assert take_modal["callback_id"] == "esc_take_submit"

    refused = plant_chair.submit(
        "esc_take_submit",
        {"helper": {"helper": {"type": "users_select", "selected_user": HELPER}}},
        private_metadata=take_modal["private_metadata"],
    )
    assert "Only the chair" in response_json(refused)["errors"]["helper"]
    taken = corp_chair.submit(
        "esc_take_submit",
        {"helper": {"helper": {"type": "users_select", "selected_user": HELPER}}},
        private_metadata=take_modal["private_metadata"],
    )
    assert response_json(taken)["response_action"] == "update"
    bot.wait_for_jobs()
    thread = fake_slack.posted_messages(PLANT_CHANNEL)[-1]
    assert thread.args.get("thread_ts") == note.response["ts"]
    assert f"<@{HELPER}> will help" in thread.args["text"]
    updated = fake_slack.calls_to("chat.update")[-1]
    assert "esc_take" not in buttons(updated.json("blocks"))
    assert "esc_resolve" in buttons(updated.json("blocks"))

    # The board above sees the open escalation on its chair's Home and in its huddle.
    assert corp_chair.open_home().status == 200
    home = fake_slack.wait_for(
        lambda f: [
            c
            for c in f.calls_to("views.publish")
            if c.args.get("user_id") == CORP_CHAIR
            and "Escalations from the boards below" in text_of(c.json("view"))
        ]
    )[-1]
    assert "Need the maintenance crew" in text_of(home.json("view"))
    with store.read() as session:
        corp_id = escalations(store)[0].parent_id
        huddle = huddle_blocks(
            build_huddle(session, scorecard_id=corp_id, day=datetime.now(UTC).date())
        )
    assert "Escalations from the boards below" in text_of(huddle)
    assert f"<@{HELPER}> helps" in text_of(huddle)

    assert corp_chair.click("esc_resolve", escalation_id).status == 200
    resolve_modal = opened_views(fake_slack, 5)[4]
    resolved = corp_chair.submit(
        "esc_resolve_submit",
        {"note": {"note": "Crew moved from line 4 for a week"}},
        private_metadata=resolve_modal["private_metadata"],
    )
    assert response_json(resolved)["response_action"] == "update"
    bot.wait_for_jobs()
    answer = fake_slack.posted_messages(PLANT_CHANNEL)[-1]
    assert answer.args.get("thread_ts") == note.response["ts"]
    assert "resolved" in answer.args["text"] and "Crew moved" in answer.args["text"]
    assert buttons(fake_slack.calls_to("chat.update")[-1].json("blocks")) == {}

    # The month's review of the board above counts it; the audit names each step's actor.
    month = Period.containing(Frequency.MONTHLY, datetime.now(UTC).date())
    with store.read() as session:
        review = prepare_review(session, scorecard_slug="corp", month=month, with_charts=False)
        actors = [
            (e.actor, e.action)
            for e in session.exec(select(AuditEvent).where(AuditEvent.entity == "escalation"))
        ]
    assert "1 raised · 🙋 1 taken · ✅ 1 resolved · ⏳ 0 open" in review.markdown
    assert "Crew moved from line 4" in review.markdown
    assert actors == [(OWNER, "create"), (CORP_CHAIR, "update"), (CORP_CHAIR, "update")]
    row = escalations(store)[0]
    assert (row.status, row.helper, row.open_key) == ("resolved", HELPER, None)


def test_a_green_kpi_or_a_board_without_a_parent_cannot_be_escalated(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    owner = person(bot, fake_slack, OWNER, PLANT_CHANNEL)
    assert "Stored" in owner.reply(f"log GREEN 120 {PERIOD}")
    assert "Stored" in owner.reply(f"log ROOT 10 {PERIOD}", channel_id=CORP_CHANNEL)
    bot.wait_for_jobs()
    corp_alert = fake_slack.posted_messages(CORP_CHANNEL)[-1]
    assert "esc_open" not in buttons(corp_alert.json("blocks"))

    owner.click("esc_open", f"GREEN {PERIOD}")
    owner.click("esc_open", f"ROOT {PERIOD}")
    refusals = [text_of(v) for v in opened_views(fake_slack, 2)]
    assert any("only a red KPI is escalated" in r for r in refusals)
    assert any("no board above it" in r for r in refusals)
    forged = owner.submit(
        "esc_submit",
        {"request": {"request": "help"}},
        private_metadata=json.dumps({"code": "GREEN", "period": PERIOD}),
    )
    assert "only a red KPI" in response_json(forged)["errors"]["request"]
    assert escalations(store) == []


def test_the_owners_reminder_and_the_plants_huddle_offer_escalate_for_the_red(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    period = str(latest_ended(Frequency.MONTHLY, datetime.now(UTC).date()))
    owner = person(bot, fake_slack, OWNER, PLANT_CHANNEL)
    assert "Stored" in owner.reply(f"log OTD 80% {period}")
    assert "Stored" in owner.reply(f"log ROOT 10 {period}", channel_id=CORP_CHANNEL)
    bot.wait_for_jobs()

    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.url)
    run_nag_round(client, store, now=datetime.now(UTC), scheduled=False)
    dm = fake_slack.posted_messages(OWNER)[-1]
    offered = [
        e["value"]
        for block in dm.json("blocks")
        for e in block.get("elements", [])
        if e.get("action_id") == "esc_open"
    ]
    assert offered == [f"OTD {period}"]  # ROOT is red too, but its board has none above

    with store.read() as session:
        plant_id = next(e for e in load_kpis(session, codes=["OTD"])).scorecard_id
        huddle = huddle_blocks(
            build_huddle(session, scorecard_id=plant_id, day=datetime.now(UTC).date())
        )
    assert buttons(huddle)["esc_open"] == f"OTD {period}"
    assert len(huddle) <= 50


def test_an_escalation_the_bot_cannot_post_above_is_kept_and_its_raiser_is_told(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    fake_slack.fail_for_channel(CORP_CHANNEL, "not_in_channel")
    owner = person(bot, fake_slack, OWNER, PLANT_CHANNEL)
    assert "Stored" in owner.reply(f"log OTD 80% {PERIOD}")
    sent = owner.submit(
        "esc_submit",
        {"request": {"request": "Need the crew"}},
        private_metadata=json.dumps({"code": "OTD", "period": PERIOD, "channel": PLANT_CHANNEL}),
    )
    assert response_json(sent)["response_action"] == "update"
    bot.wait_for_jobs()

    told = fake_slack.posted_messages(OWNER)[-1].args["text"]
    assert "could not be posted" in told and "/invite @bscbot" in told
    assert [e.status for e in escalations(store)] == ["open"]
