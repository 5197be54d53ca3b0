"""The huddle's Seen button: the click, and the line that says how many owners have seen it.

A click is stored in the request (:mod:`bsc_core.seen`); the message's "Seen by 7 of 12
owners" is edited by a queued job that waits a few seconds and is queued once per message
while it waits, so a burst of clicks becomes one ``chat.update``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bsc_core.db import Store
from bsc_core.jobs import enqueue
from bsc_core.reports.huddle import HuddleData
from bsc_core.seen import NotAHuddle, SeenCount, find_huddle, record_seen
from commands.reply import Caller, Reply

SEEN_ACTION = "huddle_seen"
SEEN_BLOCK = "huddle_seen"
UPDATE_SEEN = "update_seen"
#: Clicks within this time of the first one fold into one edit of the message.
UPDATE_DELAY = timedelta(seconds=3)


def seen_block(text: str, huddle_key: str) -> dict[str, Any]:
    """The huddle's last block: how many owners have seen it, and the Seen button."""
    return {
        "type": "section",
        "block_id": SEEN_BLOCK,
        "text": {"type": "mrkdwn", "text": text},
        "accessory": {
            "type": "button",
            "action_id": SEEN_ACTION,
            "text": {"type": "plain_text", "text": "👀 Seen", "emoji": True},
            "value": huddle_key,
        },
    }


def seen_text(count: SeenCount) -> str:
    return f"👀 {count.phrase}"


def huddle_seen_block(data: HuddleData) -> dict[str, Any]:
    """The block posted with a huddle: nobody has seen it yet."""
    owners = {row.kpi.owner for row in data.rows}
    return seen_block(
        f"👀 Seen by 0 of {len(owners)} owners — click *Seen* once you have read it", data.key
    )


def with_seen_count(blocks: list[dict[str, Any]], count: SeenCount) -> list[dict[str, Any]]:
    """The message's blocks with its Seen line saying ``count`` (other blocks untouched)."""
    updated = []
    for block in blocks:
        if block.get("block_id") == SEEN_BLOCK:
            key = (block.get("accessory") or {}).get("value", "")
            block = seen_block(seen_text(count), key)
        updated.append(block)
    return updated


def mark_seen(
    *,
    store: Store,
    caller: Caller,
    huddle_key: str,
    channel: str | None,
    message_ts: str | None,
    message: dict[str, Any],
) -> Reply:
    """Record the caller's click; the first one queues the message's edit."""
    with store.write() as session:
        try:
            huddle = find_huddle(session, huddle_key, lock=True)
        except NotAHuddle:
            return Reply(text="⚠️ This huddle's scorecard no longer exists. Nothing was changed.")
        first = record_seen(session, huddle=huddle, user_id=caller.user_id)
        if first and channel and message_ts:
            enqueue(
                session,
                kind=UPDATE_SEEN,
                payload={
                    "huddle_key": huddle.key,
                    "channel": channel,
                    "ts": message_ts,
                    "text": message.get("text") or "",
                    "blocks": message.get("blocks") or [],
                },
                dedupe_key=f"{UPDATE_SEEN}:{channel}:{message_ts}",
                delay=UPDATE_DELAY,
            )
    if not first:
        return Reply(text="You had already marked this huddle as seen.")
    day = huddle.day
    return Reply(text=f"👀 Thanks: you have seen the huddle of {day:%A} {day.day} {day:%B}.")
