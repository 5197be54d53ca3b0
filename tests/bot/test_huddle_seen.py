"""Who read the huddle: the Seen button through the real Bolt app and worker, against the fake
Slack over HTTP, on SQLite and PostgreSQL — several people clicking at once, each counted once,
and the message edited once for the burst."""

from __future__ import annotations

import threading
from typing import Any

from slack_sdk import WebClient
from sqlmodel import select

from bsc_core.db import Store
from bsc_core.models import HuddleSeen
from commands.seen import SEEN_ACTION, SEEN_BLOCK
from testkit.fake_slack import FakeSlack
from testkit.signing import block_actions_body
from tests.bot.in_process import InProcessBot
from tests.bot.slack_session import SlackUser
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER

#: In the bot fixture's scorecard, OWNER, OTHER and CHAIR own KPIs; ADMIN owns none.
OWNERS = 3


def _post_huddle(bot: InProcessBot, fake: FakeSlack) -> dict[str, Any]:
    SlackUser(bot.client, fake, CHAIR, CHANNEL).command("", command="/huddle")
    bot.wait_for_jobs()
    posted = [m for m in fake.history(CHANNEL) if m.get("blocks")]
    return posted[-1]


def _seen_block(message: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in message["blocks"] if b.get("block_id") == SEEN_BLOCK)


def _click(bot: InProcessBot, fake: FakeSlack, user: str, message: dict[str, Any]) -> int:
    key = _seen_block(message)["accessory"]["value"]
    body = block_actions_body(
        SEEN_ACTION,
        key,
        user_id=user,
        channel_id=CHANNEL,
        message_ts=message["ts"],
        message=message,
        response_url=fake.response_url(name=f"seen-{user}"),
    )
    return bot.client.post("/slack/events", body).status


def test_the_huddle_carries_a_seen_button_for_its_owners(
    bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    huddle = _post_huddle(bot, fake_slack)
    block = _seen_block(huddle)
    assert huddle["blocks"][-1] is not None and block == huddle["blocks"][-1]
    assert block["accessory"]["action_id"] == SEEN_ACTION
    assert block["accessory"]["value"].startswith("huddle:team:")
    assert f"Seen by 0 of {OWNERS} owners" in block["text"]["text"]


def test_clicks_from_several_people_at_once_are_each_counted_once(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    huddle = _post_huddle(bot, fake_slack)
    clickers = [OWNER, OTHER, CHAIR, ADMIN, OWNER, OTHER]  # two people click twice
    statuses: list[int] = []
    start = threading.Barrier(len(clickers))

    def click(user: str) -> None:
        start.wait()
        statuses.append(_click(bot, fake_slack, user, huddle))

    threads = [threading.Thread(target=click, args=(user,)) for user in clickers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    bot.wait_for_jobs()

    assert statuses == [200] * len(clickers)
    with store.read() as session:
        seen = sorted(session.exec(select(HuddleSeen.user_id)).all())
    assert seen == sorted({OWNER, OTHER, CHAIR, ADMIN})
    updates = fake_slack.calls_to("chat.update")
    assert len(updates) == 1  # the burst folded into one edit
    edited = next(m for m in fake_slack.history(CHANNEL) if m["ts"] == huddle["ts"])
    assert f"Seen by {OWNERS} of {OWNERS} owners" in _seen_block(edited)["text"]["text"]
    assert edited["blocks"][:-1] == huddle["blocks"][:-1]  # the huddle itself is unchanged


def test_a_second_click_changes_nothing_and_says_so(
    bot: InProcessBot, fake_slack: FakeSlack, store: Store
) -> None:
    huddle = _post_huddle(bot, fake_slack)
    assert _click(bot, fake_slack, OWNER, huddle) == 200
    bot.wait_for_jobs()
    assert _click(bot, fake_slack, OWNER, huddle) == 200
    bot.wait_for_jobs()
    said = [r.body["text"] for r in fake_slack.responses if "seen" in r.body.get("text", "")]
    assert said[0].startswith("👀 Thanks") and "already marked" in said[1]
    assert len(fake_slack.calls_to("chat.update")) == 1
    edited = next(m for m in fake_slack.history(CHANNEL) if m["ts"] == huddle["ts"])
    assert f"Seen by 1 of {OWNERS} owners" in _seen_block(edited)["text"]["text"]


def test_the_chairs_home_shows_who_has_not_seen_todays_huddle(
    bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    huddle = _post_huddle(bot, fake_slack)
    _click(bot, fake_slack, OWNER, huddle)
    bot.wait_for_jobs()
    SlackUser(bot.client, fake_slack, CHAIR, CHANNEL).open_home()
    bot.wait_for_jobs()
    view = [c for c in fake_slack.calls_to("views.publish") if c.args["user_id"] == CHAIR][-1]
    text = str(view.args["view"])
    assert f"Seen by 1 of {OWNERS} owners" in text
    assert "not seen yet" in text and f"<@{OTHER}>" in text and f"<@{CHAIR}>" in text
    assert f"not seen yet: <@{OWNER}>" not in text


def test_the_seen_line_keeps_what_else_changed_in_the_message(
    bot: InProcessBot, fake_slack: FakeSlack
) -> None:
    huddle = _post_huddle(bot, fake_slack)
    other_edit = [{"type": "section", "text": {"type": "mrkdwn", "text": "edited since"}}]
    WebClient(token="xoxb-test", base_url=fake_slack.url).chat_update(
        channel=CHANNEL, ts=huddle["ts"], text=huddle["text"], blocks=other_edit + huddle["blocks"]
    )
    _click(bot, fake_slack, OTHER, huddle)  # the click carries the message as first posted
    bot.wait_for_jobs()
    edited = next(m for m in fake_slack.history(CHANNEL) if m["ts"] == huddle["ts"])
    assert edited["blocks"][0] == other_edit[0]
    assert f"Seen by 1 of {OWNERS} owners" in _seen_block(edited)["text"]["text"]
