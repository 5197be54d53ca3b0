"""The agenda's buttons: the review's thread becomes the meeting room.

The agenda's text is one family of templates (``bsc_core/reports``); its buttons go at the
end of the message: Record decision (with a select of the red KPIs, since a red KPI's line
sits inside a section of several lines and cannot carry a button of its own), Close the
review, and an Update button per initiative (a select when there are many).
"""

from __future__ import annotations

from typing import Any

from bsc_core.reports.review import ReviewData
from commands import blockkit
from commands import blocks as bk
from commands.review_loop import (
    CLOSE_REVIEW,
    DECIDE_ON_KPI,
    RECORD_DECISION,
    UPDATE_INITIATIVE,
    review_value,
)

MAX_INITIATIVE_BUTTONS = 10
MAX_OPTIONS = 100


def option(text: str, value: str) -> dict[str, Any]:
    """A select's option (Slack: text ≤ 75 characters, value ≤ 150)."""
    return {"text": {"type": "plain_text", "text": bk.truncate(text, 75)}, "value": value[:150]}


def review_controls(data: ReviewData) -> list[bk.Block]:
    """The agenda's buttons for the review of ``data`` (see the module)."""
    value = review_value(data.scorecard.id, str(data.month))
    first: list[bk.Block] = [
        bk.button("📝 Record decision", action_id=RECORD_DECISION, value=value, style="primary")
    ]
    reds = [r for p in data.perspectives for r in p.reds]
    if reds:
        first.append(
            {
                "type": "static_select",
                "action_id": DECIDE_ON_KPI,
                "placeholder": {"type": "plain_text", "text": "Decision on a red KPI…"},
                "options": [
                    option(
                        f"🔴 {r.kpi.code} {r.kpi.name}",
                        review_value(data.scorecard.id, str(data.month), r.kpi.code),
                    )
                    for r in reds[:MAX_OPTIONS]
                ],
            }
        )
    close = bk.button("🔒 Close the review", action_id=CLOSE_REVIEW, value=value)
    close["confirm"] = {
        "title": {"type": "plain_text", "text": "Close the review?"},
        "text": {
            "type": "plain_text",
            "text": "The minutes are posted in the thread and no more decisions are taken.",
        },
        "confirm": {"type": "plain_text", "text": "Close it"},
        "deny": {"type": "plain_text", "text": "Not yet"},
    }
    first.append(close)
    blocks = [bk.actions(*first, block_id="review_controls")]
    initiatives = [i for i in data.initiatives if i.id is not None]
    if initiatives and len(initiatives) <= MAX_INITIATIVE_BUTTONS:
        blocks.append(
            bk.actions(
                *[
                    bk.button(
                        f"✏️ Update: {i.name}",
                        action_id=UPDATE_INITIATIVE,
                        value=review_value(data.scorecard.id, str(data.month), str(i.id)),
                    )
                    for i in initiatives
                ],
                block_id="review_initiatives",
            )
        )
    elif initiatives:
        blocks.append(
            bk.actions(
                {
                    "type": "static_select",
                    "action_id": UPDATE_INITIATIVE,
                    "placeholder": {"type": "plain_text", "text": "Update an initiative…"},
                    "options": [
                        option(
                            i.name,
                            review_value(data.scorecard.id, str(data.month), str(i.id)),
                        )
                        for i in initiatives[:MAX_OPTIONS]
                    ],
                },
                block_id="review_initiatives",
            )
        )
    return blocks


def with_review_controls(blocks: list[bk.Block], data: ReviewData) -> list[bk.Block]:
    """The agenda's blocks, fitted to leave room for its buttons, then the buttons."""
    controls = review_controls(data)
    return [*blockkit.fit(blocks, max_blocks=blockkit.MAX_BLOCKS - len(controls)), *controls]
