"""Block Kit's limits, enforced in one place: a message is cut to fit, never rejected.

The Slack side's own module: the domain renders report text (:mod:`bsc_core.reports.render`),
and the blocks are built here.

Slack refuses a whole message when one block breaks a limit (``invalid_blocks``), so a
scorecard that grows to hundreds of KPIs would silently stop getting its huddle. Instead,
everything that is built for Slack goes through :func:`fit`, which splits long sections at
line boundaries, truncates what cannot be split, and replaces the blocks beyond the 50th
with one "+N more — /kpi list" line.
"""

from __future__ import annotations

from typing import Any

from bsc_core.reports.markup import ITEM_PREFIX, MAX_FALLBACK_TEXT, more_text, truncate

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
Block = dict[str, Any]


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER_TEXT), "emoji": True},
    }


def divider() -> Block:
    return {"type": "divider"}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 3000)}]}


def sections(text: str) -> list[Block]:
    """One or more mrkdwn sections holding ``text``, split between lines when too long."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        line = truncate(line, MAX_SECTION_TEXT)
        added = len(line) + (1 if current else 0)
        if current and size + added > MAX_SECTION_TEXT:
            chunks.append("\n".join(current))
            current, size = [], 0
            added = len(line)
        current.append(line)
        size += added
    if current:
        chunks.append("\n".join(current))
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in chunks
        if chunk.strip()
    ]


def fields_sections(fields: list[str]) -> list[Block]:
    """Sections of at most ten mrkdwn fields each."""
    return [
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": truncate(f, MAX_FIELD_TEXT)}
                for f in fields[start : start + MAX_FIELDS]
            ],
        }
        for start in range(0, len(fields), MAX_FIELDS)
    ]


def _items_in(block: Block) -> int:
    texts: list[str] = []
    if "text" in block and isinstance(block["text"], dict):
        texts.append(block["text"].get("text", ""))
    texts += [f.get("text", "") for f in block.get("fields", [])]
    texts += [e.get("text", "") for e in block.get("elements", []) if isinstance(e, dict)]
    return sum(line.startswith(ITEM_PREFIX) for t in texts for line in t.split("\n"))


def _fit_one(block: Block) -> list[Block]:
    kind = block.get("type")
    if kind == "header":
        return [header(block["text"]["text"])]
    if kind == "section" and "fields" in block and "text" not in block:
        return fields_sections([f["text"] for f in block["fields"]])
    if kind == "section" and len(block["text"]["text"]) > MAX_SECTION_TEXT:
        return sections(block["text"]["text"])
    if kind == "context" and len(block["elements"]) > MAX_CONTEXT_ELEMENTS:
        return [{**block, "elements": block["elements"][:MAX_CONTEXT_ELEMENTS]}]
    return [block]


def fit(blocks: list[Block], *, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """``blocks`` within every limit; what is cut is summarised as "+N more — /kpi list".

    N counts the item lines (``• …``) of the blocks that were dropped, or the blocks
    themselves when they held no item lines.
    """
    fitted = [piece for block in blocks for piece in _fit_one(block)]
    if len(fitted) <= max_blocks:
        return fitted
    kept, dropped = fitted[: max_blocks - 1], fitted[max_blocks - 1 :]
    while kept and kept[-1].get("type") in ("divider", "header"):
        dropped.insert(0, kept.pop())
    count = sum(_items_in(b) for b in dropped) or len(dropped)
    return [*kept, context(more_text(count))]


def check(blocks: list[Block]) -> list[str]:
    """Every limit ``blocks`` break (empty when Slack would accept them); used by tests."""
    problems = []
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for index, block in enumerate(blocks):
        text = block.get("text", {}).get("text", "") if isinstance(block.get("text"), dict) else ""
        if block.get("type") == "header" and len(text) > MAX_HEADER_TEXT:
            problems.append(f"block {index}: header of {len(text)} chars")
        if block.get("type") == "section":
            if len(text) > MAX_SECTION_TEXT:
                problems.append(f"block {index}: section of {len(text)} chars")
            if len(block.get("fields", [])) > MAX_FIELDS:
                problems.append(f"block {index}: {len(block['fields'])} fields")
            if "text" in block and not text.strip():
                problems.append(f"block {index}: empty section")
    return problems


__all__ = [
    "ITEM_PREFIX",
    "MAX_BLOCKS",
    "MAX_FALLBACK_TEXT",
    "Block",
    "check",
    "context",
    "divider",
    "fields_sections",
    "fit",
    "header",
    "more_text",
    "sections",
    "truncate",
]
