"""Block Kit building blocks for command replies, kept inside Slack's limits.

Slack rejects a message with more than 50 blocks or a section over 3,000 characters; a reply
that is cut with "+N more" is better than one that never arrives, so every list goes through
:func:`fit_lines` and every message through :func:`fit_blocks`.
"""

from __future__ import annotations

from typing import Any

from commands.blockkit import MAX_BLOCKS as MAX_MESSAGE_BLOCKS
from commands.blockkit import (
    MAX_SECTION_TEXT,
    context,
    divider,
    header,
    truncate,
)

MAX_VIEW_BLOCKS = 100

Block = dict[str, Any]

__all__ = [
    "MAX_MESSAGE_BLOCKS",
    "actions",
    "button",
    "context",
    "divider",
    "fit_blocks",
    "fit_lines",
    "header",
    "section",
    "truncate",
]


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
