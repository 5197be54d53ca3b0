"""Posting a review as a meeting: the agenda (with its buttons), and the post remembered.

The review's row (:mod:`bsc_core.reviews`) keeps the channel and ts of the post — its thread
is where decisions, updates and the minutes go — and the agenda's Markdown as it stood.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.publish import PostResult, post_prepared
from bsc_core.db import Store
from bsc_core.reports.prepare import PreparedReport
from bsc_core.reports.review import ReviewData
from commands.review_loop import remember_posted_review

log = logging.getLogger(__name__)


def post_review(
    client: WebClient,
    store: Store,
    report: PreparedReport,
    *,
    channel: str | None = None,
    key: str | None = None,
) -> PostResult:
    """Post the prepared review and remember where it went.

    The post is what was promised: if remembering it fails (the database is gone for a
    moment) it is logged, and posting the review again makes its buttons work.
    """
    data = report.data
    assert isinstance(data, ReviewData)
    result = post_prepared(client, report, channel=channel, key=key)
    try:
        remember_posted_review(
            store,
            scorecard_id=data.scorecard.id,
            month=str(data.month),
            channel_id=result.channel,
            message_ts=result.ts,
            agenda=report.markdown,
        )
    except Exception:  # noqa: BLE001 - the review is posted; only its buttons are unknown
        log.exception("review %s posted (ts %s) but not remembered", data.key, result.ts)
    return result
