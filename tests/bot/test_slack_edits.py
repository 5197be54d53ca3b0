"""Targets and owners from Slack, and "Log as KPI actual" on a message: through the real Bolt
app, signed as Slack signs, against the fake Slack over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.listeners.shortcuts.log_from_message import CALLBACK_ID
from bsc_core.db import Store
from bsc_core.models import Actual, Kpi
from testkit.fake_slack import FakeSlack
from testkit.signing import APP_ID, TEAM_ID, VERIFICATION_TOKEN, _interactive
from tests.bot.in_process import InProcessBot
from tests.bot.slack_session import SlackUser, log_values, response_json
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.json"


def person(bot: InProcessBot, fake: FakeSlack, user: str) -> SlackUser:
    return SlackUser(bot.client, fake, user, CHANNEL)


def message_shortcut_body(*, user: str, channel: str, message: dict[str, Any]) -> str:
    """What Slack sends when someone picks a message shortcut from a message's menu."""
    return _interactive(
        {
            "type": "message_action",
            "callback_id": CALLBACK_ID,
            "token": VERIFICATION_TOKEN,
            "api_app_id": APP_ID,
            "action_ts": f"{time.time():.6f}",
            "trigger_id": f"{int(time.time())}.{time.monotonic_ns()}.shortcut",
            "response_url": "https://hooks.slack.com/app/T0/1/shortcut",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "name": user.lower(), "team_id": TEAM_ID},
            "channel": {"id": channel, "name": "team"},
            "message_ts": message["ts"],
            "message": message,
        }
    )


# ------------------------------------------------------------ /kpi target and /kpi owner


def test_chair_changes_a_target_in_slack_and_the_owners_home_shows_it(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    answer = person(bot, fake_slack, CHAIR).answer("target MRR 120,000 2026-11")

    assert answer["response_type"] == "in_channel"
    assert "Target of *MRR* from 2026-11 on" in answer["text"]
    assert "$100 → *$120,000*" in answer["text"]
    bot.wait_for_jobs()
    published = {c.args["user_id"] for c in fake_slack.calls_to("views.publish")}
    assert {OWNER, CHAIR} <= published


def test_permission_matrix_over_slack(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    expected = {CHAIR: True, ADMIN: True, OWNER: False, OTHER: False}
    for number, (user, allowed) in enumerate(expected.items()):
        target = person(bot, fake_slack, user).reply(f"target GM {70 + number}")
        moved = person(bot, fake_slack, user).reply(f"owner CHURN <@{user}>")
        assert ("Nothing was changed" not in target) is allowed, (user, target)
        assert ("Nothing was changed" not in moved) is allowed, (user, moved)
    with store.read() as session:
        assert session.exec(select(Kpi.owner).where(Kpi.code == "CHURN")).one() == ADMIN


def test_bad_target_is_explained_with_the_usage(bot: InProcessBot, fake_slack: FakeSlack) -> None:
    text = person(bot, fake_slack, CHAIR).reply("target MRR lots")
    assert "Usage: `/kpi target CODE VALUE [FROM-PERIOD]" in text
    assert "Nothing was changed." in text


# ---------------------------------------------------------------- "Log as KPI actual"


def test_the_shortcut_is_in_the_manifest() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    shortcuts = manifest["features"]["shortcuts"]
    assert [s["callback_id"] for s in shortcuts] == [CALLBACK_ID]
    (shortcut,) = shortcuts
    assert shortcut["type"] == "message" and shortcut["name"] == "Log as KPI actual"
    assert len(shortcut["name"]) <= 24 and 0 < len(shortcut["description"]) <= 150


def _opened_view(fake: FakeSlack) -> dict[str, Any]:
    calls = fake.wait_for(lambda f: f.calls_to("views.open"))
    view = calls[-1].args["view"]
    return json.loads(view) if isinstance(view, str) else view


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_log_from_a_message_opens_a_prefilled_form_and_stores_the_value(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    ts = fake_slack.add_message(CHANNEL, "GM came in at 61.5% for October 🎉", user=OWNER)
    message = {
        "type": "message",
        "user": OWNER,
        "ts": ts,
        "text": fake_slack.history(CHANNEL)[-1]["text"],
    }

    response = bot.client.post(
        "/slack/events", message_shortcut_body(user=OWNER, channel=CHANNEL, message=message)
    )
    assert response.status == 200

    view = _opened_view(fake_slack)
    value = _block(view, "value")["element"]["initial_value"]
    note = _block(view, "note")["element"]["initial_value"]
    kpi = _block(view, "kpi")["element"]
    assert value == "61.5%"
    assert note == f"https://fake.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"
    assert kpi["initial_option"]["value"] == "GM"  # the KPI the message names
    assert [o["value"] for o in kpi["options"]] == ["MRR", "GM"]  # only what OWNER may log

    submitted = person(bot, fake_slack, OWNER).submit(
        view["callback_id"],
        log_values("GM", value, "2026-10", note),
        private_metadata=view["private_metadata"],
    )
    assert submitted.status == 200
    assert response_json(submitted).get("response_action") == "update"
    with store.read() as session:
        stored = session.exec(select(Actual)).one()
    assert (stored.period, stored.value, stored.note) == ("2026-10", 61.5, note)


def test_the_usual_checks_apply_when_the_form_from_a_message_is_sent(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    ts = fake_slack.add_message(CHANNEL, "churn is 3 this month", user=OTHER)
    message = {"type": "message", "user": OTHER, "ts": ts, "text": "churn is 3 this month"}
    bot.client.post(
        "/slack/events", message_shortcut_body(user=OWNER, channel=CHANNEL, message=message)
    )
    view = _opened_view(fake_slack)
    assert "CHURN" not in [o["value"] for o in _block(view, "kpi")["element"]["options"]]

    refused = person(bot, fake_slack, OWNER).submit(
        view["callback_id"], log_values("CHURN", "3"), private_metadata=view["private_metadata"]
    )
    errors = response_json(refused).get("errors") or {}
    assert "CHURN is owned by" in errors.get("kpi", "")
    with store.read() as session:
        assert session.exec(select(Actual)).all() == []


def test_a_message_without_a_link_still_opens_the_form(
    bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    message = {"type": "message", "user": OWNER, "ts": "1600000000.000001", "text": "no numbers"}
    bot.client.post(
        "/slack/events", message_shortcut_body(user=OWNER, channel=CHANNEL, message=message)
    )
    view = _opened_view(fake_slack)
    assert "initial_value" not in _block(view, "value")["element"]
    assert "initial_value" not in _block(view, "note")["element"]
