"""The chair's Home buttons: post this morning's huddle, or open last month's review, now."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home_refresh import refresh_home
from bot.listeners.support import caller_from
from bot.publish import publish_huddle, publish_review
from bsc_core.board import find_scorecard
from bsc_core.db import get_store
from commands.access import chair_only, may_chair

log = logging.getLogger(__name__)


def post_from_home(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    caller = caller_from(body)
    kind = "huddle" if action["action_id"] == "chair_huddle" else "review"
    with get_store().read() as session:
        card = find_scorecard(session, action.get("value") or "")
    if card is None:
        _tell(client, caller.user_id, "⚠️ That scorecard no longer exists.")
        return
    if not may_chair(card.chair, caller):
        _tell(client, caller.user_id, f"⚠️ {chair_only(card.chair, f'post the {kind}')}")
        return
    if not card.channel_id:
        _tell(client, caller.user_id, f"⚠️ {card.name} has no channel (`channel:` in its file).")
        return
    publish = publish_huddle if kind == "huddle" else publish_review
    try:
        result = publish(client, get_store(), scorecard_slug=card.slug)
    except SlackApiError as exc:
        _tell(client, caller.user_id, f"⚠️ Could not post the {kind}: {exc.response.get('error')}.")
        return
    _tell(client, caller.user_id, f"The {kind} of {card.name} is posted in <#{result.channel}>.")
    refresh_home(client, caller.user_id)


def _tell(client: WebClient, user_id: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as exc:
        log.warning("could not DM %s: %s", user_id, exc.response.get("error"))
