"""Editing a huddle's "Seen by 7 of 12 owners" line: the queued job behind the Seen button."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home_refresh import refresh_home
from bsc_core.db import Store
from bsc_core.jobs import ClaimedJob
from bsc_core.models import Scorecard
from bsc_core.seen import NotAHuddle, find_huddle, seen_count
from commands.seen import with_seen_count

log = logging.getLogger(__name__)


def _current_message(client: WebClient, *, channel: str, ts: str) -> dict[str, Any] | None:
    """The message as it is now (another change, such as an escalation, may have edited it
    since the click); None when Slack will not say."""
    try:
        found = client.conversations_history(
            channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
        )
    except SlackApiError as exc:
        log.info("could not read the huddle %s/%s: %s", channel, ts, exc.response.get("error"))
        return None
    messages = found.get("messages") or []
    return messages[0] if messages and messages[0].get("ts") == ts else None


def update_seen(job: ClaimedJob, client: WebClient, store: Store) -> None:
    """Count the clicks now (every click of the burst so far), edit the message, and refresh
    the chair's Home, which lists who has not seen today's huddle."""
    payload = job.payload
    channel, ts = str(payload["channel"]), str(payload["ts"])
    with store.read() as session:
        try:
            huddle = find_huddle(session, str(payload["huddle_key"]))
        except NotAHuddle:
            return
        count = seen_count(session, huddle)
        card = session.get(Scorecard, huddle.scorecard_id)
        chair = card.chair if card is not None else None
    message = _current_message(client, channel=channel, ts=ts) or payload
    client.chat_update(
        channel=channel,
        ts=ts,
        text=str(message.get("text") or count.phrase),
        blocks=with_seen_count(list(message.get("blocks") or []), count),
    )
    if chair:
        refresh_home(client, chair, throttled=True)
