"""Reports as Block Kit: the marked-up text the core renders, turned into blocks that fit.

The core writes a report once, as mrkdwn with block markers (:mod:`bsc_core.reports.markup`);
here the markers become headers, sections, context and dividers, cut to Slack's limits by
:func:`commands.blockkit.fit`. The same text becomes the Markdown minutes in the core.
"""

from __future__ import annotations

import html

from bsc_core.reports.huddle import HuddleData
from bsc_core.reports.markup import parts
from bsc_core.reports.prepare import PreparedReport
from bsc_core.reports.render import render_huddle_slack, render_review_slack
from bsc_core.reports.review import ReviewData
from commands import blockkit
from commands.blockkit import Block
from commands.escalation_messages import huddle_escalate_buttons
from commands.seen import huddle_seen_block


def blocks_from_markup(text: str) -> list[Block]:
    """Block Kit for one rendered template, within Slack's limits."""
    blocks: list[Block] = []
    for kind, argument, lines in parts(text):
        body = "\n".join(line for line in lines if line.strip())
        if kind == "header":
            blocks.append(blockkit.header(html.unescape(argument)))
        elif kind == "divider":
            blocks.append(blockkit.divider())
        elif kind == "context" and body:
            blocks.append(blockkit.context(body))
        elif kind == "section":
            title = f"*{argument}*" if argument else ""
            blocks.extend(blockkit.sections("\n".join(t for t in (title, body) if t)))
    return blockkit.fit(blocks)


def huddle_blocks(data: HuddleData) -> list[Block]:
    """The huddle as Block Kit blocks (with Escalate buttons on a board that has one above),
    ending with its Seen line and button."""
    escalate = huddle_escalate_buttons(data)
    extra = [*([escalate] if escalate is not None else []), huddle_seen_block(data)]
    text_blocks = blockkit.fit(
        blocks_from_markup(render_huddle_slack(data)),
        max_blocks=blockkit.MAX_BLOCKS - len(extra),
    )
    return [*text_blocks, *extra]


def review_blocks(data: ReviewData) -> list[Block]:
    """The review's parent message as Block Kit blocks, with the meeting's buttons."""
    from commands.review_blocks import with_review_controls

    return with_review_controls(blocks_from_markup(render_review_slack(data)), data)


def report_blocks(report: PreparedReport) -> list[Block]:
    """The blocks of a prepared huddle or review, as they are posted."""
    if isinstance(report.data, HuddleData):
        return huddle_blocks(report.data)
    return review_blocks(report.data)
