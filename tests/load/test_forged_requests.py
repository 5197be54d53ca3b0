"""Requests that did not come from Slack, or not now, or not in this form: 401, nothing changes.

Every kind of request the bot accepts (slash commands, button clicks, modal submissions,
events) is replayed with an old timestamp, signed with the wrong secret, altered after signing
and sent without the signature headers. None may reach a listener: no row, no audit event, no
call to Slack.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bsc_core.db import Store
from testkit.fake_slack import FakeSlack
from testkit.signing import (
    FORM,
    JSON,
    block_actions_body,
    event_body,
    sign,
    signature,
    slash_command_body,
    view_submission_body,
)
from tests.bot.conftest import bot_settings
from tests.bot.in_process import InProcessBot, WsgiKeepAliveClient
from tests.bot.slack_session import log_values
from tests.load.conftest import actual_events, own_code, own_period, stored_rows, user_id

OWNER = user_id(0)
REPLAY_AGE_SECONDS = 6 * 60  # Slack's limit is 5 minutes

REQUESTS: dict[str, Callable[[], tuple[str, str]]] = {
    "slash command": lambda: (
        slash_command_body(text=f"log {own_code(0)} 7 {own_period(0)}", user_id=OWNER),
        FORM,
    ),
    "block action": lambda: (block_actions_body("log_open", own_code(0), user_id=OWNER), FORM),
    "view submission": lambda: (
        view_submission_body(
            "log_submit", log_values(own_code(0), "7", own_period(0)), user_id=OWNER
        ),
        FORM,
    ),
    "event": lambda: (
        event_body({"type": "app_home_opened", "user": OWNER, "channel": "D0HOME", "tab": "home"}),
        JSON,
    ),
}


def forgeries(secret: str, body: bytes) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Each way a request can be forged or replayed: the bytes sent and their headers."""
    now = int(time.time())
    old = now - REPLAY_AGE_SECONDS
    # Still well-formed after the change: only the signature can tell it was altered.
    tampered = body.replace(b"OWN00", b"OWN01").replace(b"D0HOME", b"D0HOMX")
    assert tampered != body
    return {
        "old timestamp": (body, sign(secret, body, old)),
        "future timestamp": (body, sign(secret, body, now + REPLAY_AGE_SECONDS)),
        "wrong secret": (body, sign("not-" + secret, body)),
        "garbage signature": (
            body,
            {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=" + "0" * 64},
        ),
        "body changed after signing": (tampered, sign(secret, body)),
        "signature of another timestamp": (
            body,
            {
                "X-Slack-Request-Timestamp": str(now),
                "X-Slack-Signature": signature(secret, body, old),
            },
        ),
        "no signature headers": (body, {}),
        "no timestamp": (body, {"X-Slack-Signature": signature(secret, body, now)}),
    }


@pytest.fixture
def load_app(load_card: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The bot in-process on the load scorecard (signature checks need no real socket)."""
    bot_settings(monkeypatch, BSC_ADMINS=",".join(user_id(i) for i in range(3)))
    bot = InProcessBot(load_card)
    yield bot
    bot.close()


def test_forged_and_replayed_requests_get_401_and_change_nothing(
    load_app: InProcessBot, load_card: Store, fake_slack: FakeSlack
) -> None:
    load_bot = load_app
    client = WsgiKeepAliveClient(load_bot, replies=fake_slack)
    refused: list[tuple[str, str, int]] = []
    for kind, build in REQUESTS.items():
        text, content_type = build()
        for forgery, (body, headers) in forgeries(load_bot.secret, text.encode()).items():
            status, _ = client.post_raw(body, {"Content-Type": content_type, **headers})
            refused.append((kind, forgery, status))
    assert [r for r in refused if r[2] != 401] == []
    assert len(refused) == len(REQUESTS) * 8

    load_bot.wait_for_jobs()
    assert fake_slack.calls == []
    assert stored_rows(load_card) == [] and actual_events(load_card) == 0

    # The same requests, properly signed, do get through: the refusals were the signatures.
    accepted = client.command(f"log {own_code(0)} 7 {own_period(0)}", user_id=OWNER)
    client.close()
    assert accepted.acknowledged, accepted
    assert actual_events(load_card) == 1


def test_a_forged_request_with_a_malformed_payload_gets_401_not_500(
    load_app: InProcessBot, load_card: Store
) -> None:
    load_bot = load_app
    body = b"payload=%7Bnot-json"
    client = WsgiKeepAliveClient(load_bot)
    status, _ = client.post_raw(
        body, {"Content-Type": FORM, **sign("not-" + load_bot.secret, body)}
    )
    client.close()
    assert status == 401
    assert actual_events(load_card) == 0
