"""Block Kit building blocks for command replies, kept inside Slack's limits.

Slack rejects a message with more than 50 blocks or a section over 3,000 characters; a reply
that is cut with "+N more" is better than one that never arrives, so every list goes through
:func:`fit_lines` and every message through :func:`fit_blocks`.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10

Block = dict[str, Any]


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER_TEXT)},
    }


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate(text, MAX_SECTION_TEXT)},
    }
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def fields(items: list[str]) -> Block:
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": truncate(t, 2000)} for t in items[:MAX_FIELDS]],
    }


def context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(text, MAX_SECTION_TEXT)}],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, 75)},
        "action_id": action_id,
        "value": truncate(value, 2000),
    }
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def fit_lines(lines: list[str], *, limit: int = MAX_SECTION_TEXT, more: str = "") -> list[str]:
    """Pack lines into section-sized chunks (each ≤ ``limit`` characters)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = truncate(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def fit_blocks(
    blocks: list[Block], *, limit: int = MAX_MESSAGE_BLOCKS, more_hint: str
) -> list[Block]:
    """Keep at most ``limit`` blocks; the last one says how many were left out and where to look."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    return [*kept, context(f"+{len(blocks) - len(kept)} more — {more_hint}")]
